import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { caseFromSeed, type CrashCase, POINTS, runCrashCase, SCENARIOS } from '../helpers/crash';
import { skipReason } from '../e2e/harness';
import { startSim } from '../helpers/sim';

const reason = skipReason()?.includes('dist-electron') ? skipReason() : undefined;
if (reason) console.warn(`[crash] ${reason}`);

// Every persistence point once, then randomised points with a fixed seed (npm run test:soak runs hundreds).
const FIXED: CrashCase[] = POINTS.map((point, i) => ({
  point,
  nth: 1,
  scenario: SCENARIOS[i % SCENARIOS.length]!,
}));
const SEEDED = [11, 12, 13, 14, 15, 16].map((seed) => ({ seed, c: caseFromSeed(seed) }));

describe.skipIf(Boolean(reason))('crash consistency: kill -9 of headless mode at each persistence point', () => {
  let sim: Simulator;
  let n = 0;
  beforeAll(async () => {
    sim = (await startSim({ approvalDelayMs: 5, softDeclineRetryMs: 30 })).sim;
  });
  afterAll(async () => sim?.stop());

  for (const c of FIXED) {
    it(`${c.point} (${c.scenario})`, async () => {
      const r = await runCrashCase(sim, c, `CRASH${n++}`);
      expect(r.violations).toEqual([]);
      expect(r.crashed).toBe(true);
    });
  }
  for (const { seed, c } of SEEDED) {
    it(`seed ${seed}: ${c.point}:${c.nth} (${c.scenario})`, async () => {
      const r = await runCrashCase(sim, c, `SEED${seed}`);
      expect(r.violations).toEqual([]);
    });
  }
});
