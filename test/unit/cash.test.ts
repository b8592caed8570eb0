import { describe, expect, it } from 'vitest';
import { cashTaken, exchangeCash, expectedCash, roundCash } from '../../shared/cash';

const bucket = (amount: number) => ({ count: 1, amount });

describe('cash rounding', () => {
  it.each([
    // to 0.05, as Dutch and Belgian shops round: 1 and 2 down, 3 and 4 up, 6 and 7 down, 8 and 9 up
    [1650, 5, 1650],
    [1651, 5, 1650],
    [1652, 5, 1650],
    [1653, 5, 1655],
    [1654, 5, 1655],
    [1655, 5, 1655],
    [1656, 5, 1655],
    [1657, 5, 1655],
    [1658, 5, 1660],
    [1659, 5, 1660],
    [1, 5, 0],
    [3, 5, 5],
    [999_999_99, 5, 1_000_000_00],
    // to 0.10: 1 to 4 down, 5 to 9 up
    [1650, 10, 1650],
    [1654, 10, 1650],
    [1655, 10, 1660],
    [1659, 10, 1660],
    [1661, 10, 1660],
    // off: unchanged
    [1657, 0, 1657],
    [1, 0, 1],
    // money back rounds as its size does
    [-1657, 5, -1655],
    [-1658, 5, -1660],
    [-1655, 10, -1660],
  ])('%i to a step of %i is %i', (amount, step, rounded) => {
    expect(roundCash(amount, step)).toBe(rounded);
  });

  it('16.57 in cash takes 16.55, a difference of -0.02', () => {
    expect(cashTaken(1657, 5)).toEqual({ taken: 1655, rounding: -2 });
    expect(cashTaken(1658, 5)).toEqual({ taken: 1660, rounding: 2 });
    expect(cashTaken(1657, 0)).toEqual({ taken: 1657, rounding: 0 });
  });

  it('refuses an amount that is not whole minor units', () => {
    expect(() => roundCash(16.57, 5)).toThrow(/whole minor units/);
  });

  it('expected cash: float + cash sales + cash rounding - cash refunds', () => {
    const totals = {
      tenders: { card: bucket(5000), cash: bucket(1657) },
      refundsByTender: { card: bucket(0), cash: bucket(500) },
      cashRounding: bucket(-2),
    };
    expect(expectedCash(10_000, totals)).toBe(10_000 + 1657 - 2 - 500);
    expect(expectedCash(10_000, undefined)).toBe(10_000);
  });
});

describe('exchange cash', () => {
  it.each([
    // new total, credit, step -> difference, moved through the drawer, rounding
    [999, 666, 5, 333, 335, 2],
    [250, 499, 5, -249, -250, -1],
    [390, 390, 5, 0, 0, 0],
    [999, 666, 0, 333, 333, 0],
    [1000, 343, 10, 657, 660, 3],
  ])('%i for %i of credit at step %i: difference %i, %i moved, rounding %i', (total, credit, step, difference, moved, rounding) => {
    expect(exchangeCash(total, credit, step)).toEqual({ difference, moved, rounding });
  });
});
