/**
 * MultiSafepay ids beyond 2^53 (its documented transaction_id has seventeen digits): every reader of its JSON -
 * the event stream, GET order, cancel, refunds, related_transactions, terminal lists - keeps them digit for digit.
 * The ids here are odd, so a reader that goes through a JavaScript number cannot get them right by luck.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MspClient } from '../../electron/core/payments/multisafepay/client';
import { parseMspJson } from '../../electron/core/payments/multisafepay/json';
import type { PaymentView } from '../../shared/payment';
import { cannedServer } from '../helpers/canned';
import { serviceWithSim } from '../helpers/engine';
import { parseEscPos, startFakePrinter } from '../helpers/fake-printer';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const ODD = '17472052901237123';

describe('ids beyond 2^53', () => {
  it('an odd id is not what a JavaScript number makes of it (the test input is a real trap)', () => {
    expect(String(Number(ODD))).not.toBe(ODD);
    expect(parseMspJson(`{"transaction_id":${ODD},"amount":1.5,"n":[${ODD},-${ODD},12]}`)).toEqual({
      transaction_id: ODD,
      amount: 1.5,
      n: [ODD, `-${ODD}`, 12],
    });
  });

  it('a bare-number id on the stream reads digit for digit on the panel, in the ledger and on the printed receipt, and never overwrites the id read from the order', async () => {
    const printer = await startFakePrinter();
    cleanups.push(() => printer.close());
    const { s, svc } = await serviceWithSim(cleanups, { dialect: { numericIds: true, longIds: true } });
    expect((await svc.dispatch('saveSettings', { printerHost: printer.host, printerPort: printer.port, paper: '80mm' })).ok).toBe(true);
    const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: [{ name: 'Tea', unitPrice: 300, quantity: 1 }] })) as {
      ok: true;
      result: PaymentView;
    };
    const orderId = charged.result.orderId;
    await until(() => s.sim.openStreams === 1, 'stream open');
    // The order was read when the stream opened: the panel has the first transaction's id, exactly.
    const first = s.sim.orders.get(orderId)!.transaction_id;
    expect(first).toMatch(/^\d{17}$/);
    expect(String(Number(first))).not.toBe(first);
    await until(() => svc.engine.payment(orderId)?.transactionId === first, 'id read from the order');
    // A soft decline: the terminal asks again under a new transaction, announced on the stream as a bare number.
    s.sim.terminalAction('DEMO0001', 'soft_decline');
    await until(() => s.sim.orders.get(orderId)!.transaction_id !== first && s.sim.orders.get(orderId)!.status === 'initialized', 'retry');
    s.sim.terminalAction('DEMO0001', 'approve');
    const paid = await until(() => {
      const p = svc.engine.payment(orderId);
      return p?.state === 'completed' && p.card ? p : undefined;
    }, 'paid with card details');
    const id = s.sim.orders.get(orderId)!.transaction_id;
    expect(id).not.toBe(first);
    expect(String(Number(id))).not.toBe(id);
    expect(paid.transactionId).toBe(id);
    const sale = svc.sales.sale(charged.result.saleId)!;
    expect(sale.attempts.find((a) => a.state === 'completed')?.transactionId).toBe(id);
    const printed = parseEscPos(await printer.nextJob()).lines.join('\n');
    expect(printed).toContain(id);
    expect(printed).not.toContain(String(Number(id)));

    // A refund: its id in the refund answer and in related_transactions.
    s.sim.dialect.refundAnswer = 'example';
    const refunded = await svc.dispatch('refund', { orderId, amount: 100 });
    expect(refunded.ok).toBe(true);
    const refund = await until(() => svc.sales.sale(charged.result.saleId)!.refunds.find((r) => r.transactionId), 'refund settled');
    const simRefund = s.sim.orders.get(orderId)!.refunds[0]!.transaction_id;
    expect(simRefund).toMatch(/^\d{17}$/);
    expect(refund.transactionId).toBe(simRefund);
    const order = await s.client.getOrder(orderId);
    expect(order.transaction_id).toBe(id);
    expect(order.related_transactions?.[0]?.transaction_id).toBe(simRefund);
  });

  it('cancel answers, refund answers and terminal lists keep long ids too', async () => {
    const server = await cannedServer();
    cleanups.push(() => server.close());
    const client = new MspClient({ baseUrl: server.root, apiKey: 'key', readRetries: 0 });
    server.answer(`{"success":true,"data":{"status":"cancelled","transaction_id":${ODD},"financial_status":null,"payment_details":{}}}`);
    expect((await client.cancelOrder('o-1')).transaction_id).toBe(ODD);
    server.answer(`{"success":true,"data":{"transaction_id":${ODD},"refund_id":17472052901237125}}`);
    expect(await client.refund('o-1', { currency: 'EUR', amount: 100, description: 'r' })).toMatchObject({
      transaction_id: ODD,
      refund_id: '17472052901237125',
    });
    server.answer(`{"success":true,"data":[{"id":${ODD},"name":"Counter","group_id":17472052901237127,"active":true}]}`);
    expect(await client.listTerminals(1)).toMatchObject([{ id: ODD, group_id: '17472052901237127' }]);
  });
});
