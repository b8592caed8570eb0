/**
 * MultiSafepay behind the till's payment-provider port (`../provider.ts`): cloud POS orders through
 * {@link MspClient}, the order's event stream through {@link OrderStream}, and MultiSafepay's statuses read by
 * `statuses.ts`. Answers are turned into provider-neutral {@link ProviderOrder}s here, and nowhere else.
 */
import type { CardDetails } from '../../../../shared/payment';
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import type {
  CreatePayment,
  CreatedPayment,
  FollowCallbacks,
  FollowTarget,
  PaymentProvider,
  ProviderOrder,
  RefundRequest,
  RefundResult,
  Subscription,
} from '../provider';
import type { MspClient } from './client';
import { readStatus } from './statuses';
import { OrderStream, type StreamAuth } from './stream';
import type { MspOrder } from './types';

export interface MultiSafepayProviderOptions {
  client: MspClient;
  /** How the events token is sent: `auto` tries it raw first (as documented), then as `Bearer` when refused. */
  streamAuth?: 'auto' | StreamAuth;
  /** The fetch the event stream uses (tests put a proxy in between). */
  fetch?: typeof fetch;
  logger?: Logger;
}

export class MultiSafepayProvider implements PaymentProvider {
  readonly client: MspClient;
  readonly followVariants: number;
  readonly readStatus = readStatus;
  readonly #streamAuth: 'auto' | StreamAuth;
  readonly #fetch: typeof fetch | undefined;
  readonly #log: Logger;

  constructor(opts: MultiSafepayProviderOptions) {
    this.client = opts.client;
    this.#streamAuth = opts.streamAuth ?? 'auto';
    this.followVariants = this.#streamAuth === 'auto' ? 2 : 1;
    this.#fetch = opts.fetch;
    this.#log = opts.logger ?? silentLogger;
  }

  create(req: CreatePayment): Promise<CreatedPayment> {
    return this.client.createOrder(req);
  }

  async get(orderId: string): Promise<ProviderOrder> {
    return toProviderOrder(await this.client.getOrder(orderId));
  }

  async cancel(orderId: string): Promise<ProviderOrder> {
    return toProviderOrder(await this.client.cancelOrder(orderId));
  }

  async refund(orderId: string, req: RefundRequest): Promise<RefundResult> {
    const res = await this.client.refund(orderId, req);
    return res.transaction_id !== undefined ? { transactionId: res.transaction_id } : {};
  }

  follow(target: FollowTarget, variant: number, cb: FollowCallbacks): Subscription {
    // Variant 0 is the configured reading (raw under `auto`), variant 1 the other one.
    const first: StreamAuth = this.#streamAuth === 'bearer' ? 'bearer' : 'raw';
    const auth: StreamAuth = variant === 0 ? first : first === 'raw' ? 'bearer' : 'raw';
    return new OrderStream(
      {
        url: target.eventsStreamUrl,
        token: target.eventsToken,
        auth,
        logger: this.#log,
        ...(this.#fetch ? { fetch: this.#fetch } : {}),
      },
      {
        onOpen: () => cb.onOpen(),
        onActivity: () => cb.onActivity(),
        onRetry: (ms) => cb.onRetry(ms),
        onOrderEvent: (e) =>
          cb.onStatus({
            orderId: e.order_id,
            status: e.status,
            ...(e.transaction_id === undefined ? {} : { transactionId: String(e.transaction_id) }),
          }),
        onError: (e) =>
          cb.onError({
            // The events token was refused (expired, or the other Authorization reading is wanted).
            refused: e.status === 401 || e.status === 403,
            ...(e.status !== undefined ? { status: e.status } : {}),
            message: e.message,
          }),
      },
    );
  }
}

/** A MultiSafepay order in the till's words. */
export function toProviderOrder(order: MspOrder): ProviderOrder {
  const out: ProviderOrder = { status: order.status, refunds: refundsOf(order) };
  if (order.order_id !== undefined) out.orderId = order.order_id;
  if (order.reason !== undefined) out.reason = order.reason;
  if (order.reason_code !== undefined) out.reasonCode = order.reason_code;
  if (order.transaction_id !== undefined) out.transactionId = order.transaction_id;
  if (order.amount !== undefined) out.amount = order.amount;
  if (order.currency !== undefined) out.currency = order.currency;
  const terminal = order.payment_details?.terminal_id;
  if (terminal !== undefined) out.terminalId = terminal;
  const card = cardOf(order);
  if (card) out.card = card;
  return out;
}

/** The card as MultiSafepay read it; undefined while its fields are still null (the card is not read yet). */
export function cardOf(order: MspOrder): CardDetails | undefined {
  const d = order.payment_details;
  if (!d || !(d.last4 || d.type || d.authorization_code)) return undefined;
  return {
    ...(d.type ? { type: d.type } : {}),
    ...(d.last4 ? { last4: d.last4 } : {}),
    ...(d.authorization_code ? { authorizationCode: d.authorization_code } : {}),
    ...(d.card_entry_mode ? { entryMode: d.card_entry_mode } : {}),
  };
}

/**
 * An order's refunds as MultiSafepay reports them: the amount refunded (its `amount_refunded`, else the sum of its
 * refund transactions, else the whole amount of an order whose status is `refunded`) and each refund transaction.
 */
function refundsOf(order: MspOrder): ProviderOrder['refunds'] {
  const related = (order.related_transactions ?? []).filter((t) => (t.type ?? 'refund').toLowerCase() === 'refund');
  const refunded =
    order.amount_refunded ??
    (related.length ? related.reduce((s, t) => s + (t.amount ?? 0), 0) : undefined) ??
    (/^refunded$/i.test(order.status) ? (order.amount ?? 0) : 0);
  return {
    refunded,
    transactions: related.map((t) => ({
      ...(t.transaction_id !== undefined ? { transactionId: t.transaction_id } : {}),
      ...(t.amount !== undefined ? { amount: t.amount } : {}),
    })),
  };
}
