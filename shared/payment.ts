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
}

/** What the till records of one payment attempt (journal and screen alike). */
export interface AttemptFields {
  attemptId: string;
  saleId: string;
  orderId: string;
  terminalId: string;
  amount: number;
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

/** What the renderer sees of one payment attempt. Never holds tokens or keys. */
export interface PaymentView extends AttemptFields {
  connection: ConnectionState;
  /** Loaded from disk after a restart. */
  recovered: boolean;
}
