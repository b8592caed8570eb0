/**
 * Sign-in cost and what a flood of sign-ins does to everyone else: one sign-in's time over the WebSocket, and how
 * long another window's requests take while 200 sign-ins arrive at once. Headless mode's server and the core run
 * in this process, on loopback.
 */
import { performance } from 'node:perf_hooks';
import { TillService } from '../electron/core/service';
import { startHeadlessServer } from '../electron/server/server';
import { tempDir } from '../test/helpers/engine';
import { WsTill } from '../test/helpers/ws-till';

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p99: q(0.99), max: s.at(-1)! };
};

export async function benchSignIn() {
  const svc = await TillService.create({ dataDir: tempDir('till-bench-signin-') });
  await svc.dispatch('saveStaff', {
    staff: [
      { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
      { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
    ],
  });
  const server = await startHeadlessServer({ service: svc, port: 0, staticDir: tempDir('till-bench-static-') });
  const single = await WsTill.connect(server.url);
  const flood = await WsTill.connect(server.url);
  const other = await WsTill.connect(server.url);
  try {
    // One sign-in at a time: the PIN check (scrypt) and the record.
    const one: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const r = await single.call('signIn', { staffId: 'bob', pin: '1234' });
      if (!r.ok) throw new Error(r.error?.message);
      one.push(performance.now() - t0);
    }
    // Another window's request, alone and then while 200 sign-ins arrive at once (one every 20 ms: within its
    // connection's message allowance).
    const pace = () => new Promise((r) => setTimeout(r, 20));
    const ask = async () => {
      const t0 = performance.now();
      const r = await other.call('dayState', {});
      if (!r.ok) throw new Error(r.error?.message);
      return performance.now() - t0;
    };
    const alone: number[] = [];
    for (let i = 0; i < 30; i++) {
      alone.push(await ask());
      await pace();
    }
    const during: number[] = [];
    let flooding = true;
    const signIns = Promise.all(Array.from({ length: 200 }, () => flood.call('signIn', { staffId: 'bob', pin: '1234' })));
    const t0 = performance.now();
    void signIns.then(() => (flooding = false));
    while (flooding) {
      during.push(await ask());
      await pace();
    }
    const replies = await signIns;
    const floodMs = performance.now() - t0;
    return {
      signInMs: stats(one),
      otherAloneMs: stats(alone),
      otherDuringFloodMs: stats(during),
      flood: { ms: floodMs, checked: replies.filter((r) => r.ok).length, refusedAtOnce: replies.filter((r) => !r.ok).length },
    };
  } finally {
    single.close();
    flood.close();
    other.close();
    await server.close();
    await svc.close();
  }
}
