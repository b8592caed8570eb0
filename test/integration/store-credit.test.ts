/**
 * Store credit over the real transports: headless mode's WebSocket, the simulator's HTTP API and SSE for a card
 * paying the rest, and the ledger's SQLite file. A return without a receipt given as a credit note (nothing from the
 * drawer), the note spent on sales - all of one, part of another with the rest in cash or on a card - its code read
 * as a cashier types it, and the day, the session and the journal counting it apart from the money.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import type { CreditNote, DayReport, DayState, ReceiptlessReturn, SaleRecord, Snapshot } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { receiptContent } from '../../shared/receipt';
import { localDate } from '../../electron/core/ledger/ledger';
import { FAST_TIMING, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { callers, overWebSocket } from '../helpers/transports';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** 2 x 3.33 at 21 % and 12.99 at 21 %: 19.65 back, 3.41 VAT. */
const RETURNED = [
  { name: 'Tea', unitPrice: 333, quantity: 2, vatRate: 21, productId: 7 },
  { name: 'Mug', unitPrice: 1299, quantity: 1, vatRate: 21 },
];
const SCARF = [{ name: 'Scarf', unitPrice: 1250, quantity: 1, vatRate: 21 }];
const SOCKS = [{ name: 'Socks', unitPrice: 1000, quantity: 1, vatRate: 21 }];

async function till() {
  const s = await startSim();
  cleanups.push(() => s.sim.stop());
  const svc = await TillService.create({
    dataDir: tempDir('till-credit-'),
    env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
    timing: FAST_TIMING,
  });
  cleanups.push(() => svc.close());
  const ws = await overWebSocket(svc, cleanups);
  const { call, refused } = callers(ws.call);
  const day = async () => (await call<DayReport>('dayReport', {})).totals.find((t) => t.currency === 'EUR')!;
  return { s, svc, call, refused, day };
}

