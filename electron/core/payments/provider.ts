/**
 * The payment-provider port: everything the payment engine, the sales book and the ledger need from whoever runs
 * the card terminals, in the till's own words. A provider (MultiSafepay today, `payments/multisafepay/`) implements
 * it; the engine, the follower, the state machine and the ledger import this file and never a provider's folder.
 *
 * Money is in integer minor units (cents) throughout; times are in milliseconds. Every call that reaches the
 * provider fails with a {@link ProviderError}, never with another error type, so callers can tell a refusal (the
 * call had no effect) from an unknown outcome (it may have taken effect).
 */
import type { CardDetails } from '../../../shared/payment';

/**
 * What a provider's raw status means to the till (the engine branches on these and nothing else):
 * - `waiting`: the terminal is waiting for or reading the card;
 * - `soft_declined`: the card was declined, but the terminal asks again (never final);
 * - `paid`: final, paid (also paid and later refunded or charged back);
 * - `not_paid`: final, not paid (cancelled, voided, expired);
 * - `other`: a status the till has no meaning for: waiting, with the status shown, never auto-cancelled.
 */
export type StatusClass = 'waiting' | 'soft_declined' | 'paid' | 'not_paid' | 'other';

/** What happened to a paid payment afterwards at the provider, if anything. */
export type AfterPayment = 'refunded' | 'partial_refunded' | 'chargedback';

/** How the till reads one raw status of the provider. */
export interface StatusReading {
  class: StatusClass;
  /** The provider ended the payment because nobody finished it in time (shown as "Timed out"). */
  expired: boolean;
  /** A paid payment was since refunded (in part) or charged back; undefined otherwise. */
  after: AfterPayment | undefined;
}

/** Reads a raw provider status (as stored in the ledger and the contract's `mspStatus`). Pure; never throws. */
export type StatusReader = (status: string) => StatusReading;

/** A payment to start on a terminal. */
export interface CreatePayment {
  /** The till's own id for the payment (at most 50 characters); the provider's order is known by it from then on. */
  orderId: string;
  /** Minor units. */
  amount: number;
  /** ISO 4217, e.g. EUR. */
  currency: string;
  description: string;
  terminalId: string;
  locale?: string;
}

/** The answer to a create: the payment exists and the terminal shows it. */
export interface CreatedPayment {
  orderId: string;
  /**
   * The secret token and URL of the provider's live event stream for this payment, when it has one (the till keeps
   * them in the main process only, in the guard). Without them the payment is followed by reads.
   */
  eventsToken?: string;
  eventsStreamUrl?: string;
}

/** A refund of a payment, or of part of it, at the provider. */
export interface RefundRequest {
  currency: string;
  /** Minor units; undefined refunds what is left. */
  amount?: number;
  description: string;
}

export interface RefundResult {
  /** The provider's id of the refund transaction, when it gave one. */
  transactionId?: string;
}

/** One refund the provider reports on a payment (made by this till, another till or the provider's dashboard). */
export interface ProviderRefund {
  transactionId?: string;
  /** Minor units, when the provider says. */
  amount?: number;
}

/**
 * A payment as the provider reports it now. Fields the provider left out (null, absent, not known yet) are
 * undefined; only `status` is always there.
 */
export interface ProviderOrder {
  orderId?: string;
  /** The provider's raw status; read it with {@link PaymentProvider.readStatus}. */
  status: string;
  /** The provider's reason for this status (a decline's reason), and its code. */
  reason?: string;
  reasonCode?: string;
  transactionId?: string;
  /** What the payment is for, or (once paid) what was charged, in minor units. */
  amount?: number;
  currency?: string;
  /** The terminal the payment is on. */
  terminalId?: string;
  /** The card, once the provider has read it. */
  card?: CardDetails;
  /** What was refunded of the payment so far (minor units) and each refund transaction. */
  refunds: { refunded: number; transactions: ProviderRefund[] };
}

/** Callbacks of a followed payment's event stream. None is called after `close()`. */
export interface FollowCallbacks {
  onOpen(): void;
  /** Anything arrived on the stream (an event, a comment, a keep-alive): the provider is being heard now. */
  onActivity(): void;
  /** A status event for a payment (not necessarily this one: compare the order id). */
  onStatus(event: { orderId: string; status: string; transactionId?: string }): void;
  /** The stream asks a client to wait this long (ms) before it reconnects. */
  onRetry(ms: number): void;
  /**
   * The stream ended or could not open. `refused`: the provider refused the token (try the next variant, else follow
   * by reads); `status` is the HTTP status when the server answered with one.
   */
  onError(error: { refused: boolean; status?: number; message: string }): void;
}

/** An open event stream. It never reconnects by itself: the follower decides when. */
export interface Subscription {
  close(): void;
}

/** What a stream is opened with: the payment, and the token and URL its create answer gave. */
export interface FollowTarget {
  orderId: string;
  eventsToken: string;
  eventsStreamUrl: string;
}

/** Whether a provider error is a refusal (no effect) or an unknown outcome (it may have taken effect). */
export type ProviderErrorKind = 'refused' | 'unknown_outcome';

/**
 * The one error type of every provider call. `message` is a sentence for the cashier with the provider's code;
 * `cashierMessage` is the sentence alone.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  /** The provider's own error code, kept for support (the contract's `mspCode`). */
  readonly code: number | undefined;
  readonly cashierMessage: string;
  /** The provider itself says the payment does not exist (never a guess from a proxy's 404). */
  readonly isNotFound: boolean;
  /** A create was refused because the terminal is busy with another payment. */
  readonly terminalBusy: boolean;
  /** The provider asked the till to wait this long (ms) before calling again (rate limit, maintenance). */
  readonly retryAfterMs: number | undefined;

  constructor(opts: {
    kind: ProviderErrorKind;
    cashierMessage: string;
    message?: string;
    code?: number | undefined;
    isNotFound?: boolean;
    terminalBusy?: boolean;
    retryAfterMs?: number | undefined;
  }) {
    super(opts.message ?? opts.cashierMessage);
    this.name = 'ProviderError';
    this.kind = opts.kind;
    this.code = opts.code;
    this.cashierMessage = opts.cashierMessage;
    this.isNotFound = opts.isNotFound ?? false;
    this.terminalBusy = opts.terminalBusy ?? false;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * A payment provider with card terminals. Every method that calls the provider rejects with a
 * {@link ProviderError} only.
 */
export interface PaymentProvider {
  /** Starts a payment on a terminal. Never retried (a retried create could charge twice). */
  create(req: CreatePayment): Promise<CreatedPayment>;
  /** Reads a payment as the provider reports it now; `isNotFound` when the provider does not know it. */
  get(orderId: string): Promise<ProviderOrder>;
  /** Asks the provider to cancel a waiting payment; the answer's `status` is the outcome (other fields may be missing). */
  cancel(orderId: string): Promise<ProviderOrder>;
  /** Refunds a paid payment, or part of it. Never retried. */
  refund(orderId: string, req: RefundRequest): Promise<RefundResult>;
  /**
   * How many ways of opening a payment's event stream the provider has (e.g. two readings of the token). After a
   * refused stream the follower tries the next variant once before following by reads alone.
   */
  readonly followVariants: number;
  /** Opens the event stream of one payment with variant `variant` (0-based, below `followVariants`). */
  follow(target: FollowTarget, variant: number, cb: FollowCallbacks): Subscription;
  /** Reads a raw status of this provider. */
  readStatus: StatusReader;
}
