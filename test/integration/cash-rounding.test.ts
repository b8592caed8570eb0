/**
 * Cash rounding through the real service and a real SQLite ledger: the cash part of a sale is rounded to the till's
 * step, cards never; the receipt (printed over TCP, on screen, in the CSV) shows the rounding; the day counts it on
 * a line of its own, outside VAT, and the drawer is expected to hold the rounded amounts.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import type { DayReport, DayState, PublicSettings, SaleRecord } from '../../shared/contract';
import { localDate } from '../../electron/core/ledger/ledger';
import type { PaymentView } from '../../shared/payment';
import { receiptContent } from '../../shared/receipt';
import { serviceWithSim, tempDir } from '../helpers/engine';
import { ok, type Reply } from '../helpers/reply';
import { parseEscPos, startFakePrinter } from '../helpers/fake-printer';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function till(dataDir = tempDir()) {
  const svc = await TillService.create({ dataDir });
  cleanups.push(() => svc.close());
  return { svc, dataDir, call: <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>> };
}

const SOAP = [{ name: 'Zeep', unitPrice: 1657, quantity: 1, vatRate: 21 }];

describe('cash rounding', () => {
  it('is on at 0.05 by default: 16.57 in cash takes 16.55, and with 20.00 given the change is 3.45; VAT stays that of 16.57', async () => {
    const t = await till();
    const settings = ok<{ settings: PublicSettings }>(await t.call('snapshot')).settings;
    expect(settings.cashRounding).toBe(5);
    const sale = ok<SaleRecord>(await t.call('payCash', { lines: SOAP, given: 2000 }));
    expect(sale.cash).toMatchObject({ given: 2000, change: 345, amount: 1657, step: 5, rounding: -2 });
    expect(sale.total).toBe(1657);
    expect(sale.status).toBe('paid');
    expect(sale.vat).toEqual([{ rate: 21, gross: 1657, vat: 288 }]);
    const receipt = receiptContent(sale)!;
    expect(receipt.total).toBe(1657);
    expect(receipt.tenders).toEqual([{ kind: 'cash', amount: 1657, rounding: -2, given: 2000, change: 345 }]);
    // Exactly 16.55 is enough; 16.54 is not, and nothing is recorded.
    ok<SaleRecord>(await t.call('payCash', { lines: SOAP, given: 1655 }));
    const short = await t.call('payCash', { lines: SOAP, given: 1654 });
    expect(short).toMatchObject({
      ok: false,
      error: { code: 'bad_request', field: 'given', message: 'The amount given is less than the total.' },
    });
    expect(ok<SaleRecord[]>(await t.call('history', {}))).toHaveLength(2);
    // 0.02 in cash takes nothing: nothing given is enough; 0.03 takes 0.05, and nothing given is refused.
    const tiny = ok<SaleRecord>(await t.call('payCash', { lines: [{ name: 'Snoep', unitPrice: 2, quantity: 1 }], given: 0 }));
    expect(tiny.cash).toMatchObject({ given: 0, change: 0, amount: 2, rounding: -2 });
    expect(await t.call('payCash', { lines: [{ name: 'Snoep', unitPrice: 3, quantity: 1 }], given: 0 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', field: 'given' },
    });
  });

  it("the day's totals show the rounding on a line of its own, outside VAT; closing expects the rounded cash", async () => {
    const t = await till();
    ok<DayState>(await t.call('openDay', { float: 10_000 }));
    ok(await t.call('payCash', { lines: SOAP, given: 2000 })); // 16.57 -> 16.55
    ok(await t.call('payCash', { lines: [{ name: 'Brood', unitPrice: 323, quantity: 1, vatRate: 9 }], given: 500 })); // 3.23 -> 3.25
    ok(await t.call('payCash', { lines: [{ name: 'Thee', unitPrice: 275, quantity: 1, vatRate: 9 }], given: 275 })); // not rounded
    const day = ok<DayReport>(await t.call('dayReport', {})).totals[0]!;
    expect(day.tenders.cash).toEqual({ count: 3, amount: 1657 + 323 + 275 });
    expect(day.cashRounding).toEqual({ count: 2, amount: -2 + 2 });
    expect(day.net).toBe(1655 + 325 + 275);
    expect(day.vat!.reduce((s, v) => s + v.gross, 0)).toBe(1657 + 323 + 275);
    ok(await t.call('payCash', { lines: [{ name: 'Ei', unitPrice: 41, quantity: 1, vatRate: 9 }], given: 100 })); // 0.41 -> 0.40
    const closed = ok<DayState>(await t.call('closeDay', { counted: 10_000 + 1655 + 325 + 275 + 40 }));
    expect(closed.expected).toBe(10_000 + 1655 + 325 + 275 + 40);
    expect(closed.report!.difference).toBe(0);
    expect(closed.report!.totals[0]!.cashRounding).toEqual({ count: 3, amount: -1 - 2 + 2 + 0 });
  });

  it('a cash refund of a rounded sale is rounded the same way, and never gives back more than the drawer took', async () => {
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const t = await till();
    ok(await t.call('saveSettings', { printerHost: printer.host, printerPort: printer.port, paper: '80mm', language: 'nl' }));
    ok<DayState>(await t.call('openDay', { float: 5000 }));
    const sale = ok<SaleRecord>(await t.call('payCash', { lines: SOAP, given: 2000 }));
    const printed = parseEscPos(await printer.nextJob()).lines.join('\n');
    expect(printed).toMatch(/^TOTAAL EUR +16,57$/m);
    expect(printed).toMatch(/^Afronding contant +-0,02$/m);
    expect(printed).toMatch(/^Contant te betalen +16,55$/m);
    expect(printed).toMatch(/^Wisselgeld +3,45$/m);
    // 10.03 back: 10.05 from the drawer; the rest (6.54) gives back exactly what is left of the 16.55 taken: 6.50.
    const first = ok<SaleRecord>(await t.call('refund', { orderId: sale.saleId, amount: 1003 }));
    expect(first.refunds.map((r) => [r.amount, r.rounding ?? 0])).toEqual([[1003, 2]]);
    const second = ok<SaleRecord>(await t.call('refund', { orderId: sale.saleId }));
    expect(second.refunds.map((r) => [r.amount, r.rounding ?? 0])).toEqual([
      [1003, 2],
      [654, -4],
    ]);
    expect(second.status).toBe('refunded');
    const refundReceipt = receiptContent(second, second.refunds[1])!;
    expect(refundReceipt.tenders).toEqual([{ kind: 'cash', amount: 654, rounding: -4 }]);
    await printer.nextJob();
    const refundPrinted = parseEscPos(await printer.nextJob()).lines.join('\n');
    expect(refundPrinted).toMatch(/^TERUGBETAALD EUR +6,54$/m);
    expect(refundPrinted).toMatch(/^Afronding contant +-0,04$/m);
    expect(refundPrinted).toMatch(/^Contant +6,50$/m);
    expect(refundPrinted).not.toMatch(/te betalen/);
    const day = ok<DayReport>(await t.call('dayReport', {})).totals[0]!;
    // The drawer took 16.55 and gave back 10.05 + 6.50: nothing of the sale is left in it.
    expect(day.cashRounding!.amount).toBe(-2 - 2 + 4);
    expect(day.net).toBe(0);
    expect(day.vat!.reduce((s, v) => s + v.gross, 0)).toBe(0);
    const closed = ok<DayState>(await t.call('closeDay', { counted: 5000 }));
    expect(closed.expected).toBe(5000);
  });

  it('can be set to 0.10 or off per till; any other step is refused with a clear message and changes nothing', async () => {
    const t = await till();
    expect(ok<PublicSettings>(await t.call('saveSettings', { cashRounding: 10 })).cashRounding).toBe(10);
    const tens = ok<SaleRecord>(await t.call('payCash', { lines: [{ name: 'Zeep', unitPrice: 1655, quantity: 1 }], given: 2000 }));
    expect(tens.cash).toMatchObject({ change: 340, rounding: 5, step: 10 });
    const bad = await t.call('saveSettings', { cashRounding: 2 });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/Cash rounding is off, 0.05 or 0.10/) },
    });
    expect(ok<{ settings: PublicSettings }>(await t.call('snapshot')).settings.cashRounding).toBe(10);
    ok(await t.call('saveSettings', { cashRounding: 0 }));
    const exact = ok<SaleRecord>(await t.call('payCash', { lines: SOAP, given: 2000 }));
    expect(exact.cash).toEqual({ given: 2000, change: 343, amount: 1657 });
    // Kept across a restart.
    await t.svc.close();
    cleanups.pop();
    const again = await till(t.dataDir);
    expect(ok<{ settings: PublicSettings }>(await again.call('snapshot')).settings.cashRounding).toBe(0);
  });

  it('a split sale: the card part is charged to the cent, only the cash rest is rounded; printed, exported and counted so', async () => {
    const printer = await startFakePrinter('print');
    cleanups.push(() => printer.close());
    const { s, svc } = await serviceWithSim(cleanups);
    ok(await svc.dispatch('saveSettings', { printerHost: printer.host, printerPort: printer.port, paper: '80mm' }));
    ok(await svc.dispatch('openDay', { float: 0 }));
    const lines = [{ name: 'Taart', unitPrice: 2359, quantity: 1, vatRate: 9 }];
    // 10.01 on the card: never rounded.
    const card = ok<PaymentView>(await svc.dispatch('charge', { terminalId: 'DEMO0001', lines, amount: 1001 }));
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => svc.engine.payment(card.orderId)?.card, 'card part paid, card known');
    expect(svc.sales.sale(card.saleId)!.attempts[0]!.amount).toBe(1001);
    // 13.58 left in cash takes 13.60.
    const short = await svc.dispatch('payCash', { lines, given: 1358, saleId: card.saleId });
    expect(short).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'given' } });
    const paid = ok<SaleRecord>(await svc.dispatch('payCash', { lines, given: 2000, saleId: card.saleId }));
    expect(paid.status).toBe('paid');
    expect(paid.cash).toMatchObject({ amount: 1358, rounding: 2, given: 2000, change: 640 });
    const text = parseEscPos(await printer.nextJob()).lines.join('\n');
    expect(text).toMatch(/^TOTAL EUR +23\.59$/m);
    expect(text).toMatch(/^Card +10\.01$/m);
    expect(text).toMatch(/^Cash rounding +0\.02$/m);
    expect(text).toMatch(/^To pay in cash +13\.60$/m);
    expect(text).toMatch(/^Cash +20\.00$/m);
    expect(text).toMatch(/^Change +6\.40$/m);
    const day = ok<DayReport>(await svc.dispatch('dayReport', {})).totals[0]!;
    expect(day.tenders.card.amount).toBe(1001);
    expect(day.tenders.cash.amount).toBe(1358);
    expect(day.cashRounding).toEqual({ count: 1, amount: 2 });
    expect(day.vat!.reduce((sum, v) => sum + v.gross, 0)).toBe(2359);
    const exported = ok<{ path: string }>(
      await svc.dispatch('exportTransactions', { from: localDate(Date.now()), to: localDate(Date.now()) }),
    );
    const [head, row] = readFileSync(exported.path, 'utf8').trim().split('\n') as [string, string];
    const cells = (l: string) => l.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const at = (name: string) => cells(row)[cells(head).indexOf(name)];
    expect([at('card_amount'), at('cash_amount'), at('cash_rounding')]).toEqual(['10.01', '13.58', '0.02']);
  });
});
