/**
 * Drawer sessions (shifts) through the real service and a real SQLite ledger: several sessions a day, sales after a
 * close, a split's rest paid after a close, hand-over, a clock set back, expected cash per session to the cent, the
 * count sheet, unusual floats and float corrections, and the migration that turns each earlier day into a session.
 */
import { writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/ledger/db';
import { Ledger, localDate } from '../../electron/core/ledger/ledger';
import type { DayReport, DayState, DrawerSession, SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { plainTill, serviceWithSim, tempDir } from '../helpers/engine';
import { ok, type Reply } from '../helpers/reply';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const till = (dataDir = tempDir(), now?: () => number) => plainTill(cleanups, dataDir, now);

const line = (name: string, unitPrice: number, vatRate = 21) => [{ name, unitPrice, quantity: 1, vatRate }];

describe('drawer sessions', () => {
  it('two sessions a day, each with its own float, sales, paid in and out, refunds, rounding and expected cash to the cent; the day adds them up', async () => {
    let clock = Date.parse('2026-11-30T08:00:00');
    const t = await till(tempDir(), () => clock);
    const morning = ok<DayState>(await t.call('openDay', { float: 15_000 }));
    // 12.37 in cash, rounded to 12.35; a paid in; a 3.00 refund of the drawer.
    const a = ok<SaleRecord>(await t.call('payCash', { lines: line('Kaas', 1237, 9), given: 2000 }));
    ok(await t.call('paidIn', { amount: 1000, reason: 'Change from the bank' }));
    ok(await t.call('refund', { orderId: a.saleId, amount: 300 }));
    clock += 4 * 3600_000;
    // 150.00 + 12.37 - 0.02 + 10.00 - 3.00 = 169.35
    const first = ok<DayState>(await t.call('closeDay', { counted: 16_930 }));
    expect(first).toMatchObject({ sessionId: morning.sessionId, expected: 16_935, counted: 16_930 });
    expect(first.report!.difference).toBe(-5);
    // The afternoon: a new session with its own float.
    clock += 60_000;
    const afternoon = ok<DayState>(await t.call('openDay', { float: 10_000 }));
    expect(afternoon.sessionId).not.toBe(morning.sessionId);
    expect(afternoon.closedAt).toBeUndefined();
    ok<SaleRecord>(await t.call('payCash', { lines: line('Wijn', 899), given: 1000 }));
    ok(await t.call('paidOut', { amount: 450, reason: 'Window cleaner' }));
    // 100.00 + 8.99 + 0.01 - 4.50 = 104.50
    const open = ok<DrawerSession[]>(await t.call('drawerSessions', {}));
    expect(open.map((s) => [s.id, s.closedAt === undefined, s.expectedNow])).toEqual([
      [morning.sessionId, false, 16_935],
      [afternoon.sessionId, true, 10_450],
    ]);
    clock += 3600_000;
    const second = ok<DayState>(await t.call('closeDay', { counted: 10_450 }));
    expect(second).toMatchObject({ expected: 10_450, counted: 10_450 });
    expect(second.report!.totals[0]!.tenders.cash).toEqual({ count: 1, amount: 899 });
    expect(second.report!.totals[0]!.refunds.count).toBe(0);

    const report = ok<DayReport>(await t.call('dayReport', {}));
    expect(report.sessions!.map((s) => [s.float, s.expected, s.counted])).toEqual([
      [15_000, 16_935, 16_930],
      [10_000, 10_450, 10_450],
    ]);
    // The day is the sum of its sessions.
    const day = report.totals[0]!;
    const sum = (f: (x: DayReport['totals'][number]) => number) =>
      report.sessions!.reduce((n, s) => n + f(s.totals.find((x) => x.currency === 'EUR')!), 0);
    expect(day.tenders.cash.amount).toBe(sum((x) => x.tenders.cash.amount));
    expect(day.net).toBe(sum((x) => x.net));
    expect(day.paidIn!.amount + day.paidOut!.amount).toBe(sum((x) => (x.paidIn?.amount ?? 0) + (x.paidOut?.amount ?? 0)));
    const state = ok<DayState>(await t.call('dayState', { date: localDate(clock) }));
    expect(state).toMatchObject({ float: 15_000, expected: 16_935 + 10_450, counted: 16_930 + 10_450 });
    expect(state.sessions).toHaveLength(2);
  });

  it('a close never stops the day: a sale is refused with the reason until a new session opens; the closed session keeps its figures', async () => {
    const t = await till();
    ok(await t.call('openDay', { float: 5000 }));
    ok<SaleRecord>(await t.call('payCash', { lines: line('Taart', 1500), given: 1500 }));
    const closed = ok<DayState>(await t.call('closeDay', { counted: 6500 }));
    const before = t.svc.ledger.counts();
    for (const [m, p] of [
      ['payCash', { lines: line('Thee', 275), given: 275 }],
      ['paidIn', { amount: 100, reason: 'Found a coin' }],
    ] as const)
      expect(await t.call(m, p)).toMatchObject({
        ok: false,
        error: { code: 'not_allowed', key: 'day_closed', message: expect.stringMatching(/open a new drawer session/) },
      });
    expect(t.svc.ledger.counts()).toEqual(before);
    // The late customer: a new session, and the sale goes through in it.
    const next = ok<DayState>(await t.call('openDay', { float: 6500 }));
    const late = ok<SaleRecord>(await t.call('payCash', { lines: line('Thee', 275), given: 300 }));
    expect(late.status).toBe('paid');
    const sessions = ok<DrawerSession[]>(await t.call('drawerSessions', {}));
    const [one, two] = sessions;
    expect(one!.id).toBe(closed.sessionId);
    expect(one!.totals).toEqual(closed.report!.totals);
    expect(one!.expected).toBe(6500);
    expect(two!.id).toBe(next.sessionId);
    expect(two!.expectedNow).toBe(6500 + 275);
    // The snapshot's today is the session in use.
    expect(ok<{ today: DayState }>(await t.call('snapshot')).today.sessionId).toBe(next.sessionId);
  });

  it('the rest of a split paid after the close lands in the new session, never the closed one; the card part stays in its own', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    const lines = line('Jas', 4000);
    const first = ok<DayState>(await call('openDay', { float: 5000 }));
    const card = ok<PaymentView>(await call('charge', { terminalId: 'DEMO0001', lines, amount: 2500 }));
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => (svc.sales.sale(card.saleId)?.status === 'partly_paid' ? true : undefined), 'card part paid');
    const closed = ok<DayState>(await call('closeDay', { counted: 5000 }));
    expect(closed.report!.totals[0]!.tenders.card.amount).toBe(2500);
    const second = ok<DayState>(await call('openDay', { float: 5000 }));
    ok<SaleRecord>(await call('payCash', { lines, given: 1500, saleId: card.saleId }));
    const [one, two] = ok<DrawerSession[]>(await call('drawerSessions', {}));
    expect([one!.id, two!.id]).toEqual([first.sessionId, second.sessionId]);
    expect(one!.totals[0]!.tenders).toEqual(closed.report!.totals[0]!.tenders);
    expect(one!.totals[0]!.tenders.cash.amount).toBe(0);
    expect(two!.totals[0]!.tenders).toMatchObject({ card: { amount: 0 }, cash: { amount: 1500 } });
    const end = ok<DayState>(await call('closeDay', { counted: 6500 }));
    expect(end.report).toMatchObject({ expected: 6500, difference: 0 });
  });

  it('a card cancelled on the terminal and paid after all once the session was closed lands in the session open then', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    const first = ok<DayState>(await call('openDay', { float: 5000 }));
    const card = ok<PaymentView>(await call('charge', { terminalId: 'DEMO0001', lines: line('Sjaal', 2500) }));
    await until(() => (svc.engine.payment(card.orderId)?.state === 'initialized' ? true : undefined), 'on the terminal');
    s.sim.terminalAction('DEMO0001', 'cancel');
    await until(() => (svc.ledger.attempt(card.orderId)?.state === 'cancelled' ? true : undefined), 'cancelled');
    const closed = ok<DayState>(await call('closeDay', { counted: 5000 }));
    expect(closed.report!.totals[0]!.outcomes.cancelled.count).toBe(1);
    expect(closed.report!.totals[0]!.tenders.card.amount).toBe(0);
    const second = ok<DayState>(await call('openDay', { float: 5000 }));
    // MultiSafepay reports it paid after all (the customer's bank approved late).
    s.sim.forceStatus(card.orderId, 'completed');
    await until(() => (svc.ledger.attempt(card.orderId)?.state === 'completed' ? true : undefined), 'paid after all');
    const [one, two] = ok<DrawerSession[]>(await call('drawerSessions', {}));
    expect(one!.id).toBe(first.sessionId);
    expect(one!.totals).toEqual(closed.report!.totals);
    expect(svc.ledger.sessionTotals(first.sessionId!).every((t) => t.tenders.card.amount === 0)).toBe(true);
    expect(two!.id).toBe(second.sessionId);
    expect(two!.totals[0]!.tenders.card).toEqual({ count: 1, amount: 2500 });
  });

  it('hand-over: the next session opens in the same step with the counted cash as its float', async () => {
    const t = await till();
    ok(await t.call('openDay', { float: 10_000 }));
    ok<SaleRecord>(await t.call('payCash', { lines: line('Brood', 325, 9), given: 325 }));
    const handed = ok<DayState>(await t.call('closeDay', { counted: 10_320, handOver: true }));
    expect(handed.report!.difference).toBe(-5);
    const today = ok<DayState>(await t.call('dayState', {}));
    expect(today.sessionId).not.toBe(handed.sessionId);
    expect(today).toMatchObject({ float: 10_320 });
    expect(today.closedAt).toBeUndefined();
    // Selling goes on at once.
    ok<SaleRecord>(await t.call('payCash', { lines: line('Brood', 325, 9), given: 325 }));
  });

  it('hand-over between cashiers: the session it opens is opened by the first one to sign in after it, and names who handed over', async () => {
    const t = await till();
    ok(
      await t.call('saveStaff', {
        staff: [
          { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
          { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
          { id: 'cas', name: 'Cas', role: 'cashier', pin: '5678' },
        ],
      }),
    );
    ok(await t.call('signIn', { staffId: 'ann', pin: '4821' }));
    ok(await t.call('openDay', { float: 10_000 }));
    ok(await t.call('closeDay', { counted: 10_000, handOver: true }));
    const [first, handed] = ok<DrawerSession[]>(await t.call('drawerSessions', {}));
    expect(first).toMatchObject({ openedBy: 'Ann', closedBy: 'Ann' });
    expect(handed).toMatchObject({ handedOverBy: 'Ann', float: 10_000 });
    expect(handed!.openedBy).toBeUndefined();
    // Bob signs in and takes the drawer over; Cas signing in later changes nothing; nor does a wrong PIN before that.
    expect(await t.call('signIn', { staffId: 'cas', pin: '0000' })).toMatchObject({ ok: false });
    ok(await t.call('signIn', { staffId: 'bob', pin: '1234' }));
    ok(await t.call('signIn', { staffId: 'cas', pin: '5678' }));
    const [, taken] = ok<DrawerSession[]>(await t.call('drawerSessions', {}));
    expect(taken).toMatchObject({ id: handed!.id, openedBy: 'Bob', handedOverBy: 'Ann' });
    // A session opened the usual way is never taken over by a sign-in.
    ok(await t.call('signIn', { staffId: 'ann', pin: '4821' }));
    ok(await t.call('closeDay', { counted: 10_000 }));
    ok(await t.call('openDay', { float: 5_000 }));
    ok(await t.call('signIn', { staffId: 'bob', pin: '1234' }));
    expect(ok<DrawerSession[]>(await t.call('drawerSessions', {}))[2]).toMatchObject({ openedBy: 'Ann' });
  });

  it('two windows closing at once: one close goes through, the other is refused and never closes the session handed over to', async () => {
    const t = await till();
    ok(await t.call('openDay', { float: 10_000 }));
    const [a, b] = await Promise.all([
      t.call<DayState>('closeDay', { counted: 10_000, handOver: true }),
      t.call<DayState>('closeDay', { counted: 9_000 }),
    ]);
    expect([a.ok, b.ok]).toEqual([true, false]);
    expect(b).toMatchObject({ ok: false, error: { key: 'day_closed' } });
    const [first, next] = ok<DrawerSession[]>(await t.call('drawerSessions', {}));
    expect(first).toMatchObject({ counted: 10_000 });
    expect(next).toMatchObject({ float: 10_000 });
    expect(next!.closedAt).toBeUndefined();
  });

  it('a session never closed stays open across midnight, is shown as such the next day, and can still be closed', async () => {
    let clock = Date.parse('2026-11-30T20:00:00');
    const t = await till(tempDir(), () => clock);
    ok(await t.call('openDay', { float: 5000 }));
    ok<SaleRecord>(await t.call('payCash', { lines: line('Bier', 250), given: 250 }));
    clock = Date.parse('2026-12-01T09:00:00');
    const today = ok<DayState>(await t.call('dayState', {}));
    expect(today).toMatchObject({ day: '2026-11-30', float: 5000 });
    expect(today.closedAt).toBeUndefined();
    // This morning's sale goes into the session still open.
    ok<SaleRecord>(await t.call('payCash', { lines: line('Koffie', 250), given: 250 }));
    const closed = ok<DayState>(await t.call('closeDay', { counted: 5500 }));
    expect(closed).toMatchObject({ day: '2026-11-30', expected: 5500 });
    // Both calendar dates list it in their breakdown.
    expect(ok<DayReport>(await t.call('dayReport', { date: '2026-11-30' })).sessions!.map((s) => s.id)).toEqual([closed.sessionId]);
    expect(ok<DayReport>(await t.call('dayReport', { date: '2026-12-01' })).sessions!.map((s) => s.id)).toEqual([closed.sessionId]);
  });

  it('money moved with no session open (a till that never opened one) opens one with no float; opening then gives it the float as a correction', async () => {
    const t = await till();
    const days: (DayState | null)[] = [];
    t.svc.on((e) => void (e.type === 'day' && days.push(e.today)));
    ok<SaleRecord>(await t.call('payCash', { lines: line('Thee', 275), given: 275 }));
    const implicit = ok<DayState>(await t.call('dayState', {}));
    expect(implicit).toMatchObject({ float: 0, implicit: true });
    // Every window hears of it (once), and asks for a float.
    expect(days).toEqual([implicit]);
    ok<SaleRecord>(await t.call('payCash', { lines: line('Thee', 275), given: 275 }));
    expect(days).toHaveLength(1);
    const opened = ok<DayState>(await t.call('openDay', { float: 5000 }));
    expect(opened).toMatchObject({ sessionId: implicit.sessionId, float: 5000 });
    expect(opened.implicit).toBeUndefined();
    const [s] = ok<DrawerSession[]>(await t.call('drawerSessions', {}));
    expect(s).toMatchObject({ openingFloat: 0, float: 5000, expectedNow: 5550 });
    expect(s!.corrections).toEqual([expect.objectContaining({ from: 0, float: 5000, reason: 'Opening float' })]);
    // A second open is refused while it is open.
    expect(await t.call('openDay', { float: 5000 })).toMatchObject({ ok: false, error: { code: 'not_allowed', key: 'day_open' } });
  });
});

describe('the count sheet', () => {
  it('the total counted is the count sheet; a sheet that does not add up is refused and changes nothing; the counts are kept with the close', async () => {
    const t = await till();
    ok(await t.call('openDay', { float: 10_000 }));
    ok<SaleRecord>(await t.call('payCash', { lines: line('Kaas', 1237, 9), given: 1240 }));
    // 1 x 50, 2 x 20, 1 x 10, 2 x 0.10, 3 x 0.05, 1 x 0.01 = 100.36 + 12.00 ... the drawer: 112.35
    const counts = { '5000': 2, '1000': 1, '200': 1, '10': 3, '5': 1 };
    const mismatch = await t.call('closeDay', { counted: 11_000, counts });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'bad_request', key: 'count_mismatch', field: 'counted' } });
    expect(ok<DayState>(await t.call('dayState', {})).closedAt).toBeUndefined();
    const unknown = await t.call('closeDay', { counted: 300, counts: { '300': 1 } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const closed = ok<DayState>(await t.call('closeDay', { counted: 11_235, counts: { ...counts, '2': 0 } }));
    expect(closed).toMatchObject({ counted: 11_235, expected: 11_235, counts });
    expect(closed.report!.counts).toEqual(counts);
    // Kept across a restart.
    await t.svc.close();
    cleanups.pop();
    const again = await till(t.dataDir);
    expect(ok<DayState>(await again.call('dayState', {})).counts).toEqual(counts);
  });
});

