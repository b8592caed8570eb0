/** The sales ledger on real SQLite files: history, search, statuses, day totals per currency, migrations, rows checked. */
import { DatabaseSync } from 'node:sqlite';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AttemptSnapshot, dayBounds, Ledger, LedgerRowError } from '../../electron/core/ledger/ledger';
import { LedgerLockedError, SCHEMA_VERSION } from '../../electron/core/ledger/db';
import { tempDir } from '../helpers/engine';
import { ledger } from '../helpers/ledgers';

const at = (h: number, day = 26) => new Date(2026, 10, day, h).getTime();
const attempt = (
  orderId: string,
  saleId: string,
  state: AttemptSnapshot['state'],
  createdAt: number,
  extra: Partial<AttemptSnapshot> = {},
): AttemptSnapshot => ({
  attemptId: orderId,
  saleId,
  orderId,
  terminalId: 'T1',
  amount: 1000,
  currency: 'EUR',
  lines: [{ name: 'Latte', unitPrice: 1000, quantity: 1 }],
  state,
  createdAt,
  updatedAt: createdAt,
  ...extra,
});

function fill(l: Ledger) {
  // sale a: cancelled once, paid on the second attempt with VISA, later partly refunded
  l.recordAttempt(attempt('a-1', 'a', 'creating', at(9)));
  l.recordAttempt(attempt('a-1', 'a', 'cancelled', at(9)));
  l.recordAttempt(attempt('a-2', 'a', 'completed', at(9) + 1, { card: { type: 'VISA', last4: '4242' } }));
  l.refunds.begin({ refundId: 'r1', orderId: 'a-2', saleId: 'a', amount: 300, currency: 'EUR', at: at(11) });
  l.refunds.settle('r1', 'done', at(11), '777');
  // sale b: failed, never paid
  l.recordAttempt(attempt('b-1', 'b', 'failed', at(10)));
  // sale c: still waiting
  l.recordAttempt(attempt('c-1', 'c', 'initialized', at(12)));
  // a cash sale
  l.recordCashSale({
    saleId: 'd',
    at: at(13),
    lines: [{ name: 'Croissant', unitPrice: 250, quantity: 2 }],
    total: 500,
    currency: 'EUR',
    given: 1000,
    change: 500,
  });
  // another day, charged back later
  l.recordAttempt(attempt('e-1', 'e', 'completed', at(9, 25), { card: { type: 'MASTERCARD', last4: '1111' }, mspStatus: 'chargedback' }));
  // another currency the same day
  l.recordAttempt(
    attempt('f-1', 'f', 'completed', at(14), { currency: 'GBP', amount: 800, lines: [{ name: 'Tea', unitPrice: 800, quantity: 1 }] }),
  );
}

