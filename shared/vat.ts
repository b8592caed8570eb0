/**
 * VAT (BTW) on prices that include it. Rounding is per rate: the gross amounts of all lines with the same rate
 * are added up first, and the VAT of that sum is rounded once, to the nearest cent (half up) - the way a Dutch
 * receipt shows "BTW 9% over € 12,50". Rounding per line would add up each line's rounding error; per rate the
 * VAT shown is always the VAT of the amount shown. Refunds reverse VAT in proportion to the refunded amount.
 */

export interface VatLine {
  /** Percent, e.g. 21, 9, 0. */
  rate: number;
  /** Amount including VAT, minor units. */
  gross: number;
  /** The VAT in it, minor units. */
  vat: number;
}

/** Netherlands: the general rate, the reduced rate (food, drinks, books...), and zero. */
export const DEFAULT_VAT_RATES = [21, 9, 0] as const;

/** The rate of lines recorded before rates were kept (the Dutch general rate). */
export const LEGACY_VAT_RATE = 21;

export const vatIn = (gross: number, rate: number): number => Math.round((gross * rate) / (100 + rate));

/** VAT per rate of lines whose prices include VAT, highest rate first. */
export function vatByRate(
  lines: readonly { unitPrice: number; quantity: number; vatRate?: number | undefined; discount?: { amount: number } | undefined }[],
  fallbackRate: number,
): VatLine[] {
  const gross = new Map<number, number>();
  for (const l of lines) {
    const rate = l.vatRate ?? fallbackRate;
    // On what the line comes to after its discount: VAT is owed on the price actually charged.
    gross.set(rate, (gross.get(rate) ?? 0) + l.unitPrice * l.quantity - (l.discount?.amount ?? 0));
  }
  return [...gross.entries()].sort((a, b) => b[0] - a[0]).map(([rate, g]) => ({ rate, gross: g, vat: vatIn(g, rate) }));
}

/**
 * The VAT a refund of `amount` reverses, out of what is left of a sale's VAT per rate (the sale's VAT less that of
 * its earlier refunds). The amount is split over the rates in proportion to the gross left (largest remainder, so
 * the parts add up to the amount exactly), then VAT per part, never more than is left at that rate. A refund of
 * all that is left takes exactly what is left at each rate: all refunds of a sale add up to its VAT to the cent.
 */
export function vatOfRefund(left: readonly VatLine[], amount: number): VatLine[] {
  const open = left.filter((v) => v.gross > 0);
  const total = open.reduce((s, v) => s + v.gross, 0);
  if (total <= 0 || amount <= 0) return [];
  if (amount >= total) return open.map((v) => ({ ...v }));
  const exact = open.map((v) => (v.gross * amount) / total);
  const parts = exact.map(Math.floor);
  let rest = amount - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest-- <= 0) break;
    parts[i]!++;
  }
  return open
    .map((v, i) => {
      const gross = parts[i]!;
      return { rate: v.rate, gross, vat: gross >= v.gross ? v.vat : Math.max(0, Math.min(v.vat, vatIn(gross, v.rate))) };
    })
    .filter((v) => v.gross > 0);
}

/** Adds VAT lines up per rate (`sign` -1 takes them off), highest rate first. */
export function addVat(into: VatLine[], more: readonly VatLine[], sign = 1): VatLine[] {
  const by = new Map(into.map((v) => [v.rate, { ...v }]));
  for (const v of more) {
    const cur = by.get(v.rate) ?? { rate: v.rate, gross: 0, vat: 0 };
    cur.gross += sign * v.gross;
    cur.vat += sign * v.vat;
    by.set(v.rate, cur);
  }
  return [...by.values()].sort((a, b) => b.rate - a.rate);
}
