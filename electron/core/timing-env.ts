import type { FailPoint } from './engine/engine';
import type { EngineTiming } from './engine/types';

/** TILL_TIMING='{"downPollMs":500}' tunes how payments are followed (tests and benchmarks). */
export function timingFromEnv(env: NodeJS.ProcessEnv): Partial<EngineTiming> | undefined {
  if (!env.TILL_TIMING) return undefined;
  try {
    const v = JSON.parse(env.TILL_TIMING) as Record<string, unknown>;
    const out: Partial<EngineTiming> = {};
    const keys = [
      'backoffBaseMs',
      'backoffMaxMs',
      'downPollMs',
      'livePollMs',
      'createGraceMs',
      'notFoundAnswers',
      'streamSilenceMs',
      'streamStableMs',
      'readGapMs',
      'cardWatchMs',
      'cardRetryMaxMs',
      'lateWatchMs',
      'lateWatchPollMs',
      'terminalIdleMs',
    ] as const;
    for (const k of keys) {
      if (typeof v[k] === 'number' && v[k] > 0) out[k] = v[k];
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * TILL_CRASH_AT='state-journaled:2' kills the process (SIGKILL, like a power cut) right after the 2nd write of
 * that kind. Used by the crash-consistency tests; unset in normal use.
 */
export function failpointFromEnv(spec: string | undefined): ((point: FailPoint) => void) | undefined {
  const m = spec ? /^([a-z-]+)(?::(\d+))?$/.exec(spec) : null;
  if (!m) return undefined;
  const target = m[1];
  let left = Number(m[2] ?? 1);
  return (point) => {
    if (point === target && --left === 0) process.kill(process.pid, 'SIGKILL');
  };
}
