import type { ConnectionState } from '../../../shared/payment';
import type { AttemptSnapshot } from '../ledger/ledger';

/** What the store keeps of a non-final attempt. The events token never leaves the main process. */
export interface AttemptRecord extends AttemptSnapshot {
  eventsToken?: string;
  eventsStreamUrl?: string;
}

export interface LiveAttempt {
  rec: AttemptRecord;
  connection: ConnectionState;
  recovered: boolean;
  /** When the attempt last had news (its creation, a load at start, a status), on the monotonic clock (ms). */
  newsAt: number;
}

export interface EngineTiming {
  /** First reconnect delay of the stream; doubles up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** GET order interval while the stream is down or refused. */
  downPollMs: number;
  /** Safety GET order interval while the stream is open (covers a silent stream). */
  livePollMs: number;
  /**
   * How long after a create was sent "order not found" may still mean "not processed yet". Only after this is a
   * create with a lost answer declared never sent. Longer than the request timeout.
   */
  createGraceMs: number;
  /** How many "not found" answers it takes (the last one past createGraceMs) before a create counts as not sent. */
  notFoundAnswers: number;
  /** How long an attempt declared not sent (or released) is still looked up, and how often. */
  lateWatchMs: number;
  lateWatchPollMs: number;
  /**
   * How long a payment is still read after its final answer (ms): a cancel may cross a card being authorised, and a
   * paid order may be reversed. 0: not at all.
   */
  finalWatchMs: number;
  /** A cancel this long after the payment's last news is the terminal's own timeout (shown as "Timed out"). */
  terminalIdleMs: number;
  /** A stream that delivered nothing (no event, no comment) for this long is taken as dropped and reopened. */
  streamSilenceMs: number;
  /**
   * A stream that stayed open this long before it ended was a working stream: the reconnect backoff starts again
   * from its first step. A stream that ends sooner without news keeps the backoff growing.
   */
  streamStableMs: number;
  /** The least time between two reads of one payment's order: asks in between are answered by one read. */
  readGapMs: number;
  /** How long a completed payment's card details are asked for, and the longest wait between two asks. */
  cardWatchMs: number;
  cardRetryMaxMs: number;
}

export const DEFAULT_TIMING: EngineTiming = {
  backoffBaseMs: 500,
  backoffMaxMs: 15_000,
  downPollMs: 3_000,
  livePollMs: 15_000,
  // The terminal's 60-second payment window plus a margin.
  createGraceMs: 90_000,
  notFoundAnswers: 3,
  lateWatchMs: 15 * 60_000,
  finalWatchMs: 2 * 60_000,
  lateWatchPollMs: 20_000,
  terminalIdleMs: 55_000,
  streamSilenceMs: 45_000,
  streamStableMs: 30_000,
  readGapMs: 2_000,
  cardWatchMs: 10 * 60_000,
  cardRetryMaxMs: 30_000,
};
