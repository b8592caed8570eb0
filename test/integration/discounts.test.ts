/**
 * Discounts through the real service and a real SQLite ledger: a cashier gives up to the till's limit, more takes a
 * manager's approval typed on the cashier's screen; VAT is owed per rate on the discounted amounts; a sale is only
 * taken with discounts given at the till, each on one sale; the record cannot be changed.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import type { DayReport, Discount, SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { percentOff, spread } from '../../shared/discount';
import type { SaleLine } from '../../shared/payment';
import { vatByRate } from '../../shared/vat';
import { tempDir } from '../helpers/engine';
import { ok, type Reply } from '../helpers/reply';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const STAFF = [
  { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
  { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
] as const;

async function tillWithCashier() {
  const dataDir = tempDir();
  const svc = await TillService.create({ dataDir });
  cleanups.push(() => svc.close());
  /** A request's reply, read as the screen reads it: the result, or the refusal. */
  const call = async <T>(m: string, p: unknown = {}) => {
    const r = (await svc.dispatch(m, p)) as Reply<T>;
    return { ...r, error: r.ok ? undefined : r.error };
  };
  ok(await call('saveStaff', { staff: STAFF }));
  ok(await call('signOut'));
  ok(await call('signIn', { staffId: 'bob', pin: '1234' }));
  return { svc, call, dataDir };
}

// 12.10 at 21% and 2 x 4.45 at 9%: 21.00 in all.
const LINES: SaleLine[] = [
  { name: 'Mug', unitPrice: 1210, quantity: 1, vatRate: 21 },
  { name: 'Coffee beans', unitPrice: 445, quantity: 2, vatRate: 9 },
];

/** The lines with a basket discount spread over them, as the screen does. */
const withBasketDiscount = (lines: SaleLine[], d: Discount): SaleLine[] => {
  const parts = spread(
    d.amount,
    lines.map((l) => l.unitPrice * l.quantity),
  );
  return lines.map((l, i) => (parts[i]! > 0 ? { ...l, discount: { id: d.id, amount: parts[i]!, reason: d.reason } } : l));
};

