/**
 * Follows one payment at the provider until the engine stops it (at a final status):
 * the provider's event stream with the events token, a read of the order on every (re)connect, capped exponential
 * backoff with jitter for reconnects, and reads while the stream is down or refused (e.g. the token expired).
 * A slow safety poll also runs while the stream is open, so a stream that goes silent cannot hide an outcome.
 *
 * A stream that opens and ends at once, again and again, must not become a storm: the backoff starts again only
 * after a stream brought news (a status the till did not have) or stayed open for `streamStableMs`, and reads of
 * the order are at least `readGapMs` apart - asks in between (open, close, poll, cashier) share one read.
 */
import type { ConnectionState } from '../../../shared/payment';
import type { Logger } from '../log';
import { type PaymentProvider, ProviderError, type ProviderOrder, type Subscription } from '../payments/provider';
import { backoffDelay } from './backoff';
import type { AttemptRecord, EngineTiming } from './types';

export interface FollowerHost {
  /** The provider to use now. */
  provider(): PaymentProvider;
  readonly timing: EngineTiming;
  readonly random: () => number;
  readonly log: Logger;
  record(orderId: string): AttemptRecord | undefined;
  onStatus(orderId: string, status: string, order?: ProviderOrder, transactionId?: string): void;
  /**
   * The provider said it does not know an attempt that is still `creating`. Returns true once that is certain
   * (asked repeatedly, past the terminal's payment window) and the attempt was declared not sent.
   */
  notFound(orderId: string): boolean;
  /**
   * An order exists under a `creating` attempt's id: adopt it only if it is this attempt's (amount, currency,
   * terminal, description). Returns false for somebody else's order; the attempt has then failed.
   */
  adopt(orderId: string, order: ProviderOrder): boolean;
  onConnection(orderId: string, state: ConnectionState): void;
}

export class Follower {
  readonly orderId: string;
  readonly #host: FollowerHost;
  #stream: Subscription | undefined;
  #streamOpen = false;
  /** No stream can be had for this payment (no events token, or refused): reads alone follow it. */
  #pollingOnly = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #silenceTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /** Which of the provider's ways of opening the stream is tried now (another after a refusal, once each). */
  #variant = 0;
  #refused = false;
  #stopped = false;
  #refreshing: Promise<void> | undefined;
  /** Stream events heard so far (to tell a GET answer older than the stream's news). */
  #events = 0;
  /** The last read of the order failed: the provider cannot be read right now. */
  #readFailed = false;
  /** The last status the till heard for this order (from the stream or a read). */
  #lastStatus: string | undefined;
  /** When the current stream opened, and whether it brought news since. */
  #openedAt = 0;
  #news = false;
  /** When the last read of the order started, and the timer of a read put off to keep reads apart. */
  #lastReadAt = -Infinity;
  #readTimer: NodeJS.Timeout | undefined;
  #endGap: (() => void) | undefined;
  /** The stream's `retry:`: the least time before a reconnect. */
  #serverRetryMs = 0;

  constructor(orderId: string, host: FollowerHost) {
    this.orderId = orderId;
    this.#host = host;
  }

  start(): void {
    const rec = this.#host.record(this.orderId);
    if (!rec) return;
    if (rec.state === 'creating') void this.#checkCreated();
    else this.#connect();
  }

