/**
 * Money is integer minor units everywhere; these helpers sit at the edges. How many decimals a currency has
 * comes from ISO 4217 through Intl (EUR 2, JPY 0, KWD 3), never from a hard-coded 100.
 */

export const MAX_AMOUNT = 9_999_999_99;

const digitsCache = new Map<string, number>();

/** The number of minor-unit digits of a currency (ISO 4217): 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/**
 * Parses what a cashier types ("12.34", "12,34", "7") into minor units of the currency.
 * Returns null for anything that is not a positive amount with at most the currency's decimals.
 */
export function parseAmount(text: string, currency = 'EUR'): number | null {
  const digits = minorDigits(currency);
  const re = digits > 0 ? new RegExp(`^\\s*(\\d{1,7})(?:[.,](\\d{1,${digits}}))?\\s*$`) : /^\s*(\d{1,9})\s*$/;
  const m = re.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = m[2] === undefined ? 0 : Number(m[2].padEnd(digits, '0'));
  const minor = whole * 10 ** digits + frac;
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
  return f.format(minor / 10 ** minorDigits(currency));
}

/** An amount in currency units for files (CSV): "12.50", "1250" for JPY. */
export function toUnits(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** What one line comes to: unit price x quantity, less its discount (minor units, VAT included). */
export const lineAmount = (l: { unitPrice: number; quantity: number; discount?: { amount: number } | undefined }): number =>
  l.unitPrice * l.quantity - (l.discount?.amount ?? 0);

export function lineTotal(lines: readonly { unitPrice: number; quantity: number; discount?: { amount: number } | undefined }[]): number {
  return lines.reduce((sum, l) => sum + lineAmount(l), 0);
}
