/**
 * The payment engine: turns "charge this sale on that terminal" into MultiSafepay orders and follows each one to
 * its final status, without ever charging twice or losing an outcome.
 *
 * Durability: the per-terminal guard is the store's `active` map (terminal id -> its one non-final attempt),
 * written atomically before the create request is sent. Every state change is appended to the journal; a final
 * state is journaled first and only then removed from `active`, which releases the guard. A crash between any
 * two writes is repaired on the next start by re-reading the order from MultiSafepay.
 */
import { randomBytes } from 'node:crypto';
import { TillError } from '../../../shared/errors';
import { lineTotal } from '../../../shared/money';
import type { ConnectionState, PaymentView, SaleLine } from '../../../shared/payment';
import { isFinal } from '../../../shared/payment';
import type { NoticeKey, Reconciliation } from '../../../shared/contract';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { type PaymentProvider, ProviderError, type ProviderOrder, type StatusReading } from '../payments/provider';
import { storageFailure } from '../storage/disk';
import type { KeyValueStore } from '../storage/kv';
import { type AttemptSnapshot, type Ledger } from '../ledger/ledger';
import { Follower, type FollowerHost } from './follower';
import { loadGuard } from './guard';
import { checkAttempts, checkEarlierAttempts } from './reconcile';
import { Watches } from './watches';
import {
  CREATED,
  ID_USED,
  identityMismatch,
  lockedError,
  needsReading,
  NOT_SENT,
  orderPatch,
  snapshot,
  toView,
  endReason,
} from './attempt';
import { type AttemptEvent, transition } from './transitions';
import { type AttemptRecord, DEFAULT_TIMING, type EngineTiming, type LiveAttempt } from './types';

export type EngineEvent = { type: 'payment'; payment: PaymentView } | { type: 'payment_removed'; orderId: string };

export interface EngineOptions {
  /** The payment provider to use now (settings can swap it while the till is idle). */
  provider: () => PaymentProvider;
  store: KeyValueStore;
  ledger: Ledger;
  logger?: Logger;
  timing?: Partial<EngineTiming>;
  /** Wall-clock time, stored for people only. */
  now?: () => number;
  /** Monotonic time in ms for every timeout, grace and elapsed time (a wall clock can jump). */
  monotonic?: () => number;
  random?: () => number;
  /** The random part of each order id (default: 48 random bits, base64url). */
  randomId?: () => string;
  /**
   * Called right after each durable write of the payment lifecycle, with its name. Fault-injection tests use it
   * to kill the process at exactly that point (see test/integration/crash-consistency.test.ts).
   */
  failpoint?: (point: FailPoint) => void;
}

export type FailPoint =
  | 'guard-taken'
  | 'attempt-journaled'
  | 'order-created'
  | 'state-journaled'
  | 'state-stored'
  | 'final-journaled'
  | 'guard-released'
  /** A return (sales.ts): its lines and refund written (a card refund pending, not sent yet), and its refund answered. */
  | 'return-journaled'
  | 'return-sent'
  /** An exchange (sales.ts): its return and its new sale written, in one transaction. */
  | 'exchange-journaled'
  /** The drawer's durable steps (sales.ts): a session opened, its float corrected, a session closed (and handed over). */
  | 'session-opened'
  | 'float-corrected'
  | 'session-closed';

export interface ChargeRequest {
  terminalId: string;
  lines: SaleLine[];
  currency: string;
  /** Retry an unpaid sale: a new attempt of the same sale. */
  saleId?: string;
  /** Who started it (when staff sign in). */
  staff?: string;
  /** What to charge: the basket's total, or part of it (split with cash or another card). */
  amount?: number;
}

/** How long `stop()` waits for look-ups already on their way (ms). */
const STOP_WAIT_MS = 2_000;

export class PaymentEngine implements FollowerHost {
  readonly timing: EngineTiming;
  readonly random: () => number;
  readonly log: Logger;
  readonly provider: () => PaymentProvider;
  /** Told when a status could not be saved (disk full...), so the cashier can be warned. */
  onStorageError: ((err: unknown) => void) | undefined;