describe('store credit', () => {
  it('a return without a receipt given as a credit note takes nothing from the drawer and prints the code', async () => {
    const t = await till();
    await t.call('openDay', { float: 5000 });
    const ret = await t.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: RETURNED, reason: 'Gift, no receipt', tender: 'credit' });
    expect(ret).toMatchObject({ amount: 1965, receiptNumber: 1, vat: [{ rate: 21, gross: 1965, vat: 341 }] });
    expect(ret.rounding).toBeUndefined();
    expect(ret.creditNote).toMatchObject({ amount: 1965, left: 1965, currency: 'EUR' });
    expect(ret.creditNote!.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    // Its receipt is the credit note: the lines back, the note's worth and its code.
    const sale = t.svc.sales.receiptlessSale(ret.returnId)!;
    expect(receiptContent(sale, sale.refunds[0])).toMatchObject({
      kind: 'refund',
      number: 1,
      total: 1965,
      tenders: [{ kind: 'credit', amount: 1965, code: ret.creditNote!.code }],
    });
    // The goods came back (VAT and products taken off); no money moved (no refund, net 0, the drawer holds the float).
    const d = await t.day();
    expect(d.storeCredit).toEqual({ issued: { count: 1, amount: 1965 }, spent: { count: 0, amount: 0 } });
    expect(d.refunds).toEqual({ count: 0, amount: 0 });
    expect(d.vat).toEqual([{ rate: 21, gross: -1965, vat: -341 }]);
    expect(d.products).toEqual([
      { name: 'Tea', productId: 7, quantity: -2, amount: -666 },
      { name: 'Mug', quantity: -1, amount: -1299 },
    ]);
    expect(d.net).toBe(0);
    // A cash return is still refused beyond what the drawer holds: the credit note took nothing out of it.
    expect(
      await t.refused('returnWithoutReceipt', {
        lines: [{ name: 'Coat', unitPrice: 5010, quantity: 1, vatRate: 21 }],
        reason: 'No receipt',
      }),
    ).toMatchObject({ message: expect.stringMatching(/more than the drawer should hold \(€50\.00\)/) });
    expect(await t.call<DayState>('closeDay', { counted: 5000 })).toMatchObject({ expected: 5000, counted: 5000 });
  });

  it('a note pays all of one sale and part of the next, whose rest is paid in cash; then nothing is left on it', async () => {
    const t = await till();
    await t.call('openDay', { float: 5000 });
    const { creditNote } = await t.call<ReceiptlessReturn>('returnWithoutReceipt', {
      lines: RETURNED,
      reason: 'No receipt',
      tender: 'credit',
    });
    const code = creditNote!.code;
    // Typed as a cashier would: lower case, no dash, an O for a zero and an l for a one.
    const typed = code.toLowerCase().replace('-', ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(await t.call<CreditNote>('creditNote', { code: typed })).toMatchObject({ code, left: 1965 });

    const first = await t.call<SaleRecord>('payCredit', { lines: SCARF, code: typed });
    expect(first).toMatchObject({ status: 'paid', total: 1250, receiptNumber: 2, credit: [{ code, amount: 1250, left: 715 }] });
    expect(receiptContent(first)!.tenders).toEqual([{ kind: 'credit', amount: 1250, code, left: 715 }]);

    const second = await t.call<SaleRecord>('payCredit', { lines: SOCKS, code });
    expect(second).toMatchObject({ status: 'partly_paid', credit: [{ code, amount: 715, left: 0 }] });
    expect(second.receiptNumber).toBeUndefined();
    // Open sales lists it, to be resumed; its rest is 2.85.
    expect((await t.call<{ sales: SaleRecord[] }>('openSales', {})).sales.map((s) => s.saleId)).toEqual([second.saleId]);
    const paid = await t.call<SaleRecord>('payCash', { lines: SOCKS, given: 500, saleId: second.saleId });
    expect(paid).toMatchObject({ status: 'paid', receiptNumber: 3, cash: { amount: 285, given: 500, change: 215 } });
    expect(receiptContent(paid)!.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['credit', 715],
      ['cash', 285],
    ]);

    expect(await t.refused('payCredit', { lines: SCARF, code })).toMatchObject({
      code: 'not_allowed',
      message: `Nothing is left on credit note ${code}.`,
    });
    expect(await t.call<CreditNote>('creditNote', { code })).toMatchObject({ amount: 1965, left: 0 });
    // The day: both sales' VAT and products; store credit given and spent; only the cash is money.
    const d = await t.day();
    expect(d.storeCredit).toEqual({ issued: { count: 1, amount: 1965 }, spent: { count: 2, amount: 1965 } });
    expect(d.tenders.cash).toEqual({ count: 1, amount: 285 });
    expect(d.net).toBe(285);
    // 12.50 carries 2.17 VAT, 10.00 carries 1.74; the return took 3.41 off.
    expect(d.vat).toEqual([{ rate: 21, gross: 2250 - 1965, vat: 217 + 174 - 341 }]);
    // The journal writes both, and the drawer expects the float plus the cash.
    const folder = mkdtempSync(join(tmpdir(), 'till-credit-journal-'));
    const today = localDate(Date.now());
    const { path } = await t.call<{ path: string }>('exportJournal', { from: today, to: today, folder });
    const rows = readFileSync(path, 'utf8')
      .split('\n')
      .map((r) => r.replace(/"/g, ''));
    expect(rows.filter((r) => /;credit_(issued|spent);/.test(r)).map((r) => r.split(';').slice(4).join(';'))).toEqual([
      'credit_issued;;;;19.65;1;EUR',
      'credit_spent;;;;19.65;2;EUR',
    ]);
    expect(await t.call<DayState>('closeDay', { counted: 5285 })).toMatchObject({ expected: 5285, counted: 5285 });
  });

  it('the rest after store credit is paid on a card, as a split sale', async () => {
    const t = await till();
    await t.call('openDay', { float: 0 });
    const { creditNote } = await t.call<ReceiptlessReturn>('returnWithoutReceipt', {
      lines: [{ name: 'Tea', unitPrice: 400, quantity: 1, vatRate: 21 }],
      reason: 'No receipt',
      tender: 'credit',
    });
    const part = await t.call<SaleRecord>('payCredit', { lines: SOCKS, code: creditNote!.code });
    expect(part.status).toBe('partly_paid');
    const pay = await t.call<PaymentView>('charge', { terminalId: 'DEMO0001', lines: SOCKS, saleId: part.saleId });
    expect(pay.amount).toBe(600);
    await until(() => t.s.sim.openStreams >= 1, 'stream');
    t.s.sim.terminalAction('DEMO0001', 'approve');
    const paid = await until(() => {
      const sale = t.svc.sales.sale(part.saleId);
      return sale?.receiptNumber !== undefined && sale;
    }, 'paid in full');
    expect(paid.status).toBe('paid');
    expect(receiptContent(paid)!.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['card', 600],
      ['credit', 400],
    ]);
  });

  it('items of a sale a credit note paid come back as a new credit note, never from the drawer', async () => {
    const t = await till();
    await t.call('openDay', { float: 1000 });
    const { creditNote } = await t.call<ReceiptlessReturn>('returnWithoutReceipt', {
      lines: SCARF,
      reason: 'No receipt',
      tender: 'credit',
    });
    const paid = await t.call<SaleRecord>('payCredit', { lines: SCARF, code: creditNote!.code });
    expect(paid.status).toBe('paid');
    const back = await t.call<SaleRecord>('returnItems', {
      saleId: paid.saleId,
      lines: [{ index: 0, quantity: 1 }],
      reason: 'Wrong colour',
    });
    const refund = back.refunds[0]!;
    expect(refund).toMatchObject({ tender: 'credit', amount: 1250, state: 'done', receiptNumber: 3 });
    expect(refund.creditNote).not.toBe(creditNote!.code);
    expect(await t.call<CreditNote>('creditNote', { code: refund.creditNote! })).toMatchObject({ amount: 1250, left: 1250 });
    expect(receiptContent(back, refund)!.tenders).toEqual([{ kind: 'credit', amount: 1250, code: refund.creditNote }]);
    // Nothing more can come back; the day moved no money and counts two notes given, one spent.
    expect(await t.refused('returnItems', { saleId: paid.saleId, lines: [{ index: 0, quantity: 1 }], reason: 'Again' })).toMatchObject({
      code: 'not_allowed',
    });
    const d = await t.day();
    expect(d.storeCredit).toEqual({ issued: { count: 2, amount: 2500 }, spent: { count: 1, amount: 1250 } });
    expect([d.refunds, d.net]).toEqual([{ count: 0, amount: 0 }, 0]);
    expect(d.vat).toEqual([{ rate: 21, gross: -1250, vat: -217 }]);
    expect(await t.call<DayState>('closeDay', { counted: 1000 })).toMatchObject({ expected: 1000 });
  });

  it('an exchange whose difference is paid on a card: the returned items pay the new sale as store credit, the card the rest', async () => {
    const t = await till();
    await t.call('openDay', { float: 1000 });
    const socks = await t.call<SaleRecord>('payCash', { lines: SOCKS, given: 1000 });
    // Nothing is left to pay by card when the returned items cover the new ones: refused, nothing written.
    const pin = [{ name: 'Pin', unitPrice: 500, quantity: 1, vatRate: 21 }];
    expect(
      await t.refused('exchangeItems', {
        saleId: socks.saleId,
        lines: [{ index: 0, quantity: 1 }],
        reason: 'Too big',
        newLines: pin,
        restByCard: true,
      }),
    ).toMatchObject({ code: 'bad_request', message: 'Nothing is left to pay by card - the returned items cover the new ones.' });
    const out = await t.call<{ sale: SaleRecord; original: SaleRecord }>('exchangeItems', {
      saleId: socks.saleId,
      lines: [{ index: 0, quantity: 1 }],
      reason: 'Too small',
      newLines: SCARF,
      restByCard: true,
    });
    expect(out.original.refunds[0]).toMatchObject({ tender: 'credit', amount: 1000, reason: 'Too small (exchange)' });
    expect(out.sale).toMatchObject({ status: 'partly_paid', total: 1250, credit: [{ amount: 1000, left: 0 }] });
    const pay = await t.call<PaymentView>('charge', { terminalId: 'DEMO0001', lines: SCARF, saleId: out.sale.saleId });
    expect(pay.amount).toBe(250);
    await until(() => t.s.sim.openStreams >= 1, 'stream');
    t.s.sim.terminalAction('DEMO0001', 'approve');
    const paid = await until(() => {
      const sale = t.svc.sales.sale(out.sale.saleId);
      return sale?.status === 'paid' && sale;
    }, 'paid in full');
    expect(receiptContent(paid)!.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['card', 250],
      ['credit', 1000],
    ]);
    const d = await t.day();
    expect(d.tenders).toEqual({ card: { count: 1, amount: 250 }, cash: { count: 1, amount: 1000 } });
    expect(d.storeCredit).toEqual({ issued: { count: 1, amount: 1000 }, spent: { count: 1, amount: 1000 } });
    expect(d.net).toBe(1250);
    expect(await t.call<DayState>('closeDay', { counted: 2000 })).toMatchObject({ expected: 2000 });
  });

  it('a customer who paid part with a note and left gets the note back: a refund of that part is a new note', async () => {
    const t = await till();
    await t.call('openDay', { float: 0 });
    const { creditNote } = await t.call<ReceiptlessReturn>('returnWithoutReceipt', {
      lines: SOCKS,
      reason: 'No receipt',
      tender: 'credit',
    });
    const part = await t.call<SaleRecord>('payCredit', { lines: SCARF, code: creditNote!.code });
    expect(part.status).toBe('partly_paid');
    const back = await t.call<SaleRecord>('refund', { orderId: part.saleId });
    expect(back.refunds).toMatchObject([{ tender: 'credit', amount: 1000, state: 'done' }]);
    expect(await t.call<CreditNote>('creditNote', { code: back.refunds[0]!.creditNote! })).toMatchObject({ left: 1000 });
    // Nothing more to give back; the day gave two notes, spent one, moved no money.
    expect(await t.refused('refund', { orderId: part.saleId })).toMatchObject({ code: 'bad_request' });
    // Nor is the sale open any more: its only paid part was given back.
    expect((await t.call<{ sales: SaleRecord[] }>('openSales', {})).sales).toEqual([]);
    const d = await t.day();
    expect(d.storeCredit).toEqual({ issued: { count: 2, amount: 2000 }, spent: { count: 1, amount: 1000 } });
    expect(d.net).toBe(0);
  });

  it('a note given in demo mode (training) pays only training sales, and a real one only real sales', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const svc = await TillService.create({ dataDir: tempDir('till-credit-demo-') });
    cleanups.push(() => svc.close());
    const { call, refused } = callers((m, p) => svc.dispatch(m, p) as never);
    expect((await call<Snapshot>('snapshot')).mode).toBe('demo');
    const practice = (await call<ReceiptlessReturn>('returnWithoutReceipt', { lines: SCARF, reason: 'Practice', tender: 'credit' }))
      .creditNote!;
    expect(practice.training).toBe(true);
    // The shop goes live: the practice note pays nothing real, and nothing is written.
    await call('saveSettings', { mode: 'custom', baseUrl: s.root, apiKey: TEST_KEY });
    expect(await refused('payCredit', { lines: SOCKS, code: practice.code })).toMatchObject({
      code: 'not_allowed',
      message: `Credit note ${practice.code} was given in demo mode (training): it cannot pay a real sale.`,
    });
    expect(await call<CreditNote>('creditNote', { code: practice.code })).toMatchObject({ left: 1250 });
    const real = (await call<ReceiptlessReturn>('returnWithoutReceipt', { lines: SCARF, reason: 'No receipt', tender: 'credit' }))
      .creditNote!;
    expect(real.training).toBeUndefined();
    expect(await call<SaleRecord>('payCredit', { lines: SOCKS, code: real.code })).toMatchObject({ status: 'paid' });
    await call('saveSettings', { mode: 'demo' });
    expect(await refused('payCredit', { lines: SOCKS, code: real.code })).toMatchObject({
      message: `Credit note ${real.code} is a real one: it cannot pay a sale in demo mode (training).`,
    });
  });

  it('a code that is not one, or that no note has, or a note in another state of the sale, is refused and changes nothing', async () => {
    const t = await till();
    await t.call('openDay', { float: 0 });
    expect(await t.refused('payCredit', { lines: SCARF, code: 'hello' })).toMatchObject({ code: 'bad_request', field: 'code' });
    expect(await t.refused('payCredit', { lines: SCARF, code: 'ABCDE-FGHJK' })).toMatchObject({
      code: 'not_found',
      message: 'No credit note has the code ABCDE-FGHJK.',
    });
    expect(await t.refused('creditNote', { code: '' })).toMatchObject({ code: 'bad_request' });
    // A sale already paid is not paid again with store credit.
    const { creditNote } = await t.call<ReceiptlessReturn>('returnWithoutReceipt', {
      lines: SCARF,
      reason: 'No receipt',
      tender: 'credit',
    });
    const cash = await t.call<SaleRecord>('payCash', { lines: SOCKS, given: 1000 });
    expect(await t.refused('payCredit', { lines: SOCKS, code: creditNote!.code, saleId: cash.saleId })).toMatchObject({
      code: 'not_found',
    });
    expect((await t.day()).storeCredit!.spent).toEqual({ count: 0, amount: 0 });
    expect(await t.call<CreditNote>('creditNote', { code: creditNote!.code })).toMatchObject({ left: 1250 });
  });
});
