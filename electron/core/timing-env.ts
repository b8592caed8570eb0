import type { EngineTiming } from './engine/types';

/** TILL_TIMING='{"downPollMs":500}' tunes how payments are followed (tests and benchmarks). */
export function timingFromEnv(env: NodeJS.ProcessEnv): Partial<EngineTiming> | undefined {
  if (!env.TILL_TIMING) return undefined;
  try {
    const v = JSON.parse(env.TILL_TIMING) as Record<string, unknown>;
    const out: Partial<EngineTiming> = {};
    for (const k of ['backoffBaseMs', 'backoffMaxMs', 'downPollMs', 'livePollMs'] as const) {
      if (typeof v[k] === 'number' && v[k] > 0) out[k] = v[k];
    }
    return out;
  } catch {
    return undefined;
  }
}