  readonly #store: KeyValueStore;
  readonly #ledger: Ledger;
  readonly #now: () => number;
  readonly #mono: () => number;
  readonly #failpoint: (point: FailPoint) => void;
  readonly #randomId: () => string;
  /** Attempts on screen: every non-final one, plus final ones until the cashier starts a new sale. */
  readonly #live = new Map<string, LiveAttempt>();
  readonly #followers = new Map<string, Follower>();
  readonly #listeners = new Set<(e: EngineEvent) => void>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #watches: Watches;
  /** Final outcomes waiting for room on the disk (see #unsaved). */
  readonly #unsavedRetry = new Map<string, NodeJS.Timeout>();
  /** Monotonic time each creating attempt's create was sent (or, after a restart, when it was picked up again). */
  readonly #sentAt = new Map<string, number>();
  /** How many times MultiSafepay said it does not know each creating attempt. */
  readonly #notFoundCount = new Map<string, number>();
  /** Open attempts in the ledger beyond the one per terminal the guard holds (followed to their end too). */
  #extraOpen: AttemptRecord[] = [];
  #stopped = false;
  /** Alarms for the cashier: a payment that went through after all, an order id used by another order. */
  onAlarm:
    | ((level: 'warning' | 'error', message: string, key: NoticeKey, params: Record<string, string | number>, orderId: string) => void)
    | undefined;
  /** Set when the guard file held something that is not a guard map: where the copy was kept. */
  readonly guardDamagedCopy: string | undefined;
  readonly #installId: string;
  #seq: number;
  #active: Record<string, AttemptRecord>;

