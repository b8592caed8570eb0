/**
 * The payment engine's state and its durable write path: the attempts on screen, the guard, the followers, and how
 * an event becomes a new state - published, then written to the ledger and the guard in the same tick (`commit`),
 * or shown as "not saved yet" and written once there is room (`unsaved`). `PaymentEngine` (engine.ts) adds the
 * cashier's and the supervisor's actions, recovery at start and the follower's host on top of it.
 */
import { randomBytes } from 'node:crypto';
import { TillError } from '../../../shared/errors';
import type { PaymentView } from '../../../shared/payment';
import { isFinal } from '../../../shared/payment';
import type { NoticeKey } from '../../../shared/contract';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import type { PaymentProvider, ProviderOrder, StatusReading } from '../payments/provider';
import type { KeyValueStore } from '../storage/kv';
import type { Ledger } from '../ledger/ledger';
import type { Follower } from './follower';
import { loadGuard } from './guard';
import { Watches } from './watches';
import { needsReading, orderPatch, snapshot, toView, endReason } from './attempt';
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
  | 'session-closed'
  /** At the counter: a discount given (recorded, not yet answered), a manager's inline approval recorded (the action
   * it approves not run yet), and the settings of a switch between demo and a real MultiSafepay saved (the switch
   * not yet in the audit trail). */
  | 'discount-recorded'
  | 'approval-recorded'
  | 'mode-saved'
  /** Store credit (store-credit.ts): a claim taken in the shop database (the tender not written yet), a tender written. */
  | 'credit-claimed'
  | 'credit-spent';

/** How long `stop()` waits for look-ups already on their way (ms). */
const STOP_WAIT_MS = 2_000;

export class EngineCore {
  readonly timing: EngineTiming;
  readonly random: () => number;
  readonly log: Logger;
  readonly provider: () => PaymentProvider;
  /** Told when a status could not be saved (disk full...), so the cashier can be warned. */
  onStorageError: ((err: unknown) => void) | undefined;

  protected readonly store: KeyValueStore;
  protected readonly ledger: Ledger;
  protected readonly now: () => number;
  protected readonly mono: () => number;
  protected readonly failpoint: (point: FailPoint) => void;
  protected readonly randomId: () => string;
  /** Attempts on screen: every non-final one, plus final ones until the cashier starts a new sale. */
  protected readonly live = new Map<string, LiveAttempt>();
  protected readonly followers = new Map<string, Follower>();
  protected readonly listeners = new Set<(e: EngineEvent) => void>();
  protected readonly pending = new Set<Promise<unknown>>();
  protected readonly watches: Watches;
  /** Final outcomes waiting for room on the disk (see unsaved). */
  protected readonly unsavedRetry = new Map<string, NodeJS.Timeout>();
  /** Monotonic time each creating attempt's create was sent (or, after a restart, when it was picked up again). */
  protected readonly sentAt = new Map<string, number>();
  /** How many times the provider said it does not know each creating attempt. */
  protected readonly notFoundCount = new Map<string, number>();
  /** Open attempts in the ledger beyond the one per terminal the guard holds (followed to their end too). */
  protected extraOpen: AttemptRecord[] = [];
  protected stopped = false;
  /** Alarms for the cashier: a payment that went through after all, an order id used by another order. */
  onAlarm:
    | ((level: 'warning' | 'error', message: string, key: NoticeKey, params: Record<string, string | number>, orderId: string) => void)
    | undefined;
  /** Set when the guard file held something that is not a guard map: where the copy was kept. */
  readonly guardDamagedCopy: string | undefined;
  protected readonly ownInstallId: string;
  protected seq: number;
  protected active: Record<string, AttemptRecord>;