describe('history', () => {
  it('groups attempts into sales with the latest state of each, newest first, with a status per sale', () => {
    const l = ledger();
    fill(l);
    const sales = l.history.page({});
    expect(sales.map((s) => s.saleId)).toEqual(['f', 'd', 'c', 'b', 'a', 'e']);
    const by = Object.fromEntries(sales.map((s) => [s.saleId, s]));
    expect(by.a!.attempts.map((x) => x.state)).toEqual(['cancelled', 'completed']);
    expect(by.a!.status).toBe('partially_refunded');
    expect(by.a!.refunds).toEqual([
      {
        refundId: 'r1',
        orderId: 'a-2',
        amount: 300,
        at: at(11),
        state: 'done',
        tender: 'card',
        transactionId: '777',
        receiptNumber: 2,
        vat: by.a!.refunds[0]!.vat,
      },
    ]);
    expect(by.a!.refunds[0]!.vat!.reduce((sum, v) => sum + v.gross, 0)).toBe(300);
    // Gap-free receipt numbers in the order sales were paid and refunds made; none for an unpaid sale.
    expect([by.a!.receiptNumber, by.d!.receiptNumber, by.e!.receiptNumber, by.f!.receiptNumber]).toEqual([1, 3, 4, 5]);
    expect(by.b!.receiptNumber).toBeUndefined();
    expect(by.c!.receiptNumber).toBeUndefined();
    expect(by.b!.status).toBe('unpaid');
    expect(by.c!.status).toBe('pending');
    expect(by.d).toMatchObject({ tender: 'cash', status: 'paid', cash: { given: 1000, change: 500 } });
    expect(by.e!.status).toBe('charged_back');
  });

  it('pages with a cursor', () => {
    const l = ledger();
    fill(l);
    const first = l.history.page({ limit: 2 });
    const next = l.history.page({ limit: 2, before: first[first.length - 1]!.createdAt });
    expect([...first, ...next].map((s) => s.saleId)).toEqual(['f', 'd', 'c', 'b']);
  });

  it('finds sales by order id, sale number, amount either way, card last four, brand and product', () => {
    const l = ledger();
    fill(l);
    const find = (q: string) => l.history.page({ query: q }).map((s) => s.saleId);
    expect(find('b-1')).toEqual(['b']);
    expect(find('5,00')).toEqual(['d']);
    expect(find('10.00').sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(find('4242')).toEqual(['a']);
    expect(find('visa')).toEqual(['a']);
    expect(find('mastercard')).toEqual(['e']);
    expect(find('croiss')).toEqual(['d']);
    expect(find('nothing-like-this')).toEqual([]);
  });

  it('pages through every match of a search, however many there are', () => {
    const l = ledger();
    for (let i = 0; i < 150; i++)
      l.recordCashSale({
        saleId: `t${i}`,
        at: at(8) + i * 1000,
        lines: [{ name: i % 2 ? 'Tea' : 'Green tea', unitPrice: 275, quantity: 1 }],
        total: 275,
        currency: 'EUR',
        given: 275,
        change: 0,
      });
    l.recordCashSale({
      saleId: 'x',
      at: at(8) + 500,
      lines: [{ name: 'Coffee', unitPrice: 300, quantity: 1 }],
      total: 300,
      currency: 'EUR',
      given: 300,
      change: 0,
    });
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = l.history.page({ query: 'tea', limit: 5, ...(before ? { before } : {}) });
      if (!page.length) break;
      seen.push(...page.map((s) => s.saleId));
      before = page.at(-1)!.createdAt;
    }
    expect(seen).toHaveLength(150);
    expect(new Set(seen).size).toBe(150);
    expect(seen[0]).toBe('t149');
    expect(seen.at(-1)).toBe('t0');
  });

  it('a card that arrives after completion makes the sale findable by it', () => {
    const l = ledger();
    l.recordAttempt(attempt('g-1', 'g', 'completed', at(9)));
    expect(l.history.page({ query: '9876' })).toEqual([]);
    l.recordAttempt(attempt('g-1', 'g', 'completed', at(9), { card: { type: 'MAESTRO', last4: '9876' } }));
    expect(l.history.page({ query: '9876' }).map((s) => s.saleId)).toEqual(['g']);
  });
});

describe('day totals', () => {
  it('counts each outcome, tender and card type of the day per currency, refunds and net takings', () => {
    const l = ledger();
    fill(l);
    const [eur, gbp] = l.dayTotals('2026-11-26');
    expect(eur!.currency).toBe('EUR');
    expect(eur!.outcomes).toEqual({
      completed: { count: 2, amount: 1500 },
      cancelled: { count: 1, amount: 1000 },
      failed: { count: 1, amount: 1000 },
      pending: { count: 1, amount: 1000 },
    });
    expect(eur!.tenders).toEqual({ card: { count: 1, amount: 1000 }, cash: { count: 1, amount: 500 } });
    expect(eur!.cardTypes).toEqual({ VISA: { count: 1, amount: 1000 } });
    expect(eur!.refunds).toEqual({ count: 1, amount: 300 });
    expect(eur!.net).toBe(1200);
    // VAT of what was paid (sale a and the cash sale), less what the refund reversed.
    expect(eur!.vat).toEqual([{ rate: 21, gross: 1200, vat: 209 }]);
    // Never added to euros.
    expect(gbp).toMatchObject({ currency: 'GBP', net: 800, tenders: { card: { count: 1, amount: 800 } } });
    const [from, to] = dayBounds('2026-11-26');
    expect(to - from).toBe(24 * 3600 * 1000);
  });
});

