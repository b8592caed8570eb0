/**
 * The audit trail through the real service and a real SQLite ledger: baskets cleared, clears undone and lines
 * removed are recorded with who, when and how much, counted in the day report with the drawer opens without a
 * sale, and nothing in the trail can be changed or deleted.
 */
import { readFileSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../electron/core/ledger/ledger';
import { TillService } from '../../electron/core/service';
import type { DayReport, DayState, DrawerSession } from '../../shared/contract';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY } from '../helpers/sim';
import { ok, type Reply } from '../helpers/reply';
import { startFakePrinter } from '../helpers/fake-printer';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A manager and a cashier. */
const ANN_AND_BOB = [
  { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
  { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
];

describe('audit trail', () => {
  it('counts baskets cleared, clears undone, lines removed and drawer opens without a sale in the day report, with who and when; it cannot be edited', async () => {
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const dataDir = tempDir();
    const clock = Date.parse('2026-11-30T15:00:00');
    const svc = await TillService.create({ dataDir, now: () => clock });
    cleanups.push(() => svc.close());
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    ok(await call('saveSettings', { printerHost: printer.host, printerPort: printer.port }));
    ok(await call('saveStaff', { staff: ANN_AND_BOB }));
    await call('signOut');
    // Nobody signed in: nothing is recorded.
    expect(await call('recordAudit', { event: 'basket_cleared', amount: 500, lines: 1 })).toMatchObject({
      ok: false,
      error: { key: 'sign_in' },
    });
    ok(await call('signIn', { staffId: 'bob', pin: '1234' }));
    ok(await call('recordAudit', { event: 'basket_cleared', amount: 1250, lines: 3 }));
    ok(await call('recordAudit', { event: 'clear_undone', amount: 1250, lines: 3 }));
    ok(await call('recordAudit', { event: 'basket_cleared', amount: 700, lines: 2 }));
    ok(await call('recordAudit', { event: 'line_removed', amount: 350, name: 'Cappuccino' }));
    ok(await call('openDrawer'));
    await printer.nextJob();
    // Bad input changes nothing.
    expect(await call('recordAudit', { event: 'price_changed', amount: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await call('recordAudit', { event: 'line_removed', amount: -5 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const day = ok<DayReport>(await call('dayReport', {})).totals[0]!;
    expect(day.audit).toEqual({
      basket_cleared: { count: 2, amount: 1950 },
      clear_undone: { count: 1, amount: 1250 },
      line_removed: { count: 1, amount: 350 },
    });
    expect(day.noSale).toEqual({ count: 1, amount: 0 });
    // Nothing was sold: the takings are untouched.
    expect(day.net).toBe(0);
    await svc.close();
    cleanups.pop();
    // Straight into the file: every row carries who and when, and no row can be changed or deleted.
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'));
    cleanups.push(() => db.close());
    const rows = db.prepare('SELECT event, amount, lines, detail, staff, at, day FROM audit_log ORDER BY id').all();
    expect(rows.map((r) => [r.event, r.amount, r.lines, r.detail, r.staff, r.at, r.day])).toEqual([
      ['basket_cleared', 1250, 3, '', 'Bob', clock, '2026-11-30'],
      ['clear_undone', 1250, 3, '', 'Bob', clock, '2026-11-30'],
      ['basket_cleared', 700, 2, '', 'Bob', clock, '2026-11-30'],
      ['line_removed', 350, 0, 'Cappuccino', 'Bob', clock, '2026-11-30'],
    ]);
    expect(() => db.exec('UPDATE audit_log SET amount = 0')).toThrow(/audit trail cannot be changed/);
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/audit trail cannot be changed/);
    expect(() => db.exec(`DELETE FROM cash_moves WHERE kind = 'no_sale'`)).toThrow(/audit trail cannot be changed/);
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 4 });
  });
});

describe('the audit trail exported', () => {
  it("lists what happened at the till, oldest first, with who, who approved and how much; a cashier's export is refused", async () => {
    const dataDir = tempDir();
    let clock = Date.parse('2026-11-30T09:00:00');
    const svc = await TillService.create({ dataDir, now: () => clock });
    cleanups.push(() => svc.close());
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    ok(await call('saveStaff', { staff: ANN_AND_BOB }));
    await call('signOut');
    const tick = () => (clock += 60_000);
    tick();
    await call('signIn', { staffId: 'bob', pin: '0000' });
    tick();
    ok(await call('signIn', { staffId: 'bob', pin: '1234' }));
    tick();
    ok(await call('openDay', { float: 10_000 }));
    tick();
    ok(await call('recordAudit', { event: 'line_removed', amount: 350, name: 'Cappuccino' }));
    tick();
    ok(
      await call('authorizeDiscount', {
        base: 2000,
        percent: 20,
        reason: 'Damaged box',
        scope: 'basket',
        approval: { staffId: 'ann', pin: '4821' },
      }),
    );
    tick();
    ok(await call('paidOut', { amount: 1250, reason: 'Window cleaner', approval: { staffId: 'ann', pin: '4821' } }));

    // A cashier asking for the export is refused, and no file is written.
    expect(await call('exportAudit', { from: '2026-11-30', to: '2026-11-30' })).toMatchObject({
      ok: false,
      error: { key: 'needs_manager' },
    });
    const out = ok<{ path: string; rows: number }>(
      await call('exportAudit', { from: '2026-11-30', to: '2026-11-30', approval: { staffId: 'ann', pin: '4821' } }),
    );
    const lines = readFileSync(out.path, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('"time","event","staff","approved_by","amount","currency","detail"');
    const rows = lines.slice(1).map((l) => l.split('","').map((c) => c.replace(/^"|"$/g, '')));
    // Setting up staff gave each a PIN and left Ann signed in; rows of one millisecond come in a fixed order.
    expect(rows.map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
      ['pin_reset', 'ann', '', ''],
      ['pin_reset', 'bob', '', ''],
      ['signed_in', 'ann', '', ''],
      ['pin_failed', 'bob', '', ''],
      ['signed_in', 'bob', '', ''],
      ['line_removed', 'Bob', '', '3.50'],
      ['discount', 'Bob', 'Ann', '4.00'],
      ['approved', 'ann', '', ''],
      ['paid_out', 'Bob', '', '12.50'],
      ['approved', 'ann', '', ''],
      // The export's own approval.
      ['approved', 'ann', '', ''],
    ]);
    expect(rows[6]![6]).toBe('Damaged box (20%), not used');
    expect(rows[7]![6]).toBe('A discount over the limit');
    expect(rows[8]![6]).toBe('Window cleaner');
    expect(rows[10]![6]).toBe('Exporting the audit trail');
    expect(rows[0]![0]).toBe('2026-11-30 09:00:00');
    expect(rows[3]![0]).toBe('2026-11-30 09:01:00');
    expect(out.rows).toBe(11);
    expect(statSync(out.path).mode & 0o777).toBe(0o600);
    // Another day has none of it.
    const other = ok<{ path: string; rows: number }>(
      await call('exportAudit', { from: '2026-11-29', to: '2026-11-29', approval: { staffId: 'ann', pin: '4821' } }),
    );
    expect(other.rows).toBe(0);
  });
});

describe('the audit trail per drawer session', () => {
  it("a session's report counts the events of its own time: a closed one keeps them, the next starts from none", async () => {
    let clock = Date.parse('2026-11-30T09:00:00');
    const svc = await TillService.create({ dataDir: tempDir(), now: () => (clock += 1000) });
    cleanups.push(() => svc.close());
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    ok(await call('openDay', { float: 5000 }));
    ok(await call('recordAudit', { event: 'basket_cleared', amount: 1250, lines: 3 }));
    ok(await call('recordAudit', { event: 'line_removed', amount: 350, name: 'Cappuccino' }));
    const closed = ok<DayState>(await call('closeDay', { counted: 5000, handOver: true }));
    expect(closed.report!.totals[0]!.audit).toEqual({
      basket_cleared: { count: 1, amount: 1250 },
      line_removed: { count: 1, amount: 350 },
    });
    ok(await call('recordAudit', { event: 'basket_cleared', amount: 700, lines: 2 }));
    const sessions = ok<DrawerSession[]>(await call('drawerSessions', {}));
    expect(sessions.map((s) => s.totals[0]?.audit)).toEqual([
      { basket_cleared: { count: 1, amount: 1250 }, line_removed: { count: 1, amount: 350 } },
      { basket_cleared: { count: 1, amount: 700 } },
    ]);
    // The day counts both.
    const day = ok<DayReport>(await call('dayReport', {})).totals[0]!;
    expect(day.audit?.basket_cleared).toEqual({ count: 2, amount: 1950 });
  });
});

describe('training (demo) use', () => {
  it('sales made in demo mode are counted apart in the day report and listed in the audit trail with the switch to a real MultiSafepay', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const dataDir = tempDir();
    const svc = await TillService.create({ dataDir });
    cleanups.push(() => svc.close());
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    const lines = [{ name: 'Coffee', unitPrice: 250, quantity: 2, vatRate: 9 }];
    expect(ok<{ mode: string }>(await call('snapshot')).mode).toBe('demo');
    ok(await call('payCash', { lines, given: 500 }));
    ok(await call('payCash', { lines, given: 500 }));
    // The shop goes live: the switch is recorded, and sales from now on are real.
    ok(await call('saveSettings', { mode: 'custom', baseUrl: s.root, apiKey: TEST_KEY }));
    ok(await call('payCash', { lines, given: 500 }));
    const day = ok<DayReport>(await call('dayReport', {})).totals[0]!;
    expect(day.tenders.cash).toEqual({ count: 3, amount: 1500 });
    expect(day.training).toEqual({ count: 2, amount: 1000 });
    const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const out = ok<{ path: string }>(await call('exportAudit', { from: local(new Date()), to: local(new Date()) }));
    const events = readFileSync(out.path, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('","')[1]);
    expect(events).toEqual(['training_sale', 'training_sale', 'mode_custom']);
  });

  it('a switch into demo mode the audit trail never got (a real sale last, nothing logged) is recorded at the next start, once', async () => {
    const dataDir = tempDir();
    // The till sold for real, then its settings were switched to demo and it stopped before the switch was logged.
    const before = new Ledger(join(dataDir, 'ledger.sqlite'));
    before.recordCashSale({
      saleId: 'real',
      at: Date.now(),
      lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }],
      total: 275,
      currency: 'EUR',
      given: 275,
      change: 0,
    });
    expect(before.audit.lastMode()).toEqual({ demo: false });
    before.close();
    for (let start = 0; start < 2; start++) {
      const svc = await TillService.create({ dataDir });
      expect(svc.mode).toBe('demo');
      expect(svc.ledger.audit.lastMode()).toEqual({ mode: 'demo' });
      await svc.close();
    }
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'), { readOnly: true });
    cleanups.push(() => db.close());
    expect(
      db
        .prepare('SELECT mode, staff FROM mode_log')
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([{ mode: 'demo', staff: null }]);
  });
});
