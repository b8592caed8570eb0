/**
 * The reads of a payment after the engine stopped following it: a completed one's card and charged amount
 * (`watchCard`), one declared not sent or released (`watchLate`), and any final one for a while after its answer
 * (`watchAfterFinal`: a late "paid", or a reversal). None is kept on disk: `resume` works them out from the ledger's
 * recent attempts at every start.
 */
import { formatMoney } from '../../../shared/money';
import { isFinal } from '../../../shared/payment';
import type { NoticeKey } from '../../../shared/contract';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import { type PaymentProvider, ProviderError, type ProviderOrder } from '../payments/provider';
import { identityMismatch, needsReading, orderPatch, snapshot } from './attempt';
import type { AttemptRecord, EngineTiming, LiveAttempt } from './types';

/** What the watches need of the engine. */
export interface WatchHost {
  provider(): PaymentProvider;
  readonly timing: EngineTiming;
  readonly log: Logger;
  readonly ledger: Ledger;
  /** Wall-clock time (stored), and monotonic time (every window and delay). */
  now(): number;
  mono(): number;
  stopped(): boolean;
  /** The attempt on screen, if it is. */
  live(orderId: string): LiveAttempt | undefined;
  /** Publishes the attempt on screen as it now stands. */
  emit(orderId: string): void;
  alarm(level: 'warning' | 'error', message: string, key: NoticeKey, params: Record<string, string | number>, orderId: string): void;
  /** Look-ups on their way: `stop()` waits a moment for them. */
  readonly pending: Set<Promise<unknown>>;
}

export class Watches {
  readonly #h: WatchHost;
  readonly #cardWatch = new Map<string, NodeJS.Timeout>();
  readonly #lateWatch = new Map<string, NodeJS.Timeout>();
  /** Reads of a paid order after its final answer, in case the provider reverses it (see watchAfterFinal). */
  readonly #finalWatch = new Map<string, NodeJS.Timeout>();

  constructor(host: WatchHost) {
    this.#h = host;
  }

  /** Card and late watches running (counted in the engine's `openHandles`; the reads after a final answer are not). */
  get handles(): number {
    return this.#cardWatch.size + this.#lateWatch.size;
  }

  /** An attempt the till gave up on (not sent, released) is still looked up. */
  get lateWatching(): boolean {
    return this.#lateWatch.size > 0;
  }

