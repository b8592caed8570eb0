/**
 * The sales book on real SQLite files against the simulator: refunds that are never guessed, backups and CSV
 * exports, and what is read from disk checked before use.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../electron/core/ledger/ledger';
import { TillService } from '../../electron/core/service';
import type { PaymentView } from '../../shared/payment';
import { FAST_TIMING, LINES, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { smallDisk, smallDiskSkipReason } from '../helpers/small-disk';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string; field?: string } };

async function tillWithPaidSale(dataDir = tempDir()) {
  const s = await startSim();
  cleanups.push(() => s.sim.stop());
  const svc = await TillService.create({
    dataDir,
    env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
    timing: FAST_TIMING,
    refundGraceMs: 500,
  });
  cleanups.push(() => svc.close());
  const call = <T>(m: string, p: unknown) => svc.dispatch(m, p) as Promise<Reply<T>>;
  const charged = (await call<PaymentView>('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
  await until(() => s.sim.openStreams === 1, 'stream');
  s.sim.terminalAction('DEMO0001', 'approve');
  await until(() => svc.engine.payment(charged.result.orderId)?.state === 'completed', 'paid');
  return { sim: s.sim, svc, call, orderId: charged.result.orderId, saleId: charged.result.saleId, dataDir };
}

describe('refunds are never guessed', () => {
  it('the answer is lost: "may have gone through - checking", no second refund meanwhile, then settled from a re-read', async () => {
    const t = await tillWithPaidSale();
    t.sim.faults.refundLoseResponse = 1;
    const lost = await t.call('refund', { orderId: t.orderId, amount: 300 });
    expect(lost).toMatchObject({ ok: false, error: { code: 'refund_unknown', message: expect.stringMatching(/may have gone through/) } });
    expect(lost.ok === false && lost.error.message).not.toMatch(/nothing was changed/i);
    // While it is unknown, nothing else is refunded on that payment.
    const again = await t.call('refund', { orderId: t.orderId, amount: 200 });
    expect(again).toMatchObject({ ok: false, error: { code: 'refund_pending' } });
    expect(t.sim.orders.get(t.orderId)!.refunds).toHaveLength(1);
    // The re-read finds MultiSafepay's refunded amount: recorded as done.
    await until(() => t.svc.ledger.refunds.ofOrder(t.orderId)[0]?.state === 'done', 'settled from the re-read');
    const sale = t.svc.sales.sale(t.saleId)!;
    expect(sale.status).toBe('partially_refunded');
    expect(sale.refunds).toMatchObject([
      { amount: 300, state: 'done', transactionId: t.sim.orders.get(t.orderId)!.refunds[0]!.transaction_id },
    ]);
  });

  it('a lost answer for a refund MultiSafepay never made: settled as not refunded after the grace, then a refund works', async () => {
    const t = await tillWithPaidSale();
    // The request dies on the way: MultiSafepay refunds nothing, and the till cannot know that.
    t.sim.faults.refundDropRequest = 1;
    expect(await t.call('refund', { orderId: t.orderId, amount: 300 })).toMatchObject({ ok: false, error: { code: 'refund_unknown' } });
    expect(t.svc.ledger.refunds.ofOrder(t.orderId)[0]!.state).toBe('pending');
    expect(t.svc.sales.sale(t.saleId)!.status).toBe('paid');
    await until(() => t.svc.ledger.refunds.ofOrder(t.orderId)[0]?.state === 'failed', 'settled as not refunded');
    expect(await t.call('refund', { orderId: t.orderId, amount: 300 })).toMatchObject({ ok: true });
    expect(t.sim.orders.get(t.orderId)!.refunds).toHaveLength(1);
  });

  it('a double click: one refund, the other refused at once', async () => {
    const t = await tillWithPaidSale();
    t.sim.faults.refundDelayMs = 200;
    const [a, b] = await Promise.all([t.call('refund', { orderId: t.orderId }), t.call('refund', { orderId: t.orderId })]);
    const codes = [a, b].map((r) => (r.ok ? 'ok' : r.error.code)).sort();
    expect(codes).toEqual(['ok', 'refund_pending']);
    expect(t.sim.orders.get(t.orderId)!.refunds).toHaveLength(1);
    expect(t.svc.sales.sale(t.saleId)!.status).toBe('refunded');
  });

  const tmpfsReason = smallDiskSkipReason();
  if (tmpfsReason) console.warn(`[sales-book] ${tmpfsReason}`);

  it.skipIf(Boolean(tmpfsReason))(
    'the disk fills up after MultiSafepay refunded: the cashier reads exactly that, and the refund is recorded once there is room',
    async () => {
      const disk = smallDisk('2m', cleanups);
      const mnt = disk.dir;
      mkdirSync(join(mnt, 'data'));
      const t = await tillWithPaidSale(join(mnt, 'data'));
      t.sim.faults.refundDelayMs = 300;
      const refund = t.call('refund', { orderId: t.orderId, amount: 400 });
      await until(() => t.svc.ledger.refunds.ofOrder(t.orderId).length === 1, 'pending recorded');
      // the disk is full now, while MultiSafepay is refunding
      disk.fill();
      const r = await refund;
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'storage_error', message: expect.stringMatching(/MultiSafepay refunded €4\.00, but the till could not record it/) },
      });
      expect(t.sim.orders.get(t.orderId)!.refunds).toHaveLength(1);
      expect(await t.call('refund', { orderId: t.orderId, amount: 100 })).toMatchObject({ ok: false, error: { code: 'refund_pending' } });
      disk.free();
      await until(() => t.svc.ledger.refunds.ofOrder(t.orderId)[0]?.state === 'done', 'recorded once there is room');
    },
  );
});

describe('backup and export', () => {
  it('a backup is a consistent copy made while the till keeps selling', async () => {
    const t = await tillWithPaidSale();
    const selling = (async () => {
      for (let i = 0; i < 40; i++) await t.call('payCash', { lines: LINES, given: 700 });
    })();
    const r = await t.call<{ path: string }>('exportBackup', {});
    await selling;
    expect(r).toMatchObject({ ok: true });
    const path = (r as { ok: true; result: { path: string } }).result.path;
    expect(statSync(path).size).toBeGreaterThan(0);
    const copy = new Ledger(path);
    cleanups.push(() => copy.close());
    const n = copy.counts().sales;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(41);
    expect(copy.attempt(t.orderId)?.state).toBe('completed');
  });

  it('CSV export writes every transaction of the days asked, amounts in currency units', async () => {
    const t = await tillWithPaidSale();
    await t.call('payCash', { lines: [{ name: 'Bun', unitPrice: 125, quantity: 2 }], given: 500 });
    const today = new Date();
    const d = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    const r = (await t.call<{ path: string; rows: number }>('exportTransactions', { from: d, to: d })) as {
      ok: true;
      result: { path: string; rows: number };
    };
    expect(r.result.rows).toBe(2);
    const csv = readFileSync(r.result.path, 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^created,sale_id,tender,status,total,currency/);
    expect(csv.some((l) => l.includes('"cash","paid","2.50","EUR",'))).toBe(true);
    expect(csv.some((l) => l.includes(`"card","paid","7.00","EUR","${t.orderId}","DEMO0001",`))).toBe(true);
    expect(await t.call('exportTransactions', { from: d, to: '2000-01-01' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Headers in the cashier's language.
    await t.call('saveSettings', { language: 'nl' });
    const nl = (await t.call<{ path: string; rows: number }>('exportTransactions', { from: d, to: d })) as {
      ok: true;
      result: { path: string };
    };
    expect(readFileSync(nl.result.path, 'utf8').split('\n')[0]).toMatch(/^aangemaakt,verkoop,betaalwijze,status,totaal/);
  });
});

describe('what is read from disk is checked', () => {
  it('the data folder is 0700 and its files 0600', async () => {
    const dir = tempDir();
    rmSync(dir, { recursive: true });
    const svc = await TillService.create({ dataDir: dir });
    await svc.dispatch('saveSettings', { merchantName: 'Bakkerij' });
    await svc.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir).filter((f) => /\.(json|sqlite)$/.test(f)))
      expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
  });

  it('settings and quick keys that parse but are wrong: safe defaults, the file kept aside, the cashier told; a stored URL that breaks the rules starts in demo', async () => {
    const dir = tempDir();
    await (await TillService.create({ dataDir: dir })).close();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        settings: { mode: 'custom', baseUrl: 'http://evil.example/v1/json', language: 'en' },
        catalog: [{ id: 1, name: null }],
      }),
    );
    const svc = await TillService.create({ dataDir: dir });
    cleanups.push(() => svc.close());
    expect(svc.mode).toBe('demo');
    const snap = (await svc.dispatch('snapshot', {})) as { ok: true; result: { notices: { message: string }[]; catalog: unknown[] } };
    const text = snap.result.notices.map((n) => n.message).join(' ');
    expect(text).toMatch(/API URL is not allowed/);
    expect(text).toMatch(/quick keys were not readable/);
    expect(snap.result.catalog.length).toBeGreaterThan(0);
    expect(readdirSync(dir).some((f) => f.startsWith('settings.json.damaged-'))).toBe(true);
  });
});

describe('cash refunds', () => {
  it('a cash sale is refunded from the drawer at once, counted per tender in the day report', async () => {
    const dir = tempDir();
    const svc = await TillService.create({ dataDir: dir });
    cleanups.push(() => svc.close());
    const sale = (await svc.dispatch('payCash', { lines: LINES, given: 1000 })) as { ok: true; result: { saleId: string } };
    const r = (await svc.dispatch('refund', { orderId: sale.result.saleId, amount: 200 })) as {
      ok: true;
      result: { status: string; refunds: { tender: string; state: string }[] };
    };
    expect(r.result.status).toBe('partially_refunded');
    expect(r.result.refunds).toMatchObject([{ tender: 'cash', state: 'done' }]);
    expect(await svc.dispatch('refund', { orderId: sale.result.saleId, amount: 600 })).toMatchObject({
      ok: false,
      error: { field: 'amount' },
    });
    const report = (await svc.dispatch('dayReport', {})) as {
      ok: true;
      result: { totals: { refundsByTender: Record<string, unknown>; net: number }[] };
    };
    expect(report.result.totals[0]!.refundsByTender).toEqual({ card: { count: 0, amount: 0 }, cash: { count: 1, amount: 200 } });
    expect(report.result.totals[0]!.net).toBe(500);
  });
});
