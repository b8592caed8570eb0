/**
 * What the simulator can be told to do wrong (faults), and how it reads what MultiSafepay leaves undocumented
 * (the dialect). Defaults are MultiSafepay's documented answers; every undocumented behaviour has a switch so
 * tests can run the till against each reading - the simulator is never kinder than MultiSafepay.
 */

export interface Faults {
  /** Delay before answering a create. */
  createDelayMs: number;
  /** Fail the next `times` creates with this answer (nothing is created). */
  createFail: { times: number; status: number; code?: number; info?: string } | null;
  /** Create the order, then drop the connection without answering, this many times. */
  createLoseResponse: number;
  /** Accept the next N creates but process each only after this delay, having already dropped the connection. */
  createProcessLateMs: number;
  createProcessLate: number;
  /** Answer the next N GET order calls with 503. */
  getFail: number;
  /** Answer the next N cancels with 503 (nothing cancelled). */
  cancelFail: number;
  /** Delay before a cancel takes effect and is answered. */
  cancelDelayMs: number;
  /** Refund the next N times, then drop the connection without answering. */
  refundLoseResponse: number;
  /** Delay before a refund is made and answered. */
  refundDelayMs: number;
  /** Drop the next N refund requests before anything is refunded (the request died on the way). */
  refundDropRequest: number;
  /** Refuse the next N stream connections with 401 (Infinity: always). */
  refuseStreams: number;
  /** The stream endpoint is down (503) - a network problem, not a refusal. */
  streamsDown: boolean;
  /** Streams answer 200 and end the body at once, every time (a proxy or a load balancer in the way). */
  streamsEndAtOnce: boolean;
  /** Each stream starts with `retry: <ms>` (the server's reconnection time); null: no retry field. */
  streamRetryMs: number | null;
  /** Which Authorization readings the stream accepts. */
  streamAuth: 'both' | 'raw' | 'bearer';
  duplicateEvents: boolean;
  /** After each event, send the order's previous event again (stale, out of order). */
  reorderEvents: boolean;
  /** Interleave comments, unknown event types, malformed data and other orders' events. */
  junkEvents: boolean;
  /** Send a very long unknown event before each real one. */
  hugeLines: boolean;
  /** Keep streams open but send nothing: no events, no keep-alives. */
  silent: boolean;
  /** The whole API hangs: requests are accepted and never answered (a stalled link). Streams stall too. */
  stalled: boolean;
}

export const NO_FAULTS: Faults = {
  createDelayMs: 0,
  createFail: null,
  createLoseResponse: 0,
  createProcessLateMs: 0,
  createProcessLate: 0,
  getFail: 0,
  cancelFail: 0,
  cancelDelayMs: 0,
  refundLoseResponse: 0,
  refundDelayMs: 0,
  refundDropRequest: 0,
  refuseStreams: 0,
  streamsDown: false,
  streamsEndAtOnce: false,
  streamRetryMs: null,
  streamAuth: 'both',
  duplicateEvents: false,
  reorderEvents: false,
  junkEvents: false,
  hugeLines: false,
  silent: false,
  stalled: false,
};

/** Readings of what MultiSafepay's documentation leaves open. Each default is the harsher one. */
export interface Dialect {
  /**
   * How a create for a busy terminal is refused. Undocumented: `http409` answers HTTP 409; `code1000` answers
   * HTTP 200 with success:false and the generic error 1000 (nothing says "busy").
   */
  busyTerminal: 'http409' | 'code1000';
  /**
   * Which key may list terminals (the docs contradict each other): `group` - the terminal group's key lists them;
   * `account` - only an account key may, so the till's group key is refused with 403.
   */
  terminalListKey: 'group' | 'account';
  /** Terminals per page of GET /terminals (the documented pager carries only `total_items`). */
  terminalPageSize: number;
  /** Ids as numbers (as in recorded answers and the message-bus types) or as strings (as in the stream docs). */
  numericIds: boolean;
  /** Transaction ids of seventeen odd digits, beyond 2^53 (the documented example id has seventeen). */
  longIds: boolean;
  /**
   * How long after completion GET order still shows the card fields as null (the stream says completed first).
   * Undocumented; 0 means at once.
   */
  cardDetailsDelayMs: number;
  /** The refund answer: the docs' example `{order_id, transaction_id}` or their schema's `{transaction_id, refund_id}`. */
  refundAnswer: 'example' | 'schema';
}

export const DOCUMENTED_DIALECT: Dialect = {
  busyTerminal: 'code1000',
  terminalListKey: 'group',
  terminalPageSize: 50,
  numericIds: true,
  longIds: true,
  cardDetailsDelayMs: 800,
  refundAnswer: 'example',
};