  constructor(opts: EngineOptions) {
    this.provider = opts.provider;
    this.#store = opts.store;
    this.#ledger = opts.ledger;
    this.log = opts.logger ?? silentLogger;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.#now = opts.now ?? Date.now;
    this.#mono = opts.monotonic ?? (() => performance.now());
    this.random = opts.random ?? Math.random;
    this.#failpoint = opts.failpoint ?? (() => {});
    this.#randomId = opts.randomId ?? (() => randomBytes(6).toString('base64url'));
    this.#watches = new Watches({
      provider: () => this.provider(),
      timing: this.timing,
      log: this.log,
      ledger: this.#ledger,
      now: () => this.#now(),
      mono: () => this.#mono(),
      stopped: () => this.#stopped,
      live: (orderId) => this.#live.get(orderId),
      emit: (orderId) => this.#emit(orderId),
      alarm: (level, message, key, params, orderId) => this.#alarm(level, message, key, params, orderId),
      pending: this.#pending,
    });

    const guard = loadGuard(this.#store, this.#ledger, this.log, this.#now());
    this.#installId = guard.installId;
    this.#seq = guard.seq;
    this.#active = guard.active;
    this.#extraOpen = guard.extraOpen;
    if (guard.damagedCopy) this.guardDamagedCopy = guard.damagedCopy;
  }

  get installId(): string {
    return this.#installId;
  }

  on(listener: (e: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Loads every non-final attempt, shows it as recovered and reconciles it with MultiSafepay. */
  start(): void {
    for (const rec of [...Object.values(this.#active), ...this.#extraOpen]) {
      if (this.#live.has(rec.orderId)) continue;
      this.#live.set(rec.orderId, { rec, connection: 'reconnecting', recovered: true, newsAt: this.#mono() });
      // The terminal's payment window is counted again from now: "not found" is trusted only after it.
      if (rec.state === 'creating') this.#sentAt.set(rec.orderId, this.#mono());
      this.#emit(rec.orderId);
      this.#follow(rec.orderId);
      // A cancel the till was sending when it stopped: send it again (a cancel changes nothing of a finished order).
      if (rec.state === 'cancelling') this.#resendCancel(rec.orderId);
    }
    this.#watches.resume();
  }

  #resendCancel(orderId: string): void {
    const p = this.provider()
      .cancel(orderId)
      .then(
        (order) => this.#apply(orderId, this.#statusEvent(order.status), this.#patch(order)),
        (err: unknown) => {
          const why = err instanceof ProviderError ? err.cashierMessage : 'Unknown error.';
          this.#apply(
            orderId,
            { type: 'cancel_failed', previous: 'initialized' },
            { message: `The cancel did not go through: ${why}`, messageKey: 'cancel_failed' },
          );
        },
      )
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  payments(): PaymentView[] {
    return [...this.#live.values()].map(toView).sort((a, b) => a.createdAt - b.createdAt);
  }

  payment(orderId: string): PaymentView | undefined {
    const l = this.#live.get(orderId);
    return l && toView(l);
  }

  /** The attempt holding the terminal's guard, if any. */
  busyOrderId(terminalId: string): string | undefined {
    return this.#active[terminalId]?.orderId;
  }

  /**
   * A payment is open, or one the till gave up on (not sent, released) is still looked up: an update waits, as the
   * quit warning does, so that a late outcome is not left to the next start alone.
   */
  hasPendingPayments(): boolean {
    return Object.keys(this.#active).length > 0 || this.#watches.lateWatching;
  }

  /** Open streams and timers of all followers: zero when nothing is being followed. */
  get openHandles(): number {
    let n = this.#pending.size + this.#watches.handles;
    for (const f of this.#followers.values()) n += f.openHandles;
    return n;
  }

  /**
   * Starts a card payment. The guard is taken and written to disk synchronously, before the first await, so a
   * second request for the same terminal (double click, second window) is refused with `terminal_busy`.
   */
  async charge(req: ChargeRequest): Promise<PaymentView> {
    const busy = this.#active[req.terminalId];
    if (busy) {
      throw new TillError({
        code: 'terminal_busy',
        message: `Terminal ${req.terminalId} is busy with payment ${busy.orderId} - finish or cancel that one first.`,
      });
    }
    const seq = this.#seq + 1;
    const saleId = req.saleId ?? `${this.#installId}-${seq}`;
    // A random part makes every order id new, even from a data folder restored from a backup or copied to a
    // second till: MultiSafepay never sees an id twice, and an existing order is never mistaken for this one.
    const orderId = `${saleId}-${seq}-${this.#randomId()}`;
    if (orderId.length > 50) throw new TillError({ code: 'bad_request', message: 'That sale id is too long.' });
    const now = this.#now();
    const rec: AttemptRecord = {
      attemptId: orderId,
      saleId,
      orderId,
      terminalId: req.terminalId,
      amount: req.amount ?? lineTotal(req.lines),
      currency: req.currency,
      lines: req.lines,
      state: 'creating',
      seq,
      description: `Sale ${saleId}`,
      ...(req.staff ? { staff: req.staff } : {}),
      createdAt: now,
      updatedAt: now,
    };
    const active = { ...this.#active, [req.terminalId]: rec };
    try {
      this.#store.set({ active, seq });
    } catch (err) {
      throw storageFailure(err, 'the payment was not started');
    }
    this.#failpoint('guard-taken');
    try {
      this.#ledger.recordAttempt(snapshot(rec));
      this.#failpoint('attempt-journaled');
    } catch (err) {
      this.#store.set({ active: this.#active, seq: this.#seq }); // put the guard back as it was
      throw storageFailure(err, 'the payment was not started');
    }
    this.#active = active;
    this.#seq = seq;
    this.#live.set(orderId, { rec, connection: 'live', recovered: false, newsAt: this.#mono() });
    this.#emit(orderId);

    this.#sentAt.set(orderId, this.#mono());
    try {
      const created = await this.provider().create({
        orderId,
        amount: rec.amount,
        currency: rec.currency,
        description: rec.description!,
        terminalId: rec.terminalId,
      });
      this.#failpoint('order-created');
      const patch: Partial<AttemptRecord> = {};
      if (created.eventsToken) patch.eventsToken = created.eventsToken;
      if (created.eventsStreamUrl) patch.eventsStreamUrl = created.eventsStreamUrl;
      this.#apply(orderId, CREATED, patch);
      this.#follow(orderId);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'refused' && !err.isNotFound) {
        const messageKey = err.terminalBusy ? 'terminal_busy' : `refused_${err.code ?? 'other'}`;
        this.#apply(orderId, { type: 'create_refused' }, { message: err.message, messageKey });
      } else {
        // Unknown outcome (timeout, 5xx, lost answer) or "order id exists": ask MultiSafepay before anything else,
        // and adopt an existing order only if it is this attempt's.
        this.log.warn('create answer unknown; checking the order', { orderId });
        this.#setMessage(orderId, 'Checking with MultiSafepay whether the payment reached the terminal...', 'checking');
        this.#follow(orderId);
      }
    }
    return this.payment(orderId)!;
  }

  /** Cancels a waiting payment with POST /cancel. The final state is what MultiSafepay reports next. */
  async cancel(orderId: string): Promise<PaymentView> {
    const live = this.#requireLive(orderId);
    const previous = live.rec.state;
    const next = transition(previous, { type: 'cancel_requested' });
    if (next.ignored) {
      throw new TillError({
        code: 'not_allowed',
        message:
          previous === 'creating'
            ? 'The payment is still being sent to the terminal - wait a moment.'
            : 'This payment cannot be cancelled now.',
      });
    }
    this.#apply(orderId, { type: 'cancel_requested' }, { message: 'Cancelling...', messageKey: 'cancelling' });
    try {
      const order = await this.provider().cancel(orderId);
      this.#apply(orderId, this.#statusEvent(order.status), this.#patch(order));
    } catch (err) {
      const why = err instanceof ProviderError ? err.cashierMessage : 'Unknown error.';
      this.#apply(
        orderId,
        { type: 'cancel_failed', previous },
        { message: `The cancel did not go through: ${why}`, messageKey: 'cancel_failed' },
      );
      void this.#followers.get(orderId)?.refresh();
    }
    return this.payment(orderId)!;
  }

  /** Takes a final payment off the screen (New sale). */
  dismiss(orderId: string): void {
    const live = this.#requireLive(orderId);
    if (!isFinal(live.rec.state)) throw new TillError({ code: 'not_allowed', message: 'This payment is still in progress.' });
    this.#live.delete(orderId);
    for (const l of this.#listeners) l({ type: 'payment_removed', orderId });
  }

  /**
   * Supervisor action for an attempt stuck without an answer. The till first re-reads the order from
   * MultiSafepay; a payment still waiting is cancelled with POST /cancel. Whatever MultiSafepay then reports is
   * recorded with the supervisor's reason, and the terminal is released - also when the status is not final
   * (the attempt ends as failed, "released", and is still watched in case MultiSafepay later reports it paid).
   */
  async resolve(orderId: string, reason: string): Promise<PaymentView> {
    const live = this.#requireLive(orderId);
    if (isFinal(live.rec.state)) return toView(live);
    let order: ProviderOrder;
    try {
      order = await this.provider().get(orderId);
    } catch (err) {
      if (err instanceof ProviderError && err.isNotFound && this.#live.get(orderId)?.rec.state === 'creating') {
        this.#notFoundCount.set(orderId, (this.#notFoundCount.get(orderId) ?? 0) + 1);
        if (!this.#notFoundIsCertain(orderId)) {
          throw new TillError({
            code: 'not_allowed',
            message: 'MultiSafepay may still be processing this payment - try again in a minute.',
          });
        }
        this.#ledger.recordResolution(orderId, this.#now(), reason, 'not_found');
        this.#apply(orderId, { type: 'not_found' }, { message: NOT_SENT, messageKey: 'not_sent', resolvedReason: reason });
        this.#watches.watchLate(this.#live.get(orderId)!.rec);
        return this.payment(orderId)!;
      }
      throw lockedError(err);
    }
    if (live.rec.state === 'creating' && identityMismatch(live.rec, order)) {
      this.adopt(orderId, order);
      return this.payment(orderId)!;
    }
    const cls = this.#class(order.status);
    if (cls !== 'paid' && cls !== 'not_paid') {
      try {
        // Only `status` is read from a cancel answer (it has no order id, amount or card).
        const cancelled = await this.provider().cancel(orderId);
        order = { ...order, status: cancelled.status };
      } catch (err) {
        this.log.warn('cancel during resolve failed; releasing on the status read', {
          orderId,
          reason: err instanceof ProviderError ? err.kind : 'error',
        });
      }
    }
    const patch = { ...this.#patch(order), resolvedReason: reason };
    this.#ledger.recordResolution(orderId, this.#now(), reason, order.status);
    const final = this.#class(order.status);
    if (final === 'paid' || final === 'not_paid') this.#apply(orderId, this.#statusEvent(order.status), patch);
    else
      this.#apply(
        orderId,
        { type: 'released' },
        {
          ...patch,
          message: `Released by a supervisor while MultiSafepay reported "${order.status}". Check the payment in the MultiSafepay dashboard.`,
          messageKey: 'released',
        },
      );
    const after = this.#live.get(orderId)?.rec;
    if (after?.state === 'failed') this.#watches.watchLate(after);
    return this.payment(orderId)!;
  }

  /**
   * Re-reads every card attempt created in [from, to) from MultiSafepay and flags each mismatch with the journal,
   * above all an orphan payment: MultiSafepay says paid, the till recorded it as not paid.
   */
  async reconcile(from: number, to: number): Promise<Reconciliation> {
    return this.checkAttempts(
      async (after) => this.#ledger.attemptsBetween(from, to, after, 200),
      async (orderId) => this.#ledger.refundsOfOrder(orderId).some((r) => r.state === 'done'),
    );
  }

  /**
   * Checks attempts against the provider, a page at a time (`page` gives the page after a cursor, empty at the end):
   * this till's own, or every till's of the shop (shop/shop-day.ts). `refunded`: the books hold a refund done of it.
   */
  checkAttempts(
    page: (after: { createdAt: number; orderId: string } | undefined) => Promise<AttemptSnapshot[]>,
    refunded: (orderId: string) => Promise<boolean>,
  ): Promise<Reconciliation> {
    return checkAttempts({ provider: () => this.provider(), now: () => this.#now() }, page, refunded);
  }

  /**
   * Before a sale is tried again: re-reads every earlier attempt at the provider. Refuses while one of them is paid
   * (recorded at once), still open, or cannot be checked - except, with `cashIfUnreadable`, an attempt that ended
   * unpaid here and cannot be read now: its order id is returned, and it is watched for a late "paid".
   */
  checkEarlierAttempts(saleId: string, opts: { cashIfUnreadable?: boolean } = {}): Promise<string[]> {
    const ctx = { provider: () => this.provider(), now: () => this.#now(), ledger: this.#ledger, watches: this.#watches };
    return checkEarlierAttempts(ctx, saleId, opts);
  }

  /** Stops following (streams, timers). Non-final attempts stay in the store for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const f of this.#followers.values()) f.stop();
    this.#followers.clear();
    this.#watches.stop();
    for (const t of this.#unsavedRetry.values()) clearTimeout(t);
    this.#unsavedRetry.clear();
    // A look-up still on its way is waited for a moment, never for as long as a stalled link would hold it: what
    // it would have recorded is read again at the next start.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#pending]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  // ---- FollowerHost ----

  record(orderId: string): AttemptRecord | undefined {
    return this.#live.get(orderId)?.rec;
  }

  onStatus(orderId: string, status: string, order?: ProviderOrder, transactionId?: string): void {
    const patch: Partial<AttemptRecord> = order ? this.#patch(order) : { mspStatus: status };
    if (transactionId) patch.transactionId = transactionId;
    if (this.#class(status) === 'other') {
      // A status the till has no meaning for: keep waiting, and say what MultiSafepay reports.
      patch.message = `MultiSafepay reports "${status}" - waiting for a final status.`;
      patch.messageKey = 'msp_status';
    }
    this.#apply(orderId, this.#statusEvent(status), patch);
  }

  /** Whether "not found" is certain: asked often enough, and past the terminal's window since the create was sent. */
  #notFoundIsCertain(orderId: string): boolean {
    const sent = this.#sentAt.get(orderId);
    return (
      (this.#notFoundCount.get(orderId) ?? 0) >= this.timing.notFoundAnswers &&
      sent !== undefined &&
      this.#mono() - sent >= this.timing.createGraceMs
    );
  }

  notFound(orderId: string): boolean {
    const rec = this.#live.get(orderId)?.rec;
    if (!rec || rec.state !== 'creating') return false;
    this.#notFoundCount.set(orderId, (this.#notFoundCount.get(orderId) ?? 0) + 1);
    if (!this.#notFoundIsCertain(orderId)) {
      this.#setMessage(orderId, 'Checking with MultiSafepay whether the payment reached the terminal...', 'checking');
      return false;
    }
    this.#apply(orderId, { type: 'not_found' }, { message: NOT_SENT, messageKey: 'not_sent' });
    const after = this.#live.get(orderId)?.rec;
    // MultiSafepay may still process a create late: keep looking for a while.
    if (after?.state === 'failed') this.#watches.watchLate(after);
    return true;
  }

  adopt(orderId: string, order: ProviderOrder): boolean {
    const rec = this.#live.get(orderId)?.rec;
    if (!rec) return false;
    const mismatch = identityMismatch(rec, order);
    if (!mismatch) return true;
    this.log.error('order id already used by another order; not adopted', { orderId, field: mismatch });
    this.#apply(orderId, { type: 'create_refused' }, { message: ID_USED, messageKey: 'order_id_used' });
    this.#alarm(
      'error',
      `Order ${orderId} already exists at MultiSafepay with a different ${mismatch}: it is not this sale's and was not used. Nothing was charged for this sale. This happens when a data folder was restored from a backup or copied to another till - check the till's data folder.`,
      'order_id_used',
      { orderId, field: mismatch },
      orderId,
    );
    return false;
  }

  onConnection(orderId: string, state: ConnectionState): void {
    const live = this.#live.get(orderId);
    if (!live || isFinal(live.rec.state) || live.connection === state) return;
    live.connection = state;
    this.#emit(orderId);
  }

  // ---- internals ----

  #follow(orderId: string): void {
    if (this.#followers.has(orderId)) return;
    const rec = this.#live.get(orderId)?.rec;
    if (!rec || isFinal(rec.state)) return;
    const f = new Follower(orderId, this);
    this.#followers.set(orderId, f);
    f.start();
  }

  /** Applies an event; persists and publishes only when something changed. */
  #apply(orderId: string, event: AttemptEvent, patch: Partial<AttemptRecord> = {}): void {
    const live = this.#live.get(orderId);
    if (!live) return;
    const cur = live.rec;
    if (isFinal(cur.state)) {
      // Card details and the amount charged can still arrive after completion (the stream says completed before
      // GET order does).
      if (cur.state === 'completed') this.#watches.recordAfterPaid(orderId, cur, patch);
      return;
    }
    const { state } = transition(cur.state, event);
    const next: AttemptRecord = { ...cur, ...patch, state };
    if (state !== cur.state && !('message' in patch)) {
      delete next.message;
      delete next.messageKey;
    }
    if (isFinal(state)) {
      delete next.eventsToken;
      delete next.eventsStreamUrl;
    }
    if (JSON.stringify(next) === JSON.stringify(cur)) return;
    next.updatedAt = this.#now();
    const mono = this.#mono();
    if (isFinal(state)) {
      next.finalAt = next.updatedAt;
      // How long since the last news is measured on the monotonic clock: a wall clock set forward or back in
      // between does not turn a cancel on the terminal into a time-out.
      const last = cur.mspStatus ? this.#read(cur.mspStatus) : undefined;
      const reason = endReason(cur, state, event, mono - live.newsAt, this.timing.terminalIdleMs, last);
      if (reason) next.reason = reason;
    }
    try {
      this.#commit(live, next);
      live.newsAt = mono;
    } catch (err) {
      // Memory is back to the previous state: the follower's next read applies the same status again.
      this.log.error('could not save a payment status', { orderId, code: (err as NodeJS.ErrnoException)?.code });
      this.onStorageError?.(err);
      // An outcome is never lost or hidden for want of disk space: shown as it is, and written once there is room.
      if (isFinal(state)) this.#unsaved(live, next, 0);
      return;
    }
    if (isFinal(state)) this.#finished(live);
    if (next.paidAmount !== undefined && cur.paidAmount === undefined) this.#watches.chargedOtherAmount(next);
  }

  /**
   * A final outcome that could not be written (the disk is full): the panel shows it at once, saying it is not saved
   * yet, and New sale may go ahead; the follower stops (the outcome is known) and the write is tried again, more
   * slowly each time, until it lands. The terminal stays held until then (the guard is written with the outcome).
   */
  #unsaved(live: LiveAttempt, next: AttemptRecord, tries: number): void {
    if (tries === 0) {
      live.rec = {
        ...next,
        message: 'Not saved yet: the disk is full. Keep the till on - it is saved as soon as there is room.',
        messageKey: 'not_saved',
      };
      this.#emit(next.orderId);
      this.#followers.get(next.orderId)?.stop();
      this.#followers.delete(next.orderId);
    }
    if (this.#stopped) return;
    const timer = setTimeout(
      () => {
        this.#unsavedRetry.delete(next.orderId);
        const shown = live.rec;
        try {
          this.#commit(live, next);
        } catch {
          live.rec = shown;
          return this.#unsaved(live, next, tries + 1);
        }
        this.log.warn('a payment outcome was saved once there was room', { orderId: next.orderId });
        this.#finished(live);
        if (next.paidAmount !== undefined) this.#watches.chargedOtherAmount(next);
      },
      Math.min(5_000, this.timing.backoffBaseMs * 2 ** tries),
    );
    this.#unsavedRetry.set(next.orderId, timer);
  }

  /**
   * Publishes what MultiSafepay said at once, then makes it durable in the same tick: no request can run in
   * between, so nothing acts on the new state before it is on disk. If a write fails, memory goes back to the
   * previous state and the follower applies the same status again (what the screen shows stays true).
   */
  #commit(live: LiveAttempt, next: AttemptRecord): void {
    const final = isFinal(next.state);
    const prev = { rec: live.rec, connection: live.connection };
    live.rec = next;
    if (final) live.connection = 'live';
    this.#emit(next.orderId);
    try {
      this.#ledger.recordAttempt(snapshot(next));
      this.#failpoint(final ? 'final-journaled' : 'state-journaled');
      if (this.#active[next.terminalId]?.orderId === next.orderId) {
        const active = { ...this.#active };
        if (final) delete active[next.terminalId];
        else active[next.terminalId] = next;
        this.#store.set({ active });
        this.#active = active;
        this.#failpoint(final ? 'guard-released' : 'state-stored');
      }
    } catch (err) {
      live.rec = prev.rec;
      live.connection = prev.connection;
      throw err;
    }
  }

  #finished(live: LiveAttempt): void {
    const orderId = live.rec.orderId;
    this.#followers.get(orderId)?.stop();
    this.#followers.delete(orderId);
    this.#sentAt.delete(orderId);
    this.#notFoundCount.delete(orderId);
    if (live.rec.state === 'completed' && needsReading(live.rec)) this.#watches.watchCard(live.rec, this.#mono(), 0);
    this.#watches.watchAfterFinal(live.rec, this.#mono());
  }

  #alarm(level: 'warning' | 'error', message: string, key: NoticeKey, params: Record<string, string | number>, orderId: string): void {
    this.log.warn('alarm', { level, key });
    this.onAlarm?.(level, message, key, params, orderId);
  }

  #setMessage(orderId: string, message: string, messageKey: string): void {
    const live = this.#live.get(orderId);
    if (!live) return;
    live.rec = { ...live.rec, message, messageKey };
    this.#emit(orderId);
  }

  #requireLive(orderId: string): LiveAttempt {
    const live = this.#live.get(orderId);
    if (!live) throw new TillError({ code: 'not_found', message: `No payment ${orderId} on this till.` });
    return live;
  }

  /** How the provider reads a raw status. */
  #read(status: string): StatusReading {
    return this.provider().readStatus(status);
  }

  #class(status: string): StatusReading['class'] {
    return this.#read(status).class;
  }

  #statusEvent(status: string): AttemptEvent {
    return { type: 'status', status, reading: this.#read(status) };
  }

  #patch(order: ProviderOrder): Partial<AttemptRecord> {
    return orderPatch(order, this.#read(order.status));
  }

  #emit(orderId: string): void {
    const live = this.#live.get(orderId);
    if (!live) return;
    const payment = toView(live);
    for (const l of this.#listeners) l({ type: 'payment', payment });
  }
}

export { endReason, identityMismatch, paidAmountOf } from './attempt';