  /** Clears every watch's timer. */
  stop(): void {
    for (const t of this.#cardWatch.values()) clearTimeout(t);
    this.#cardWatch.clear();
    for (const t of this.#lateWatch.values()) clearTimeout(t);
    this.#lateWatch.clear();
    for (const t of this.#finalWatch.values()) clearTimeout(t);
    this.#finalWatch.clear();
  }

  #class(status: string) {
    return this.#h.provider().readStatus(status).class;
  }

  #patch(order: ProviderOrder): Partial<AttemptRecord> {
    return orderPatch(order, this.#h.provider().readStatus(order.status));
  }

  /**
   * The look-ups that outlive a restart, worked out from the ledger: the late watch of an attempt not sent or
   * released, the card and charged amount still to come of a paid one, and the reads after any final answer - each
   * for what is left of its window (counted from the attempt's final time).
   */
  resume(): void {
    const t = this.#h.timing;
    const window = Math.max(t.lateWatchMs, t.cardWatchMs, t.finalWatchMs);
    const now = this.#h.now();
    const mono = this.#h.mono();
    // A payment ends within minutes of its start: an hour more covers every attempt that can still be watched.
    const from = now - window - 60 * 60_000;
    let after: { createdAt: number; orderId: string } | undefined;
    for (;;) {
      const page = this.#h.ledger.history.attemptsBetween(from, now + 1, after, 200);
      if (!page.length) break;
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, orderId: last.orderId };
      for (const a of page) {
        if (!isFinal(a.state) || a.finalAt === undefined || this.#h.live(a.orderId)) continue;
        const since = mono - Math.max(0, now - a.finalAt);
        if (a.state === 'failed' && (a.reason === 'not_sent' || a.resolvedReason)) this.watchLate(a, since);
        else if (a.state === 'cancelled' && t.finalWatchMs > 0) this.watchLate(a, since, false, t.finalWatchMs);
        else if (a.state === 'completed') {
          if (needsReading(a)) this.watchCard(a, since, 0);
          if (t.finalWatchMs > 0) this.#watchReversal(a, since, 0);
        }
      }
    }
  }

  /**
   * Reads a completed order until MultiSafepay shows its card (type, last4, authorization code, entry mode),
   * backing off up to `cardRetryMaxMs`, for `cardWatchMs` - also after the cashier started a new sale.
   */
  watchCard(rec: AttemptRecord, since: number, tries: number): void {
    if (this.#h.stopped() || this.#cardWatch.has(rec.orderId)) return;
    if (this.#h.mono() - since > this.#h.timing.cardWatchMs) {
      this.#h.log.warn('card details never arrived', { orderId: rec.orderId });
      return;
    }
    const delay = tries === 0 ? 0 : Math.min(this.#h.timing.cardRetryMaxMs, this.#h.timing.backoffBaseMs * 2 ** (tries - 1));
    const timer = setTimeout(() => {
      const p = this.#h
        .provider()
        .get(rec.orderId)
        .then((order) => this.#patch(order))
        .catch(() => undefined)
        .then((patch) => {
          this.#cardWatch.delete(rec.orderId);
          const latest = this.#h.live(rec.orderId)?.rec ?? this.#h.ledger.attempt(rec.orderId) ?? rec;
          const after = patch ? this.recordAfterPaid(rec.orderId, latest, patch) : latest;
          if (needsReading(after)) this.watchCard(after, since, tries + 1);
        })
        .finally(() => this.#h.pending.delete(p));
      this.#h.pending.add(p);
    }, delay);
    this.#cardWatch.set(rec.orderId, timer);
  }

  /**
   * An attempt declared not sent (or released by a supervisor) is still looked up for `lateWatchMs`: if
   * MultiSafepay reports it after all, the ledger records the real outcome and the cashier is alarmed.
   */
  watchLate(rec: AttemptRecord, since = this.#h.mono(), warned = false, afterFinalMs?: number): void {
    const watches = afterFinalMs === undefined ? this.#lateWatch : this.#finalWatch;
    if (this.#h.stopped() || watches.has(rec.orderId)) return;
    if (this.#h.mono() - since > (afterFinalMs ?? this.#h.timing.lateWatchMs)) return;
    const timer = setTimeout(() => {
      const p = this.#h
        .provider()
        .get(rec.orderId)
        .then(
          (order) => order,
          (err: unknown) => (err instanceof ProviderError && err.isNotFound ? null : undefined),
        )
        .then((order) => {
          watches.delete(rec.orderId);
          if (order === null || order === undefined) return this.watchLate(rec, since, warned, afterFinalMs);
          if (identityMismatch(rec, order)) return; // somebody else's order: nothing of this sale's
          const cls = this.#class(order.status);
          if (cls === 'paid') return this.lateOutcome(rec, order);
          // After a cancel, "cancelled" is what is expected: keep reading until the window ends.
          if (cls === 'not_paid') return afterFinalMs === undefined ? undefined : this.watchLate(rec, since, warned, afterFinalMs);
          if (!warned)
            this.#h.alarm(
              'warning',
              `MultiSafepay shows payment ${rec.orderId} (${formatMoney(rec.amount, rec.currency)}) waiting on terminal ${rec.terminalId} after all - do not take another payment for that sale until it ends.`,
              'late_waiting',
              { orderId: rec.orderId, amount: rec.amount, currency: rec.currency, terminalId: rec.terminalId },
              rec.orderId,
            );
          this.watchLate(rec, since, true, afterFinalMs);
        })
        .finally(() => this.#h.pending.delete(p));
      this.#h.pending.add(p);
    }, this.#h.timing.lateWatchPollMs);
    watches.set(rec.orderId, timer);
  }

  /**
   * A final answer is not always the last word: a cancel can cross a card being authorised, and an approval can be
   * reversed (void) when the card declines the last step. For `finalWatchMs` after any final state the order is
   * read again, less often as time goes by: a later "paid" for an unpaid attempt is recorded as paid after all, a
   * later "not paid" for a paid one raises the "reversed" alarm. These reads are not counted in `openHandles`.
   */
  watchAfterFinal(rec: AttemptRecord, since: number): void {
    if (this.#h.timing.finalWatchMs <= 0 || rec.state === 'failed') return; // refused or not sent: see notFound/resolve
    if (rec.state !== 'completed') return this.watchLate(rec, since, false, this.#h.timing.finalWatchMs);
    this.#watchReversal(rec, since, 0);
  }

  #watchReversal(rec: AttemptRecord, since: number, tries: number): void {
    if (this.#h.stopped() || this.#finalWatch.has(rec.orderId)) return;
    const delay = this.#h.timing.lateWatchPollMs * 2 ** tries;
    if (this.#h.mono() + delay - since > this.#h.timing.finalWatchMs) return;
    const timer = setTimeout(() => {
      const p = this.#h
        .provider()
        .get(rec.orderId)
        .then(
          (order) => order,
          () => undefined,
        )
        .then((order) => {
          this.#finalWatch.delete(rec.orderId);
          if (order && this.#class(order.status) === 'not_paid' && !identityMismatch(rec, order)) return this.#reversed(rec, order);
          this.#watchReversal(rec, since, tries + 1);
        })
        .finally(() => this.#h.pending.delete(p));
      this.#h.pending.add(p);
    }, delay);
    this.#finalWatch.set(rec.orderId, timer);
  }

  /** MultiSafepay reports a paid payment as not paid after all (void, cancelled, expired): record it, say so loudly. */
  #reversed(rec: AttemptRecord, order: ProviderOrder): void {
    this.#recordLate(rec, 'a reversed payment', {
      mspStatus: order.status,
      message: `MultiSafepay reports this payment as "${order.status}" after it was paid - it did not go through.`,
      messageKey: 'reversed',
      updatedAt: this.#h.now(),
    });
    this.#h.alarm(
      'error',
      `Payment ${rec.orderId} of ${formatMoney(rec.paidAmount ?? rec.amount, rec.currency)} for sale ${rec.saleId} was reversed by MultiSafepay ("${order.status}") after it was paid - the customer has not paid. Take the payment again.`,
      'reversed',
      { orderId: rec.orderId, amount: rec.paidAmount ?? rec.amount, currency: rec.currency, saleId: rec.saleId, status: order.status },
      rec.orderId,
    );
  }

  /** Records what MultiSafepay said after a final answer on the attempt as it stands, and shows it if on screen. */
  #recordLate(rec: AttemptRecord, what: string, change: Partial<AttemptRecord>): AttemptRecord {
    const base = this.#h.live(rec.orderId)?.rec ?? this.#h.ledger.attempt(rec.orderId) ?? rec;
    const next: AttemptRecord = { ...base, ...change };
    try {
      this.#h.ledger.recordAttempt(snapshot(next));
    } catch (err) {
      this.#h.log.error(`could not record ${what}`, { orderId: rec.orderId, code: (err as NodeJS.ErrnoException)?.code });
    }
    const live = this.#h.live(rec.orderId);
    if (live) {
      live.rec = next;
      this.#h.emit(rec.orderId);
    }
    return next;
  }

  /** A payment the till had given up on went through after all: record it as paid, and say so loudly. */
  lateOutcome(rec: AttemptRecord, order: ProviderOrder): void {
    const now = this.#h.now();
    const next = this.#recordLate(rec, 'a late payment', {
      ...this.#patch(order),
      state: 'completed',
      message: 'This payment went through after all.',
      messageKey: 'late_paid',
      updatedAt: now,
      finalAt: now,
    });
    this.#h.alarm(
      'error',
      `Payment ${rec.orderId} of ${formatMoney(rec.amount, rec.currency)} on terminal ${rec.terminalId} went through after all - the customer has paid for sale ${rec.saleId}. If the sale was paid again another way, refund one of them.`,
      'late_paid',
      { orderId: rec.orderId, amount: rec.amount, currency: rec.currency, terminalId: rec.terminalId, saleId: rec.saleId },
      rec.orderId,
    );
    if (!next.card) this.watchCard(next, this.#h.mono(), 0);
  }

  /**
   * Records what a read after completion adds: the card (once) and the amount MultiSafepay charged (once). Returns
   * the attempt as it now stands.
   */
  recordAfterPaid(orderId: string, rec: AttemptRecord, patch: Partial<AttemptRecord>): AttemptRecord {
    const add: Partial<AttemptRecord> = {};
    if (patch.card && !rec.card) add.card = patch.card;
    if (patch.paidAmount !== undefined && rec.paidAmount === undefined) add.paidAmount = patch.paidAmount;
    if (!add.card && add.paidAmount === undefined) return rec;
    const next: AttemptRecord = { ...rec, ...add, updatedAt: this.#h.now() };
    try {
      this.#h.ledger.recordAttempt(snapshot(next));
    } catch (err) {
      this.#h.log.error('could not save what MultiSafepay read after the payment', { orderId, code: (err as NodeJS.ErrnoException)?.code });
      if (!this.#cardWatch.has(orderId)) this.watchCard(rec, this.#h.mono(), 1);
      return rec;
    }
    const live = this.#h.live(orderId);
    if (live) {
      live.rec = next;
      this.#h.emit(orderId);
    }
    if (add.paidAmount !== undefined) this.chargedOtherAmount(next);
    return next;
  }

  /**
   * MultiSafepay charged another amount than the till asked for: more is a tip the customer added on the terminal
   * (kept apart from the sale and its VAT); less leaves the rest of the sale due. Either way the cashier is told.
   */
  chargedOtherAmount(rec: AttemptRecord): void {
    const paid = rec.paidAmount;
    if (paid === undefined || paid === rec.amount) return;
    const params = {
      orderId: rec.orderId,
      amount: rec.amount,
      paid,
      currency: rec.currency,
      saleId: rec.saleId,
      ...(paid > rec.amount ? { tip: paid - rec.amount } : { due: rec.amount - paid }),
    };
    if (paid > rec.amount)
      this.#h.alarm(
        'warning',
        `Payment ${rec.orderId} charged ${formatMoney(paid, rec.currency)} for ${formatMoney(rec.amount, rec.currency)}: the customer added a tip of ${formatMoney(paid - rec.amount, rec.currency)} on the terminal.`,
        'paid_tip',
        params,
        rec.orderId,
      );
    else
      this.#h.alarm(
        'error',
        `Payment ${rec.orderId} charged only ${formatMoney(paid, rec.currency)} of ${formatMoney(rec.amount, rec.currency)} - ${formatMoney(rec.amount - paid, rec.currency)} of sale ${rec.saleId} is still due.`,
        'paid_less',
        params,
        rec.orderId,
      );
  }
}
