/**
 * The till's books against real SQLite files: VAT per rate, gap-free receipt numbers across restarts and kill -9,
 * opening and closing the day with a cash difference, and staff roles over the WebSocket transport.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../electron/core/ledger/ledger';
import { TillService } from '../../electron/core/service';
import { startHeadlessServer } from '../../electron/server/server';
import type { DayState, OpenSales, ParkedSale, SaleRecord } from '../../shared/contract';
import { readFileSync } from 'node:fs';
import type { PaymentView } from '../../shared/payment';
import { serviceWithSim, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { WsTill } from '../helpers/ws-till';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string; field?: string } };

async function till(dataDir = tempDir()) {
  const svc = await TillService.create({ dataDir });
  cleanups.push(() => svc.close());
  const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
  return { svc, call, dataDir };
}
const ok = <T>(r: Reply<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result;
};

describe('VAT', () => {
  it('refunds of a sale add up to its VAT to the cent: a 3.00 cash sale (1.00 at 21 %, 2.00 at 9 %) refunded as three refunds of 1.00 leaves nothing in the day', async () => {
    const t = await till();
    const sale = ok(
      await t.call<SaleRecord>('payCash', {
        lines: [
          { name: 'Krant', unitPrice: 100, quantity: 1, vatRate: 21 },
          { name: 'Brood', unitPrice: 200, quantity: 1, vatRate: 9 },
        ],
        given: 300,
      }),
    );
    expect(sale.vat).toEqual([
      { rate: 21, gross: 100, vat: 17 },
      { rate: 9, gross: 200, vat: 17 },
    ]);
    for (let i = 0; i < 3; i++) ok(await t.call<SaleRecord>('refund', { orderId: sale.saleId, amount: 100 }));
    const refunds = t.svc.sales.sale(sale.saleId)!.refunds;
    expect(refunds.map((r) => r.state)).toEqual(['done', 'done', 'done']);
    // Each refund's VAT per rate, and all three together: exactly the sale's.
    const sum = (rate: number, k: 'gross' | 'vat') =>
      refunds.reduce((s, r) => s + (r.vat ?? []).filter((v) => v.rate === rate).reduce((a, v) => a + v[k], 0), 0);
    expect([sum(21, 'gross'), sum(21, 'vat'), sum(9, 'gross'), sum(9, 'vat')]).toEqual([100, 17, 200, 17]);
    const day = ok(await t.call<{ totals: { net: number; vat: { rate: number; gross: number; vat: number }[] }[] }>('dayReport', {}));
    expect(day.totals[0]!.net).toBe(0);
    expect(day.totals[0]!.vat).toEqual([
      { rate: 21, gross: 0, vat: 0 },
      { rate: 9, gross: 0, vat: 0 },
    ]);
  });

  it('each sale stores VAT per rate (products at their rate, a typed amount at the Settings rate); refunds reverse it; the day totals it', async () => {
    const t = await till();
    ok(await t.call('saveSettings', { customVatRate: 21 }));
    const sale = ok(
      await t.call<SaleRecord>('payCash', {
        lines: [
          { name: 'Latte', unitPrice: 390, quantity: 2, vatRate: 9 },
          { name: 'Amount', unitPrice: 1210, quantity: 1 },
        ],
        given: 2000,
      }),
    );
    expect(sale.vat).toEqual([
      { rate: 21, gross: 1210, vat: 210 },
      { rate: 9, gross: 780, vat: 64 },
    ]);
    const refunded = ok(await t.call<SaleRecord>('refund', { orderId: sale.saleId, amount: 995 }));
    expect(refunded.status).toBe('partially_refunded');
    const day = ok(await t.call<{ totals: { vat: unknown }[] }>('dayReport', {}));
    const vat = day.totals[0]!.vat as { rate: number; gross: number; vat: number }[];
    expect(vat.reduce((s, v) => s + v.gross, 0)).toBe(1990 - 995);
    expect(vat).toEqual([
      { rate: 21, gross: 605, vat: 105 },
      { rate: 9, gross: 390, vat: 32 },
    ]);
  });
});

describe('receipt numbers', () => {
  it('are gap-free and never repeat across restarts', async () => {
    const dir = tempDir();
    const first = await till(dir);
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++)
      numbers.push(
        ok(await first.call<SaleRecord>('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 275 })).receiptNumber!,
      );
    await first.svc.close();
    cleanups.pop();
    const second = await till(dir);
    for (let i = 0; i < 3; i++)
      numbers.push(
        ok(await second.call<SaleRecord>('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 275 })).receiptNumber!,
      );
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('survive kill -9 at any moment: after the crash the numbers run 1..n with no gap and no duplicate, one per paid sale', async () => {
    const dir = tempDir();
    const path = join(dir, 'ledger.sqlite');
    // A process that records cash sales as fast as it can, killed without warning mid-stream.
    const script = `
      import { Ledger } from ${JSON.stringify(join(__dirname, '../../electron/core/ledger/ledger.ts'))};
      const l = new Ledger(${JSON.stringify(path)});
      for (let i = 0; ; i++) {
        l.recordCashSale({ saleId: 'k' + i, at: Date.now(), lines: [{ name: 'x', unitPrice: 100, quantity: 1, vatRate: 21 }], total: 100, currency: 'EUR', given: 100, change: 0 });
        if (i % 50 === 0) console.log('written ' + i);
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Killed while it writes, after a few hundred sales: the kill lands in the middle of some transaction.
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/written 300/.test(out)) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const l = new Ledger(path);
    cleanups.push(() => l.close());
    const n = l.counts().sales;
    expect(n).toBeGreaterThan(300);
    const all = new Set<number>();
    let before: number | undefined;
    for (;;) {
      const page = l.history.page({ limit: 500, ...(before ? { before } : {}) });
      if (!page.length) break;
      for (const s of page) all.add(s.receiptNumber!);
      before = page.at(-1)!.createdAt;
      if (page.length < 500) break;
    }
    expect(all.size).toBe(n);
    expect(Math.min(...all)).toBe(1);
    expect(Math.max(...all)).toBe(n);
  });
});

describe('opening and closing the day', () => {
  it('expected cash is float + cash sales - cash refunds; the counted difference is recorded; no sale after closing', async () => {
    const t = await till();
    const opened = ok(await t.call<DayState>('openDay', { float: 10_000 }));
    expect(opened.float).toBe(10_000);
    expect(await t.call('openDay', { float: 5 })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    const a = ok(await t.call<SaleRecord>('payCash', { lines: [{ name: 'Cake', unitPrice: 450, quantity: 2 }], given: 1000 }));
    ok(await t.call<SaleRecord>('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 500 }));
    ok(await t.call('refund', { orderId: a.saleId, amount: 450 }));
    // float 100.00 + 9.00 + 2.75 - 4.50 = 107.25; the drawer holds 107.00
    const closed = ok(await t.call<DayState>('closeDay', { counted: 10_700 }));
    expect(closed).toMatchObject({ expected: 10_725, counted: 10_700 });
    const report = closed.report as { difference: number; totals: { vat: unknown; refundsByTender: { cash: { amount: number } } }[] };
    expect(report.difference).toBe(-25);
    expect(report.totals[0]!.refundsByTender.cash.amount).toBe(450);
    expect(report.totals[0]!.vat).toBeTruthy();
    const refused = await t.call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 275 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/closed/) } });
    expect(await t.call('closeDay', { counted: 1 })).toMatchObject({ ok: false });
    // Stored: the closed day reads back the same after a restart.
    await t.svc.close();
    cleanups.pop();
    const again = await till(t.dataDir);
    expect(ok(await again.call<DayState>('dayState', {}))).toMatchObject({ expected: 10_725, counted: 10_700 });
  });

  it('the day cannot be closed while a payment is open', async () => {
    const { svc } = await serviceWithSim(cleanups);
    await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: [{ name: 'x', unitPrice: 100, quantity: 1 }] });
    expect(await svc.dispatch('closeDay', { counted: 0 })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/open payments/) },
    });
  });
});

describe('staff roles', () => {
  it('whoever sets up the first manager stays at work as that manager, not signed out; later saves keep whoever is signed in', async () => {
    const t = await till();
    ok(await t.call('saveSettings', { merchantName: 'Bakkerij Jansen' }));
    const staff = ok(
      await t.call<{ id: string }[]>('saveStaff', {
        staff: [
          { id: 'anna', name: 'Anna', role: 'manager', pin: '1234' },
          { id: 'bram', name: 'Bram', role: 'cashier', pin: '5678' },
        ],
      }),
    );
    expect(staff.map((m) => m.id)).toEqual(['anna', 'bram']);
    const snap = ok(await t.call<{ user: unknown; settings: { merchantName: string } }>('snapshot'));
    expect(snap.user).toEqual({ id: 'anna', name: 'Anna', role: 'manager' });
    // Still a manager at work: settings can be saved without signing in again.
    ok(await t.call('saveSettings', { merchantAddress: 'Dorpsstraat 1' }));
    // A later save by that manager keeps them signed in; a cashier's own save is refused.
    ok(
      await t.call('saveStaff', {
        staff: [
          { id: 'anna', name: 'Anna', role: 'manager' },
          { id: 'bram', name: 'Bram', role: 'cashier' },
        ],
      }),
    );
    expect(ok(await t.call<{ user: unknown }>('snapshot')).user).toMatchObject({ id: 'anna' });
    ok(await t.call('signOut'));
    ok(await t.call('signIn', { staffId: 'bram', pin: '5678' }));
    expect(await t.call('saveStaff', { staff: [{ id: 'anna', name: 'Anna', role: 'manager' }] })).toMatchObject({ ok: false });
  });

  it("over the WebSocket: a cashier's refund, price change and day close are refused with no change; a manager's go through; every sale records who", async () => {
    const t = await till();
    ok(
      await t.call('saveStaff', {
        staff: [
          { id: 'ann', name: 'Ann', role: 'manager', pin: '4321' },
          { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
        ],
      }),
    );
    ok(await t.call('signOut')); // whoever set up the staff leaves the till
    const server = await startHeadlessServer({ service: t.svc, port: 0, staticDir: tempDir() });
    cleanups.push(() => server.close());
    const ws = await WsTill.connect(server.url);
    cleanups.push(() => ws.close());
    // Nobody signed in: no sale.
    expect((await ws.call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 275 })).error?.message).toMatch(
      /Sign in/,
    );
    expect((await ws.call('signIn', { staffId: 'bob', pin: '0000' })).error?.code).toBe('not_allowed');
    expect((await ws.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
    const sale = (await ws.call<SaleRecord>('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 275 })).result!;
    expect(sale.staff).toBe('Bob');
    const before = t.svc.ledger.counts();
    for (const [method, params] of [
      ['refund', { orderId: sale.saleId }],
      ['saveCatalog', { items: [{ id: 'tea', name: 'Tea', price: 1 }] }],
      ['closeDay', { counted: 0 }],
      ['saveSettings', { merchantName: 'Mine now' }],
      ['saveStaff', { staff: [{ id: 'bob', name: 'Bob', role: 'manager' }] }],
    ] as const) {
      const r = await ws.call(method, params);
      expect([method, r.error?.code, r.error?.message]).toEqual([method, 'not_allowed', expect.stringMatching(/needs a manager/)]);
    }
    expect(t.svc.sales.sale(sale.saleId)!.refunds).toEqual([]);
    expect(t.svc.ledger.counts()).toEqual(before);
    // A manager signs in: the refund goes through and records who.
    expect((await ws.call('signIn', { staffId: 'ann', pin: '4321' })).ok).toBe(true);
    const refunded = (await ws.call<SaleRecord>('refund', { orderId: sale.saleId })).result!;
    expect(refunded.refunds[0]).toMatchObject({ state: 'done', staff: 'Ann' });
  });

  it('PINs are stored hashed; a lost manager PIN is reset only with the API key (or in demo mode)', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const dir = tempDir();
    const svc = await TillService.create({ dataDir: dir, env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] } });
    cleanups.push(() => svc.close());
    await svc.dispatch('saveStaff', { staff: [{ id: 'ann', name: 'Ann', role: 'manager', pin: '4321' }] });
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(file).not.toContain('4321');
    expect(file).toMatch(/scrypt\$/);
    expect(await svc.dispatch('resetManagerPin', { staffId: 'ann', pin: '9999', apiKey: 'wrong-key-123' })).toMatchObject({ ok: false });
    expect(await svc.dispatch('resetManagerPin', { staffId: 'ann', pin: '9999', apiKey: TEST_KEY })).toMatchObject({ ok: true });
    expect(await svc.dispatch('signIn', { staffId: 'ann', pin: '9999' })).toMatchObject({ ok: true });
  });
});

describe('receipts on the network printer', () => {
  it('a cash sale prints its numbered receipt and opens the drawer; a card sale prints once paid with its card, without the drawer; Print again never opens it', async () => {
    const { startFakePrinter, parseEscPos } = await import('../helpers/fake-printer');
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const { s, svc } = await serviceWithSim(cleanups);
    ok(
      (await svc.dispatch('saveSettings', {
        printerHost: printer.host,
        printerPort: printer.port,
        paper: '58mm',
        merchantName: 'Bakkerij Jansen',
      })) as Reply<unknown>,
    );
    const cash = ok(
      (await svc.dispatch('payCash', {
        lines: [{ name: 'Brood', unitPrice: 325, quantity: 1, vatRate: 9 }],
        given: 500,
      })) as Reply<SaleRecord>,
    );
    const first = await printer.nextJob();
    const text = parseEscPos(first);
    expect(text.lines.join('\n')).toContain('Bakkerij Jansen');
    expect(text.lines.join('\n')).toMatch(new RegExp(`\\b${cash.receiptNumber}\\b`));
    expect(first.includes(Buffer.from([0x1b, 0x70]))).toBe(true); // the drawer pulse
    // A card sale: printed when paid and the card is known.
    ok(
      (await svc.dispatch('charge', {
        terminalId: 'DEMO0001',
        lines: [{ name: 'Taart', unitPrice: 1250, quantity: 1, vatRate: 9 }],
      })) as Reply<{ orderId: string }>,
    );
    s.sim.terminalAction('DEMO0001', 'approve');
    const second = await printer.nextJob();
    expect(parseEscPos(second).lines.join('\n')).toMatch(/\*{4} ?\d{4}/);
    expect(second.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    ok((await svc.dispatch('printReceipt', { saleId: cash.saleId })) as Reply<unknown>);
    const again = await printer.nextJob();
    expect(again.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
  });
});

describe('refund receipts on the network printer', () => {
  it('a refund prints its own numbered receipt: from the drawer at once (drawer opens), and a card refund settled only by a re-read once it is known', async () => {
    const { startFakePrinter, parseEscPos } = await import('../helpers/fake-printer');
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const { s, svc } = await serviceWithSim(cleanups, {}, { refundGraceMs: 500 });
    ok((await svc.dispatch('saveSettings', { printerHost: printer.host, printerPort: printer.port })) as Reply<unknown>);
    const cash = ok(
      (await svc.dispatch('payCash', {
        lines: [{ name: 'Brood', unitPrice: 325, quantity: 1, vatRate: 9 }],
        given: 325,
      })) as Reply<SaleRecord>,
    );
    await printer.nextJob(); // the sale's receipt
    const back = ok((await svc.dispatch('refund', { orderId: cash.saleId, amount: 100 })) as Reply<SaleRecord>);
    const cashRefund = await printer.nextJob();
    expect(parseEscPos(cashRefund).lines.join('\n')).toMatch(new RegExp(`\\b${back.refunds[0]!.receiptNumber}\\b`));
    expect(cashRefund.includes(Buffer.from([0x1b, 0x70]))).toBe(true);
    // A card sale whose refund answer is lost: printed once the re-read shows it went through.
    const charged = ok(
      (await svc.dispatch('charge', {
        terminalId: 'DEMO0001',
        lines: [{ name: 'Taart', unitPrice: 1250, quantity: 1, vatRate: 9 }],
      })) as Reply<{ orderId: string; saleId: string }>,
    );
    s.sim.terminalAction('DEMO0001', 'approve');
    await printer.nextJob(); // the card sale's receipt
    s.sim.faults.refundLoseResponse = 1;
    expect(await svc.dispatch('refund', { orderId: charged.orderId, amount: 500 })).toMatchObject({
      ok: false,
      error: { code: 'refund_unknown' },
    });
    const cardRefund = await printer.nextJob();
    const number = svc.sales.sale(charged.saleId)!.refunds[0]!.receiptNumber!;
    expect(parseEscPos(cardRefund).lines.join('\n')).toMatch(new RegExp(`\\b${number}\\b`));
    expect(cardRefund.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
  });
});

describe('one receipt for a split sale', () => {
  it('4.00 by card and 3.00 in cash: one receipt, numbered when the sale is paid, listing both tenders and the change, opening the drawer; a reprint says COPY; found by its number; the export says card+cash', async () => {
    const { startFakePrinter, parseEscPos } = await import('../helpers/fake-printer');
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const { s, svc } = await serviceWithSim(cleanups);
    ok((await svc.dispatch('saveSettings', { printerHost: printer.host, printerPort: printer.port, paper: '80mm' })) as Reply<unknown>);
    const lines = [{ name: 'Cake', unitPrice: 700, quantity: 1, vatRate: 9 }];
    const card = ok((await svc.dispatch('charge', { terminalId: 'DEMO0001', lines, amount: 400 })) as Reply<PaymentView>);
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => svc.engine.payment(card.orderId)?.card, 'card part paid, card known');
    // 3.00 is still due: no receipt number, nothing printed.
    const part = svc.sales.sale(card.saleId)!;
    expect(part.status).toBe('partly_paid');
    expect(part.receiptNumber).toBeUndefined();
    const paid = ok((await svc.dispatch('payCash', { lines, given: 500, saleId: card.saleId })) as Reply<SaleRecord>);
    expect(paid.receiptNumber).toBe(1);
    const job = await printer.nextJob();
    const text = parseEscPos(job).lines.join('\n');
    expect(text).toMatch(/^Receipt no\. +1$/m);
    expect(text).toMatch(/^Card +4\.00$/m);
    expect(text).toMatch(/^Cash +5\.00$/m);
    expect(text).toMatch(/^Change +2\.00$/m);
    expect(text).toMatch(/^TOTAL EUR +7\.00$/m);
    expect(job.includes(Buffer.from([0x1b, 0x70]))).toBe(true); // cash moved: the drawer opens
    expect(printer.jobs).toHaveLength(1);
    // Print again: a copy, marked so, without the drawer.
    ok((await svc.dispatch('printReceipt', { saleId: card.saleId })) as Reply<unknown>);
    const copy = await printer.nextJob();
    expect(parseEscPos(copy).lines.map((l) => l.trim())).toContain('*** COPY ***');
    expect(copy.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    // The receipt number finds the sale in History.
    for (const query of ['#1', 'bon 1', 'receipt 1'])
      expect(ok((await svc.dispatch('history', { query })) as Reply<SaleRecord[]>).map((x) => x.saleId)).toContain(card.saleId);
    // The export lists both tenders.
    const local = (d = new Date()) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const exported = ok((await svc.dispatch('exportTransactions', { from: local(), to: local() })) as Reply<{ path: string }>);
    const [head, row] = readFileSync(exported.path, 'utf8').trim().split('\n') as [string, string];
    const cells = (l: string) => l.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const at = (name: string) => cells(row)[cells(head).indexOf(name)];
    expect(at('tender')).toBe('card+cash');
    expect(at('receipt_no')).toBe('1');
    expect(at('card_amount')).toBe('4.00');
    expect(at('cash_amount')).toBe('3.00');
  });

  it('a receipt that could not print (the printer was off) is printed at the next start, once', async () => {
    const { startFakePrinter, parseEscPos } = await import('../helpers/fake-printer');
    const off = await startFakePrinter('refuse');
    const dataDir = tempDir();
    const first = await TillService.create({ dataDir });
    const notices: string[] = [];
    first.on((e) => void (e.type === 'notice' && e.notice.key && notices.push(e.notice.key)));
    ok((await first.dispatch('saveSettings', { printerHost: off.host, printerPort: off.port })) as Reply<unknown>);
    const sale = ok(
      (await first.dispatch('payCash', { lines: [{ name: 'Brood', unitPrice: 325, quantity: 1 }], given: 500 })) as Reply<SaleRecord>,
    );
    await until(() => (notices.includes('printer_failed') ? true : undefined), 'the printer did not print');
    expect(first.ledger.unprintedReceipts(0).map((r) => r.number)).toEqual([sale.receiptNumber]);
    await first.close();
    // The printer is switched on, and the till started again.
    const on = await startFakePrinter('print', off.port);
    cleanups.push(() => on.close());
    const second = await TillService.create({ dataDir });
    const job = await on.nextJob();
    expect(parseEscPos(job).lines.join('\n')).toMatch(new RegExp(`^Receipt no\\. +${sale.receiptNumber}$`, 'm'));
    await until(() => (second.ledger.unprintedReceipts(0).length === 0 ? true : undefined), 'recorded as printed');
    await second.close();
    // Printed once: the next start has nothing left to print.
    const third = await TillService.create({ dataDir });
    cleanups.push(() => third.close());
    expect(third.ledger.unprintedReceipts(0)).toEqual([]);
    expect(on.jobs).toHaveLength(1);
  });
});

describe('open sales', () => {
  it('lists a sale not yet paid in full (partly paid, or still paying), never a paid or an unpaid one', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const lines = [{ name: 'Cake', unitPrice: 700, quantity: 1, vatRate: 9 }];
    const part = ok((await svc.dispatch('charge', { terminalId: 'DEMO0001', lines, amount: 400 })) as Reply<PaymentView>);
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => (svc.sales.sale(part.saleId)?.status === 'partly_paid' ? true : undefined), 'card part paid');
    ok((await svc.dispatch('payCash', { lines, given: 700 })) as Reply<SaleRecord>); // another sale, paid
    const declined = ok((await svc.dispatch('charge', { terminalId: 'DEMO0002', lines })) as Reply<PaymentView>);
    s.sim.terminalAction('DEMO0002', 'cancel');
    await until(() => (svc.sales.sale(declined.saleId)?.status === 'unpaid' ? true : undefined), 'ended unpaid');
    const paying = ok((await svc.dispatch('charge', { terminalId: 'DEMO0001', lines })) as Reply<PaymentView>);
    const open = ok((await svc.dispatch('openSales', {})) as Reply<OpenSales>).sales;
    expect(open.map((x) => [x.saleId, x.status])).toEqual([
      [paying.saleId, 'pending'],
      [part.saleId, 'partly_paid'],
    ]);
    // The rest paid: no longer open.
    ok((await svc.dispatch('payCash', { lines, given: 300, saleId: part.saleId })) as Reply<SaleRecord>);
    expect(ok((await svc.dispatch('openSales', {})) as Reply<OpenSales>).sales.map((x) => x.saleId)).toEqual([paying.saleId]);
  });

  it('Park sale keeps a basket with its note across a restart until Resume takes it back, once; an empty basket is refused', async () => {
    const dataDir = tempDir();
    const first = await TillService.create({ dataDir });
    const lines = [{ name: 'Coat', unitPrice: 8995, quantity: 1, vatRate: 21 }];
    expect(await first.dispatch('parkSale', { lines: [] })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const parked = ok((await first.dispatch('parkSale', { lines, note: 'red coat, back at 3' })) as Reply<ParkedSale>);
    await first.close();
    const again = await TillService.create({ dataDir });
    cleanups.push(() => again.close());
    const open = ok((await again.dispatch('openSales', {})) as Reply<OpenSales>);
    expect(open.parked).toMatchObject([{ parkId: parked.parkId, note: 'red coat, back at 3', lines: [{ name: 'Coat', unitPrice: 8995 }] }]);
    expect(open.sales).toEqual([]);
    const back = ok((await again.dispatch('resumeParked', { parkId: parked.parkId })) as Reply<ParkedSale>);
    expect(back.lines).toMatchObject(lines);
    expect(ok((await again.dispatch('openSales', {})) as Reply<OpenSales>).parked).toEqual([]);
    // Resumed once: a second window's Resume of the same basket is refused, nothing comes back twice.
    expect(await again.dispatch('resumeParked', { parkId: parked.parkId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('money belongs to the day it moved', () => {
  it("the rest of a split paid the next day is that day's cash, never the closed day's; the card part stays on its own day", async () => {
    let offset = 0;
    const { s, svc } = await serviceWithSim(cleanups, {}, { now: () => Date.now() + offset });
    const day = () => {
      const d = new Date(Date.now() + offset);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const lines = [{ name: 'Jacket', unitPrice: 2000, quantity: 1, vatRate: 21 }];
    ok((await svc.dispatch('openDay', { float: 5000 })) as Reply<DayState>);
    const first = day();
    const card = ok((await svc.dispatch('charge', { terminalId: 'DEMO0001', lines, amount: 1000 })) as Reply<PaymentView>);
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => (svc.sales.sale(card.saleId)?.status === 'partly_paid' ? true : undefined), 'card part paid');
    const closed = ok((await svc.dispatch('closeDay', { counted: 5000 })) as Reply<DayState>);
    expect(closed.report!.expected).toBe(5000);
    // The next morning the customer pays the rest in cash.
    offset += 24 * 3600_000;
    const second = day();
    ok((await svc.dispatch('openDay', { float: 5000 })) as Reply<DayState>);
    ok((await svc.dispatch('payCash', { lines, given: 1000, saleId: card.saleId })) as Reply<SaleRecord>);
    const one = ok(
      (await svc.dispatch('dayReport', { date: first })) as Reply<{
        totals: { tenders: { card: { amount: number }; cash: { amount: number } } }[];
      }>,
    );
    const two = ok(
      (await svc.dispatch('dayReport', { date: second })) as Reply<{
        totals: { tenders: { card: { amount: number }; cash: { amount: number } } }[];
      }>,
    );
    expect(one.totals[0]!.tenders).toMatchObject({ card: { amount: 1000 }, cash: { amount: 0 } });
    expect(two.totals[0]!.tenders.cash.amount).toBe(1000);
    expect(two.totals[0]!.tenders.card.amount).toBe(0);
    const end = ok((await svc.dispatch('closeDay', { counted: 6000 })) as Reply<DayState>);
    expect(end.report!.expected).toBe(6000);
    expect(end.report!.difference).toBe(0);
  });
});

describe('products sold in the day report', () => {
  it("counts each product of the day's paid sales, best sellers first; an unpaid sale counts nothing", async () => {
    const { svc } = await serviceWithSim(cleanups);
    const bread = { name: 'Brood', unitPrice: 325, quantity: 2, vatRate: 9, productId: 7 };
    const cake = { name: 'Taart', unitPrice: 1250, quantity: 1, vatRate: 9, productId: 8 };
    ok((await svc.dispatch('payCash', { lines: [bread, cake], given: 2000 })) as Reply<SaleRecord>);
    ok((await svc.dispatch('payCash', { lines: [{ ...bread, quantity: 1 }], given: 325 })) as Reply<SaleRecord>);
    // A card sale still waiting on the terminal is not sold yet.
    ok((await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: [{ ...cake, quantity: 5 }] })) as Reply<PaymentView>);
    const report = ok((await svc.dispatch('dayReport', {})) as Reply<{ totals: { products?: unknown[] }[] }>);
    expect(report.totals[0]!.products).toEqual([
      { name: 'Taart', productId: 8, quantity: 1, amount: 1250 },
      { name: 'Brood', productId: 7, quantity: 3, amount: 975 },
    ]);
  });
});
