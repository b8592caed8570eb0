/** Barcodes as scanned: GS1 check digits of EAN-13, EAN-8 and UPC-A, and the shop's own codes. */
import { describe, expect, it } from 'vitest';
import {
  barcodeKey,
  checkBarcode,
  DEFAULT_SCALE_LAYOUT,
  gs1CheckDigit,
  type ScaleLayout,
  type ScaleLayoutProblem,
  scaleItemCode,
  scaleLayoutProblem,
  variableMeasure,
  weighedAmount,
} from '../../shared/barcode';

describe('GS1 check digits', () => {
  // Published examples: GS1's EAN-13 and EAN-8 examples, a UPC-A from a real pack, and edge cases of the sum.
  const valid: [string, 'EAN-13' | 'EAN-8' | 'UPC-A', string][] = [
    ['4006381333931', 'EAN-13', '4006381333931'],
    ['8712345678906', 'EAN-13', '8712345678906'],
    ['5901234123457', 'EAN-13', '5901234123457'],
    ['0000000000000', 'EAN-13', '0000000000000'],
    ['96385074', 'EAN-8', '96385074'],
    ['73513537', 'EAN-8', '73513537'],
    ['036000291452', 'UPC-A', '0036000291452'],
    ['042100005264', 'UPC-A', '0042100005264'],
  ];
  for (const [code, kind, kept] of valid)
    it(`${code} is a valid ${kind}, kept as ${kept}`, () => {
      expect(checkBarcode(code)).toEqual({ ok: true, kind, code: kept });
    });

  const misread: [string, 'EAN-13' | 'EAN-8' | 'UPC-A'][] = [
    ['4006381333932', 'EAN-13'],
    ['4006381333913', 'EAN-13'], // two digits swapped
    ['96385075', 'EAN-8'],
    ['036000291453', 'UPC-A'],
  ];
  for (const [code, kind] of misread)
    it(`${code}: the ${kind} check digit is wrong`, () => {
      expect(checkBarcode(code)).toEqual({ ok: false, problem: `the ${kind} check digit is wrong`, misread: kind });
    });

  it('every single-digit misread of an EAN-13 is caught', () => {
    const good = '8712345678906';
    for (let i = 0; i < good.length; i++)
      for (let d = 0; d <= 9; d++) {
        if (String(d) === good[i]) continue;
        const bad = good.slice(0, i) + d + good.slice(i + 1);
        expect(checkBarcode(bad).ok, bad).toBe(false);
      }
  });

  it('computes the check digit with weights 3 and 1 from the right', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1);
    expect(gs1CheckDigit('9638507')).toBe(4);
    expect(gs1CheckDigit('03600029145')).toBe(2);
  });
});

describe("the shop's own codes", () => {
  it('other lengths and letters are kept as they are, without a check digit', () => {
    expect(checkBarcode('1234')).toEqual({ ok: true, kind: 'own', code: '1234' });
    expect(checkBarcode(' PLU-77 ')).toEqual({ ok: true, kind: 'own', code: 'PLU-77' });
  });
  it('refuses what cannot be a barcode', () => {
    expect(checkBarcode('')).toMatchObject({ ok: false });
    expect(checkBarcode('12 34')).toMatchObject({ ok: false });
    expect(checkBarcode('-12')).toMatchObject({ ok: false });
    expect(checkBarcode('x'.repeat(21))).toMatchObject({ ok: false });
  });
  it('a UPC-A and its EAN-13 spelling look up the same product', () => {
    expect(barcodeKey('036000291452')).toBe(barcodeKey('0036000291452'));
  });
});

describe('GS1 variable-measure codes (prefixes 20-29) in the default layout', () => {
  const code = (body12: string) => body12 + gs1CheckDigit(body12);
  it('a price: a price prefix, five of the item, five of the price in cents', () => {
    expect(variableMeasure(code('210012301234'))).toEqual({ item: '2100123', kind: 'price', value: 1234 });
  });
  it('a weight: a weight prefix, five of the item, five of the grams', () => {
    expect(variableMeasure(code('280045600512'))).toEqual({ item: '2800456', kind: 'weight', value: 512 });
  });
  it('not for other codes, nor for a misread one', () => {
    expect(variableMeasure('8712345678906')).toBeUndefined();
    expect(variableMeasure('96385074')).toBeUndefined();
    const good = code('280045600512');
    expect(variableMeasure(good.slice(0, 12) + ((Number(good[12]) + 1) % 10))).toBeUndefined();
  });
});