  constructor(opts: EngineOptions) {
    this.provider = opts.provider;
    this.store = opts.store;
    this.ledger = opts.ledger;
    this.log = opts.logger ?? silentLogger;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.now = opts.now ?? Date.now;
    this.mono = opts.monotonic ?? (() => performance.now());
    this.random = opts.random ?? Math.random;
    this.failpoint = opts.failpoint ?? (() => {});
    this.randomId = opts.randomId ?? (() => randomBytes(6).toString('base64url'));
    this.watches = new Watches({
      provider: () => this.provider(),
      timing: this.timing,
      log: this.log,
      ledger: this.ledger,
      now: () => this.now(),
      mono: () => this.mono(),
      stopped: () => this.stopped,
      live: (orderId) => this.live.get(orderId),
      emit: (orderId) => this.emit(orderId),
      alarm: (level, message, key, params, orderId) => this.alarm(level, message, key, params, orderId),
      pending: this.pending,
    });

    const guard = loadGuard(this.store, this.ledger, this.log, this.now());
    this.ownInstallId = guard.installId;
    this.seq = guard.seq;
    this.active = guard.active;
    this.extraOpen = guard.extraOpen;
    if (guard.damagedCopy) this.guardDamagedCopy = guard.damagedCopy;
  }

  get installId(): string {
    return this.ownInstallId;
  }

  on(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  payments(): PaymentView[] {
    return [...this.live.values()].map(toView).sort((a, b) => a.createdAt - b.createdAt);
  }

  payment(orderId: string): PaymentView | undefined {
    const l = this.live.get(orderId);
    return l && toView(l);
  }

  /** The attempt holding the terminal's guard, if any. */
  busyOrderId(terminalId: string): string | undefined {
    return this.active[terminalId]?.orderId;
  }

  /**
   * A payment is open, or one the till gave up on (not sent, released) is still looked up: an update waits, as the
   * quit warning does, so that a late outcome is not left to the next start alone.
   */
  hasPendingPayments(): boolean {
    return Object.keys(this.active).length > 0 || this.watches.lateWatching;
  }

  /** Open streams and timers of all followers: zero when nothing is being followed. */
  get openHandles(): number {
    let n = this.pending.size + this.watches.handles;
    for (const f of this.followers.values()) n += f.openHandles;
    return n;
  }

  /** Stops following (streams, timers). Non-final attempts stay in the store for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
    this.watches.stop();
    for (const t of this.unsavedRetry.values()) clearTimeout(t);
    this.unsavedRetry.clear();
    // A look-up still on its way is waited for a moment, never for as long as a stalled link would hold it: what
    // it would have recorded is read again at the next start.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /** Applies an event; persists and publishes only when something changed. */
  protected apply(orderId: string, event: AttemptEvent, patch: Partial<AttemptRecord> = {}): void {
    const live = this.live.get(orderId);
    if (!live) return;
    const cur = live.rec;
    if (isFinal(cur.state)) {
      // Card details and the amount charged can still arrive after completion (the stream says completed before
      // GET order does).
      if (cur.state === 'completed') this.watches.recordAfterPaid(orderId, cur, patch);
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
    next.updatedAt = this.now();
    const mono = this.mono();
    if (isFinal(state)) {
      next.finalAt = next.updatedAt;
      // How long since the last news is measured on the monotonic clock: a wall clock set forward or back in
      // between does not turn a cancel on the terminal into a time-out.
      const last = cur.mspStatus ? this.readStatusOf(cur.mspStatus) : undefined;
      const reason = endReason(cur, state, event, mono - live.newsAt, this.timing.terminalIdleMs, last);
      if (reason) next.reason = reason;
    }
    try {
      this.commit(live, next);
      live.newsAt = mono;
    } catch (err) {
      // Memory is back to the previous state: the follower's next read applies the same status again.
      this.log.error('could not save a payment status', { orderId, code: (err as NodeJS.ErrnoException)?.code });
      this.onStorageError?.(err);
      // An outcome is never lost or hidden for want of disk space: shown as it is, and written once there is room.
      if (isFinal(state)) this.unsaved(live, next, 0);
      return;
    }
    if (isFinal(state)) this.finished(live);
    if (next.paidAmount !== undefined && cur.paidAmount === undefined) this.watches.chargedOtherAmount(next);
  }

  /**
   * A final outcome that could not be written (the disk is full): the panel shows it at once, saying it is not saved
   * yet, and New sale may go ahead; the follower stops (the outcome is known) and the write is tried again, more
   * slowly each time, until it lands. The terminal stays held until then (the guard is written with the outcome).
   */
  protected unsaved(live: LiveAttempt, next: AttemptRecord, tries: number): void {
    if (tries === 0) {
      live.rec = {
        ...next,
        message: 'Not saved yet: the disk is full. Keep the till on - it is saved as soon as there is room.',
        messageKey: 'not_saved',
      };
      this.emit(next.orderId);
      this.followers.get(next.orderId)?.stop();
      this.followers.delete(next.orderId);
    }
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.unsavedRetry.delete(next.orderId);
        const shown = live.rec;
        try {
          this.commit(live, next);
        } catch {
          live.rec = shown;
          return this.unsaved(live, next, tries + 1);
        }
        this.log.warn('a payment outcome was saved once there was room', { orderId: next.orderId });
        this.finished(live);
        if (next.paidAmount !== undefined) this.watches.chargedOtherAmount(next);
      },
      Math.min(5_000, this.timing.backoffBaseMs * 2 ** tries),
    );
    this.unsavedRetry.set(next.orderId, timer);
  }

