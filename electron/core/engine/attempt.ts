/**
 * What the engine knows of one attempt, as pure functions: the record as stored (`snapshot`), what a provider's
 * answer changes on it (`orderPatch`), the panel's view of it (`toView`), whether an order found under its id is its
 * own (`identityMismatch`) and why it ended unpaid (`endReason`); the guard map's schema on disk.
 */
import { z } from 'zod';
import { TillError } from '../../../shared/errors';
import type { AttemptState, PaymentReason, PaymentView } from '../../../shared/payment';
import { type AttemptSnapshot, AttemptSnapshotSchema } from '../ledger/ledger';
import { ProviderError, type ProviderOrder, type StatusReading } from '../payments/provider';
import type { AttemptEvent } from './transitions';
import { type AttemptRecord, DEFAULT_TIMING, type LiveAttempt } from './types';

/** The create was answered: the terminal shows the payment and waits for the card. */
export const CREATED: AttemptEvent = {
  type: 'status',
  status: 'initialized',
  reading: { class: 'waiting', expired: false, after: undefined },
};

export const NOT_SENT = 'The payment never reached MultiSafepay. Nothing was charged.';
export const ID_USED = 'Nothing was charged - this order id was already used at MultiSafepay by another order. Try again.';

export function snapshot(rec: AttemptRecord): AttemptSnapshot {
  const { eventsToken: _t, eventsStreamUrl: _u, ...snap } = rec;
  return snap;
}

/** What an answer of the provider changes on an attempt. */
export function orderPatch(order: ProviderOrder, reading: StatusReading): Partial<AttemptRecord> {
  const patch: Partial<AttemptRecord> = { mspStatus: order.status };
  // The reason of this answer only: a reason of an earlier decline must not be shown for a later one.
  patch.mspReason = order.reason;
  patch.mspReasonCode = order.reasonCode;
  if (order.transactionId !== undefined) patch.transactionId = order.transactionId;
  const paid = paidAmountOf(order, reading);
  if (paid !== undefined) patch.paidAmount = paid;
  if (order.card) patch.card = order.card;
  return patch;
}

/** A completed attempt is read again until MultiSafepay shows its card and the amount it charged. */
export const needsReading = (rec: AttemptRecord): boolean => rec.state === 'completed' && (!rec.card || rec.paidAmount === undefined);

/** What a completed order charged (its `amount`, minor units); undefined while not paid or not said. */
export function paidAmountOf(order: ProviderOrder, reading: StatusReading): number | undefined {
  return reading.class === 'paid' && typeof order.amount === 'number' && order.amount >= 0 ? order.amount : undefined;
}

export function lockedError(err: unknown): unknown {
  if (!(err instanceof ProviderError)) return err;
  return new TillError({
    code: 'msp_error',
    message: `${err.cashierMessage} The terminal stays locked.`,
    ...(err.code !== undefined ? { mspCode: err.code } : {}),
  });
}

export function toView(l: LiveAttempt): PaymentView {
  const r = l.rec;
  const view: PaymentView = {
    attemptId: r.attemptId,
    saleId: r.saleId,
    orderId: r.orderId,
    terminalId: r.terminalId,
    amount: r.amount,
    currency: r.currency,
    lines: r.lines,
    state: r.state,
    connection: l.connection,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    recovered: l.recovered,
  };
  if (r.paidAmount !== undefined) view.paidAmount = r.paidAmount;
  if (r.message) view.message = r.message;
  if (r.messageKey) view.messageKey = r.messageKey;
  if (r.card) view.card = r.card;
  if (r.transactionId) view.transactionId = r.transactionId;
  if (r.finalAt) view.finalAt = r.finalAt;
  if (r.mspStatus) view.mspStatus = r.mspStatus;
  if (r.mspReason) view.mspReason = r.mspReason;
  if (r.mspReasonCode) view.mspReasonCode = r.mspReasonCode;
  if (r.reason) view.reason = r.reason;
  return view;
}

/**
 * Which of currency and terminal of an existing order under this attempt's id differ from the attempt's, if any.
 * The order id carries 48 random bits and is written before the create, so an order found under it with this
 * currency and terminal is this attempt's whatever its amount: a customer may add a tip on the terminal, or pay less,
 * and the amount MultiSafepay charged is recorded as it is (`paidAmount`). A field MultiSafepay left out (null) is
 * not a difference.
 */
export function identityMismatch(rec: AttemptSnapshot, order: ProviderOrder): 'currency' | 'terminal' | undefined {
  if (order.currency !== undefined && order.currency.toUpperCase() !== rec.currency.toUpperCase()) return 'currency';
  const terminal = order.terminalId;
  if (terminal !== undefined && terminal.toUpperCase() !== rec.terminalId.toUpperCase()) return 'terminal';
  return undefined;
}

const AttemptRecordSchema = AttemptSnapshotSchema.extend({ eventsToken: z.string().optional(), eventsStreamUrl: z.string().optional() });
/** The guard map on disk: terminal id -> its one open attempt. */
export const GuardSchema = z.record(z.string(), AttemptRecordSchema);

/** Why an attempt ended unpaid, as far as the till can tell (the panel's `data-reason`). */
export function endReason(
  cur: AttemptRecord,
  state: AttemptState,
  event: AttemptEvent,
  /** Milliseconds since the attempt's last news, on the monotonic clock. */
  sinceNewsMs: number,
  idleMs = DEFAULT_TIMING.terminalIdleMs,
  /** How the attempt's last provider status (`cur.mspStatus`) reads, when it has one. */
  last?: StatusReading,
): PaymentReason | undefined {
  if (state === 'failed') {
    if (event.type === 'not_found') return 'not_sent';
    if (event.type === 'released') return 'cancelled_by_till';
    return 'refused';
  }
  if (state !== 'cancelled') return undefined;
  if (cur.state === 'cancelling' || cur.resolvedReason) return 'cancelled_by_till';
  if (event.type === 'status' && event.reading.expired) return 'expired';
  if (cur.state === 'soft_declined' || last?.class === 'soft_declined') return 'declined';
  // The terminal cancels a payment nobody touched for 60 s: a cancel this long after the last news is that.
  if (sinceNewsMs >= idleMs) return 'expired';
  return 'cancelled_on_terminal';
}
