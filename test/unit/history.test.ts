import { describe, expect, it } from 'vitest';
import { buildHistory, dayBounds, dayReport, searchHistory } from '../../electron/core/history';
import type { AttemptSnapshot, JournalEntry } from '../../electron/core/storage/journal';

const at = (h: number, day = 26) => new Date(2026, 10, day, h).getTime();
const attempt = (
  orderId: string,
  saleId: string,
  state: AttemptSnapshot['state'],
  createdAt: number,
  extra: Partial<AttemptSnapshot> = {},
): JournalEntry => ({
  k: 'attempt',
  at: createdAt,
  attempt: {
    attemptId: orderId,
    saleId,
    orderId,
    terminalId: 'T1',
    amount: 1000,
    currency: 'EUR',
    lines: [{ name: 'x', unitPrice: 1000, quantity: 1 }],
    state,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  },
});

const ENTRIES: JournalEntry[] = [
  // sale a: declined once, paid on the second attempt with VISA, later partly refunded
  attempt('a-1', 'a', 'creating', at(9)),
  attempt('a-1', 'a', 'cancelled', at(9)),
  attempt('a-2', 'a', 'completed', at(9), { card: { type: 'VISA', last4: '4242' } }),
  { k: 'refund', at: at(11), orderId: 'a-2', saleId: 'a', amount: 300, currency: 'EUR' },
  // sale b: failed, never paid
  attempt('b-1', 'b', 'failed', at(10)),
  // sale c: still waiting
  attempt('c-1', 'c', 'initialized', at(12)),
  // a cash sale
  {
    k: 'cash',
    at: at(13),
    saleId: 'd',
    lines: [{ name: 'y', unitPrice: 250, quantity: 2 }],
    total: 500,
    currency: 'EUR',
    given: 1000,
    change: 500,
  },
  // another day
  attempt('e-1', 'e', 'completed', at(9, 25), { card: { type: 'MASTERCARD', last4: '1111' } }),
];

describe('history and day totals from the journal', () => {
  it('groups attempts into sales with the latest state of each and a sale status', () => {
    const sales = buildHistory(ENTRIES);
    const by = Object.fromEntries(sales.map((s) => [s.saleId, s]));
    expect(by.a!.attempts.map((x) => x.state)).toEqual(['cancelled', 'completed']);
    expect(by.a!.status).toBe('partially_refunded');
    expect(by.b!.status).toBe('unpaid');
    expect(by.c!.status).toBe('pending');
    expect(by.d).toMatchObject({ tender: 'cash', status: 'paid', cash: { given: 1000, change: 500 } });
    expect(sales[0]!.saleId).toBe('d'); // newest first
  });

  it('searches by order id and by amount typed either way', () => {
    const sales = buildHistory(ENTRIES);
    expect(searchHistory(sales, 'b-1').map((s) => s.saleId)).toEqual(['b']);
    expect(searchHistory(sales, '5,00').map((s) => s.saleId)).toEqual(['d']);
    expect(
      searchHistory(sales, '10.00')
        .map((s) => s.saleId)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'e']);
  });

  it('counts each outcome, tender and card type of the day, refunds and net takings', () => {
    const r = dayReport(buildHistory(ENTRIES), '2026-11-26', 'EUR');
    expect(r.outcomes).toEqual({
      completed: { count: 2, amount: 1500 },
      cancelled: { count: 1, amount: 1000 },
      failed: { count: 1, amount: 1000 },
      pending: { count: 1, amount: 1000 },
    });
    expect(r.tenders).toEqual({ card: { count: 1, amount: 1000 }, cash: { count: 1, amount: 500 } });
    expect(r.cardTypes).toEqual({ VISA: { count: 1, amount: 1000 } });
    expect(r.refunds).toEqual({ count: 1, amount: 300 });
    expect(r.net).toBe(1200);
    const [from, to] = dayBounds('2026-11-26');
    expect(to - from).toBe(24 * 3600 * 1000);
  });
});
