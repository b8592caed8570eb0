/**
 * Return items over the real transports: the headless server's WebSocket, the simulator's HTTP API for the card
 * refund, and the ledger's SQLite file read back after the till stopped. A card return, a cash return, a line never
 * returned twice (also at once), a failed card refund freeing its lines, and the day report taking returns off.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import { startHeadlessServer } from '../../electron/server/server';
import type { DayReport, DayState, DrawerSession, ReceiptlessReturn, SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { receiptContent } from '../../shared/receipt';
import { FAST_TIMING, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { WsTill } from '../helpers/ws-till';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Three rates, odd prices: 3 x 3.33 at 21 %, 2 x 1.99 at 9 %, 4.99 at 0 % (18.96; VAT 1.73, 0.33, 0.00). */
const LINES = [
  { name: 'Tea', unitPrice: 333, quantity: 3, vatRate: 21, productId: 7 },
  { name: 'Bread', unitPrice: 199, quantity: 2, vatRate: 9, productId: 8 },
  { name: 'Book', unitPrice: 499, quantity: 1, vatRate: 0 },
];

async function till() {
  const s = await startSim();
  cleanups.push(() => s.sim.stop());
  const dataDir = tempDir('till-returns-');
  const svc = await TillService.create({
    dataDir,
    env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
    timing: FAST_TIMING,
    refundGraceMs: 300,
  });
  let open = true;
  const close = async () => {
    if (open) await svc.close();
    open = false;
  };
  cleanups.push(close);
  const server = await startHeadlessServer({ service: svc, port: 0, staticDir: tempDir() });
  cleanups.push(() => server.close());
  const ws = await WsTill.connect(server.url);
  cleanups.push(() => ws.close());
  const call = async <T>(m: string, p: unknown): Promise<T> => {
    const r = await ws.call(m, p);
    if (!r.ok) throw new Error(`${r.error!.code}: ${r.error!.message}`);
    return r.result as T;
  };
  const refused = async (m: string, p: unknown) => {
    const r = await ws.call(m, p);
    expect(r.ok).toBe(false);
    return r.error!;
  };
  const cardSale = async (lines = LINES) => {
    const pay = await call<PaymentView>('charge', { terminalId: 'DEMO0001', lines });
    await until(() => s.sim.openStreams >= 1, 'stream');
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => svc.sales.sale(pay.saleId)?.receiptNumber !== undefined, 'paid');
    await until(() => svc.engine.payment(pay.orderId)?.card, 'card known');
    return { saleId: pay.saleId, orderId: pay.orderId };
  };
  /** The returned lines as the ledger file holds them, read with the till stopped. */
  const ledgerRows = async () => {
    await close();
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'), { readOnly: true });
    try {
      return db
        .prepare(
          `SELECT l.sale_id, l.line_index, l.product_id, l.name, l.quantity, l.amount, l.vat_rate, l.vat, r.tender, r.state, r.amount AS refunded, x.reason
           FROM returned_lines l JOIN refunds r ON r.refund_id = l.refund_id JOIN returns x ON x.refund_id = l.refund_id
           ORDER BY r.at, l.line_index`,
        )
        .all()
        .map((row) => ({ ...row }));
    } finally {
      db.close();
    }
  };
  return { sim: s.sim, svc, ws, call, refused, cardSale, ledgerRows };
}

const dayOf = (r: DayReport) => r.totals.find((t) => t.currency === 'EUR')!;

