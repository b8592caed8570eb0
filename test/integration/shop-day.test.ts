/**
 * Several counters, one shop: three tills on one MultiSafepay account and one real PostgreSQL. Each till's part of
 * the shop's day is what its own day report says; the shop check finds an orphan payment of any till, once; with
 * the database stopped a till sells on and says since when it is offline and how much is queued; a till whose
 * clock is off shows its sales on the day its own clock gave them, with how far off it is.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { CreditNote, DayReport, ReceiptlessReturn, SaleRecord, ShopDay, ShopStatus, Snapshot } from '../../shared/contract';
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

describe('store credit across tills', () => {
  const coat = [{ name: 'Coat', unitPrice: 2000, quantity: 1, vatRate: 21 }];
  const scarf = [{ name: 'Scarf', unitPrice: 1250, quantity: 1, vatRate: 21 }];
  const gloves = [{ name: 'Gloves', unitPrice: 1000, quantity: 1, vatRate: 21 }];

  it('a note given at one till is spent at another; the giving till then spends only what is left, and nobody more', async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const [a, b] = [await till('Front', url, s.root, 'DEMO0001'), await till('Back', url, s.root, 'DEMO0002')];
    for (const t of [a, b]) await t.call('openDay', { float: 0 });
    const { creditNote } = await a.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: coat, reason: 'No receipt', tender: 'credit' });
    const code = creditNote!.code;
    await shopStatus(a, (st) => st.online && st.queued === 0);
    // Back knows the note from the shop database, and spends 12.50 of it.
    expect(await b.call<CreditNote>('creditNote', { code })).toMatchObject({ amount: 2000, left: 2000 });
    const there = await b.call<SaleRecord>('payCredit', { lines: scarf, code });
    expect(there).toMatchObject({ status: 'paid', credit: [{ code, amount: 1250, left: 750 }] });
    // Front gave the note but is told what is left (7.50), not what it would think (20.00).
    expect(await a.call<CreditNote>('creditNote', { code })).toMatchObject({ left: 750 });
    const here = await a.call<SaleRecord>('payCredit', { lines: gloves, code });
    expect(here).toMatchObject({ status: 'partly_paid', credit: [{ code, amount: 750, left: 0 }] });
    const refused = (await b.svc.dispatch('payCredit', { lines: scarf, code })) as Reply<SaleRecord>;
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_allowed', message: `Nothing is left on credit note ${code}.` } });
    // Each till counts what it gave and spent; Back's copy of the note is never counted as given there.
    const dayOf = async (t: Till) => (await t.call<DayReport>('dayReport', {})).totals[0]!.storeCredit;
    expect(await dayOf(a)).toEqual({ issued: { count: 1, amount: 2000 }, spent: { count: 1, amount: 750 } });
    expect(await dayOf(b)).toEqual({ issued: { count: 0, amount: 0 }, spent: { count: 1, amount: 1250 } });
    for (const t of [a, b]) await shopStatus(t, (st) => st.online && st.queued === 0);
    const shop = await a.call<ShopDay>('shopDay', {});
    expect(shop.totals[0]!.storeCredit).toEqual({ issued: { count: 1, amount: 2000 }, spent: { count: 2, amount: 2000 } });
    // A claim the till cannot use (a real note, a training sale) is let go at once: nothing of the note is taken.
    const third = await a.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: coat, reason: 'No receipt', tender: 'credit' });
    await shopStatus(a, (st) => st.online && st.queued === 0);
    const practice = await TillService.create({
      dataDir: tempDir(),
      env: { shopDatabaseUrl: url, tillName: 'Practice' },
      shopShipping: SHIPPING,
    });
    cleanups.push(() => practice.close());
    expect(practice.ledger.training).toBe(true);
    const other = (await practice.dispatch('payCredit', { lines: scarf, code: third.creditNote!.code })) as Reply<SaleRecord>;
    expect(other).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/is a real one/) } });
    expect(await b.call<CreditNote>('creditNote', { code: third.creditNote!.code })).toMatchObject({ left: 2000 });
    // Two tills at the same moment on a fresh note: together never more than it holds.
    const second = await a.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: coat, reason: 'No receipt', tender: 'credit' });
    await shopStatus(a, (st) => st.online && st.queued === 0);
    const both = await Promise.all([
      a.svc.dispatch('payCredit', { lines: scarf, code: second.creditNote!.code }) as Promise<Reply<SaleRecord>>,
      b.svc.dispatch('payCredit', { lines: scarf, code: second.creditNote!.code }) as Promise<Reply<SaleRecord>>,
    ]);
    const spent = both.flatMap((r) => (r.ok ? r.result!.credit!.map((c) => c.amount) : []));
    expect(spent.reduce((x, y) => x + y, 0)).toBe(2000);
    expect(spent.sort((x, y) => x - y)).toEqual([750, 1250]);
  });

  it("with the shop database away, a till spends its own notes on what it knows, and refuses another till's", async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const [a, b] = [await till('Front', url, s.root, 'DEMO0001'), await till('Back', url, s.root, 'DEMO0002')];
    for (const t of [a, b]) await t.call('openDay', { float: 0 });
    const fromA = (await a.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: coat, reason: 'No receipt', tender: 'credit' }))
      .creditNote!;
    const fromB = (await b.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: coat, reason: 'No receipt', tender: 'credit' }))
      .creditNote!;
    for (const t of [a, b]) await shopStatus(t, (st) => st.online && st.queued === 0);
    pgs.cluster.stop();
    try {
      const refused = (await a.svc.dispatch('payCredit', { lines: scarf, code: fromB.code })) as Reply<SaleRecord>;
      expect(refused).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/cannot be reached/) } });
      const own = await a.call<SaleRecord>('payCredit', { lines: scarf, code: fromA.code });
      expect(own).toMatchObject({ status: 'paid', credit: [{ amount: 1250, left: 750 }] });
    } finally {
      pgs.cluster.start();
    }
    // Back again: the offline spend ships, and the shop knows what is left of Front's note.
    await shopStatus(a, (st) => st.online && st.queued === 0);
    expect(await b.call<CreditNote>('creditNote', { code: fromA.code })).toMatchObject({ left: 750 });
    expect((await a.call<ShopDay>('shopDay', {})).overdrawnNotes).toBeUndefined();
  }, 30_000);

  it("a note its till spent offline while another till spent it too is flagged in the shop's day, with all it spent", async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const [a, b] = [await till('Front', url, s.root, 'DEMO0001'), await till('Back', url, s.root, 'DEMO0002')];
    for (const t of [a, b]) await t.call('openDay', { float: 0 });
    const note = (await a.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: coat, reason: 'No receipt', tender: 'credit' }))
      .creditNote!;
    await shopStatus(a, (st) => st.online && st.queued === 0);
    await b.call<SaleRecord>('payCredit', { lines: scarf, code: note.code });
    pgs.cluster.stop();
    try {
      // Front cannot hear of Back's spend: it spends its own note on what it knows (20.00 left).
      expect(await a.call<SaleRecord>('payCredit', { lines: coat, code: note.code })).toMatchObject({ status: 'paid' });
    } finally {
      pgs.cluster.start();
    }
    for (const t of [a, b]) await shopStatus(t, (st) => st.online && st.queued === 0);
    expect((await a.call<ShopDay>('shopDay', {})).overdrawnNotes).toEqual([
      { code: note.code, currency: 'EUR', amount: 2000, spent: 3250 },
    ]);
  }, 30_000);

  it('a claim left by a till that died between the claim and its tender is let go when that till starts again', async () => {
    const url = await pgs.fresh();
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const b = await till('Back', url, s.root, 'DEMO0002');
    const dataDir = tempDir();
    const front = async (failpoint?: (p: string) => void) => {
      const svc = await TillService.create({
        dataDir,
        env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'], shopDatabaseUrl: url, tillName: 'Front' },
        timing: FAST_TIMING,
        shopShipping: SHIPPING,
        ...(failpoint ? { failpoint } : {}),
      });
      const call = async <T>(m: string, p: unknown = {}) => ok<T>(await svc.dispatch(m, p));
      return { svc, call, terminal: 'DEMO0001' };
    };
    const first = await front((p) => {
      if (p === 'credit-claimed') throw new Error('the till died here');
    });
    await first.call('openDay', { float: 0 });
    const { creditNote } = await first.call<ReceiptlessReturn>('returnWithoutReceipt', {
      lines: coat,
      reason: 'No receipt',
      tender: 'credit',
    });
    const code = creditNote!.code;
    await shopStatus(first, (st) => st.online && st.queued === 0);
    expect(((await first.svc.dispatch('payCredit', { lines: scarf, code })) as Reply<SaleRecord>).ok).toBe(false);
    // The claim stands (12.50 of 20.00), with no tender anywhere.
    expect(await b.call<CreditNote>('creditNote', { code })).toMatchObject({ left: 750 });
    await first.svc.close();
    const again = await front();
    cleanups.push(() => again.svc.close());
    await shopStatus(again, (st) => st.online);
    const deadline = Date.now() + 10_000;
    let left = 0;
    while ((left = (await b.call<CreditNote>('creditNote', { code })).left) !== 2000 && Date.now() < deadline)
      await new Promise((r) => setImmediate(r));
    expect(left).toBe(2000);
    expect(await again.call<SaleRecord>('payCredit', { lines: coat, code })).toMatchObject({ status: 'paid' });
  });
});
