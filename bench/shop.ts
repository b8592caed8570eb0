/**
 * Several counters, one shop, against a throwaway PostgreSQL on loopback: shipping lag from a cash sale on a till
 * to its row in the shop database (what Shop reads), catching up on a backlog of sales made offline (total time and
 * the till's longest event-loop hold meanwhile), and the shop's day at three tills with a long history.
 * `tsx bench/shop.ts` prints JSON; `npm run bench` adds it to the table.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Ledger, localDate } from '../electron/core/ledger/ledger';
import { TillService } from '../electron/core/service';
import { Shipper } from '../electron/core/shop/shipper';
import { Shop } from '../electron/core/shop/shop';
import { silentLogger } from '../electron/core/log';
import { tempDir } from '../test/helpers/engine';
import { startPostgres } from '../test/helpers/postgres';

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p99: q(0.99), max: s.at(-1)! };
};
const DAY = 86_400_000;

/**
 * The event loop while catching up: the longest wall-clock gap between turns and this thread's longest CPU hold
 * within one, and how many turns held it over 20 ms. Only those are kept: a probe that stored every one of millions
 * of turns would itself hold the loop each time its array grew.
 */
function loopMax() {
  let running = true;
  let turns = 0;
  let over20 = 0;
  let maxGap = 0;
  let maxHeld = 0;
  let lastTurn = performance.now();
  let lastCpu = process.threadCpuUsage();
  const probe = () => {
    const t = performance.now();
    const cpu = process.threadCpuUsage();
    const held = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    turns++;
    if (held > 20) over20++;
    maxGap = Math.max(maxGap, t - lastTurn);
    maxHeld = Math.max(maxHeld, held);
    lastTurn = t;
    lastCpu = cpu;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  return {
    stop: () => {
      running = false;
      return { turns, over20, maxGapMs: maxGap, maxHeldMs: maxHeld };
    },
  };
}

/** Cash sales written straight into a ledger, a thousand per transaction, spread over `days` days back from now. */
function fill(ledger: Ledger, sales: number, days: number, prefix: string): void {
  const start = Date.now() - (days - 1) * DAY;
  const step = (days * DAY - 3_600_000) / sales;
  for (let i = 0; i < sales; i += 1000)
    ledger.atomically(() => {
      for (let k = i; k < Math.min(sales, i + 1000); k++)
        ledger.recordCashSaleInTransaction({
          saleId: `${prefix}-${k}`,
          at: Math.round(start + k * step),
          lines: [{ name: k % 2 ? 'Tea' : 'Wine', unitPrice: k % 2 ? 275 : 1250, quantity: 1, vatRate: k % 2 ? 9 : 21 }],
          total: k % 2 ? 275 : 1250,
          currency: 'EUR',
          given: 2000,
          change: 2000 - (k % 2 ? 275 : 1250),
        });
    });
}

export async function benchShop(
  backlog = Number(process.env.BENCH_SHOP_BACKLOG ?? 100_000),
  history = Number(process.env.BENCH_SHOP_HISTORY ?? 100_000),
) {
  const cluster = await startPostgres();
  try {
    // 1. Lag: a cash sale through the till API -> its row in the shop database, default shipping timings.
    const lagUrl = await cluster.database('lag');
    const svc = await TillService.create({ dataDir: tempDir('till-bench-shop-'), env: { shopDatabaseUrl: lagUrl, tillName: 'Front' } });
    const reader = new pg.Client({ connectionString: lagUrl });
    await reader.connect();
    const call = async (m: string, p: unknown) => {
      const r = (await svc.dispatch(m, p)) as { ok: boolean; result?: unknown; error?: { message: string } };
      if (!r.ok) throw new Error(r.error?.message);
      return r.result as { saleId: string };
    };
    await call('openDay', { float: 0 });
    const lag: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const sale = await call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1, vatRate: 9 }], given: 275 });
      for (;;) {
        const { rowCount } = await reader
          .query(`SELECT 1 FROM shop_rows WHERE tbl = 'receipts' AND row->>'sale_id' = $1`, [sale.saleId])
          .catch(() => ({ rowCount: 0 }));
        if (rowCount) break;
      }
      lag.push(performance.now() - t0);
    }
    await reader.end();
    await svc.close();

    // 2. Catch-up: a backlog of sales made while the shop database was away, shipped when it is back.
    const upUrl = await cluster.database('catchup');
    const ledger = new Ledger(join(tempDir('till-bench-shop-'), 'ledger.sqlite'));
    fill(ledger, backlog, 30, 'b');
    const rows = ledger.outbox.queued();
    const loop = loopMax();
    const t0 = performance.now();
    const shipper = new Shipper({ outbox: ledger.outbox, url: upUrl, tillName: () => 'Backlog' });
    shipper.start();
    await shipper.shipped();
    const catchUpMs = performance.now() - t0;
    const hold = loop.stop();
    await shipper.stop();
    ledger.close();

    // 3. The shop's day at three tills, each with `history` sales over a year, all shipped.
    const viewUrl = await cluster.database('view');
    const fillStart = performance.now();
    for (const name of ['Front', 'Back', 'Terrace']) {
      const l = new Ledger(join(tempDir('till-bench-shop-'), 'ledger.sqlite'));
      fill(l, history, 365, name);
      const s = new Shipper({ outbox: l.outbox, url: viewUrl, tillName: () => name });
      s.start();
      await s.shipped();
      await s.stop();
      l.close();
    }
    const fillMs = performance.now() - fillStart;
    const asker = new Ledger(join(tempDir('till-bench-shop-'), 'ledger.sqlite'));
    const shop = new Shop({
      outbox: asker.outbox,
      url: viewUrl,
      tillName: () => 'Asker',
      now: Date.now,
      logger: silentLogger,
      onStatus: () => undefined,
      onShopData: () => undefined,
      shopDataOf: () => [],
    });
    const view: number[] = [];
    let tills = 0;
    for (let i = 0; i < 40; i++) {
      const date = localDate(Date.now() - (i % 20) * 7 * DAY);
      const v0 = performance.now();
      const day = await shop.day(date);
      view.push(performance.now() - v0);
      tills = Math.max(tills, day.tills.filter((t) => t.totals.length).length);
    }
    await shop.stop();
    asker.close();
    return {
      lagMs: stats(lag),
      catchUp: { sales: backlog, rows, ms: catchUpMs, loop: hold },
      shopView: { tills, salesPerTill: history, days: 365, fillAndShipMs: fillMs, ms: stats(view) },
    };
  } finally {
    cluster.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(await benchShop(), null, 1));
