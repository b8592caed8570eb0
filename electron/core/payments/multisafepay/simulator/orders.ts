/**
 * The simulated MultiSafepay account: cloud POS orders, terminals and refunds, with the terminal's behaviour
 * (one payment at a time, soft and hard declines the customer may retry, 60 s inactivity expiry) and every
 * answer shaped as MultiSafepay documents it - null wherever MultiSafepay leaves a field empty.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Dialect } from './faults';

export type SimStatus = 'initialized' | 'declined' | 'completed' | 'cancelled';
export type TerminalActionName = 'approve' | 'decline' | 'soft_decline' | 'cancel';

export interface SimCard {
  type: string;
  last4: string;
  card_entry_mode: string;
  authorization_code: string;
  application_id: string;
  cardholder_verification_method: string;
  card_expiry_date: string;
  issuer_country_code: string;
}

export interface SimRefund {
  transaction_id: string;
  amount: number;
  currency: string;
  description: string;
  created: string;
  at: number;
}

export interface SimOrder {
  order_id: string;
  session_id: string;
  status: SimStatus | 'refunded' | 'partial_refunded';
  financial_status: string | null;
  transaction_id: string;
  amount: number;
  currency: string;
  description: string;
  terminal_id: string;
  locale: string | null;
  created: string;
  modified: string;
  completed: string | null;
  reason: string | null;
  reason_code: string | null;
  /** The card as read by the terminal; shown in GET order once `cardVisibleAt` has passed. */
  card: SimCard | null;
  cardVisibleAt: number;
  refunds: SimRefund[];
  /** Every status the order went through, in order: what the stream emitted. */
  history: SimStatus[];
}

export interface SimTerminal {
  id: string;
  name: string;
  busyOrderId: string | null;
}

export const DEMO_TERMINALS = [
  { id: 'DEMO0001', name: 'Counter 1' },
  { id: 'DEMO0002', name: 'Counter 2' },
  { id: 'DEMO0003', name: 'Mobile' },
];

const CARDS = ['VISA', 'MASTERCARD', 'MAESTRO', 'V PAY'];
const ENTRY_MODES = ['ICC_CONTACTLESS', 'ICC', 'MAGSTRIPE'];
export const ORDER_ID_RE = /^[A-Za-z0-9/_-]{1,50}$/;

/** MultiSafepay's timestamps: local ISO without a zone, seconds precision. */
export const mspTime = (ms = Date.now()) => new Date(ms).toISOString().slice(0, 19);
/**
 * A new transaction id: nine digits, or (`long`) seventeen odd digits beyond 2^53 like the documented
 * 17472052901237122 - an id a JavaScript number cannot hold, so only a reader that keeps the digits reads it right.
 */
export const newTransactionId = (long = false) =>
  long ? `1747205290${randomInt(100_000, 999_999)}${2 * randomInt(0, 5) + 1}` : String(randomInt(100_000_000, 999_999_999));

/** A JSON number written with exactly these digits, however long (JSON.stringify of a Number would round it). */
export const rawNumber = (digits: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);

export const isWaiting = (o: SimOrder) => o.status === 'initialized' || o.status === 'declined';

/** A value as the dialect sends ids: a number where it reads as one, else the string. */
function id(v: string, dialect: Dialect): unknown {
  return dialect.numericIds && /^[1-9]\d{0,29}$/.test(v) ? rawNumber(v) : v;
}

/** GET /orders/{id}: the documented order object, nulls and all. */
export function orderJson(o: SimOrder, dialect: Dialect, now = Date.now()) {
  const card = o.card && now >= o.cardVisibleAt ? o.card : null;
  const refunded = o.refunds.reduce((s, r) => s + r.amount, 0);
  return {
    amount: o.amount,
    amount_refunded: refunded,
    completed: o.completed,
    costs: [],
    created: o.created,
    currency: o.currency,
    custom_info: { custom_1: null, custom_2: null, custom_3: null },
    customer: {
      address1: null,
      address2: null,
      city: null,
      country: null,
      country_name: null,
      email: null,
      first_name: null,
      house_number: null,
      last_name: null,
      locale: o.locale,
      phone1: null,
      phone2: null,
      state: null,
      zip_code: null,
    },
    description: o.description,
    fastcheckout: 'NO',
    financial_status: o.financial_status,
    items: null,
    modified: o.modified,
    order_id: id(o.order_id, dialect),
    payment_details: {
      account_holder_name: null,
      account_id: null,
      application_id: card?.application_id ?? null,
      authorization_code: card?.authorization_code ?? null,
      card_acceptor_id: null,
      card_entry_mode: card?.card_entry_mode ?? null,
      card_expiry_date: card?.card_expiry_date ?? null,
      cardholder_verification_method: card?.cardholder_verification_method ?? null,
      issuer_country_code: card?.issuer_country_code ?? null,
      last4: card?.last4 ?? null,
      recurring_flow: null,
      recurring_id: null,
      recurring_model: null,
      response_code: card ? '00' : null,
      terminal_id: o.terminal_id,
      type: card?.type ?? null,
    },
    payment_methods: card
      ? [{ amount: o.amount, currency: o.currency, description: o.description, status: o.status, type: card.type }]
      : null,
    reason: o.reason,
    reason_code: o.reason_code,
    related_transactions: o.refunds.length
      ? o.refunds.map((r) => ({
          amount: r.amount,
          created: r.created,
          currency: r.currency,
          description: `Refund order ${o.transaction_id}`,
          items: null,
          modified: r.created,
          order_id: o.order_id,
          reference_transaction_id: id(o.transaction_id, dialect),
          status: 'reserved',
          transaction_id: id(r.transaction_id, dialect),
          type: 'refund',
        }))
      : null,
    status: o.status,
    transaction_id: id(o.transaction_id, dialect),
    var1: null,
    var2: null,
    var3: null,
  };
}

