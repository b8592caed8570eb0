import { describe, expect, it } from 'vitest';
import type { RefundRecord, SaleRecord } from '../../shared/contract';
import type { SaleLine } from '../../shared/payment';
import { lineVatShares, returnableOf, returnLines, returnProblem, type ReturnPick, vatOfLines } from '../../shared/returns';
import { addVat, vatByRate } from '../../shared/vat';
import { seeded } from '../helpers/seeded';

type Sale = Pick<SaleRecord, 'lines' | 'vat' | 'refunds'>;

const saleOf = (lines: SaleLine[]): Sale => ({ lines, vat: vatByRate(lines, 21), refunds: [] });

/** Records a return on the sale as the ledger would (a done refund carrying its lines); returns what it gave back. */
function giveBack(sale: Sale, picks: ReturnPick[], state: RefundRecord['state'] = 'done') {
  const lines = returnLines(sale, picks);
  const amount = lines.reduce((s, l) => s + l.amount, 0);
  sale.refunds.push({
    refundId: `r${sale.refunds.length}`,
    orderId: 'x',
    amount,
    at: 0,
    state,
    tender: 'cash',
    lines,
    vat: vatOfLines(lines),
  });
  return lines;
}

const THREE_AT_9 = [
  { name: 'Croissant', unitPrice: 250, quantity: 1, vatRate: 9 },
  { name: 'Roll', unitPrice: 250, quantity: 1, vatRate: 9 },
  { name: 'Bun', unitPrice: 250, quantity: 1, vatRate: 9 },
];

describe('returns: each line’s share of the VAT', () => {
  it.each([
    // lines, the sale's VAT per rate, each line's share
    ['three 2.50 at 9 %: 0.62 shared 21 + 21 + 20', THREE_AT_9, [{ rate: 9, gross: 750, vat: 62 }], [21, 21, 20]],
    [
      'two rates: 3 x 3.33 at 21 % and 2 x 1.99 at 9 %, 4.99 at 0 %',
      [
        { name: 'Tea', unitPrice: 333, quantity: 3, vatRate: 21 },
        { name: 'Bread', unitPrice: 199, quantity: 2, vatRate: 9 },
        { name: 'Book', unitPrice: 499, quantity: 1, vatRate: 0 },
      ],
      [
        { rate: 21, gross: 999, vat: 173 },
        { rate: 9, gross: 398, vat: 33 },
        { rate: 0, gross: 499, vat: 0 },
      ],
      [173, 33, 0],
    ],
    [
      'two lines at 21 % whose VAT rounds up per rate: 0.01 + 0.02 (0.0017 + 0.0035 = 0.01 in all)',
      [
        { name: 'A', unitPrice: 1, quantity: 1, vatRate: 21 },
        { name: 'B', unitPrice: 2, quantity: 1, vatRate: 21 },
      ],
      [{ rate: 21, gross: 3, vat: 1 }],
      [0, 1],
    ],
    [
      'a line without a rate counts at the general 21 %',
      [
        { name: 'Amount', unitPrice: 1210, quantity: 1 },
        { name: 'Cake', unitPrice: 545, quantity: 1, vatRate: 9 },
      ],
      [
        { rate: 21, gross: 1210, vat: 210 },
        { rate: 9, gross: 545, vat: 45 },
      ],
      [210, 45],
    ],
  ] as const)('%s', (_what, lines, vat, shares) => {
    const sale = saleOf(lines.map((l) => ({ ...l })));
    expect(sale.vat).toEqual(vat);
    expect(lineVatShares(sale)).toEqual(shares);
  });
});

