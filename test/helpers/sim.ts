import { randomBytes } from 'node:crypto';
import { MspClient } from '../../electron/core/payments/multisafepay/client';
import { Simulator, type SimulatorOptions } from '../../electron/core/payments/multisafepay/simulator/simulator';

export const TEST_KEY = `test_${randomBytes(16).toString('hex')}`;

/** Starts a simulator on a loopback port with fast timings for tests. */
export async function startSim(opts: Partial<SimulatorOptions> = {}) {
  const sim = new Simulator({
    apiKey: TEST_KEY,
    approvalDelayMs: 5,
    softDeclineRetryMs: 5,
    keepAliveMs: 100, // within the till's silence window (FAST_TIMING.streamSilenceMs)
    ...opts,
  });
  const root = await sim.start();
  // Reads unpaced: the tests of pacing make their own client.
  const client = new MspClient({ baseUrl: root, apiKey: TEST_KEY, timeoutMs: 2000, retryDelayMs: 10, readsPerSecond: 1000 });
  return { sim, root, client };
}

/** Resolves when `check` returns a truthy value, re-checking on every event-loop turn (no fixed sleeps). */
export async function until<T>(check: () => T | undefined | null | false, what = 'condition', timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