describe('Return items', () => {
  it('a card return refunds the lines through MultiSafepay with their VAT, never twice; the rest later takes exactly what is left', async () => {
    const t = await till();
    const { saleId, orderId } = await t.cardSale();
    const first = await t.call<SaleRecord>('returnItems', {
      saleId,
      lines: [
        { index: 1, quantity: 2 },
        { index: 0, quantity: 1 },
      ],
      reason: 'Damaged in the bag',
    });
    const r1 = first.refunds[0]!;
    expect(r1).toMatchObject({ state: 'done', tender: 'card', orderId, amount: 333 + 398, reason: 'Damaged in the bag' });
    expect(r1.lines).toEqual([
      { index: 0, name: 'Tea', productId: 7, quantity: 1, unitPrice: 333, amount: 333, vatRate: 21, vat: 58 },
      { index: 1, name: 'Bread', productId: 8, quantity: 2, unitPrice: 199, amount: 398, vatRate: 9, vat: 33 },
    ]);
    expect(r1.vat).toEqual([
      { rate: 21, gross: 333, vat: 58 },
      { rate: 9, gross: 398, vat: 33 },
    ]);
    // MultiSafepay made exactly that refund, and the till kept its transaction id.
    const atMsp = t.sim.orders.get(orderId)!.refunds;
    expect(atMsp.map((x) => x.amount)).toEqual([731]);
    expect(r1.transactionId).toBe(atMsp[0]!.transaction_id);
    expect(first.status).toBe('partially_refunded');
    // The refund receipt lists the returned lines.
    expect(receiptContent(first, r1)).toMatchObject({
      kind: 'refund',
      total: 731,
      refundOf: first.receiptNumber,
      lines: [
        { name: 'Tea', quantity: 1, unitPrice: 333, vatRate: 21 },
        { name: 'Bread', quantity: 2, unitPrice: 199, vatRate: 9 },
      ],
    });

    // The bread is back already: asking for it again changes nothing, at the till or at MultiSafepay.
    expect(await t.refused('returnItems', { saleId, lines: [{ index: 1, quantity: 1 }], reason: 'Again' })).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/more than was sold less what was returned/),
    });
    expect(await t.refused('returnItems', { saleId, lines: [{ index: 0, quantity: 3 }], reason: 'Too many' })).toMatchObject({
      code: 'bad_request',
    });
    expect(await t.refused('returnItems', { saleId, lines: [{ index: 5, quantity: 1 }], reason: 'No such line' })).toMatchObject({
      code: 'bad_request',
    });
    expect(await t.refused('returnItems', { saleId, lines: [{ index: 0, quantity: 1 }], reason: '' })).toMatchObject({
      code: 'bad_request',
    });
    expect(t.sim.orders.get(orderId)!.refunds).toHaveLength(1);

    // The rest: the last tea takes exactly the VAT left at 21 %.
    const rest = await t.call<SaleRecord>('returnItems', {
      saleId,
      lines: [
        { index: 0, quantity: 2 },
        { index: 2, quantity: 1 },
      ],
      reason: 'Changed their mind',
    });
    expect(rest.status).toBe('refunded');
    expect(rest.refunds[1]!.vat).toEqual([
      { rate: 21, gross: 666, vat: 115 },
      { rate: 0, gross: 499, vat: 0 },
    ]);
    expect(t.sim.orders.get(orderId)!.refunds.map((x) => x.amount)).toEqual([731, 1165]);
    // Nothing is left to return.
    expect(await t.refused('returnItems', { saleId, lines: [{ index: 1, quantity: 1 }], reason: 'Again' })).toMatchObject({
      code: 'not_allowed',
    });

    // The day: sold and given back, VAT per rate to the cent, no product left in the products table.
    const day = dayOf(await t.call<DayReport>('dayReport', {}));
    expect(day.vat).toEqual([
      { rate: 21, gross: 0, vat: 0 },
      { rate: 9, gross: 0, vat: 0 },
      { rate: 0, gross: 0, vat: 0 },
    ]);
    expect(day.products).toBeUndefined();
    expect(day.refundsByTender.card).toEqual({ count: 2, amount: 1896 });
    expect(day.net).toBe(0);

    expect(await t.ledgerRows()).toEqual([
      {
        sale_id: saleId,
        line_index: 0,
        product_id: 7,
        name: 'Tea',
        quantity: 1,
        amount: 333,
        vat_rate: 21,
        vat: 58,
        tender: 'card',
        state: 'done',
        refunded: 731,
        reason: 'Damaged in the bag',
      },
      {
        sale_id: saleId,
        line_index: 1,
        product_id: 8,
        name: 'Bread',
        quantity: 2,
        amount: 398,
        vat_rate: 9,
        vat: 33,
        tender: 'card',
        state: 'done',
        refunded: 731,
        reason: 'Damaged in the bag',
      },
      {
        sale_id: saleId,
        line_index: 0,
        product_id: 7,
        name: 'Tea',
        quantity: 2,
        amount: 666,
        vat_rate: 21,
        vat: 115,
        tender: 'card',
        state: 'done',
        refunded: 1165,
        reason: 'Changed their mind',
      },
      {
        sale_id: saleId,
        line_index: 2,
        product_id: null,
        name: 'Book',
        quantity: 1,
        amount: 499,
        vat_rate: 0,
        vat: 0,
        tender: 'card',
        state: 'done',
        refunded: 1165,
        reason: 'Changed their mind',
      },
    ]);
  });

  it('a cash return gives the lines back from the drawer: the day report takes them off the products, the VAT and the expected cash', async () => {
    const t = await till();
    await t.call('openDay', { float: 5000 });
    const sale = await t.call<SaleRecord>('payCash', { lines: LINES, given: 2000 });
    const back = await t.call<SaleRecord>('returnItems', {
      saleId: sale.saleId,
      lines: [{ index: 0, quantity: 2 }],
      reason: 'Wrong flavour',
    });
    const r = back.refunds[0]!;
    expect(r).toMatchObject({
      state: 'done',
      tender: 'cash',
      amount: 666,
      reason: 'Wrong flavour',
      vat: [{ rate: 21, gross: 666, vat: 115 }],
    });
    expect(r.receiptNumber).toBe(sale.receiptNumber! + 1);
    expect(receiptContent(back, r)!.lines).toEqual([{ name: 'Tea', quantity: 2, unitPrice: 333, vatRate: 21 }]);
    const day = dayOf(await t.call<DayReport>('dayReport', {}));
    expect(day.products).toEqual([
      { name: 'Book', quantity: 1, amount: 499 },
      { name: 'Bread', productId: 8, quantity: 2, amount: 398 },
      { name: 'Tea', productId: 7, quantity: 1, amount: 333 },
    ]);
    expect(day.vat).toEqual([
      { rate: 21, gross: 333, vat: 58 },
      { rate: 9, gross: 398, vat: 33 },
      { rate: 0, gross: 499, vat: 0 },
    ]);
    expect(day.refundsByTender.cash).toEqual({ count: 1, amount: 666 });
    expect(day.net).toBe(1896 - 666);
    // The ledger itself re-counts in the transaction: two more teas written past the screen's and the book's checks
    // (as two returns racing would) are refused, and nothing is written.
    const racing = {
      refundId: 'r-racing',
      orderId: sale.saleId,
      saleId: sale.saleId,
      amount: 666,
      currency: 'EUR',
      at: Date.now(),
      tender: 'cash' as const,
      return: { lines: [{ index: 0, name: 'Tea', quantity: 2, unitPrice: 333, amount: 666, vatRate: 21, vat: 115 }], reason: 'Race' },
    };
    expect(() => t.svc.ledger.refunds.begin(racing)).toThrow(/Line 1 of the sale has been returned already/);
    expect(t.svc.sales.sale(sale.saleId)!.refunds).toHaveLength(1);
    // The last tea: exactly the 0.58 VAT left at 21 %.
    const last = await t.call<SaleRecord>('returnItems', {
      saleId: sale.saleId,
      lines: [{ index: 0, quantity: 1 }],
      reason: 'Wrong flavour',
    });
    expect(last.refunds[1]!.vat).toEqual([{ rate: 21, gross: 333, vat: 58 }]);
    expect(dayOf(await t.call<DayReport>('dayReport', {})).vat![0]).toEqual({ rate: 21, gross: 0, vat: 0 });
    const rows = await t.ledgerRows();
    expect(rows.map((x) => [x.line_index, x.quantity, x.amount, x.vat, x.tender, x.state])).toEqual([
      [0, 2, 666, 115, 'cash', 'done'],
      [0, 1, 333, 58, 'cash', 'done'],
    ]);
  });

  it('two returns of the same line at once: one refund, the other refused; a card refund that never happened frees its lines', async () => {
    const t = await till();
    const { saleId, orderId } = await t.cardSale([{ name: 'Lamp', unitPrice: 2500, quantity: 1, vatRate: 21 }]);
    t.sim.faults.refundDelayMs = 200;
    const ask = { saleId, lines: [{ index: 0, quantity: 1 }], reason: 'Broken' };
    const [a, b] = await Promise.all([t.ws.call('returnItems', ask), t.ws.call('returnItems', ask)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect(t.sim.orders.get(orderId)!.refunds).toHaveLength(1);
    t.sim.faults.refundDelayMs = 0;

    const other = await t.cardSale([{ name: 'Chair', unitPrice: 4000, quantity: 2, vatRate: 21 }]);
    t.sim.faults.refundDropRequest = 1;
    const ask2 = { saleId: other.saleId, lines: [{ index: 0, quantity: 2 }], reason: 'Wobbly' };
    expect(await t.refused('returnItems', ask2)).toMatchObject({ code: 'refund_unknown' });
    // While MultiSafepay's answer is unknown the chairs count as returned.
    expect(await t.refused('returnItems', { ...ask2, lines: [{ index: 0, quantity: 1 }] })).toMatchObject({ code: 'bad_request' });
    await until(() => t.svc.sales.sale(other.saleId)!.refunds[0]?.state === 'failed', 'settled as not refunded');
    // Not refunded: the chairs can be returned again.
    const again = await t.call<SaleRecord>('returnItems', ask2);
    expect(again.refunds.map((r) => r.state)).toEqual(['failed', 'done']);
    expect(t.sim.orders.get(other.orderId)!.refunds.map((x) => x.amount)).toEqual([8000]);
  });

  it('a return without a receipt (a manager): cash from the drawer with the lines’ VAT, its own refund receipt, off the day’s products and VAT', async () => {
    const t = await till();
    await t.call('openDay', { float: 5000 });
    const lines = [
      { name: 'Tea', unitPrice: 333, quantity: 2, vatRate: 21, productId: 7 },
      { name: 'Mug', unitPrice: 1299, quantity: 1, vatRate: 21 },
    ];
    expect(await t.refused('returnWithoutReceipt', { lines, reason: '' })).toMatchObject({ code: 'bad_request' });
    const ret = await t.call<ReceiptlessReturn>('returnWithoutReceipt', { lines, reason: 'Gift, no receipt' });
    // 19.65 at 21 %: 3.41 VAT, shared over the lines (1.16 of the teas, 2.25 of the mug).
    expect(ret).toMatchObject({
      amount: 1965,
      currency: 'EUR',
      reason: 'Gift, no receipt',
      receiptNumber: 1,
      vat: [{ rate: 21, gross: 1965, vat: 341 }],
    });
    expect(ret.lines.map((l) => [l.name, l.quantity, l.amount, l.vat])).toEqual([
      ['Tea', 2, 666, 116],
      ['Mug', 1, 1299, 225],
    ]);
    // The drawer holds 50.00 - 19.65 = 30.35: a return of 40.00 without a receipt is refused, and nothing changes.
    const before = dayOf(await t.call<DayReport>('dayReport', {}));
    expect(
      await t.refused('returnWithoutReceipt', {
        lines: [{ name: 'Coat', unitPrice: 4000, quantity: 1, vatRate: 21 }],
        reason: 'No receipt',
      }),
    ).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/more than the drawer should hold \(€30\.35\)/) });
    const day = dayOf(await t.call<DayReport>('dayReport', {}));
    expect(day).toEqual(before);
    expect(day.refundsByTender.cash).toEqual({ count: 1, amount: 1965 });
    expect(day.vat).toEqual([{ rate: 21, gross: -1965, vat: -341 }]);
    expect(day.products).toEqual([
      { name: 'Tea', productId: 7, quantity: -2, amount: -666 },
      { name: 'Mug', quantity: -1, amount: -1299 },
    ]);
    expect(day.net).toBe(-1965);
    // Its receipt lists the lines, as a refund from the drawer.
    const sale = t.svc.sales.receiptlessSale(ret.returnId)!;
    expect(receiptContent(sale, sale.refunds[0])).toMatchObject({
      kind: 'refund',
      number: 1,
      total: 1965,
      tenders: [{ kind: 'cash', amount: 1965 }],
      lines: [
        { name: 'Tea', quantity: 2, unitPrice: 333, vatRate: 21 },
        { name: 'Mug', quantity: 1, unitPrice: 1299, vatRate: 21 },
      ],
    });
    const closed = await t.call<DayState>('closeDay', { counted: 3035 });
    expect(closed).toMatchObject({ expected: 3035, counted: 3035 });
  });
});