describe('discounts', () => {
  it('percent rounding and spreading add up to the cent', () => {
    expect(percentOff(2100, 10)).toBe(210);
    expect(percentOff(1657, 15)).toBe(249); // 248.55 -> 249
    expect(percentOff(333, 50)).toBe(167); // 166.5 -> 167 (half up)
    expect(spread(210, [1210, 890])).toEqual([121, 89]);
    expect(spread(100, [1, 1, 1])).toEqual([1, 1, 1]); // never more than a line
    expect(spread(10, [333, 333, 334])).toEqual([3, 3, 4]);
    for (const [amount, lines] of [
      [1, [999, 1]],
      [997, [1210, 890, 5]],
      [2100, [1210, 890]],
    ] as const)
      expect(spread(amount, lines).reduce((s, p) => s + p, 0)).toBe(amount);
  });

  it("a cashier gives up to the limit; more needs a manager's PIN on the cashier's screen, recorded with who approved it", async () => {
    const { svc, call } = await tillWithCashier();
    const ten = ok<Discount>(await call('authorizeDiscount', { base: 2100, percent: 10, reason: 'Loyal customer', scope: 'basket' }));
    expect(ten).toMatchObject({ amount: 210, percent: 10, staff: 'Bob' });
    expect(ten.approvedBy).toBeUndefined();

    const over = await call('authorizeDiscount', { base: 2100, percent: 15, reason: 'Damaged box', scope: 'basket' });
    expect(over.error).toMatchObject({ key: 'needs_manager' });
    expect(over.error?.message).toMatch(/over 10% needs a manager/);
    const wrong = await call('authorizeDiscount', {
      base: 2100,
      percent: 15,
      reason: 'Damaged box',
      scope: 'basket',
      approval: { staffId: 'ann', pin: '0000' },
    });
    expect(wrong.error).toMatchObject({ field: 'pin' });
    const approved = ok<Discount>(
      await call('authorizeDiscount', {
        base: 2100,
        percent: 15,
        reason: 'Damaged box',
        scope: 'basket',
        approval: { staffId: 'ann', pin: '4821' },
      }),
    );
    expect(approved).toMatchObject({ amount: 315, staff: 'Bob', approvedBy: 'Ann' });
    expect(svc.staff.current?.id).toBe('bob');
    expect(svc.ledger.discounts.get(approved.id)).toMatchObject({ amount: 315, approvedBy: 'Ann', staff: 'Bob', reason: 'Damaged box' });
    // An amount is checked the same way (3.00 of 21.00 is 14%).
    expect((await call('authorizeDiscount', { base: 2100, amount: 300, reason: 'Price match', scope: 'basket' })).error).toMatchObject({
      key: 'needs_manager',
    });
    // Bad input: clear message, nothing recorded.
    expect((await call('authorizeDiscount', { base: 2100, amount: 2200, reason: 'Too much', scope: 'line' })).error?.message).toMatch(
      /more than the price/,
    );
    expect((await call('authorizeDiscount', { base: 2100, reason: 'Nothing', scope: 'line' })).error?.message).toMatch(
      /percent or an amount/,
    );
  });

  it('a sale with a basket discount: total and VAT per rate on the discounted amounts, the day counts it, and it is used once', async () => {
    const { svc, call } = await tillWithCashier();
    const d = ok<Discount>(await call('authorizeDiscount', { base: 2100, percent: 10, reason: 'Loyal customer', scope: 'basket' }));
    const lines = withBasketDiscount(LINES, d);
    const sale = ok<SaleRecord>(await call('payCash', { lines, given: 2000 }));
    expect(sale.total).toBe(1890);
    // 12.10 - 1.21 = 10.89 at 21%; 8.90 - 0.89 = 8.01 at 9%.
    expect(sale.vat).toEqual(vatByRate(lines, 21));
    expect(sale.vat).toEqual([
      { rate: 21, gross: 1089, vat: 189 },
      { rate: 9, gross: 801, vat: 66 },
    ]);
    expect(sale.lines.map((l) => l.discount?.amount)).toEqual([121, 89]);
    expect(svc.ledger.discounts.get(d.id)?.saleId).toBe(sale.saleId);
    const report = ok<DayReport>(await call('dayReport', {}));
    expect(report.totals[0]).toMatchObject({ discounts: { count: 1, amount: 210 } });
    expect(report.totals[0]!.vat).toEqual(sale.vat);

    // The same discount on another sale: refused, nothing taken.
    const before = svc.ledger.counts().sales;
    const again = await call('payCash', { lines, given: 2000 });
    expect(again.error?.message).toMatch(/not given at this till, or is used already/);
    expect(svc.ledger.counts().sales).toBe(before);
  });

  it('two card charges started at the same moment with the same discount: one goes to the terminal, the other is refused', async () => {
    const { svc, call } = await tillWithCashier();
    const d = ok<Discount>(await call('authorizeDiscount', { base: 2100, percent: 10, reason: 'Loyal customer', scope: 'basket' }));
    const lines = withBasketDiscount(LINES, d);
    const [one, two] = await Promise.all([
      call<PaymentView>('charge', { terminalId: 'DEMO0001', lines }),
      call<PaymentView>('charge', { terminalId: 'DEMO0002', lines }),
    ]);
    const started = [one, two].filter((r) => r.ok);
    expect(started).toHaveLength(1);
    expect([one, two].find((r) => !r.ok)!.error?.message).toMatch(/not given at this till, or is used already/);
    const view = ok<PaymentView>(started[0]!);
    expect(view.amount).toBe(1890);
    expect(svc.ledger.discounts.get(d.id)?.saleId).toBe(view.saleId);
    expect(svc.ledger.counts().sales).toBe(1);
    // A charge that cannot be started lets its discount go: the same basket can be charged again.
    const other = ok<Discount>(await call('authorizeDiscount', { base: 2100, percent: 5, reason: 'Neighbour', scope: 'basket' }));
    const refused = await call('charge', { terminalId: 'NOPE', lines: withBasketDiscount(LINES, other) });
    expect(refused.ok).toBe(false);
    const later = ok<PaymentView>(await call('charge', { terminalId: 'DEMO0002', lines: withBasketDiscount(LINES, other) }));
    expect(svc.ledger.discounts.get(other.id)?.saleId).toBe(later.saleId);
  });

  it('a discount not given at the till, or changed on the way, is refused with nothing taken; the record cannot be changed', async () => {
    const { svc, call, dataDir } = await tillWithCashier();
    const forged = [{ ...LINES[0]!, discount: { id: 'madeup', amount: 500, reason: 'Friend' } }];
    expect((await call('payCash', { lines: forged, given: 2000 })).error?.message).toMatch(/not given at this till/);
    const d = ok<Discount>(await call('authorizeDiscount', { base: 1210, percent: 10, reason: 'Scratch', scope: 'line' }));
    const bigger = [{ ...LINES[0]!, discount: { id: d.id, amount: d.amount + 100, reason: d.reason } }];
    expect((await call('payCash', { lines: bigger, given: 2000 })).error?.message).toMatch(/not given at this till/);
    // A line discount is for one line only.
    const twice = LINES.map((l) => ({ ...l, discount: { id: d.id, amount: 60, reason: d.reason } }));
    expect((await call('payCash', { lines: twice, given: 2000 })).error?.message).toMatch(/not given at this till/);
    expect(svc.ledger.counts().sales).toBe(0);
    const right = ok<SaleRecord>(
      await call('payCash', { lines: [{ ...LINES[0]!, discount: { id: d.id, amount: d.amount, reason: d.reason } }], given: 1200 }),
    );
    expect(right.total).toBe(1089);
    await svc.close();
    cleanups.pop();
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'));
    cleanups.push(() => db.close());
    expect(db.prepare('SELECT amount, sale_id FROM discounts').all()).toEqual([{ amount: 121, sale_id: right.saleId }]);
    expect(() => db.exec('DELETE FROM discounts')).toThrow(/cannot be changed/);
    expect(() => db.exec('UPDATE discounts SET amount = 1')).toThrow(/cannot be changed/);
    expect(() => db.exec(`UPDATE discounts SET sale_id = 'other'`)).toThrow(/cannot be changed/);
  });
});