describe('the float', () => {
  it('an unusual float (10x the usual, or more than 1,000.00) asks to confirm and opens nothing until confirmed', async () => {
    const t = await till();
    const huge = await t.call('openDay', { float: 150_000 });
    expect(huge).toMatchObject({ ok: false, error: { code: 'bad_request', key: 'float_unusual', field: 'float' } });
    expect(ok(await t.call('dayState', {}))).toBeNull();
    ok(await t.call('openDay', { float: 15_000 }));
    ok(await t.call('closeDay', { counted: 15_000, handOver: true }));
    ok(await t.call('closeDay', { counted: 15_000 }));
    // 150.00 is usual here: 1,500.00 is ten times it.
    const tenfold = await t.call('openDay', { float: 150_000 });
    expect(tenfold).toMatchObject({
      ok: false,
      error: { key: 'float_unusual', message: expect.stringMatching(/usual float is €\s?150\.00/) },
    });
    expect(await t.call('openDay', { float: 149_999 })).toMatchObject({ ok: false, error: { key: 'float_unusual' } });
    const confirmed = ok<DayState>(await t.call('openDay', { float: 150_000, confirm: true }));
    expect(confirmed.float).toBe(150_000);
  });

  it('a manager corrects the float with a reason: recorded beside the opening float, which is never written over; expected cash follows', async () => {
    const t = await till();
    ok(
      await t.call('saveStaff', {
        staff: [
          { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
          { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
        ],
      }),
    );
    ok(await t.call('signIn', { staffId: 'bob', pin: '1234' }));
    ok(await t.call('openDay', { float: 10_000 }));
    ok<SaleRecord>(await t.call('payCash', { lines: line('Bloem', 500), given: 500 }));
    expect(await t.call('correctFloat', { float: 12_000, reason: 'Miscounted the rolls' })).toMatchObject({
      ok: false,
      error: { key: 'needs_manager' },
    });
    ok(await t.call('signIn', { staffId: 'ann', pin: '4821' }));
    expect(await t.call('correctFloat', { float: 12_000, reason: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const corrected = ok<DrawerSession>(await t.call('correctFloat', { float: 12_000, reason: 'Miscounted the rolls' }));
    expect(corrected).toMatchObject({ openingFloat: 10_000, float: 12_000, expectedNow: 12_500, openedBy: 'Bob' });
    expect(corrected.corrections).toEqual([
      { at: expect.any(Number), from: 10_000, float: 12_000, reason: 'Miscounted the rolls', staff: 'Ann' },
    ]);
    const closed = ok<DayState>(await t.call('closeDay', { counted: 12_500 }));
    expect(closed).toMatchObject({ float: 12_000, expected: 12_500 });
    expect(closed.report!.float).toBe(12_000);
    expect(await t.call('correctFloat', { float: 1, reason: 'After the close' })).toMatchObject({
      ok: false,
      error: { key: 'no_session' },
    });
    // The record cannot be changed, even by hand in the file.
    await t.svc.close();
    cleanups.pop();
    const db = new DatabaseSync(join(t.dataDir, 'ledger.sqlite'));
    try {
      expect(() => db.exec('UPDATE float_corrections SET float = 1')).toThrow(/cannot be changed/);
      expect(() => db.exec('DELETE FROM float_corrections')).toThrow(/cannot be changed/);
      expect(db.prepare('SELECT float FROM drawer_sessions').get()).toEqual({ float: 10_000 });
    } finally {
      db.close();
    }
  });
});

describe('a clock set back a day', () => {
  it('neither refuses sales nor books them into yesterday: they go on in the open session, after the last receipt', async () => {
    let offset = 0;
    const t = await till(tempDir(), () => Date.now() + offset);
    ok(await t.call('openDay', { float: 5000 }));
    const a = ok<SaleRecord>(await t.call('payCash', { lines: line('Thee', 275), given: 275 }));
    offset = -24 * 3600_000;
    const b = ok<SaleRecord>(await t.call('payCash', { lines: line('Koek', 150), given: 150 }));
    expect(b.createdAt).toBeGreaterThanOrEqual(a.createdAt);
    expect(b.receiptNumber).toBe(a.receiptNumber! + 1);
    expect(b.receiptAt!).toBeGreaterThanOrEqual(a.receiptAt!);
    const today = localDate(a.createdAt);
    const report = ok<DayReport>(await t.call('dayReport', { date: today }));
    expect(report.totals[0]!.tenders.cash).toEqual({ count: 2, amount: 425 });
    const yesterday = localDate(Date.now() - 24 * 3600_000);
    if (yesterday !== today) expect(ok<DayReport>(await t.call('dayReport', { date: yesterday })).totals).toEqual([]);
    expect(ok<DayState>(await t.call('closeDay', { counted: 5425 })).report!.difference).toBe(0);
  });

  it('also after a restart with the clock still behind: the till goes on from its last receipt', async () => {
    let offset = 0;
    const dir = tempDir();
    const t = await till(dir, () => Date.now() + offset);
    const a = ok<SaleRecord>(await t.call('payCash', { lines: line('Thee', 275), given: 275 }));
    await t.svc.close();
    cleanups.pop();
    offset = -24 * 3600_000;
    const again = await till(dir, () => Date.now() + offset);
    const b = ok<SaleRecord>(await again.call('payCash', { lines: line('Koek', 150), given: 150 }));
    expect(b.createdAt).toBeGreaterThanOrEqual(a.createdAt);
    expect(localDate(b.createdAt)).toBe(localDate(a.createdAt));
  });
});

describe('the migration', () => {
  it('turns each earlier day into one drawer session, and its money into that session', async () => {
    const dir = tempDir();
    const path = join(dir, 'ledger.sqlite');
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE drawer_sessions'));
    expect(mine).toBeGreaterThan(0);
    const db = new DatabaseSync(path);
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const at = Date.parse('2026-11-02T10:00:00');
    db.exec(`
      INSERT INTO days (day, opened_at, float, currency, opened_by, closed_at, counted, expected, closed_by, report)
        VALUES ('2026-11-02', ${at}, 10000, 'EUR', 'ann', ${at + 3600_000}, 10500, 10500, 'ann', '{"date":"2026-11-02"}');
      INSERT INTO days (day, opened_at, float, currency) VALUES ('2026-11-03', ${at + 86_400_000}, 5000, 'EUR');
      INSERT INTO sales (sale_id, created_at, day, tender, total, currency, lines, cash_amount, cash_day)
        VALUES ('s1', ${at + 60_000}, '2026-11-02', 'cash', 500, 'EUR', '[{"name":"x","unitPrice":500,"quantity":1}]', 500, '2026-11-02');
      INSERT INTO cash_moves (at, day, kind, amount, currency, reason) VALUES (${at + 120_000}, '2026-11-02', 'paid_in', 300, 'EUR', 'Bank');
    `);
    db.close();
    const ledger = new Ledger(path);
    try {
      const [one, two] = ledger.sessions.of('2026-11-02', 'opened').concat(ledger.sessions.of('2026-11-03', 'opened'));
      expect(one).toMatchObject({ day: '2026-11-02', float: 10_000, opened_by: 'ann', counted: 10_500, expected: 10_500 });
      expect(two).toMatchObject({ day: '2026-11-03', float: 5000, closed_at: null });
      expect(ledger.sessions.current()?.id).toBe(two!.id);
      const totals = ledger.sessionTotals(one!.id)[0]!;
      expect(totals.tenders.cash.amount).toBe(500);
      expect(totals.paidIn!.amount).toBe(300);
    } finally {
      ledger.close();
    }
  });
});

describe('days never closed before drawer sessions', () => {
  it('become open sessions: money goes to the newest, and an older one can still be closed by its number', async () => {
    const dir = tempDir();
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE drawer_sessions'));
    const db = new DatabaseSync(join(dir, 'ledger.sqlite'));
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const at = Date.parse('2026-11-03T10:00:00');
    db.exec(`
      INSERT INTO days (day, opened_at, float, currency) VALUES ('2026-11-03', ${at}, 5000, 'EUR');
      INSERT INTO days (day, opened_at, float, currency) VALUES ('2026-11-04', ${at + 86_400_000}, 7000, 'EUR');
      INSERT INTO cash_moves (at, day, kind, amount, currency, reason) VALUES (${at + 60_000}, '2026-11-03', 'paid_in', 300, 'EUR', 'Bank');
    `);
    db.close();
    const t = await till(dir);
    ok<SaleRecord>(await t.call('payCash', { lines: line('Thee', 275), given: 275 }));
    const open = t.svc.ledger.sessions.allOpen();
    expect(open.map((s) => s.day)).toEqual(['2026-11-03', '2026-11-04']);
    expect(t.svc.ledger.sessionTotals(open[1]!.id)[0]!.tenders.cash.amount).toBe(275);
    expect(ok<DayState>(await t.call('dayState', { date: '2026-11-03' })).closedAt).toBeUndefined();
    // A hand-over while another session is open is refused; closing the older one by its number works.
    expect(await t.call('closeDay', { counted: 5300, sessionId: open[0]!.id, handOver: true })).toMatchObject({
      ok: false,
      error: { key: 'day_open' },
    });
    const older = ok<DayState>(await t.call('closeDay', { counted: 5300, sessionId: open[0]!.id }));
    expect(older).toMatchObject({ day: '2026-11-03', expected: 5300, counted: 5300 });
    expect(await t.call('closeDay', { counted: 5300, sessionId: open[0]!.id })).toMatchObject({ ok: false });
    expect(t.svc.ledger.sessions.allOpen().map((s) => s.id)).toEqual([open[1]!.id]);
  });
});

describe('the journal import from an earlier version', () => {
  it('brings old sales in without a drawer session: the first session opened starts from its own float', async () => {
    const dir = tempDir();
    const old = (n: number) =>
      JSON.stringify({
        k: 'cash',
        at: 1_700_000_000_000 + n,
        saleId: `old-c${n}`,
        lines: line('Thee', 700),
        total: 700,
        currency: 'EUR',
        given: 700,
        change: 0,
      });
    writeFileSync(join(dir, 'journal.jsonl'), `${old(1)}\n${old(2)}\n`);
    const t = await till(dir);
    expect(t.svc.ledger.counts().sales).toBe(2);
    expect(t.svc.ledger.sessions.last()).toBeUndefined();
    expect(ok(await t.call('dayState', {}))).toBeNull();
    ok(await t.call('openDay', { float: 5000 }));
    expect(ok<DrawerSession[]>(await t.call('drawerSessions', {}))[0]!.expectedNow).toBe(5000);
  });
});

describe('money and its session in the ledger', () => {
  it('a card that ends paid after a close belongs to the session open then; one released before and paid after all too', () => {
    const ledger = new Ledger(join(tempDir(), 'ledger.sqlite'));
    cleanups.push(() => ledger.close());
    const base = Date.parse('2026-11-30T10:00:00');
    const attempt = (orderId: string, state: 'creating' | 'completed' | 'failed', at: number) =>
      ledger.recordAttempt({
        attemptId: orderId,
        saleId: `sale-${orderId}`,
        orderId,
        terminalId: 'T1',
        amount: 700,
        currency: 'EUR',
        lines: [{ name: 'Koffie', unitPrice: 700, quantity: 1 }],
        state,
        createdAt: base,
        updatedAt: at,
        ...(state !== 'creating' ? { finalAt: at } : {}),
      });
    const first = ledger.sessions.open({ at: base, float: 0, currency: 'EUR' });
    attempt('o1', 'creating', base);
    attempt('o2', 'failed', base + 1000);
    ledger.atomically(() => ledger.sessions.closeInTransaction({ id: first, at: base + 2000, counted: 0, expected: 0, report: undefined }));
    const second = ledger.sessions.open({ at: base + 3000, float: 0, currency: 'EUR' });
    attempt('o1', 'completed', base + 4000);
    attempt('o2', 'completed', base + 5000);
    expect(ledger.sessionTotals(first)).toEqual([]);
    expect(ledger.sessionTotals(second)[0]!.tenders.card).toEqual({ count: 2, amount: 1400 });
    // Card details arriving later never move it.
    attempt('o1', 'completed', base + 6000);
    expect(ledger.sessionTotals(second)[0]!.tenders.card.count).toBe(2);
  });
});
