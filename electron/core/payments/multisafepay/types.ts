/**
 * MultiSafepay cloud POS payloads, as far as the till relies on them (see docs/multisafepay.md).
 *
 * Read leniently, as MultiSafepay really answers: every field the till does not strictly need may be null or
 * absent, extra fields are kept, and an id or code documented as a string may come as a number (or the reverse).
 * Only what is used is required: from an order, `status`; from a create answer, nothing but what proves it.
 */
import { z } from 'zod';

/** A string that may come as a number (ids, codes): read as a string; null or absent -> undefined. */
const looseString = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

/** A number that may come as a numeric string; null or absent -> undefined. */
const looseNumber = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  });

/** An object that may be null, absent, or (as in the documented cancel answer) empty. */
const looseObject = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .passthrough()
    .nullish()
    .transform((v) => v ?? undefined);

export const CreateOrderResponseSchema = z
  .object({
    order_id: looseString,
    session_id: looseString,
    payment_url: looseString,
    events_token: looseString,
    event_token: looseString,
    events_stream_url: looseString,
    event_stream_url: looseString,
    events_url: looseString,
  })
  .passthrough();

export interface CreatedOrder {
  orderId: string;
  sessionId?: string;
  /** Secret: stays in the main process. */
  eventsToken?: string;
  eventsStreamUrl?: string;
}

export const PaymentDetailsSchema = looseObject({
  terminal_id: looseString,
  type: looseString,
  last4: looseString,
  card_entry_mode: looseString,
  authorization_code: looseString,
  application_id: looseString,
  cardholder_verification_method: looseString,
});

export const OrderSchema = z
  .object({
    order_id: looseString,
    status: z.union([z.string().min(1), z.number()]).transform(String),
    financial_status: looseString,
    transaction_id: looseString,
    amount: looseNumber,
    currency: looseString,
    description: looseString,
    created: looseString,
    modified: looseString,
    completed: looseString,
    reason: looseString,
    reason_code: looseString,
    payment_details: PaymentDetailsSchema,
    amount_refunded: looseNumber,
    /** Refunds (and other transactions) linked to the order, as separate records. */
    related_transactions: z
      .array(z.object({ amount: looseNumber, type: looseString, status: looseString, transaction_id: looseString }).passthrough())
      .nullish()
      .transform((v) => v ?? undefined)
      .catch(undefined),
  })
  .passthrough();
export type MspOrder = z.infer<typeof OrderSchema>;

/** The answer to POST /orders/{id}/cancel: documented with no order_id; only `status` is read. */
export const CancelResponseSchema = OrderSchema;

export const TerminalSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]).transform(String),
    name: looseString,
    provider: looseString,
    active: z
      .union([z.boolean(), z.number()])
      .nullish()
      .transform((v) => (v === null || v === undefined ? undefined : Boolean(v))),
    group_id: looseString,
  })
  .passthrough();
export type MspTerminal = z.infer<typeof TerminalSchema>;

/** A page of terminals: the list itself, or `{ data: [...] }`-style wrappers are unwrapped by the client. */
export const TerminalListSchema = TerminalSchema.array();

export const PagerSchema = looseObject({
  after: looseString,
  before: looseString,
  limit: looseNumber,
  total: looseNumber,
  cursor: looseObject({ after: looseString, before: looseString }),
});

export const RefundResponseSchema = z.object({ order_id: looseString, transaction_id: looseString, refund_id: looseString }).passthrough();

export const ReceiptSchema = z
  .object({
    merchant: looseObject({ name: looseString, address: looseString }),
    order: looseObject({ amount: looseNumber, currency: looseString, transaction_id: looseString }),
    payment: looseObject({}),
    printed_on: looseString,
  })
  .passthrough();

/** One `session.order` event from the stream. */
export const OrderEventSchema = z
  .object({
    order_id: z.union([z.string().min(1), z.number()]).transform(String),
    status: z.union([z.string().min(1), z.number()]).transform(String),
    financial_status: looseString,
    session_id: looseString,
    transaction_id: looseString,
  })
  .passthrough();
export type OrderEvent = z.infer<typeof OrderEventSchema>;

export interface CreateOrderRequest {
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  terminalId: string;
  locale?: string;
}

/**
 * The shape of a value without any of its contents: field names and types only, for logging an answer that
 * could not be read (values may hold card data or tokens and never reach a log).
 */
export function describeShape(value: unknown, depth = 0): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return depth >= 2 ? 'array' : [value.length ? describeShape(value[0], depth + 1) : 'empty'];
  if (typeof value === 'object') {
    if (depth >= 2) return 'object';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 40)) out[k.slice(0, 40)] = describeShape(v, depth + 1);
    return out;
  }
  return typeof value;
}
