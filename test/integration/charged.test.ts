/**
 * What MultiSafepay says was charged is what the till records: an order under our id is ours whatever its amount
 * (a tip added on the terminal, or less paid), a tip is kept apart from the sale and its VAT, less leaves the rest
 * due, the day check flags any difference - and a refund whose answer was lost is settled against every refund
 * MultiSafepay knows, its dashboard's included. The real service against the simulator over loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Notice, SaleRecord, TillEvent } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { engineWithSim, serviceWithSim } from '../helpers/engine';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };
const TEN = [{ name: 'Lamp', unitPrice: 1000, quantity: 1, vatRate: 21 }];

async function till(opts: Parameters<typeof serviceWithSim>[2] = {}) {
  const { s, svc } = await serviceWithSim(cleanups, {}, opts);
  const notices: Notice[] = [];
  svc.on((e: TillEvent) => void (e.type === 'notice' && notices.push(e.notice)));
  const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
  const ok = async <T>(m: string, p: unknown = {}) => {
    const r = await call<T>(m, p);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.result;
  };
  const sale = (saleId: string) => svc.sales.sale(saleId)!;
  return { sim: s.sim, svc, call, ok, notices, sale };
}

describe('what MultiSafepay charged', () => {
  it('a create whose answer was lost, paid with a tip while MultiSafepay could not be read: adopted and paid, never "nothing was charged", Try again refused', async () => {
    const t = await till();
    Object.assign(t.sim.faults, { createLoseResponse: 1, getFail: 1_000_000 });
    const p = await t.ok<PaymentView>('charge', { terminalId: 'DEMO0001', lines: TEN });
    expect(p.state).toBe('creating');
    // The customer adds a 1.50 tip on the terminal and pays while the till cannot read MultiSafepay.
    t.sim.completeOrder(p.orderId, 1150);
    t.sim.faults.getFail = 0;
    const paid = await until(() => {
      const x = t.svc.engine.payment(p.orderId);
      return x && x.state !== 'creating' && x.paidAmount !== undefined ? x : undefined;
    }, 'the order read');
    expect(paid).toMatchObject({ state: 'completed', amount: 1000, paidAmount: 1150 });
    expect(paid.messageKey).not.toBe('order_id_used');
    expect(t.notices.map((n) => n.key)).not.toContain('order_id_used');
    expect(t.notices.find((n) => n.key === 'paid_tip')).toMatchObject({ params: { paid: 1150, amount: 1000, tip: 150 } });
    expect(t.sale(p.saleId).status).toBe('paid');
    // Nothing of this sale can be charged again.
    const again = await t.call('charge', { terminalId: 'DEMO0002', lines: TEN, saleId: p.saleId });
    expect(again.ok).toBe(false);
    expect(t.sim.orders.size).toBe(1);
  });

  it('a tip: the card tender and the day hold what was charged, sales and VAT what was sold, the tip apart, and all of it is refundable', async () => {
    const t = await till();
    const p = await t.ok<PaymentView>('charge', { terminalId: 'DEMO0001', lines: TEN });
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'approve', 1150);
    await until(() => t.svc.engine.payment(p.orderId)?.paidAmount === 1150, 'paid with the tip');
    const sale = t.sale(p.saleId);
    expect(sale.status).toBe('paid');
    expect(sale.attempts[0]).toMatchObject({ amount: 1000, paidAmount: 1150 });
    const day = (await t.ok<{ totals: import('../../shared/contract').DayTotals[] }>('dayReport', {})).totals[0]!;
    expect(day.tenders.card.amount).toBe(1150);
    expect(day.tips).toEqual({ count: 1, amount: 150 });
    expect(day.net).toBe(1150);
    // VAT is the sale's: 21 % of 10.00, never of the tip.
    expect(day.vat).toEqual([{ rate: 21, gross: 1000, vat: 174 }]);
    // The whole 11.50 the customer paid can go back to the card.
    const refunded = await t.ok<SaleRecord>('refund', { orderId: p.orderId, amount: 1150 });
    expect(refunded.refunds).toMatchObject([{ amount: 1150, state: 'done' }]);
    expect(t.sim.orders.get(p.orderId)!.refunds.map((r) => r.amount)).toEqual([1150]);
  });

  it('tips per staff member: each tip counts for whoever took the payment, in the day report', async () => {
    const t = await till();
    await t.ok('saveStaff', {
      staff: [
        { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
        { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
      ],
    });
    const payWithTip = async (paid: number) => {
      const p = await t.ok<PaymentView>('charge', { terminalId: 'DEMO0001', lines: TEN });
      await until(() => t.sim.openStreams >= 1, 'stream');
      t.sim.terminalAction('DEMO0001', 'approve', paid);
      await until(() => t.svc.engine.payment(p.orderId)?.paidAmount === paid, 'paid with the tip');
    };
    await t.ok('signIn', { staffId: 'bob', pin: '1234' });
    await payWithTip(1150);
    await payWithTip(1050);
    await t.ok('signIn', { staffId: 'ann', pin: '4821' });
    await payWithTip(1200);
    const day = (await t.ok<{ totals: import('../../shared/contract').DayTotals[] }>('dayReport', {})).totals[0]!;
    expect(day.tips).toEqual({ count: 3, amount: 400 });
    expect(day.tipsByStaff).toEqual({ Bob: { count: 2, amount: 200 }, Ann: { count: 1, amount: 200 } });
  });

  it('paid less than asked: the sale is partly paid with the rest due, the cashier is told, and cash takes the rest as one sale', async () => {
    const t = await till();
    await t.ok('openDay', { float: 0 }).catch(() => undefined);
    const p = await t.ok<PaymentView>('charge', { terminalId: 'DEMO0001', lines: TEN });
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'approve', 600);
    await until(() => t.svc.engine.payment(p.orderId)?.paidAmount === 600, 'paid 6.00');
    await until(() => (t.sale(p.saleId).status === 'partly_paid' ? true : undefined), 'partly paid');
    expect(t.notices.find((n) => n.key === 'paid_less')).toMatchObject({ level: 'error', params: { paid: 600, amount: 1000, due: 400 } });
    const paid = await t.ok<SaleRecord>('payCash', { saleId: p.saleId, lines: TEN, given: 500 });
    expect(paid.status).toBe('paid');
    expect(paid.cash).toMatchObject({ amount: 400, change: 100 });
    const day = (await t.ok<{ totals: import('../../shared/contract').DayTotals[] }>('dayReport', {})).totals[0]!;
    expect(day.tenders.card.amount).toBe(600);
    expect(day.tenders.cash.amount).toBe(400);
    expect(day.tips).toBeUndefined();
  });

  it('the day check flags an amount MultiSafepay charged that differs from what the till recorded', async () => {
    const t = await till();
    const p = await t.ok<PaymentView>('charge', { terminalId: 'DEMO0001', lines: TEN });
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'approve');
    await until(() => t.svc.engine.payment(p.orderId)?.paidAmount === 1000, 'paid');
    const [from, to] = [Date.now() - 60_000, Date.now() + 60_000];
    expect((await t.svc.engine.reconcile(from, to)).mismatches).toEqual([]);
    // MultiSafepay later holds another amount for the order (e.g. settled at 9.00).
    t.sim.orders.get(p.orderId)!.amount = 900;
    expect((await t.svc.engine.reconcile(from, to)).mismatches).toMatchObject([
      { orderId: p.orderId, kind: 'amount_differs', amount: 1000, mspAmount: 900 },
    ]);
  });
});

describe('a lost refund answer is settled against every refund MultiSafepay knows', () => {
  const paidSale = async () => {
    const t = await till({ refundGraceMs: 300 });
    const p = await t.ok<PaymentView>('charge', { terminalId: 'DEMO0001', lines: [{ name: 'Coat', unitPrice: 10_000, quantity: 1 }] });
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'approve');
    await until(() => t.svc.engine.payment(p.orderId)?.state === 'completed', 'paid');
    return { ...t, orderId: p.orderId, saleId: p.saleId };
  };

  for (const [dashboard, till] of [
    [4000, 4000],
    [2000, 4000],
  ] as const)
    it(`a dashboard refund of ${dashboard / 100}, then a till refund of ${till / 100} that never reached MultiSafepay: not made, and a later refund works`, async () => {
      const t = await paidSale();
      expect(t.sim.dashboardRefund(t.orderId, dashboard)).toBe(true);
      t.sim.faults.refundDropRequest = 1;
      const lost = await t.call('refund', { orderId: t.orderId, amount: till });
      expect(lost).toMatchObject({ ok: false, error: { code: 'refund_unknown' } });
      await until(() => (t.svc.ledger.refunds.ofOrder(t.orderId)[0]?.state === 'failed' ? true : undefined), 'settled as not made');
      expect(t.notices.map((n) => n.key)).toContain('refund_not_made');
      expect(t.notices.map((n) => n.key)).not.toContain('refund_went_through');
      expect(t.sale(t.saleId).refunds.filter((r) => r.state === 'done')).toEqual([]);
      // Nothing blocks the next refund of that payment.
      const next = await t.ok<SaleRecord>('refund', { orderId: t.orderId, amount: 1000 });
      expect(next.refunds.find((r) => r.amount === 1000)).toMatchObject({ state: 'done' });
    });

  it('a till refund whose answer was lost after a dashboard refund of the same amount: done only once its own refund shows', async () => {
    const t = await paidSale();
    expect(t.sim.dashboardRefund(t.orderId, 3000)).toBe(true);
    t.sim.faults.refundLoseResponse = 1;
    const lost = await t.call('refund', { orderId: t.orderId, amount: 2500 });
    expect(lost).toMatchObject({ ok: false, error: { code: 'refund_unknown' } });
    await until(() => (t.svc.ledger.refunds.ofOrder(t.orderId)[0]?.state === 'done' ? true : undefined), 'settled as done');
    const mine = t.sim.orders.get(t.orderId)!.refunds.find((r) => r.amount === 2500)!;
    expect(t.svc.ledger.refunds.ofOrder(t.orderId)[0]).toMatchObject({ amount: 2500, transaction_id: mine.transaction_id });
  });

  it('MultiSafepay cannot be read when a refund begins: nothing is sent or recorded', async () => {
    const t = await paidSale();
    t.sim.faults.getFail = 1_000_000;
    const r = await t.call('refund', { orderId: t.orderId, amount: 1000 });
    expect(r).toMatchObject({ ok: false, error: { code: 'msp_error', message: expect.stringMatching(/nothing was refunded/) } });
    expect(t.svc.ledger.refunds.ofOrder(t.orderId)).toEqual([]);
    expect(t.sim.orders.get(t.orderId)!.refunds).toEqual([]);
  });
});

describe('the status can still move after a cancel answer', () => {
  it('a cancel answered "cancelled" and then completed by MultiSafepay: recorded as paid after all, with an alarm', async () => {
    const e = await engineWithSim(cleanups);
    const alarms: string[] = [];
    e.engine.onAlarm = (_level, _message, key) => alarms.push(key);
    const p = await e.engine.charge({ terminalId: 'DEMO0001', lines: TEN, currency: 'EUR' });
    await e.waitFor(p.orderId, (x) => x.state === 'initialized');
    const cancelled = await e.engine.cancel(p.orderId);
    expect(cancelled).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_till' });
    // The terminal was authorising the card as the cancel came: MultiSafepay completes the order after all.
    e.sim.forceStatus(p.orderId, 'completed');
    const late = await e.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(late.messageKey).toBe('late_paid');
    expect(alarms).toContain('late_paid');
    expect(e.ledger.sale(p.saleId)?.status).toBe('paid');
  });

  it('a cancel answered "cancelled" that stays cancelled: nothing changes, no alarm', async () => {
    const e = await engineWithSim(cleanups);
    const alarms: string[] = [];
    e.engine.onAlarm = (_level, _message, key) => alarms.push(key);
    const p = await e.engine.charge({ terminalId: 'DEMO0001', lines: TEN, currency: 'EUR' });
    await e.waitFor(p.orderId, (x) => x.state === 'initialized');
    await e.engine.cancel(p.orderId);
    // Several reads of the order go by while it stays cancelled.
    const reads = () => e.sim.requestLog.filter((path) => path.includes(`/orders/${p.orderId}`) && !path.includes('/cancel')).length;
    const before = reads();
    await until(() => (reads() >= before + 3 ? true : undefined), 'reads after the cancel');
    expect(e.engine.payment(p.orderId)?.state).toBe('cancelled');
    expect(alarms).toEqual([]);
  });
});