  /**
   * Re-reads the order (e.g. the cashier or a reconnect asks): now, or - when the last read was less than
   * `readGapMs` ago - once that gap has passed; every ask until then is answered by that one read.
   */
  refresh(): Promise<void> {
    if (!this.#refreshing) {
      const wait = this.#lastReadAt + this.#host.timing.readGapMs - performance.now();
      const gap =
        wait > 0 && !this.#stopped
          ? new Promise<void>((resolve) => {
              this.#endGap = () => {
                clearTimeout(this.#readTimer);
                this.#readTimer = undefined;
                this.#endGap = undefined;
                resolve();
              };
              this.#readTimer = setTimeout(this.#endGap, wait);
            })
          : Promise.resolve();
      this.#refreshing = gap
        .then(() => this.#read())
        .finally(() => {
          this.#refreshing = undefined;
        });
    }
    return this.#refreshing;
  }

  stop(): void {
    this.#stopped = true;
    this.#stream?.close();
    this.#stream = undefined;
    this.#streamOpen = false;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#silenceTimer);
    this.#endGap?.(); // a read put off is not made; whoever waits for it is answered
    this.#reconnectTimer = undefined;
    this.#pollTimer = undefined;
    this.#silenceTimer = undefined;
  }

  /** Open streams and pending timers: zero once stopped. */
  get openHandles(): number {
    return (
      (this.#stream ? 1 : 0) +
      (this.#reconnectTimer ? 1 : 0) +
      (this.#pollTimer ? 1 : 0) +
      (this.#silenceTimer ? 1 : 0) +
      (this.#readTimer ? 1 : 0)
    );
  }

  /** A `creating` attempt whose create answer never arrived: did the provider get it? */
  async #checkCreated(): Promise<void> {
    if (this.#stopped) return;
    try {
      const order = await this.#host.provider().get(this.orderId);
      if (this.#stopped) return;
      this.#failures = 0;
      if (!this.#host.adopt(this.orderId, order)) return;
      this.#host.onStatus(this.orderId, order.status, order);
      if (!this.#stopped) this.#connect();
    } catch (err) {
      if (this.#stopped) return;
      const notFound = err instanceof ProviderError && err.isNotFound;
      if (notFound && this.#host.notFound(this.orderId)) return;
      // Unreachable, or not found yet while the create may still be in flight: ask again.
      this.#host.onConnection(this.orderId, notFound ? 'reconnecting' : 'offline');
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = undefined;
        void this.#checkCreated();
      }, this.#nextBackoff());
    }
  }

  #connect(): void {
    if (this.#stopped) return;
    const rec = this.#host.record(this.orderId);
    if (!rec?.eventsToken || !rec.eventsStreamUrl || this.#refused) {
      // No usable stream (an order adopted after a lost create answer has no events token; or the stream was
      // refused): follow by polling - the panel is live while the reads succeed.
      this.#pollingOnly = true;
      void this.refresh();
      this.#schedulePoll(this.#host.timing.downPollMs);
      return;
    }
    this.#stream = this.#host
      .provider()
      .follow({ orderId: this.orderId, eventsToken: rec.eventsToken, eventsStreamUrl: rec.eventsStreamUrl }, this.#variant, {
        onOpen: () => {
          if (this.#stopped) return;
          this.#streamOpen = true;
          this.#openedAt = performance.now();
          this.#news = false;
          this.#heard();
          this.#host.onConnection(this.orderId, 'live');
          // Catch up on whatever happened while we were not listening.
          void this.refresh();
          this.#schedulePoll(this.#host.timing.livePollMs);
        },
        onActivity: () => this.#heard(),
        onRetry: (ms) => {
          // The server's own reconnection time is the least the till waits (within the backoff's ceiling).
          this.#serverRetryMs = Math.min(ms, this.#host.timing.backoffMaxMs);
        },
        onStatus: (e) => {
          if (this.#stopped || e.orderId !== this.orderId) return;
          this.#events++;
          if (e.status.toLowerCase() !== this.#lastStatus) this.#news = true;
          this.#lastStatus = e.status.toLowerCase();
          this.#host.onStatus(this.orderId, e.status, undefined, e.transactionId);
        },
        onError: (e) => this.#streamFailed(e.refused, e.status),
      });
    // Until the stream opens, follow by polling; a connect that never opens (a stalled link) is abandoned like
    // a silent stream.
    this.#schedulePoll(this.#host.timing.downPollMs);
    this.#heard();
  }

  /**
   * The stream delivered something: restart the silence watchdog. A stream silent for longer than a keep-alive
   * window may be a stalled link (no FIN, no RST): it is closed and reopened, and the panel stops saying live.
   */
  #heard(): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => {
      this.#silenceTimer = undefined;
      if (this.#stopped || !this.#stream) return;
      this.#host.log.warn('stream silent past its keep-alive window; reconnecting', { orderId: this.orderId });
      this.#stream.close();
      this.#streamFailed(false, undefined);
    }, this.#host.timing.streamSilenceMs);
  }

  #streamFailed(refused: boolean, status: number | undefined): void {
    // A stream that brought news or lasted was working: the next reconnect starts from the first step again.
    if (this.#streamOpen && (this.#news || performance.now() - this.#openedAt >= this.#host.timing.streamStableMs)) this.#failures = 0;
    this.#stream = undefined;
    this.#streamOpen = false;
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
    if (this.#stopped) return;
    if (refused) {
      if (this.#variant + 1 < this.#host.provider().followVariants) {
        this.#variant++;
        this.#host.log.info('stream refused; trying the other Authorization reading', { orderId: this.orderId });
        return this.#connect();
      }
      this.#host.log.warn('stream refused; following by polling', { orderId: this.orderId, status });
      this.#refused = true;
      void this.refresh();
      this.#schedulePoll(this.#host.timing.downPollMs);
      return;
    }
    // While the provider cannot be read either, the panel keeps saying offline.
    this.#host.onConnection(this.orderId, this.#readFailed ? 'offline' : 'reconnecting');
    void this.refresh();
    this.#schedulePoll(this.#host.timing.downPollMs);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(
      () => {
        this.#reconnectTimer = undefined;
        this.#connect();
      },
      Math.max(this.#serverRetryMs, this.#nextBackoff()),
    );
  }

  #nextBackoff(): number {
    const { backoffBaseMs, backoffMaxMs } = this.#host.timing;
    return backoffDelay(this.#failures++, backoffBaseMs, backoffMaxMs, this.#host.random);
  }

  #schedulePoll(ms: number): void {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      void this.refresh().then(() => {
        if (!this.#stopped && !this.#pollTimer) {
          this.#schedulePoll(this.#streamOpen ? this.#host.timing.livePollMs : this.#host.timing.downPollMs);
        }
      });
    }, ms);
  }

  async #read(): Promise<void> {
    if (this.#stopped) return;
    try {
      const eventsBefore = this.#events;
      this.#lastReadAt = performance.now();
      const order = await this.#host.provider().get(this.orderId);
      if (this.#stopped) return;
      this.#readFailed = false;
      // A read that started before the stream's latest event may be older than it: a final status always
      // counts, a waiting one from such a read would move the panel back (e.g. PIN asked again) and is dropped.
      const cls = this.#host.provider().readStatus(order.status).class;
      const stale = this.#events !== eventsBefore && cls !== 'paid' && cls !== 'not_paid';
      if (!stale) {
        this.#lastStatus = order.status.toLowerCase();
        this.#host.onStatus(this.orderId, order.status, order);
      }
      if (this.#stopped) return;
      if (this.#streamOpen || this.#refused || this.#pollingOnly) this.#host.onConnection(this.orderId, 'live');
      else this.#host.onConnection(this.orderId, 'reconnecting');
    } catch (err) {
      if (this.#stopped) return;
      if (err instanceof ProviderError && err.isNotFound) {
        // Only a `creating` attempt can be unknown at the provider; for any other it is a glitch - keep going.
        if (this.#host.record(this.orderId)?.state === 'creating') this.#host.notFound(this.orderId);
        return;
      }
      this.#readFailed = true;
      this.#host.log.warn('GET order failed while following', {
        orderId: this.orderId,
        reason: err instanceof ProviderError ? err.kind : 'error',
      });
      if (!this.#streamOpen) this.#host.onConnection(this.orderId, 'offline');
    }
  }
}
