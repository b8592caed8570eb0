/**
 * Several counters, one shop: three tills on one MultiSafepay account and one real PostgreSQL. Each till's part of
 * the shop's day is what its own day report says; the shop check finds an orphan payment of any till, once; with
 * the database stopped a till sells on and says since when it is offline and how much is queued; a till whose
 * clock is off shows its sales on the day its own clock gave them, with how far off it is.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { DayReport, ReceiptlessReturn, SaleRecord, ShopDay, ShopStatus, Snapshot } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { localDate } from '../../electron/core/ledger/ledger';
import { TillService } from '../../electron/core/service';
import { FAST_TIMING, tempDir } from '../helpers/engine';
import { postgresPerFile } from '../helpers/postgres';
import { ok, type Reply } from '../helpers/reply';
import { startSim, TEST_KEY, until } from '../helpers/sim';

const pgs = postgresPerFile();
const cleanups = pgs.cleanups;

const SHIPPING = { batchSize: 100, idleMs: 50, maxRetryMs: 200 };

async function till(name: string, url: string, base: string, terminal: string, now?: () => number) {
  const svc = await TillService.create({
    dataDir: tempDir(),
    env: { baseUrl: base, apiKey: TEST_KEY, terminalIds: [terminal], shopDatabaseUrl: url, tillName: name },
    timing: FAST_TIMING,
    shopShipping: SHIPPING,
    ...(now ? { now } : {}),
  });
  cleanups.push(() => svc.close());
  const call = async <T>(m: string, p: unknown = {}) => ok<T>(await svc.dispatch(m, p));
  return { svc, call, terminal };
}
type Till = Awaited<ReturnType<typeof till>>;

/** Resolves with the till's shop status once `check` holds, looking again at every shop event. */
function shopStatus(t: Till, check: (s: ShopStatus) => boolean): Promise<ShopStatus> {
  return new Promise((resolve) => {
    const look = async () => {
      const s = (await t.call<Snapshot>('snapshot')).shop;
      if (s && check(s)) {
        off();
        resolve(s);
      }
    };
    const off = t.svc.on((e) => {
      if (e.type === 'shop') void look();
    });
    void look();
  });
}

const tea = [{ name: 'Tea', unitPrice: 275, quantity: 1, vatRate: 9 }];
const wine = [{ name: 'Wine', unitPrice: 1250, quantity: 1, vatRate: 21 }];

