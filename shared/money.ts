/** Money is integer minor units everywhere; these helpers sit at the edges. */

const AMOUNT_RE = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/;

export const MAX_AMOUNT = 9_999_999_99;

/**
 * Parses what a cashier types ("12.34", "12,34", "7") into minor units.
 * Returns null for anything that is not a positive amount with at most two decimals.
 */
export function parseAmount(text: string): number | null {
  const m = AMOUNT_RE.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = m[2] === undefined ? 0 : Number(m[2].padEnd(2, '0'));
  const minor = whole * 100 + frac;
  if (minor <= 0 || minor > MAX_AMOUNT) return null;
  return minor;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, f);
  }
  return f.format(minor / 100);
}

export function lineTotal(lines: readonly { unitPrice: number; quantity: number }[]): number {
  return lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
}
