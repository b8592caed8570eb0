import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../electron/core/engine/backoff';

describe('reconnect backoff', () => {
  it('doubles from the base, is capped, and is jittered between half and all of the ceiling', () => {
    const lo = () => 0;
    const hi = () => 0.999999;
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, 500, 15_000, hi))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, 500, 15_000, lo))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelay(10, 500, 15_000, hi)).toBe(15_000);
    expect(backoffDelay(1000, 500, 15_000, lo)).toBe(7500);
  });
  it('spreads tills that lost the network at the same moment', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, 500, 15_000, random)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d >= 4000 && d <= 8000).toBe(true);
  });
});