describe('the shop day across tills', () => {
  it("shows each till by name with what its own day report says, all of them together, and flags another till's orphan payment once", async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const [a, b, c] = [
      await till('Front', url, s.root, 'DEMO0001'),
      await till('Back', url, s.root, 'DEMO0002'),
      await till('Terrace', url, s.root, 'DEMO0003'),
    ];
    for (const [i, t] of [a, b, c].entries()) await t.call('openDay', { float: 10_000 * (i + 1) });
    // Front: two cash sales, a card sale, a cash refund and a paid out.
    const sold = await a.call<SaleRecord>('payCash', { lines: tea, given: 500 });
    await a.call('payCash', { lines: wine, given: 2000 });
    const card = await a.call<PaymentView>('charge', { terminalId: 'DEMO0001', lines: wine });
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => a.svc.engine.payment(card.orderId)?.state === 'completed', 'card paid');
    await a.call('refund', { orderId: sold.saleId });
    await a.call('paidOut', { amount: 300, reason: 'Milk' });
    // Back: a card payment cancelled at the till that went through at MultiSafepay all the same.
    await b.call('payCash', { lines: tea, given: 300 });
    const lost = await b.call<PaymentView>('charge', { terminalId: 'DEMO0002', lines: wine });
    s.sim.terminalAction('DEMO0002', 'cancel');
    await until(() => b.svc.engine.payment(lost.orderId)?.state === 'cancelled', 'card cancelled');
    // Terrace: three cash sales.
    for (let i = 0; i < 3; i++) await c.call('payCash', { lines: tea, given: 275 });
    // Terrace also: a return without a receipt from the drawer, one given as a store credit note, and part of that note spent.
    await c.call('returnWithoutReceipt', { lines: tea, reason: 'No receipt' });
    const { creditNote } = await c.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: wine, reason: 'No receipt', tender: 'credit' });
    await c.call('payCredit', { lines: tea, code: creditNote!.code });
    for (const t of [a, b, c]) await shopStatus(t, (st) => st.online && st.queued === 0);

    const date = localDate(Date.now());
    const day = await a.call<ShopDay>('shopDay', {});
    expect(day.date).toBe(date);
    expect(day.tills.map((t) => t.name)).toEqual(['Back', 'Front', 'Terrace']);
    expect(day.tills.find((t) => t.name === 'Front')!.thisTill).toBe(true);
    for (const t of [a, b, c]) {
      const own = await t.call<DayReport>('dayReport', {});
      const name = (await t.call<Snapshot>('snapshot')).settings.tillName;
      const there = day.tills.find((x) => x.name === name)!;
      const pick = ({ tenders, refunds, refundsByTender, net, vat, paidOut, storeCredit }: DayReport['totals'][number]) => ({
        tenders,
        refunds,
        refundsByTender,
        net,
        vat,
        paidOut,
        storeCredit,
      });
      expect(there.totals.map(pick)).toEqual(own.totals.map(pick));
      const today = (await t.call<Snapshot>('snapshot')).today!;
      expect(there.cash).toMatchObject({ float: today.float, currency: 'EUR' });
    }
    const front = day.tills.find((t) => t.name === 'Front')!;
    expect(front.cash!.expected).toBe(10_000 + 275 + 1250 - 275 - 300);
    const terrace = day.tills.find((t) => t.name === 'Terrace')!;
    expect(terrace.cash!.expected).toBe(30_000 + 3 * 275 - 275);
    expect(terrace.totals[0]!.storeCredit).toEqual({ issued: { count: 1, amount: 1250 }, spent: { count: 1, amount: 275 } });
    expect(day.totals[0]!.storeCredit).toEqual(terrace.totals[0]!.storeCredit);
    expect(day.totals[0]!.net).toBe(day.tills.reduce((sum, t) => sum + (t.totals[0]?.net ?? 0), 0));
    expect(day.totals[0]!.tenders.card.amount).toBe(1250);
    // Back is switched off; meanwhile its cancelled payment went through at MultiSafepay after all. Checked from
    // Front, that orphan is flagged once, with the till it is on.
    await b.svc.close();
    s.sim.orders.get(lost.orderId)!.status = 'completed';
    const checked = await a.call<ShopDay>('shopDay', { reconcile: true });
    expect(checked.reconciliation!.checked).toBe(2);
    expect(checked.reconciliation!.mismatches).toEqual([
      expect.objectContaining({ orderId: lost.orderId, kind: 'orphan_payment', tillName: 'Back', till: 'cancelled' }),
    ]);
    // Front's own check sees only its own payments.
    const own = await a.call<DayReport>('dayReport', { reconcile: true });
    expect(own.reconciliation!.mismatches).toEqual([]);
  });

  it('with the database stopped a till sells and refunds on, says since when and how much is queued, and catches up', async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const a = await till('Front', url, s.root, 'DEMO0001');
    await a.call('openDay', { float: 5000 });
    await a.call('payCash', { lines: tea, given: 500 });
    await shopStatus(a, (st) => st.online && st.queued === 0);
    const stopped = Date.now();
    pgs.cluster.stop();
    try {
      const sale = await a.call<SaleRecord>('payCash', { lines: wine, given: 1250 });
      await a.call('refund', { orderId: sale.saleId });
      const offline = await shopStatus(a, (st) => !st.online && st.queued > 0);
      expect(offline.offlineSince).toBeGreaterThanOrEqual(stopped);
      const refused = (await a.svc.dispatch('shopDay', {})) as Reply<ShopDay>;
      expect(refused).toMatchObject({ ok: false, error: { code: 'shop_offline' } });
      // Closing the day needs nothing of the shop database.
      await a.call('closeDay', { counted: 5000 + 275 });
    } finally {
      pgs.cluster.start();
    }
    const back = await shopStatus(a, (st) => st.online && st.queued === 0);
    expect(back.offlineSince).toBeUndefined();
    const day = await a.call<ShopDay>('shopDay', {});
    expect(day.tills[0]!.totals[0]).toMatchObject({ net: 275, refunds: { count: 1, amount: 1250 } });
    expect(day.tills[0]!.cash).toMatchObject({ float: 5000, expected: 5275, counted: 5275 });
  }, 30_000);

  it('a till whose clock is off shows its sales on the day its own clock gave them, and how far off it is', async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const behind = 3 * 3600_000;
    const a = await till('Front', url, s.root, 'DEMO0001');
    const late = await till('Slow', url, s.root, 'DEMO0002', () => Date.now() - behind);
    await a.call('openDay', { float: 0 });
    await late.call('openDay', { float: 0 });
    await a.call('payCash', { lines: tea, given: 275 });
    const sale = await late.call<SaleRecord>('payCash', { lines: wine, given: 1250 });
    for (const t of [a, late]) await shopStatus(t, (st) => st.online && st.queued === 0);
    const day = await a.call<ShopDay>('shopDay', { date: localDate(sale.createdAt) });
    const slow = day.tills.find((t) => t.name === 'Slow')!;
    expect(slow.totals[0]!.net).toBe(1250);
    expect(Math.abs(slow.clockSkewMs + behind)).toBeLessThan(60_000);
    expect(Math.abs(day.tills.find((t) => t.name === 'Front')!.clockSkewMs)).toBeLessThan(60_000);
  });

  it('a till still on a version from before tenders counts the cash of its sales rows, once, until it ships tenders', async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const a = await till('Front', url, s.root, 'DEMO0001');
    await a.call('openDay', { float: 0 });
    await a.call('payCash', { lines: tea, given: 500 });
    await shopStatus(a, (st) => st.online && st.queued === 0);
    // What a till from before tenders shipped for a cash sale: its sales row with the cash part on it.
    const date = localDate(Date.now());
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());
    const old = '00000000-0000-4000-8000-000000000001';
    await db.query(`INSERT INTO tills (till_id, name) VALUES ($1, 'Old')`, [old]);
    const row = { sale_id: 'old-1', day: date, tender: 'cash', total: 1250, currency: 'EUR', vat: [], cash_amount: 1250 };
    await db.query(`INSERT INTO shop_rows (till_id, tbl, row_key, seq, row) VALUES ($1, 'sales', 'old-1', 1, $2)`, [
      old,
      { ...row, cash_given: 2000, cash_change: 750, cash_rounding: 0, cash_day: date },
    ]);
    const cashOf = (day: ShopDay, name: string) => day.tills.find((t) => t.name === name)!.totals[0]!.tenders.cash;
    let day = await a.call<ShopDay>('shopDay', {});
    expect(cashOf(day, 'Old')).toEqual({ count: 1, amount: 1250 });
    expect(cashOf(day, 'Front')).toEqual({ count: 1, amount: 275 });
    // Updated, it ships its cash parts again as tenders: counted from there, never twice.
    await db.query(`INSERT INTO shop_rows (till_id, tbl, row_key, seq, row) VALUES ($1, 'tenders', '1', 2, $2)`, [
      old,
      { tender_id: 1, sale_id: 'old-1', kind: 'cash', amount: 1250, given: 2000, change: 750, rounding: 0, currency: 'EUR', day: date },
    ]);
    day = await a.call<ShopDay>('shopDay', {});
    expect(cashOf(day, 'Old')).toEqual({ count: 1, amount: 1250 });
    expect(day.totals[0]!.tenders.cash).toEqual({ count: 2, amount: 1525 });
  });

  it('a shop database typed in Settings is kept as a secret: never sent back, never logged, and the till starts shipping', async () => {
    const url = await pgs.fresh();
    const logged: string[] = [];
    const log = (m: string, meta?: unknown) => void logged.push(`${m} ${JSON.stringify(meta ?? {})}`);
    const dataDir = tempDir();
    const svc = await TillService.create({ dataDir, logger: { info: log, warn: log, error: log }, shopShipping: SHIPPING });
    cleanups.push(() => svc.close());
    const events: string[] = [];
    svc.on((e) => void events.push(JSON.stringify(e)));
    const secret = url.replace('postgres@', 'postgres:pw-never-shown@');
    const saved = ok<Snapshot['settings']>(await svc.dispatch('saveSettings', { shopDatabaseUrl: secret, tillName: 'Kiosk' }));
    expect(saved).toMatchObject({ shopDatabase: 'set', tillName: 'Kiosk' });
    const t = { svc, call: async <T>(m: string, p: unknown = {}) => ok<T>(await svc.dispatch(m, p)), terminal: 'DEMO0001' };
    await t.call('openDay', { float: 0 });
    await t.call('payCash', { lines: tea, given: 275 });
    await shopStatus(t, (st) => st.online && st.queued === 0);
    const day = await t.call<ShopDay>('shopDay', {});
    expect(day.tills.map((x) => x.name)).toEqual(['Kiosk']);
    const seen = JSON.stringify(await t.call('snapshot')) + events.join() + logged.join();
    expect(seen).not.toContain('pw-never-shown');
    expect(seen).not.toContain(url);
    const { statSync } = await import('node:fs');
    const { join } = await import('node:path');
    expect(statSync(join(dataDir, 'shop-database')).mode & 0o777).toBe(0o600);
    // Set by the environment, it cannot be changed here.
    const fixed = await till('Front', url, 'http://127.0.0.1:1', 'DEMO0001');
    expect(await fixed.svc.dispatch('saveSettings', { shopDatabaseUrl: 'postgres://x@y/z' })).toMatchObject({
      ok: false,
      error: { code: 'not_allowed', field: 'shopDatabaseUrl' },
    });
    expect(await fixed.svc.dispatch('saveSettings', { shopDatabaseUrl: 'mysql://x' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', field: 'shopDatabaseUrl' },
    });
  });

  it('without a shop database the Shop view says where to set one', async () => {
    const svc = await TillService.create({ dataDir: tempDir() });
    cleanups.push(() => svc.close());
    expect(await svc.dispatch('shopDay', {})).toMatchObject({ ok: false, error: { code: 'not_allowed', message: /Shop database/ } });
    const snap = ok<Snapshot>(await svc.dispatch('snapshot', {}));
    expect(snap.shop).toBeUndefined();
    expect(snap.settings.shopDatabase).toBe('none');
  });
});
