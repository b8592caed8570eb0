/** MultiSafepay cloud POS payloads, as far as the till relies on them (see docs/multisafepay.md). */
import { z } from 'zod';

export const CreateOrderResponseSchema = z
  .object({
    order_id: z.string(),
    session_id: z.string().optional(),
    payment_url: z.string().optional(),
    events_token: z.string().optional(),
    event_token: z.string().optional(),
    events_stream_url: z.string().optional(),
    event_stream_url: z.string().optional(),
    events_url: z.string().optional(),
  })
  .passthrough();

export interface CreatedOrder {
  orderId: string;
  sessionId?: string;
  /** Secret: stays in the main process. */
  eventsToken?: string;
  eventsStreamUrl?: string;
}

export const PaymentDetailsSchema = z
  .object({
    terminal_id: z.string().optional(),
    type: z.string().optional(),
    last4: z.union([z.string(), z.number()]).optional(),
    card_entry_mode: z.string().optional(),
    authorization_code: z.string().optional(),
    application_id: z.string().optional(),
    cardholder_verification_method: z.string().optional(),
  })
  .passthrough();

export const OrderSchema = z
  .object({
    order_id: z.string(),
    status: z.string(),
    financial_status: z.string().optional(),
    transaction_id: z.union([z.string(), z.number()]).optional(),
    amount: z.number().optional(),
    currency: z.string().optional(),
    created: z.string().optional(),
    modified: z.string().optional(),
    completed: z.string().nullable().optional(),
    reason: z.string().optional(),
    payment_details: PaymentDetailsSchema.optional(),
  })
  .passthrough();
export type MspOrder = z.infer<typeof OrderSchema>;

export const TerminalSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    provider: z.string().optional(),
    active: z.boolean().optional(),
    group_id: z.union([z.string(), z.number()]).optional(),
  })
  .passthrough();
export type MspTerminal = z.infer<typeof TerminalSchema>;

export const RefundResponseSchema = z
  .object({ order_id: z.string().optional(), transaction_id: z.union([z.string(), z.number()]).optional() })
  .passthrough();

export const ReceiptSchema = z
  .object({
    merchant: z.object({ name: z.string().optional(), address: z.string().optional() }).passthrough().optional(),
    order: z.object({ amount: z.number().optional(), currency: z.string().optional() }).passthrough().optional(),
    payment: z.object({}).passthrough().optional(),
    printed_on: z.string().optional(),
  })
  .passthrough();

/** One `session.order` event from the stream. */
export const OrderEventSchema = z
  .object({
    order_id: z.string(),
    status: z.string(),
    financial_status: z.string().optional(),
    session_id: z.string().optional(),
    transaction_id: z.union([z.string(), z.number()]).optional(),
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