  /**
   * Publishes what MultiSafepay said at once, then makes it durable in the same tick: no request can run in
   * between, so nothing acts on the new state before it is on disk. If a write fails, memory goes back to the
   * previous state and the follower applies the same status again (what the screen shows stays true).
   */
  protected commit(live: LiveAttempt, next: AttemptRecord): void {
    const final = isFinal(next.state);
    const prev = { rec: live.rec, connection: live.connection };
    live.rec = next;
    if (final) live.connection = 'live';
    this.emit(next.orderId);
    try {
      this.ledger.recordAttempt(snapshot(next));
      this.failpoint(final ? 'final-journaled' : 'state-journaled');
      if (this.active[next.terminalId]?.orderId === next.orderId) {
        const active = { ...this.active };
        if (final) delete active[next.terminalId];
        else active[next.terminalId] = next;
        this.store.set({ active });
        this.active = active;
        this.failpoint(final ? 'guard-released' : 'state-stored');
      }
    } catch (err) {
      live.rec = prev.rec;
      live.connection = prev.connection;
      throw err;
    }
  }

  protected finished(live: LiveAttempt): void {
    const orderId = live.rec.orderId;
    this.followers.get(orderId)?.stop();
    this.followers.delete(orderId);
    this.sentAt.delete(orderId);
    this.notFoundCount.delete(orderId);
    if (live.rec.state === 'completed' && needsReading(live.rec)) this.watches.watchCard(live.rec, this.mono(), 0);
    this.watches.watchAfterFinal(live.rec, this.mono());
  }

  protected alarm(
    level: 'warning' | 'error',
    message: string,
    key: NoticeKey,
    params: Record<string, string | number>,
    orderId: string,
  ): void {
    this.log.warn('alarm', { level, key });
    this.onAlarm?.(level, message, key, params, orderId);
  }

  protected setMessage(orderId: string, message: string, messageKey: string): void {
    const live = this.live.get(orderId);
    if (!live) return;
    live.rec = { ...live.rec, message, messageKey };
    this.emit(orderId);
  }

  protected requireLive(orderId: string): LiveAttempt {
    const live = this.live.get(orderId);
    if (!live) throw new TillError({ code: 'not_found', message: `No payment ${orderId} on this till.` });
    return live;
  }

  /** How the provider reads a raw status. */
  protected readStatusOf(status: string): StatusReading {
    return this.provider().readStatus(status);
  }

  protected classOf(status: string): StatusReading['class'] {
    return this.readStatusOf(status).class;
  }

  protected statusEvent(status: string): AttemptEvent {
    return { type: 'status', status, reading: this.readStatusOf(status) };
  }

  protected patchOf(order: ProviderOrder): Partial<AttemptRecord> {
    return orderPatch(order, this.readStatusOf(order.status));
  }

  protected emit(orderId: string): void {
    const live = this.live.get(orderId);
    if (!live) return;
    const payment = toView(live);
    for (const l of this.listeners) l({ type: 'payment', payment });
  }
}
