import { describe, expect, it } from 'vitest';
import { formatMoney, lineTotal, parseAmount, toUnits } from '../../shared/money';

describe('money', () => {
  it.each([
    ['12.34', 1234],
    ['12,34', 1234],
    ['7', 700],
    ['0,5', 50],
    [' 3.10 ', 310],
    ['9999999.99', 999999999],
  ])('parses %s', (text, minor) => expect(parseAmount(text)).toBe(minor));
  it.each(['', 'abc', '0', '0.00', '-1', '1.234', '1,2,3', '1e3', '10000000', '12.'])('refuses %j', (text) =>
    expect(parseAmount(text)).toBeNull(),
  );
  it('formats per locale with Intl', () => {
    expect(formatMoney(1234, 'EUR', 'en-IE')).toBe('€12.34');
    expect(formatMoney(1234, 'EUR', 'nl-NL')).toMatch(/€\s12,34/);
  });
  it("knows each currency's minor units from ISO 4217: JPY has none, KWD three", () => {
    expect(parseAmount('1250', 'JPY')).toBe(1250);
    expect(parseAmount('12.50', 'JPY')).toBeNull();
    expect(formatMoney(1250, 'JPY', 'en')).toBe('¥1,250');
    expect(parseAmount('1.234', 'KWD')).toBe(1234);
    expect(formatMoney(1234, 'KWD', 'en')).toMatch(/1\.234/);
    expect(toUnits(1250, 'EUR')).toBe('12.50');
    expect(toUnits(1250, 'JPY')).toBe('1250');
  });
  it('totals lines in minor units', () =>
    expect(
      lineTotal([
        { unitPrice: 199, quantity: 3 },
        { unitPrice: 1, quantity: 1 },
      ]),
    ).toBe(598));
});