describe('the file', () => {
  it("is versioned, WAL with synchronous FULL, readable by the till's user only, and reopens with its contents", () => {
    const dir = tempDir();
    const path = join(dir, 'ledger.sqlite');
    const l = ledger(path);
    fill(l);
    l.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
    const again = ledger(path);
    expect(again.counts()).toEqual({ sales: 6, attempts: 6 });
    expect(again.history.openAttempts().map((a) => a.orderId)).toEqual(['c-1']);
  });

  it('refuses a ledger written by a newer till instead of misreading it', () => {
    const path = join(tempDir(), 'ledger.sqlite');
    ledger(path).close();
    const raw = new DatabaseSync(path);
    raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new Ledger(path)).toThrow(/newer version/);
  });

  it("a row changed behind the till's back is refused when read, not trusted", () => {
    const path = join(tempDir(), 'ledger.sqlite');
    const first = ledger(path);
    first.recordAttempt(attempt('h-1', 'h', 'initialized', at(9)));
    first.close();
    const raw = new DatabaseSync(path);
    raw.prepare('UPDATE attempts SET data = ? WHERE order_id = ?').run(JSON.stringify({ orderId: 'h-1', state: 'paid!' }), 'h-1');
    raw.close();
    expect(() => ledger(path).attempt('h-1')).toThrow(LedgerRowError);
  });

  it('one till per ledger: a second open is refused while the first lives, and allowed once it is gone', () => {
    const path = join(tempDir(), 'ledger.sqlite');
    const first = ledger(path);
    expect(() => new Ledger(path)).toThrow(LedgerLockedError);
    first.close();
    expect(ledger(path).counts().sales).toBe(0);
  });
});

describe('one payment at a time per terminal, in the ledger', () => {
  it('refuses a second open attempt on a terminal until the first is final; other terminals and the same order go on', () => {
    const l = ledger();
    l.recordAttempt(attempt('a-1', 'a', 'initialized', at(9)));
    expect(() => l.recordAttempt(attempt('b-1', 'b', 'creating', at(9) + 1))).toThrow(/terminal busy/);
    expect(l.counts()).toEqual({ sales: 1, attempts: 1 });
    // Another terminal, and the same order moving on, are not held up.
    l.recordAttempt(attempt('c-1', 'c', 'creating', at(9) + 2, { terminalId: 'T2' }));
    l.recordAttempt(attempt('a-1', 'a', 'completed', at(9) + 3));
    l.recordAttempt(attempt('b-1', 'b', 'creating', at(9) + 4));
    expect(l.counts()).toEqual({ sales: 3, attempts: 3 });
  });
});

describe('open sales', () => {
  it('a partly paid sale stays listed behind any number of newer abandoned declines', () => {
    const l = ledger();
    // 10.00 sold, 5.00 paid by card: the rest is due.
    l.recordAttempt(attempt('p-1', 'p', 'completed', at(8), { amount: 500 }));
    l.atomically(() => {
      for (let i = 0; i < 700; i++) l.recordAttemptInTransaction(attempt(`x-${i}`, `x${i}`, 'cancelled', at(9) + i));
    });
    const open = l.history.openSales(at(0));
    expect(open.map((s) => s.saleId)).toEqual(['p']);
    expect(open[0]!.status).toBe('partly_paid');
  });
});
