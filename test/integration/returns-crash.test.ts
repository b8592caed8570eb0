/**
 * A return's durable step against kill -9: headless mode (dist-electron/server.mjs) is killed right after a return's
 * lines and refund are written (`return-journaled`) or right after MultiSafepay answered its card refund
 * (`return-sent`), then started again on the same data folder. Whatever happened is in the ledger afterwards, the
 * lines stay returned exactly once, and no refund reaches MultiSafepay twice.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import type { DayReport, SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { skipReason } from '../e2e/harness';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { headlessTills } from '../helpers/headless-tills';
import { WsTill } from '../helpers/ws-till';

const reason = skipReason()?.includes('dist-electron') ? skipReason() : undefined;
if (reason) console.warn(`[crash] ${reason}`);

const LINES = [
  { name: 'Kettle', unitPrice: 3999, quantity: 2, vatRate: 21 },
  { name: 'Tea', unitPrice: 449, quantity: 3, vatRate: 9 },
];
const RETURN = { lines: [{ index: 1, quantity: 2 }], reason: 'Opened box' };

describe.skipIf(Boolean(reason))('a return against kill -9 of headless mode', () => {
  let sim: Simulator;
  let n = 0;
  const start = headlessTills();
  beforeAll(async () => {
    sim = (await startSim({ approvalDelayMs: 5 })).sim;
  });
  afterAll(async () => sim?.stop());
  const history = async (ws: WsTill) => (await ws.call<SaleRecord[]>('history', {})).result!;
  /** The sale as the till's history shows it, once `ready` holds for it (asked again on each history change). */
  async function saleWhen(ws: WsTill, saleId: string, ready: (s: SaleRecord) => boolean, what: string): Promise<SaleRecord> {
    for (let seen = -1; ;) {
      const changes = ws.events.filter((e) => e.type === 'history_changed').length;
      if (changes !== seen) {
        seen = changes;
        const sale = (await history(ws)).find((s) => s.saleId === saleId);
        if (sale && ready(sale)) return sale;
      }
      await until(() => ws.events.filter((e) => e.type === 'history_changed').length !== seen, what, 15_000);
    }
  }

  /** A paid sale (on the card, or in cash), then a return that kills the till at `point`; the till started again. */
  async function crashDuringReturn(point: 'return-journaled' | 'return-sent', tender: 'card' | 'cash') {
    const terminalId = `RET${n++}`;
    sim.addTerminal(terminalId);
    const dataDir = tempDir('till-return-crash-');
    const env = { TILL_DATA_DIR: dataDir, TILL_MSP_BASE_URL: sim.apiRoot, TILL_MSP_API_KEY: TEST_KEY, TILL_TERMINAL_IDS: terminalId };
    const first = await start({ ...env, TILL_CRASH_AT: point });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    let saleId: string;
    let orderId: string | undefined;
    if (tender === 'card') {
      const pay = (await first.ws.call<PaymentView>('charge', { terminalId, lines: LINES })).result!;
      ({ saleId, orderId } = pay);
      await until(() => sim.orders.get(pay.orderId)?.status === 'initialized', 'waiting on the terminal');
      sim.terminalAction(terminalId, 'approve');
      await saleWhen(first.ws, pay.saleId, (s) => s.status === 'paid', 'paid');
    } else saleId = (await first.ws.call<SaleRecord>('payCash', { lines: LINES, given: 10_000 })).result!.saleId;
    const answer = await first.ws.call('returnItems', { saleId, ...RETURN });
    // The till died in the middle of it: no answer ever came.
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;
    const second = await start(env);
    return { ...second, saleId, orderId, dataDir };
  }

  /** The returned lines on disk, with their refund's state, read with the till stopped. */
  const onDisk = (dataDir: string) => {
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'), { readOnly: true });
    try {
      return db
        .prepare(
          `SELECT l.line_index, l.quantity, l.amount, l.vat, r.state, r.tender, x.reason FROM returned_lines l
           JOIN refunds r ON r.refund_id = l.refund_id JOIN returns x ON x.refund_id = l.refund_id ORDER BY r.rowid`,
        )
        .all()
        .map((row) => ({ ...row }));
    } finally {
      db.close();
    }
  };
  // 2 x 4.49 at 9 %: 8.98 with 0.74 of the sale's 1.11 VAT at 9 % (shares 1.11 over three teas: 0.37 each).
  const row = (state: string, tender: string) => ({
    line_index: 1,
    quantity: 2,
    amount: 898,
    vat: 74,
    state,
    tender,
    reason: 'Opened box',
  });

  it('return-sent (card): MultiSafepay refunded, the till died before writing it down; at restart the re-read records it done, once', async () => {
    const t = await crashDuringReturn('return-sent', 'card');
    expect(sim.orders.get(t.orderId!)!.refunds.map((r) => r.amount)).toEqual([898]);
    const sale = await saleWhen(t.ws, t.saleId, (s) => s.refunds[0]?.state === 'done', 'settled from the re-read');
    expect(sale.refunds[0]).toMatchObject({ amount: 898, transactionId: sim.orders.get(t.orderId!)!.refunds[0]!.transaction_id });
    expect(sale.refunds[0]!.lines).toMatchObject([{ index: 1, name: 'Tea', quantity: 2 }]);
    expect(sale.refunds[0]!.receiptNumber).toBe(sale.receiptNumber! + 1);
    // The teas are back: asking again is refused, and MultiSafepay still has one refund.
    expect(await t.ws.call('returnItems', { saleId: t.saleId, ...RETURN })).toMatchObject({ ok: false });
    expect(sim.orders.get(t.orderId!)!.refunds).toHaveLength(1);
    await t.till.stop('SIGTERM');
    expect(onDisk(t.dataDir)).toEqual([row('done', 'card')]);
  });

  it('return-journaled (card): written, never sent; at restart it is still being checked and its lines stay held', async () => {
    const t = await crashDuringReturn('return-journaled', 'card');
    expect(sim.orders.get(t.orderId!)!.refunds).toEqual([]);
    const sale = (await history(t.ws)).find((s) => s.saleId === t.saleId)!;
    expect(sale.refunds.map((r) => [r.state, r.amount, r.reason])).toEqual([['pending', 898, 'Opened box']]);
    // Held while MultiSafepay's answer is unknown: no second return of the teas, and nothing sent.
    expect(await t.ws.call('returnItems', { saleId: t.saleId, ...RETURN })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await t.ws.call('returnItems', { saleId: t.saleId, lines: [{ index: 0, quantity: 1 }], reason: 'Dented' })).toMatchObject({
      ok: false,
      error: { code: 'refund_pending' },
    });
    expect(sim.orders.get(t.orderId!)!.refunds).toEqual([]);
    await t.till.stop('SIGTERM');
    expect(onDisk(t.dataDir)).toEqual([row('pending', 'card')]);
  });

  it('return-journaled (cash): the drawer gave it back in one transaction; at restart it is there, done, with its receipt number', async () => {
    const t = await crashDuringReturn('return-journaled', 'cash');
    const sale = (await history(t.ws)).find((s) => s.saleId === t.saleId)!;
    expect(sale.refunds).toMatchObject([{ state: 'done', tender: 'cash', amount: 898, receiptNumber: sale.receiptNumber! + 1 }]);
    expect(await t.ws.call('returnItems', { saleId: t.saleId, lines: [{ index: 1, quantity: 2 }], reason: 'Again' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    // The last tea can still come back.
    const last = await t.ws.call<SaleRecord>('returnItems', { saleId: t.saleId, lines: [{ index: 1, quantity: 1 }], reason: 'Again' });
    expect(last.result!.refunds[1]).toMatchObject({ amount: 449, vat: [{ rate: 9, gross: 449, vat: 37 }] });
    await t.till.stop('SIGTERM');
    expect(onDisk(t.dataDir)[0]).toEqual(row('done', 'cash'));
  });

  it('return-journaled (no receipt): written with its refund receipt number in one transaction; at restart the day counts it', async () => {
    const terminalId = `RET${n++}`;
    const dataDir = tempDir('till-return-crash-');
    const env = { TILL_DATA_DIR: dataDir, TILL_MSP_BASE_URL: sim.apiRoot, TILL_MSP_API_KEY: TEST_KEY, TILL_TERMINAL_IDS: terminalId };
    const first = await start({ ...env, TILL_CRASH_AT: 'return-journaled' });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    expect((await first.ws.call('openDay', { float: 10_000 })).ok).toBe(true);
    const answer = await first.ws.call('returnWithoutReceipt', { lines: LINES.slice(1), reason: 'No receipt' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;
    const second = await start(env);
    const day = (await second.ws.call<DayReport>('dayReport', {})).result!.totals[0]!;
    expect(day.refundsByTender.cash).toEqual({ count: 1, amount: 1347 });
    expect(day.vat).toEqual([{ rate: 9, gross: -1347, vat: -111 }]);
    await second.till.stop('SIGTERM');
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'), { readOnly: true });
    try {
      expect(
        db
          .prepare(`SELECT x.amount, r.number, r.kind FROM receiptless_returns x JOIN receipts r ON r.refund_id = x.return_id`)
          .all()
          .map((r) => ({ ...r })),
      ).toEqual([{ amount: 1347, number: 1, kind: 'refund' }]);
    } finally {
      db.close();
    }
  });

  it('exchange-journaled: the return and the new sale were written in one transaction; at restart both are there, once', async () => {
    const terminalId = `RET${n++}`;
    const dataDir = tempDir('till-return-crash-');
    const env = { TILL_DATA_DIR: dataDir, TILL_MSP_BASE_URL: sim.apiRoot, TILL_MSP_API_KEY: TEST_KEY, TILL_TERMINAL_IDS: terminalId };
    const first = await start({ ...env, TILL_CRASH_AT: 'exchange-journaled' });
    const died = new Promise<void>((resolve) => first.till.proc.once('exit', () => resolve()));
    expect((await first.ws.call('openDay', { float: 10_000 })).ok).toBe(true);
    const saleId = (await first.ws.call<SaleRecord>('payCash', { lines: LINES, given: 10_000 })).result!.saleId;
    // Two teas (8.98) for a kettle (39.99): 31.01 to pay, 31.00 in cash (rounded), 40.00 handed over.
    const kettle = [LINES[0]!].map((l) => ({ ...l, quantity: 1 }));
    const answer = await first.ws.call('exchangeItems', { saleId, ...RETURN, newLines: kettle, given: 4_000 });
    expect(answer).toMatchObject({ ok: false, error: { code: 'closed' } });
    await died;
    const second = await start(env);
    const sales = await history(second.ws);
    const original = sales.find((s) => s.saleId === saleId)!;
    expect(original.refunds).toMatchObject([{ state: 'done', tender: 'cash', amount: 898 }]);
    const exchanged = sales.find((s) => s.saleId !== saleId)!;
    expect(exchanged).toMatchObject({ total: 3999, tender: 'cash', status: 'paid' });
    expect(exchanged.cash).toMatchObject({ given: 898 + 4_000, change: 900, rounding: -1 });
    // The teas are back once: asking again is refused, and nothing more is written.
    expect(await second.ws.call('exchangeItems', { saleId, ...RETURN, newLines: kettle, given: 4_000 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await history(second.ws)).toHaveLength(2);
    await second.till.stop('SIGTERM');
    expect(onDisk(dataDir)).toEqual([{ ...row('done', 'cash'), reason: 'Opened box (exchange)' }]);
  });
});
