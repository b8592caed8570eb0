/** Barcodes as scanned: GS1 check digits of EAN-13, EAN-8 and UPC-A, and the shop's own codes. */
import { describe, expect, it } from 'vitest';
import { barcodeKey, checkBarcode, gs1CheckDigit, variableMeasure } from '../../shared/barcode';

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

describe('GS1 variable-measure codes (prefix 2)', () => {
  const code = (body12: string) => body12 + gs1CheckDigit(body12);
  it('a price: 2, a price digit, five of the item, five of the price in cents', () => {
    expect(variableMeasure(code('210012301234'))).toEqual({ item: '2100123', kind: 'price', value: 1234 });
  });
  it('a weight: 2, a weight digit, five of the item, five of the grams', () => {
    expect(variableMeasure(code('280045600512'))).toEqual({ item: '2800456', kind: 'weight', value: 512 });
  });
  it('not for other codes, nor for a misread one', () => {
    expect(variableMeasure('8712345678906')).toBeUndefined();
    expect(variableMeasure('96385074')).toBeUndefined();
    const good = code('280045600512');
    expect(variableMeasure(good.slice(0, 12) + ((Number(good[12]) + 1) % 10))).toBeUndefined();
  });
});