describe('scale label layouts a shop sets', () => {
  const code = (body12: string) => body12 + gs1CheckDigit(body12);
  const layout = (l: Partial<ScaleLayout>): ScaleLayout => ({ ...DEFAULT_SCALE_LAYOUT, ...l });
  // [what, layout, the first twelve digits, what the code reads as]
  const table: [string, ScaleLayout, string, ReturnType<typeof variableMeasure>][] = [
    ['default, price in cents', DEFAULT_SCALE_LAYOUT, '230001200995', { item: '2300012', kind: 'price', value: 995 }],
    ['default, grams', DEFAULT_SCALE_LAYOUT, '250001201250', { item: '2500012', kind: 'weight', value: 1250 }],
    ['only 22 carries a price: 21 reads nothing', layout({ price: [22], weight: [28] }), '210001200995', undefined],
    [
      'only 22 carries a price: 22 does',
      layout({ price: [22], weight: [28] }),
      '220001200995',
      { item: '2200012', kind: 'price', value: 995 },
    ],
    ['a prefix in neither list reads nothing', layout({ price: [20], weight: [29] }), '250001201250', undefined],
    [
      'four of item, six of price',
      layout({ itemDigits: 4, valueDigits: 6 }),
      '200012001234',
      { item: '200012', kind: 'price', value: 1234 },
    ],
    [
      'six of item, four of weight',
      layout({ itemDigits: 6, valueDigits: 4 }),
      '280000420750',
      { item: '28000042', kind: 'weight', value: 750 },
    ],
    [
      'price with one decimal (12.3 = 1230 cents)',
      layout({ priceDecimals: 1 }),
      '200001200123',
      { item: '2000012', kind: 'price', value: 1230 },
    ],
    ['whole euros', layout({ priceDecimals: 0 }), '200001200012', { item: '2000012', kind: 'price', value: 1200 }],
    [
      'kilograms with two decimals (1.25 kg)',
      layout({ weightDecimals: 2 }),
      '280001200125',
      { item: '2800012', kind: 'weight', value: 1250 },
    ],
    [
      'Swedish-style: 20 price, 23 weight',
      layout({ price: [20], weight: [23] }),
      '230001200500',
      { item: '2300012', kind: 'weight', value: 500 },
    ],
  ];
  for (const [what, l, body, want] of table)
    it(`${what}: ${code(body)}`, () => {
      expect(variableMeasure(code(body), l)).toEqual(want);
    });

  const bad: [string, Partial<ScaleLayout>, ScaleLayoutProblem['key']][] = [
    ['a prefix below 20', { price: [19] }, 'prefix'],
    ['a prefix above 29', { weight: [30] }, 'prefix'],
    ['a prefix in both lists', { price: [20, 25], weight: [25] }, 'both'],
    ['a prefix twice', { price: [20, 20], weight: [] }, 'both'],
    ['no prefix at all', { price: [], weight: [] }, 'none'],
    ['item and value not ten digits', { itemDigits: 5, valueDigits: 4 }, 'digits'],
    ['an item of two digits', { itemDigits: 2, valueDigits: 8 }, 'digits'],
    ['three price decimals', { priceDecimals: 3 }, 'decimals'],
    ['four weight decimals', { weightDecimals: 4 }, 'decimals'],
  ];
  for (const [what, l, key] of bad)
    it(`refuses ${what}, and reads nothing with it`, () => {
      const wrong = layout(l);
      expect(scaleLayoutProblem(wrong)?.key).toBe(key);
      expect(scaleLayoutProblem(wrong)?.message).toMatch(/\.$/);
      expect(variableMeasure(code('230001200995'), wrong)).toBeUndefined();
    });
  it('the default layout is a good one', () => {
    expect(scaleLayoutProblem(DEFAULT_SCALE_LAYOUT)).toBeUndefined();
  });
});

describe("a scale item's own catalog code", () => {
  const six = { ...DEFAULT_SCALE_LAYOUT, itemDigits: 6, valueDigits: 4 };
  const table: [string, ScaleLayout, string | undefined][] = [
    ['2800456', DEFAULT_SCALE_LAYOUT, '2800456'],
    [' 2000012 ', DEFAULT_SCALE_LAYOUT, '2000012'],
    ['28000042', six, '28000042'], // an EAN-8's length, no check digit of its own
    ['28000042', DEFAULT_SCALE_LAYOUT, undefined], // eight digits: not this layout's item
    ['1900456', DEFAULT_SCALE_LAYOUT, undefined], // not a scale prefix
    ['2800456', { ...DEFAULT_SCALE_LAYOUT, price: [20], weight: [21] }, undefined], // 28 carries nothing here
    ['28004a6', DEFAULT_SCALE_LAYOUT, undefined],
  ];
  for (const [raw, layout, want] of table)
    it(`${JSON.stringify(raw)} (item of ${layout.itemDigits}) -> ${want ?? 'none'}`, () => {
      expect(scaleItemCode(raw, layout)).toBe(want);
    });
});

describe('the amount of a weighed item: grams x price per kilogram, rounded to the cent half up', () => {
  const table: [number, number, number][] = [
    [1290, 512, 660], // 6.6048 -> 6.60
    [1290, 1000, 1290],
    [999, 500, 500], // 4.995 -> 5.00: half up
    [999, 501, 500], // 5.00499 -> 5.00
    [1, 499, 0], // 0.499 cent -> 0
    [1, 500, 1], // 0.5 cent -> 1
    [2499, 333, 832], // 8.32167 -> 8.32
    [9_999_999_99, 99_999, 99_998_999_900], // the largest price and weight: exact in integers
  ];
  for (const [perKg, grams, want] of table)
    it(`${grams} g at ${perKg} per kg = ${want}`, () => {
      expect(weighedAmount(perKg, grams)).toBe(want);
    });
});