/** POST /orders/{id}/cancel: the documented answer for a POS order - no order_id, no amount, no transaction id. */
export function cancelJson(o: SimOrder) {
  return {
    costs: [],
    created: o.created,
    custom_info: { custom_1: null, custom_2: null, custom_3: null },
    fastcheckout: 'NO',
    financial_status: o.status === 'cancelled' ? null : o.financial_status,
    modified: o.modified,
    payment_details: {},
    payment_methods: null,
    status: o.status,
  };
}

/** GET /terminals: one terminal as documented. */
export function terminalJson(t: SimTerminal) {
  return {
    id: t.id,
    provider: 'SMARTPOS',
    name: t.name,
    code: `00000000-0000-4000-8000-${Buffer.from(t.id).toString('hex').padStart(12, '0').slice(-12)}`,
    created: '2025-05-14T09:16:56Z',
    last_updated: '2025-05-14T09:17:41Z',
    manufacturer_id: null,
    serial_number: null,
    active: true,
    group_id: 57958,
    country: null,
  };
}

export function newOrder(b: {
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  terminalId: string;
  locale: string | null;
  longIds?: boolean;
}): SimOrder {
  const now = mspTime();
  return {
    order_id: b.orderId,
    session_id: randomBytes(12).toString('base64url'),
    status: 'initialized',
    financial_status: 'initialized',
    transaction_id: newTransactionId(b.longIds),
    amount: b.amount,
    currency: b.currency,
    description: b.description,
    terminal_id: b.terminalId,
    locale: b.locale,
    created: now,
    modified: now,
    completed: null,
    reason: null,
    reason_code: null,
    card: null,
    cardVisibleAt: 0,
    refunds: [],
    history: ['initialized'],
  };
}

export function readCard(): SimCard {
  return {
    type: CARDS[randomInt(CARDS.length)]!,
    last4: String(randomInt(10_000)).padStart(4, '0'),
    card_entry_mode: ENTRY_MODES[randomInt(ENTRY_MODES.length)]!,
    authorization_code: String(randomInt(1_000_000)).padStart(6, '0'),
    application_id: 'a0000000031010',
    cardholder_verification_method: 'NONE',
    card_expiry_date: '3112',
    issuer_country_code: 'NL',
  };
}

/** Validates a create body as MultiSafepay does; returns the refusal (code, info) or the parsed order fields. */
export function checkCreate(
  b: Record<string, unknown>,
):
  | { error: [number, string] }
  | { order: { orderId: string; amount: number; currency: string; description: string; terminalId: string; locale: string | null } } {
  const orderId = typeof b.order_id === 'string' ? b.order_id : typeof b.order_id === 'number' ? String(b.order_id) : '';
  const gi = (b.gateway_info ?? {}) as Record<string, unknown>;
  const terminalId = typeof gi.terminal_id === 'string' ? gi.terminal_id : '';
  if (!ORDER_ID_RE.test(orderId)) return { error: [1000, 'Invalid order_id'] };
  if (typeof b.amount !== 'number' || !Number.isInteger(b.amount) || b.amount <= 0) return { error: [1001, 'Invalid amount'] };
  if (typeof b.currency !== 'string' || !/^[A-Z]{3}$/.test(b.currency)) return { error: [1002, 'Invalid currency'] };
  if (typeof b.description !== 'string' || b.description.length > 200) return { error: [1008, 'Invalid description'] };
  if (!terminalId) return { error: [1000, 'Invalid terminal_id'] };
  const customer = (b.customer ?? {}) as Record<string, unknown>;
  return {
    order: {
      orderId,
      amount: b.amount,
      currency: b.currency,
      description: b.description,
      terminalId,
      locale: typeof customer.locale === 'string' ? customer.locale : null,
    },
  };
}