describe('Exchange', () => {
  it('a card sale exchanged: the tea back as credit, a dearer pot sold, the difference paid in cash rounded; one transaction, the books add up', async () => {
    const t = await till();
    const { saleId, orderId } = await t.cardSale();
    await t.call('openDay', { float: 5_000 });
    // Two teas (2 x 3.33 = 6.66 credit) for a pot of 9.99: 3.33 to pay, rounded to 3.35 in cash; 5.00 handed over.
    const pot = [{ name: 'Teapot', unitPrice: 999, quantity: 1, vatRate: 21 }];
    const out = await t.call<{ sale: SaleRecord; original: SaleRecord; refundId: string }>('exchangeItems', {
      saleId,
      lines: [{ index: 0, quantity: 2 }],
      reason: 'Wrong flavour',
      newLines: pot,
      given: 500,
    });
    expect(out.sale).toMatchObject({ total: 999, tender: 'cash', status: 'paid' });
    expect(out.sale.cash).toMatchObject({ given: 666 + 500, change: 165, rounding: 2 });
    expect(out.sale.receiptNumber).toBeGreaterThan(0);
    const back = out.original.refunds.find((r) => r.refundId === out.refundId)!;
    expect(back).toMatchObject({ amount: 666, tender: 'cash', state: 'done' });
    expect(back.lines?.map((l) => [l.name, l.quantity, l.amount])).toEqual([['Tea', 2, 666]]);
    expect(out.original.status).toBe('partially_refunded');
    // Nothing went to MultiSafepay: the card stays charged, the credit went into the new sale.
    expect(t.sim.orders.get(orderId)!.refunds).toEqual([]);
    // The drawer: 50.00 float + 9.99 sold + 0.02 rounding - 6.66 credit = 53.35 (5.00 in, 1.65 back).
    const [session] = (await t.call<DrawerSession[]>('drawerSessions', {})).filter((x) => x.closedAt === undefined);
    expect(session!.expectedNow).toBe(5_335);
    const day = dayOf(await t.call<DayReport>('dayReport', {}));
    expect(day.tenders.cash.amount).toBe(999);
    expect(day.refundsByTender.cash.amount).toBe(666);
    // VAT: the pot's 21 % less the two teas' share of the sale's 21 % VAT.
    const vat21 = day.vat!.find((v) => v.rate === 21)!;
    expect(vat21.gross).toBe(999 + 999 - 666);
    // A second exchange of more teas than are left is refused with nothing changed.
    const before = t.svc.ledger.counts().sales;
    expect(
      (await t.refused('exchangeItems', { saleId, lines: [{ index: 0, quantity: 2 }], reason: 'Again', newLines: pot, given: 1000 }))
        .message,
    ).toMatch(/more than was sold less what was returned/);
    expect(t.svc.ledger.counts().sales).toBe(before);
  });

  it('cheaper new items: the difference goes back from the drawer, rounded; too little handed over is refused with nothing written', async () => {
    const t = await till();
    const { saleId } = await t.cardSale();
    await t.call('openDay', { float: 5_000 });
    const mug = [{ name: 'Mug', unitPrice: 250, quantity: 1, vatRate: 21 }];
    // The book (4.99, 0 % VAT) back for a 2.50 mug: 2.49 back, rounded to 2.50.
    const out = await t.call<{ sale: SaleRecord; original: SaleRecord }>('exchangeItems', {
      saleId,
      lines: [{ index: 2, quantity: 1 }],
      reason: 'Already read it',
      newLines: mug,
      given: 0,
    });
    // The sale takes 0.01 less than its 2.50, so the drawer gives back exactly 2.50.
    expect(out.sale.cash).toMatchObject({ given: 499, change: 250, rounding: -1 });
    const [session] = (await t.call<DrawerSession[]>('drawerSessions', {})).filter((x) => x.closedAt === undefined);
    expect(session!.expectedNow).toBe(5_000 - 250);
    // Dearer items with too little cash: refused, and neither the return nor a sale is written.
    const counts = t.svc.ledger.counts();
    const refunds = t.svc.ledger.refunds.ofOrder(saleId).length;
    const dear = [{ name: 'Kettle', unitPrice: 2_999, quantity: 1, vatRate: 21 }];
    expect(
      (await t.refused('exchangeItems', { saleId, lines: [{ index: 1, quantity: 1 }], reason: 'Stale', newLines: dear, given: 100 }))
        .message,
    ).toMatch(/less than the difference/);
    expect(t.svc.ledger.counts()).toEqual(counts);
    expect(t.svc.ledger.refunds.ofOrder(saleId)).toHaveLength(refunds);
  });
});
