/**
 * `npm run test:soak`: hundreds of randomised crash-consistency runs (kill -9 of headless mode at a seeded
 * persistence point, restart, invariant check). Prints the counts; exits non-zero on any violation.
 * SOAK_RUNS (default 500) and SOAK_SEED (default 1) choose the runs.
 */
import { caseFromSeed, runCrashCase } from '../helpers/crash';
import { skipReason } from '../e2e/harness';
import { startSim } from '../helpers/sim';

const runs = Number(process.env.SOAK_RUNS ?? 500);
const first = Number(process.env.SOAK_SEED ?? 1);
const why = skipReason();
if (why?.includes('dist-electron')) {
  console.error(why);
  process.exit(2);
}
const { sim } = await startSim({ approvalDelayMs: 5, softDeclineRetryMs: 30 });
const counts = new Map<string, { runs: number; crashed: number }>();
let violations = 0;
const started = Date.now();
for (let seed = first; seed < first + runs; seed++) {
  const c = caseFromSeed(seed);
  const r = await runCrashCase(sim, c, `SOAK${seed}`);
  const key = `${c.point}:${c.nth} ${c.scenario}`;
  const k = counts.get(key) ?? { runs: 0, crashed: 0 };
  k.runs++;
  if (r.crashed) k.crashed++;
  counts.set(key, k);
  if (r.violations.length) {
    violations++;
    console.error(`seed ${seed} (${key}): ${r.violations.join('; ')}`);
  }
  if ((seed - first + 1) % 25 === 0) console.log(`${seed - first + 1}/${runs} runs, ${violations} with violations`);
}
await sim.stop();
console.log('\ncrash point / scenario                      runs  killed');
for (const [key, v] of [...counts].sort()) console.log(`${key.padEnd(42)} ${String(v.runs).padStart(5)} ${String(v.crashed).padStart(7)}`);
const total = [...counts.values()].reduce((a, v) => ({ runs: a.runs + v.runs, crashed: a.crashed + v.crashed }), { runs: 0, crashed: 0 });
console.log(
  `\n${total.runs} runs, ${total.crashed} killed mid-payment, ${violations} with invariant violations, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`${total.runs - violations} passed, ${violations} failed`);
process.exit(violations ? 1 : 0);
