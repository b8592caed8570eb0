/** Attempt states; also the UI's `data-status` values (public contract). */
export const ATTEMPT_STATES = ['creating', 'initialized', 'soft_declined', 'cancelling', 'completed', 'cancelled', 'failed'] as const;
export type AttemptState = (typeof ATTEMPT_STATES)[number];

export const FINAL_STATES: ReadonlySet<AttemptState> = new Set(['completed', 'cancelled', 'failed']);
export const isFinal = (s: AttemptState): boolean => FINAL_STATES.has(s);

/** How sure the till is about a payment's status (`data-connection`). */
export const CONNECTION_STATES = ['live', 'reconnecting', 'offline'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/**
 * Why a payment ended unpaid (the panel's `data-reason`, public contract): a declined card, a cancel on the
 * terminal or from the till, the terminal's timeout, a payment that never reached MultiSafepay, or a refusal.
 */
export const PAYMENT_REASONS = ['declined', 'cancelled_on_terminal', 'cancelled_by_till', 'expired', 'not_sent', 'refused'] as const;
export type PaymentReason = (typeof PAYMENT_REASONS)[number];

export interface CardDetails {
  type?: string;
  last4?: string;
  authorizationCode?: string;
  entryMode?: string;
}

export interface SaleLine {
  name: string;
  unitPrice: number; // minor units, VAT included
  quantity: number;
  /** VAT rate in percent (e.g. 21, 9, 0); filled in from Settings when a line comes without one. */
  vatRate?: number;
  /** The catalog product it was made from; absent on typed amounts and on lines recorded before the catalog. */
  productId?: number;
  /** A discount on the line (minor units off unitPrice x quantity), with its id and reason. */
  discount?: LineDiscount;
}

export interface LineDiscount {
  id: string;
  amount: number;
  reason: string;
  percent?: number;
}

/** What the till records of one payment attempt (journal and screen alike). */
export interface AttemptFields {
  attemptId: string;
  saleId: string;
  orderId: string;
  terminalId: string;
  /** What the till asked the terminal to charge, in minor units. */
  amount: number;
  /**
   * What MultiSafepay reports it charged once the payment completed (its order's `amount`), in minor units. More
   * than `amount` is a tip the customer added on the terminal; less leaves the rest of the sale due. Absent until
   * MultiSafepay said, and on attempts recorded before the till kept it (read as `amount`).
   */
  paidAmount?: number;
  currency: string;
  lines: SaleLine[];
  state: AttemptState;
  /** A sentence for the cashier (English): why it failed, or what the till is doing. */
  message?: string;
  /** Names the message so the UI can show it in the cashier's language (e.g. `not_sent`, `refused_1032`). */
  messageKey?: string;
  card?: CardDetails;
  transactionId?: string;
  /** The order status exactly as MultiSafepay last reported it (e.g. `chargedback`), and its reason. */
  mspStatus?: string;
  mspReason?: string;
  /** MultiSafepay's reason code with its reason (e.g. for a decline), as it sent it. */
  mspReasonCode?: string;
  /** Why it ended unpaid, once final and unpaid. */
  reason?: PaymentReason;
  createdAt: number;
  updatedAt: number;
  finalAt?: number;
}

/** The amounts of a card attempt, in minor units; `whole` stands in for an `amount` not recorded (the sale's total). */
type Charged = { amount?: number | undefined; paidAmount?: number | undefined };

/** What a completed card attempt charged: MultiSafepay's amount once it said, else what the till asked for. */
export const chargedOf = (a: Charged, whole: number): number => a.paidAmount ?? a.amount ?? whole;
/** The tip the customer added on the terminal: what was charged above what the till asked for (never negative). */
export const tipOf = (a: Charged, whole: number): number => Math.max(0, chargedOf(a, whole) - (a.amount ?? whole));
/** What a completed card attempt paid of its sale: what it charged, less any tip (kept apart from the sale). */
export const salePartOf = (a: Charged, whole: number): number => Math.min(chargedOf(a, whole), a.amount ?? whole);

/** What the renderer sees of one payment attempt. Never holds tokens or keys. */
export interface PaymentView extends AttemptFields {
  connection: ConnectionState;
  /** Loaded from disk after a restart. */
  recovered: boolean;
}
