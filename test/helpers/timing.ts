/** The engine's fast timings for tests (ms): short backoffs and polls, so a fault plays out in well under a second. */
export const FAST_TIMING = {
  backoffBaseMs: 10,
  backoffMaxMs: 80,
  downPollMs: 25,
  livePollMs: 200,
  createGraceMs: 300,
  streamSilenceMs: 2_000,
  readGapMs: 20,
  cardRetryMaxMs: 100,
  lateWatchPollMs: 50,
  finalWatchMs: 1_000,
};
