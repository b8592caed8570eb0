/**
 * Cash management through the real service, a real SQLite ledger and a fake ESC/POS printer on loopback: paid in and
 * paid out change the cash expected in the drawer and are listed with their reason, who and when in the day report
 * and the closing report; Open drawer pulses the drawer on the receipt printer and is recorded as a no sale.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DRAWER_PULSE } from '../../electron/core/printing/escpos';
import type { CashMove, DayReport, DayState, SaleRecord } from '../../shared/contract';
import { plainTill, tempDir } from '../helpers/engine';
import { ok } from '../helpers/reply';
import { startFakePrinter } from '../helpers/fake-printer';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const till = (dataDir = tempDir(), now?: () => number) => plainTill(cleanups, dataDir, now);

const STAFF = [
  { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
  { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
] as const;

describe('paid in and paid out', () => {
  it('change the expected cash, never the takings or VAT; the day report and the closing report list each with its reason, who and when', async () => {
    let clock = Date.parse('2026-11-30T09:00:00');
    const t = await till(tempDir(), () => clock);
    ok(await t.call('openDay', { float: 10_000 }));
    ok<SaleRecord>(await t.call('payCash', { lines: [{ name: 'Brood', unitPrice: 325, quantity: 1, vatRate: 9 }], given: 500 }));
    clock += 60_000;
    const paidIn = ok<CashMove>(await t.call('paidIn', { amount: 2000, reason: '  Change from the bank ' }));
    expect(paidIn).toMatchObject({ kind: 'paid_in', amount: 2000, currency: 'EUR', reason: 'Change from the bank', at: clock });
    clock += 60_000;
    ok(await t.call('paidOut', { amount: 1250, reason: 'Window cleaner' }));
    const report = ok<DayReport>(await t.call('dayReport', {}));
    const day = report.totals[0]!;
    expect(day.paidIn).toEqual({ count: 1, amount: 2000 });
    expect(day.paidOut).toEqual({ count: 1, amount: 1250 });
    expect(day.net).toBe(325);
    expect(day.vat!.reduce((s, v) => s + v.gross, 0)).toBe(325);
    expect(report.cashMoves!.map((m) => [m.kind, m.amount, m.reason, m.at])).toEqual([
      ['paid_in', 2000, 'Change from the bank', Date.parse('2026-11-30T09:01:00')],
      ['paid_out', 1250, 'Window cleaner', Date.parse('2026-11-30T09:02:00')],
    ]);
    // 100.00 + 3.25 + 20.00 - 12.50
    const closed = ok<DayState>(await t.call('closeDay', { counted: 11_075 }));
    expect(closed).toMatchObject({ expected: 11_075, counted: 11_075 });
    expect(closed.report!.difference).toBe(0);
    expect(closed.report!.cashMoves!.map((m) => m.kind)).toEqual(['paid_in', 'paid_out']);
    // A closed day takes no more cash in or out.
    const late = await t.call('paidIn', { amount: 100, reason: 'Found a coin' });
    expect(late).toMatchObject({ ok: false, error: { code: 'not_allowed', key: 'day_closed' } });
    // Kept across a restart.
    await t.svc.close();
    cleanups.pop();
    const again = await till(t.dataDir, () => clock);
    expect(ok<DayReport>(await again.call('dayReport', {})).cashMoves).toHaveLength(2);
  });

  it('bad input gets a clear message and records nothing: no reason, no amount, a paid out of more than the drawer holds', async () => {
    const t = await till();
    ok(await t.call('openDay', { float: 5000 }));
    const refusals = [
      [await t.call('paidIn', { amount: 500, reason: ' ' }), 'reason', /Give a reason/],
      [await t.call('paidIn', { amount: 0, reason: 'Change' }), 'amount', /more than zero/],
      [await t.call('paidIn', { amount: 12.5, reason: 'Change' }), 'amount', /Whole cents/],
      [await t.call('paidOut', { amount: 5001, reason: 'Window cleaner' }), 'amount', /more than the drawer should hold \(€50\.00\)/],
    ] as const;
    for (const [reply, field, message] of refusals)
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request', field, message: expect.stringMatching(message) } });
    const report = ok<DayReport>(await t.call('dayReport', {}));
    expect(report.cashMoves).toBeUndefined();
    expect(report.totals).toEqual([]);
    // All of it may go out.
    ok(await t.call('paidOut', { amount: 5000, reason: 'To the bank' }));
  });

  it('paid in needs whoever is signed in, paid out a manager; each records who did it', async () => {
    const t = await till();
    ok(await t.call('saveStaff', { staff: STAFF }));
    await t.call('signOut');
    expect(await t.call('paidIn', { amount: 500, reason: 'Change' })).toMatchObject({ ok: false, error: { key: 'sign_in' } });
    ok(await t.call('signIn', { staffId: 'bob', pin: '1234' }));
    ok(await t.call('openDay', { float: 5000 }));
    ok(await t.call('paidIn', { amount: 500, reason: 'Change' }));
    const refused = await t.call('paidOut', { amount: 500, reason: 'Window cleaner' });
    expect(refused).toMatchObject({
      ok: false,
      error: { key: 'needs_manager', message: 'A paid out needs a manager - a manager must sign in first.' },
    });
    await t.call('signOut');
    ok(await t.call('signIn', { staffId: 'ann', pin: '4821' }));
    ok(await t.call('paidOut', { amount: 300, reason: 'Window cleaner' }));
    const report = ok<DayReport>(await t.call('dayReport', {}));
    expect(report.cashMoves!.map((m) => [m.kind, m.amount, m.staff])).toEqual([
      ['paid_in', 500, 'Bob'],
      ['paid_out', 300, 'Ann'],
    ]);
  });
});

describe('Open drawer', () => {
  it('pulses the drawer on the receipt printer without printing, and records a no sale with who and when; paid in opens it too', async () => {
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const t = await till();
    ok(await t.call('saveSettings', { printerHost: printer.host, printerPort: printer.port }));
    ok(await t.call('saveStaff', { staff: STAFF }));
    const move = ok<CashMove>(await t.call('openDrawer'));
    expect(move).toMatchObject({ kind: 'no_sale', amount: 0, staff: 'Ann' });
    const job = await printer.nextJob();
    // ESC @ then ESC p 0 25 250: nothing printed, nothing cut.
    expect([...job]).toEqual([0x1b, 0x40, ...DRAWER_PULSE]);
    ok(await t.call('paidIn', { amount: 1000, reason: 'Change from the bank' }));
    const drawer = await printer.nextJob();
    expect(drawer.includes(Buffer.from(DRAWER_PULSE))).toBe(true);
    const report = ok<DayReport>(await t.call('dayReport', {}));
    expect(report.totals[0]!.noSale).toEqual({ count: 1, amount: 0 });
    expect(report.cashMoves!.map((m) => m.kind)).toEqual(['no_sale', 'paid_in']);
  });

  it('without a receipt printer, or with one that is off, says so and records nothing', async () => {
    const t = await till();
    expect(await t.call('openDrawer')).toMatchObject({
      ok: false,
      error: { code: 'not_allowed', message: expect.stringMatching(/^Open drawer needs a receipt printer/) },
    });
    const off = await startFakePrinter('refuse');
    cleanups.push(() => off.close());
    ok(await t.call('saveSettings', { printerHost: off.host, printerPort: off.port }));
    expect(await t.call('openDrawer')).toMatchObject({
      ok: false,
      error: { code: 'printer_error', message: expect.stringMatching(/refused the connection.*The cash drawer did not open\./) },
    });
    expect(ok<DayReport>(await t.call('dayReport', {})).cashMoves).toBeUndefined();
    // A paid in is recorded even when the drawer cannot open; the cashier is told.
    const notices: string[] = [];
    t.svc.on((e) => void (e.type === 'notice' && notices.push(e.notice.message)));
    ok(await t.call('paidIn', { amount: 1000, reason: 'Change from the bank' }));
    await until(() => notices.find((n) => /cash drawer did not open/.test(n)), 'drawer notice');
    expect(ok<DayReport>(await t.call('dayReport', {})).cashMoves).toHaveLength(1);
  });
});
