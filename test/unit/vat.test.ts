import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded';
import { addVat, type VatLine, vatByRate, vatIn, vatOfRefund } from '../../shared/vat';

describe('VAT on prices that include it', () => {
  it('takes the VAT out of a gross amount, to the nearest cent', () => {
    expect(vatIn(1210, 21)).toBe(210);
    expect(vatIn(109, 9)).toBe(9);
    expect(vatIn(500, 0)).toBe(0);
    expect(vatIn(250, 9)).toBe(21); // 20.64 -> 21
  });

  it('rounds per rate, not per line (documented): three 2.50 items at 9 % are 7.50 with 0.62 VAT, not 3 x 0.21', () => {
    const lines = [
      { unitPrice: 250, quantity: 1, vatRate: 9 },
      { unitPrice: 250, quantity: 1, vatRate: 9 },
      { unitPrice: 250, quantity: 1, vatRate: 9 },
    ];
    expect(vatByRate(lines, 21)).toEqual([{ rate: 9, gross: 750, vat: 62 }]);
    const perLine = lines.reduce((s, l) => s + vatIn(l.unitPrice, 9), 0);
    expect(perLine).toBe(63); // what rounding per line would have shown
  });

  it('groups by rate, highest first, with the fallback rate for lines without one', () => {
    expect(
      vatByRate(
        [
          { unitPrice: 350, quantity: 2, vatRate: 9 },
          { unitPrice: 1210, quantity: 1 },
          { unitPrice: 499, quantity: 1, vatRate: 0 },
        ],
        21,
      ),
    ).toEqual([
      { rate: 21, gross: 1210, vat: 210 },
      { rate: 9, gross: 700, vat: 58 },
      { rate: 0, gross: 499, vat: 0 },
    ]);
  });

  it('a refund reverses VAT in proportion, and the parts add up to the refund exactly', () => {
    const sale = [
      { rate: 21, gross: 1000, vat: 174 },
      { rate: 9, gross: 333, vat: 27 },
    ];
    const part = vatOfRefund(sale, 500);
    expect(part.reduce((s, v) => s + v.gross, 0)).toBe(500);
    expect(part).toEqual([
      { rate: 21, gross: 375, vat: 65 },
      { rate: 9, gross: 125, vat: 10 },
    ]);
    expect(vatOfRefund(sale, 1333)).toEqual(sale);
    expect(addVat(sale, part, -1)).toEqual([
      { rate: 21, gross: 625, vat: 109 },
      { rate: 9, gross: 208, vat: 17 },
    ]);
  });
});

describe('refunds out of what is left', () => {
  it('any sale refunded in any number of parts: each part within what is left, all parts together exactly the sale VAT', () => {
    const rnd = seeded(7);
    for (let round = 0; round < 500; round++) {
      const lines = Array.from({ length: 1 + rnd(4) }, () => ({
        unitPrice: 1 + rnd(2000),
        quantity: 1 + rnd(3),
        vatRate: [21, 9, 0][rnd(3)]!,
      }));
      const sale = vatByRate(lines, 21);
      const total = sale.reduce((s, v) => s + v.gross, 0);
      let left = sale;
      let paid = 0;
      let refunded: VatLine[] = [];
      while (paid < total) {
        const amount = Math.min(total - paid, 1 + rnd(Math.max(1, Math.floor(total / 2))));
        const part = vatOfRefund(left, amount);
        expect(part.reduce((s, v) => s + v.gross, 0)).toBe(amount);
        for (const v of part) expect(v.vat).toBeLessThanOrEqual(left.find((l) => l.rate === v.rate)!.vat);
        left = addVat(left, part, -1);
        refunded = addVat(refunded, part);
        paid += amount;
      }
      expect(refunded).toEqual(sale);
    }
  });
});