describe('returns: partial returns of a line', () => {
  it.each([
    // unit price, rate, quantity, returned in parts of, VAT of each part (the last takes exactly what is left)
    [250, 9, 3, [1, 1, 1], [21, 20, 21]],
    [333, 21, 3, [1, 2], [58, 115]],
    [333, 21, 3, [2, 1], [115, 58]],
    [199, 9, 7, [3, 3, 1], [49, 50, 16]],
    [1, 21, 5, [1, 1, 1, 1, 1], [0, 0, 1, 0, 0]],
    [1999, 21, 4, [4], [1388]],
    [1, 9, 999, [998, 1], [82, 0]],
  ] as const)('%i cents at rate %i, %i sold, returned as %j: VAT %j', (unitPrice, vatRate, quantity, parts, vats) => {
    const sale = saleOf([{ name: 'Item', unitPrice, quantity, vatRate }]);
    const got = parts.map((q) => giveBack(sale, [{ index: 0, quantity: q }])[0]!);
    expect(got.map((l) => l.vat)).toEqual(vats);
    expect(got.map((l) => l.amount)).toEqual(parts.map((q) => q * unitPrice));
    // The parts add up to the sale's VAT to the cent.
    expect(got.reduce((s, l) => s + l.vat, 0)).toBe(sale.vat![0]!.vat);
    expect(returnableOf(sale)).toEqual([0]);
  });

  it('a return whose refund failed gives its lines back for another return', () => {
    const sale = saleOf(THREE_AT_9.map((l) => ({ ...l, quantity: 2 })));
    giveBack(sale, [{ index: 1, quantity: 2 }], 'failed');
    expect(returnableOf(sale)).toEqual([2, 2, 2]);
    giveBack(sale, [{ index: 1, quantity: 1 }], 'pending');
    expect(returnableOf(sale)).toEqual([2, 1, 2]);
    expect(returnProblem(sale, [{ index: 1, quantity: 2 }])).toBe('too_many');
    expect(returnProblem(sale, [{ index: 1, quantity: 1 }])).toBeUndefined();
  });

  it.each([
    [[], 'none'],
    [[{ index: 3, quantity: 1 }], 'unknown_line'],
    [[{ index: -1, quantity: 1 }], 'unknown_line'],
    [
      [
        { index: 0, quantity: 1 },
        { index: 0, quantity: 1 },
      ],
      'twice',
    ],
    [[{ index: 0, quantity: 2 }], 'too_many'],
    [[{ index: 0, quantity: 0 }], 'too_many'],
    [[{ index: 2, quantity: 1 }], undefined],
  ] as const)('picks %j: %s', (picks, problem) => {
    expect(returnProblem(saleOf(THREE_AT_9.map((l) => ({ ...l }))), picks)).toBe(problem);
  });
});

describe('returns: every return of a sale adds up to its VAT per rate, to the cent', () => {
  it('400 random sales (several rates, odd prices), returned in random parts until nothing is left', () => {
    const rnd = seeded(2211);
    const rates = [21, 9, 0, 13.5];
    for (let n = 0; n < 400; n++) {
      const lines: SaleLine[] = Array.from({ length: 1 + rnd(6) }, (_, i) => ({
        name: `P${i}`,
        unitPrice: 1 + rnd(5000),
        quantity: 1 + rnd(9),
        vatRate: rates[rnd(rates.length)]!,
      }));
      const sale = saleOf(lines);
      let back = sale.vat!.map((v) => ({ ...v, gross: 0, vat: 0 }));
      for (let left = returnableOf(sale); left.some((q) => q > 0); left = returnableOf(sale)) {
        const picks = left.flatMap((q, index) => (q > 0 && rnd(2) ? [{ index, quantity: 1 + rnd(q) }] : []));
        if (!picks.length) continue;
        const got = giveBack(sale, picks);
        for (const l of got) expect(l.vat).toBeGreaterThanOrEqual(0);
        back = addVat(back, vatOfLines(got));
      }
      expect(back).toEqual(sale.vat);
    }
  });
});

describe('returns of discounted lines', () => {
  it('give back what the line came to after its discount, in parts to the cent; VAT per rate adds up to the sale', () => {
    // 3 mugs at 12.10 with 3.33 off (a basket discount's share), and 2 x 4.45 with 0.89 off.
    const sale = saleOf([
      { name: 'Mug', unitPrice: 1210, quantity: 3, vatRate: 21, discount: { id: 'd1', amount: 333, reason: 'Loyal' } },
      { name: 'Beans', unitPrice: 445, quantity: 2, vatRate: 9, discount: { id: 'd1', amount: 89, reason: 'Loyal' } },
    ]);
    expect(sale.vat).toEqual([
      { rate: 21, gross: 3297, vat: 572 },
      { rate: 9, gross: 801, vat: 66 },
    ]);
    const first = giveBack(sale, [{ index: 0, quantity: 1 }]);
    expect(first[0]!.amount).toBe(1099); // 32.97 / 3 = 10.99
    const second = giveBack(sale, [
      { index: 0, quantity: 2 },
      { index: 1, quantity: 1 },
    ]);
    expect(second.map((l) => l.amount)).toEqual([2198, 401]); // the rest of the mugs; half of 8.01 rounded
    const last = giveBack(sale, [{ index: 1, quantity: 1 }]);
    expect(last[0]!.amount).toBe(400);
    const all = [...first, ...second, ...last];
    expect(all.reduce((s, l) => s + l.amount, 0)).toBe(3297 + 801);
    expect(vatOfLines(all)).toEqual(sale.vat);
  });
});
