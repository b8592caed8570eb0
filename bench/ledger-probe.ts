/**
 * Measures the till core on a data folder with a filled ledger, in a process of its own (so its memory is the
 * till's alone): second start, a history page, searches, a day report, a cash sale, and the longest event-loop
 * block seen meanwhile. Prints one JSON line. `tsx bench/ledger-probe.ts <dataDir>`
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TillService } from '../electron/core/service';
import { localDate } from '../electron/core/ledger/ledger';

const dir = process.argv[2]!;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const t0 = performance.now();
const svc = await TillService.create({ dataDir: dir });
const startMs = performance.now() - t0;
const time = async (fn: () => Promise<unknown>, n = 30) => {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const r = (await fn()) as { ok?: boolean; error?: { message: string } };
    if (r && r.ok === false) throw new Error(r.error?.message);
    xs.push(performance.now() - s);
  }
  xs.sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)]!, p99: xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!, max: xs.at(-1)! };
};
const some = (await svc.dispatch('history', { limit: 50 })) as { ok: true; result: { attempts: { card?: { last4?: string } }[] }[] };
const last4 = some.result.flatMap((s) => s.attempts.map((a) => a.card?.last4)).find(Boolean) ?? '1234';
const yesterday = localDate(Date.now() - 24 * 3600_000);
const out = {
  startMs,
  historyPage: await time(() => svc.dispatch('history', { limit: 50 })),
  historyPage20: await time(async () => {
    // Paging back twenty pages from the newest.
    let before: number | undefined;
    for (let i = 0; i < 20; i++) {
      const r = (await svc.dispatch('history', { limit: 50, ...(before ? { before } : {}) })) as {
        ok: true;
        result: { createdAt: number }[];
      };
      before = r.result.at(-1)?.createdAt;
    }
    return { ok: true };
  }, 5),
  searchLast4: await time(() => svc.dispatch('history', { query: last4 })),
  searchProduct: await time(() => svc.dispatch('history', { query: 'croiss' })),
  searchAmount: await time(() => svc.dispatch('history', { query: '12.50' })),
  dayReport: await time(() => svc.dispatch('dayReport', { date: yesterday })),
  cashSale: await time(() => svc.dispatch('payCash', { lines: [{ name: 'Bench', unitPrice: 250, quantity: 1 }], given: 500 })),
  rssMb: process.memoryUsage().rss / 1e6,
  heapMb: process.memoryUsage().heapUsed / 1e6,
  loopMaxBlockMs: loop.max / 1e6,
  sales: svc.ledger.counts().sales,
};
await svc.close();
console.log(JSON.stringify(out));
