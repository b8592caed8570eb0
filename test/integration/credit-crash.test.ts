/**
 * Store credit's durable steps against kill -9: headless mode (dist-electron/server.mjs) is killed right after a
 * return without a receipt given as a credit note is written (`return-journaled`), or right after a credit tender is
 * written (`credit-spent`), then started again on the same data folder. The note is there once with all of its
 * amount, or spent exactly once; the sale it paid part of is open to be finished, and nothing is counted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import type { CreditNote, DayReport, OpenSales, ReceiptlessReturn, SaleRecord } from '../../shared/contract';
import { skipReason } from '../e2e/harness';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY } from '../helpers/sim';
import { headlessTills } from '../helpers/headless-tills';

const reason = skipReason()?.includes('dist-electron') ? skipReason() : undefined;
if (reason) console.warn(`[crash] ${reason}`);

const COAT = [{ name: 'Coat', unitPrice: 4000, quantity: 1, vatRate: 21 }];
const BOOTS = [{ name: 'Boots', unitPrice: 6000, quantity: 1, vatRate: 21 }];

describe.skipIf(Boolean(reason))('store credit against kill -9 of headless mode', () => {
  let sim: Simulator;
  let n = 0;
  const start = headlessTills();
  beforeAll(async () => {
    sim = (await startSim({ approvalDelayMs: 5 })).sim;
  });
  afterAll(async () => sim?.stop());
  const envOf = () => {
    const terminalId = `CRD${n++}`;
    sim.addTerminal(terminalId);
    const dataDir = tempDir('till-credit-crash-');
    return { TILL_DATA_DIR: dataDir, TILL_MSP_BASE_URL: sim.apiRoot, TILL_MSP_API_KEY: TEST_KEY, TILL_TERMINAL_IDS: terminalId };
  };
  const dayOf = async (ws: { call<T>(m: string, p?: unknown): Promise<{ result?: T }> }) =>
    (await ws.call<DayReport>('dayReport', {})).result!.totals[0]!;

  it('return-journaled (store credit): the note was written with its return; at restart it is there once, all of it left', async () => {
    const env = envOf();
    const first = await start({ ...env, TILL_CRASH_AT: 'return-journaled' });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    expect((await first.ws.call('openDay', { float: 10_000 })).ok).toBe(true);
    const answer = await first.ws.call('returnWithoutReceipt', { lines: COAT, reason: 'No receipt', tender: 'credit' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;
    const second = await start(env);
    const day = await dayOf(second.ws);
    expect(day.storeCredit).toEqual({ issued: { count: 1, amount: 4000 }, spent: { count: 0, amount: 0 } });
    expect(day.refunds).toEqual({ count: 0, amount: 0 });
    // The code the customer never saw is on the return's receipt: History finds it by its receipt number, to print again.
    const sales = (await second.ws.call<SaleRecord[]>('history', { query: '1' })).result!;
    expect(sales).toHaveLength(1);
    const code = sales[0]!.refunds[0]!.creditNote!;
    expect(sales[0]!.refunds[0]).toMatchObject({ tender: 'credit', amount: 4000, receiptNumber: 1 });
    expect((await second.ws.call<CreditNote>('creditNote', { code })).result).toMatchObject({ amount: 4000, left: 4000 });
    // And by the note's code, as the customer reads it out.
    expect((await second.ws.call<SaleRecord[]>('history', { query: code.toLowerCase() })).result!.map((s) => s.saleId)).toEqual([
      sales[0]!.saleId,
    ]);
    await second.till.stop('SIGTERM');
  });

  it('credit-spent: the credit tender was written; at restart the sale is open with it, and the note is spent once', async () => {
    const env = envOf();
    // The note first, on a till that keeps running; then the same folder with the kill set at the credit tender.
    const maker = await start(env);
    expect((await maker.ws.call('openDay', { float: 10_000 })).ok).toBe(true);
    const ret = (await maker.ws.call<ReceiptlessReturn>('returnWithoutReceipt', { lines: COAT, reason: 'No receipt', tender: 'credit' }))
      .result!;
    const code = ret.creditNote!.code;
    await maker.till.stop('SIGTERM');

    const first = await start({ ...env, TILL_CRASH_AT: 'credit-spent' });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    const answer = await first.ws.call('payCredit', { lines: BOOTS, code });
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;

    const second = await start(env);
    const open = (await second.ws.call<OpenSales>('openSales', {})).result!;
    expect(open.sales).toHaveLength(1);
    const sale = open.sales[0]!;
    expect(sale).toMatchObject({ status: 'partly_paid', total: 6000, credit: [{ code, amount: 4000, left: 0 }] });
    expect((await second.ws.call<CreditNote>('creditNote', { code })).result).toMatchObject({ left: 0 });
    // Asked again, the note pays nothing more; the rest is paid in cash and the sale is numbered once.
    expect(await second.ws.call('payCredit', { lines: BOOTS, code, saleId: sale.saleId })).toMatchObject({
      ok: false,
      error: { code: 'not_allowed' },
    });
    const paid = (await second.ws.call<SaleRecord>('payCash', { lines: BOOTS, given: 2000, saleId: sale.saleId })).result!;
    expect(paid).toMatchObject({ status: 'paid', receiptNumber: 2, cash: { amount: 2000, change: 0 } });
    const day = await dayOf(second.ws);
    expect(day.storeCredit).toEqual({ issued: { count: 1, amount: 4000 }, spent: { count: 1, amount: 4000 } });
    expect(day.tenders.cash).toEqual({ count: 1, amount: 2000 });
    expect(day.net).toBe(2000);
    await second.till.stop('SIGTERM');
  });

  it('exchange-journaled (difference on a card): the return as store credit and the new sale were written together; at restart the sale waits for its card', async () => {
    const env = envOf();
    const first = await start({ ...env, TILL_CRASH_AT: 'exchange-journaled' });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    expect((await first.ws.call('openDay', { float: 0 })).ok).toBe(true);
    const saleId = (await first.ws.call<SaleRecord>('payCash', { lines: COAT, given: 4000 })).result!.saleId;
    const answer = await first.ws.call('exchangeItems', {
      saleId,
      lines: [{ index: 0, quantity: 1 }],
      reason: 'Too small',
      newLines: BOOTS,
      restByCard: true,
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;
    const second = await start(env);
    const open = (await second.ws.call<OpenSales>('openSales', {})).result!.sales;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: 'partly_paid', total: 6000, credit: [{ amount: 4000, left: 0 }] });
    const original = (await second.ws.call<SaleRecord[]>('history', {})).result!.find((s) => s.saleId === saleId)!;
    expect(original.refunds).toMatchObject([{ tender: 'credit', amount: 4000, state: 'done', reason: 'Too small (exchange)' }]);
    // Once: asking again is refused, and the day counts one note given and spent, and the coat's cash only.
    expect(
      await second.ws.call('exchangeItems', {
        saleId,
        lines: [{ index: 0, quantity: 1 }],
        reason: 'Too small',
        newLines: BOOTS,
        restByCard: true,
      }),
    ).toMatchObject({ ok: false });
    const day = await dayOf(second.ws);
    expect(day.storeCredit).toEqual({ issued: { count: 1, amount: 4000 }, spent: { count: 1, amount: 4000 } });
    expect([day.tenders.cash.amount, day.net]).toEqual([4000, 4000]);
    await second.till.stop('SIGTERM');
  });
});
