/**
 * The rules of a sale (shared/sale.ts), one table: what its tenders paid, what is due, what each tender may still
 * refund, and its status - the same functions the core and the screen use.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptSummary, RefundRecord, SaleRecord } from '../../shared/contract';
import { amountDue, isSplit, paidSoFar, refundTargets, saleStatus, tipsOf } from '../../shared/sale';

const card = (over: Partial<AttemptSummary> = {}): AttemptSummary => ({
  orderId: `o-${over.amount ?? 1000}-${over.paidAmount ?? ''}`,
  terminalId: 'T1',
  state: 'completed',
  createdAt: 1,
  amount: 1000,
  ...over,
});
const refund = (amount: number, over: Partial<RefundRecord> = {}): RefundRecord => ({
  refundId: `r${amount}`,
  orderId: 'o-1000-',
  amount,
  at: 2,
  state: 'done',
  tender: 'card',
  ...over,
});
const sale = (over: Partial<SaleRecord>): SaleRecord => ({
  saleId: 's1',
  createdAt: 1,
  lines: [{ name: 'Lamp', unitPrice: 1000, quantity: 1 }],
  total: 1000,
  currency: 'EUR',
  tender: 'card',
  status: 'unpaid',
  attempts: [],
  refunds: [],
  ...over,
});

describe('the rules of a sale', () => {
  it.each([
    ['cash sale', sale({ tender: 'cash', cash: { given: 2000, change: 1000, amount: 1000 } }), 1000, 0, 'paid'],
    ['card sale', sale({ attempts: [card()] }), 1000, 0, 'paid'],
    ['card still waiting', sale({ attempts: [card({ state: 'initialized' })] }), 0, 1000, 'pending'],
    ['card declined', sale({ attempts: [card({ state: 'cancelled' })] }), 0, 1000, 'unpaid'],
    [
      'split: 4.00 card, the rest in cash',
      sale({ attempts: [card({ amount: 400 })], cash: { given: 1000, change: 400, amount: 600 } }),
      1000,
      0,
      'paid',
    ],
    ['split: the card part only', sale({ attempts: [card({ amount: 400 })] }), 400, 600, 'partly_paid'],
    ['charged less than asked', sale({ attempts: [card({ paidAmount: 600 })] }), 600, 400, 'partly_paid'],
    ['a tip on the terminal', sale({ attempts: [card({ paidAmount: 1150 })] }), 1000, 0, 'paid'],
    ['reversed after it was paid', sale({ attempts: [card({ after: 'reversed' })] }), 0, 1000, 'unpaid'],
    ['charged back', sale({ attempts: [card({ after: 'chargedback' })] }), 1000, 0, 'charged_back'],
    ['refunded in part', sale({ attempts: [card()], refunds: [refund(300)] }), 1000, 0, 'partially_refunded'],
    ['refunded in full', sale({ attempts: [card()], refunds: [refund(600), refund(400)] }), 1000, 0, 'refunded'],
    ['a refund still unknown', sale({ attempts: [card()], refunds: [refund(300, { state: 'pending' })] }), 1000, 0, 'paid'],
  ] as const)('%s: paid %i, due %i, %s', (_name, s, paid, due, status) => {
    expect(paidSoFar(s)).toBe(paid);
    expect(amountDue(s)).toBe(due);
    expect(saleStatus(s)).toBe(status);
  });

  it('a tip is refundable with its payment, never counted as sold', () => {
    const s = sale({ attempts: [card({ paidAmount: 1150 })] });
    expect(tipsOf(s)).toBe(150);
    expect(refundTargets(s)).toEqual([{ id: 'o-1000-1150', tender: 'card', left: 1150 }]);
  });

  it('each part of a split sale refunds within what it paid, all within what is left of the sale', () => {
    const s = sale({
      attempts: [card({ amount: 400, orderId: 'o-a' })],
      cash: { given: 1000, change: 400, amount: 600 },
      refunds: [refund(100, { orderId: 'o-a' }), refund(500, { refundId: 'rc', orderId: 's1', tender: 'cash' })],
    });
    expect(isSplit(s)).toBe(true);
    expect(refundTargets(s)).toEqual([
      { id: 'o-a', tender: 'card', left: 300 },
      { id: 's1', tender: 'cash', left: 100 },
    ]);
  });

  it('a refund whose outcome is unknown counts as taken on the screen, not yet in the books', () => {
    const s = sale({ attempts: [card()], refunds: [refund(300, { state: 'pending' })] });
    expect(refundTargets(s)[0]!.left).toBe(700);
    expect(refundTargets(s, false)[0]!.left).toBe(1000);
  });
});
