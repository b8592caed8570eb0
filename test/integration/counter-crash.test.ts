/**
 * The counter's durable steps against kill -9: headless mode (dist-electron/server.mjs) is killed right after a
 * discount is recorded (`discount-recorded`), right after a manager's inline approval is recorded (`approval-recorded`,
 * before the approved refund runs), and right after a switch from demo mode to a real MultiSafepay is saved
 * (`mode-saved`, before the audit trail has it), then started again on the same data folder. Nothing half-done is
 * taken for done: a discount the screen never heard of is on no sale, an approved refund that never ran is not there
 * (and runs once when asked again), and the switch is in the audit trail once.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import type { DayReport, Discount, SaleRecord, Snapshot } from '../../shared/contract';
import { spread } from '../../shared/discount';
import type { SaleLine } from '../../shared/payment';
import { skipReason } from '../e2e/harness';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY } from '../helpers/sim';
import { headlessTills } from '../helpers/headless-tills';
import { WsTill } from '../helpers/ws-till';

const reason = skipReason()?.includes('dist-electron') ? skipReason() : undefined;
if (reason) console.warn(`[crash] ${reason}`);

const LINES: SaleLine[] = [
  { name: 'Mug', unitPrice: 1210, quantity: 1, vatRate: 21 },
  { name: 'Coffee beans', unitPrice: 445, quantity: 2, vatRate: 9 },
];
const STAFF = [
  { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
  { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
];

describe.skipIf(Boolean(reason))('the counter against kill -9 of headless mode', () => {
  let sim: Simulator;
  let root = '';
  const start = headlessTills();
  beforeAll(async () => {
    ({ sim, root } = await startSim({ approvalDelayMs: 5 }));
  });
  afterAll(async () => sim?.stop());
  /** A till that will kill itself at `point`; `prepare` runs first, `fatal` is the request it dies in. */
  async function crashAt(point: string, prepare: (ws: WsTill) => Promise<void>, fatal: (ws: WsTill) => Promise<unknown>) {
    const dataDir = tempDir('till-counter-crash-');
    const env = { TILL_DATA_DIR: dataDir };
    const first = await start({ ...env, TILL_CRASH_AT: point });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    await prepare(first.ws);
    // The till died in the middle of it: no answer ever came.
    expect(await fatal(first.ws)).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;
    return { ...(await start(env)), dataDir, env };
  }
  /** Rows of the ledger, read with the till stopped. */
  const onDisk = (dataDir: string, sql: string) => {
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'), { readOnly: true });
    try {
      return db
        .prepare(sql)
        .all()
        .map((r) => ({ ...r }));
    } finally {
      db.close();
    }
  };
  const ok = async <T>(p: Promise<{ ok: boolean; result?: T; error?: unknown }>): Promise<T> => {
    const r = await p;
    expect(r.error).toBeUndefined();
    return r.result as T;
  };
  const withDiscount = (d: Discount): SaleLine[] => {
    const parts = spread(
      d.amount,
      LINES.map((l) => l.unitPrice * l.quantity),
    );
    return LINES.map((l, i) => ({ ...l, discount: { id: d.id, amount: parts[i]!, reason: d.reason } }));
  };
  const basketTen = { base: 2100, percent: 10, reason: 'Loyal customer', scope: 'basket' };

  it('discount-recorded: the discount never reached the screen; at restart it is on no sale, and the one given again is taken once', async () => {
    const t = await crashAt(
      'discount-recorded',
      async () => undefined,
      (ws) => ws.call('authorizeDiscount', basketTen),
    );
    const d = await ok(t.ws.call<Discount>('authorizeDiscount', basketTen));
    const sale = await ok(t.ws.call<SaleRecord>('payCash', { lines: withDiscount(d), given: 2000 }));
    expect(sale.total).toBe(1890);
    const day = await ok(t.ws.call<DayReport>('dayReport', {}));
    expect(day.totals[0]!.discounts).toEqual({ count: 1, amount: 210 });
    await t.till.stop('SIGTERM');
    // Both discounts are recorded; only the one the cashier saw is on a sale.
    expect(onDisk(t.dataDir, 'SELECT amount, sale_id FROM discounts ORDER BY at')).toEqual([
      { amount: 210, sale_id: null },
      { amount: 210, sale_id: sale.saleId },
    ]);
  });

  it("approval-recorded: the manager's approval is recorded but the refund never ran; at restart it is not there, and runs once when asked again", async () => {
    let saleId = '';
    const approval = { staffId: 'ann', pin: '4821' };
    const t = await crashAt(
      'approval-recorded',
      async (ws) => {
        await ok(ws.call('saveStaff', { staff: STAFF }));
        await ok(ws.call('signOut'));
        await ok(ws.call('signIn', { staffId: 'bob', pin: '1234' }));
        saleId = (await ok(ws.call<SaleRecord>('payCash', { lines: LINES, given: 2500 }))).saleId;
      },
      (ws) => ws.call('refund', { orderId: saleId, amount: 890, approval }),
    );
    await ok(t.ws.call('signIn', { staffId: 'bob', pin: '1234' }));
    const before = (await ok(t.ws.call<SaleRecord[]>('history', {}))).find((s) => s.saleId === saleId)!;
    expect(before.refunds).toEqual([]);
    // Without the manager it is refused; with the approval it runs, once.
    expect(await t.ws.call('refund', { orderId: saleId, amount: 890 })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    await ok(t.ws.call('refund', { orderId: saleId, amount: 890, approval }));
    const after = (await ok(t.ws.call<SaleRecord[]>('history', {}))).find((s) => s.saleId === saleId)!;
    expect(after.refunds.map((r) => [r.state, r.amount, r.tender])).toEqual([['done', 890, 'cash']]);
    await t.till.stop('SIGTERM');
    expect(onDisk(t.dataDir, `SELECT staff_id, by FROM staff_log WHERE event = 'approved' ORDER BY id`)).toEqual([
      { staff_id: 'ann', by: expect.any(String) },
      { staff_id: 'ann', by: expect.any(String) },
    ]);
    expect(onDisk(t.dataDir, 'SELECT amount, state FROM refunds')).toEqual([{ amount: 890, state: 'done' }]);
  });

  it('mode-saved: the switch to a real MultiSafepay was saved but not recorded; at restart the audit trail has it once', async () => {
    const t = await crashAt(
      'mode-saved',
      async (ws) => {
        expect((await ok(ws.call<Snapshot>('snapshot'))).mode).toBe('demo');
        await ok(ws.call('payCash', { lines: LINES, given: 2500 }));
      },
      (ws) => ws.call('saveSettings', { mode: 'custom', baseUrl: root, apiKey: TEST_KEY }),
    );
    expect((await ok(t.ws.call<Snapshot>('snapshot'))).mode).toBe('custom');
    // Sales from now on are real.
    await ok(t.ws.call('payCash', { lines: LINES, given: 2500 }));
    await t.till.stop('SIGTERM');
    // A start that finds nothing missing records nothing more.
    const again = await start(t.env);
    await again.till.stop('SIGTERM');
    expect(onDisk(t.dataDir, 'SELECT mode, staff FROM mode_log')).toEqual([{ mode: 'custom', staff: null }]);
    expect(onDisk(t.dataDir, 'SELECT training FROM sales ORDER BY created_at')).toEqual([{ training: 1 }, { training: 0 }]);
  });
});
