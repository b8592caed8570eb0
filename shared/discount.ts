/**
 * Discounts at the counter: how much a percent takes off, and how a basket discount is spread over its lines so
 * that VAT is owed per rate on what was actually charged (Dutch VAT: the taxable amount is the price after a
 * discount given at the sale - Wet OB 1968 art. 8(1) and (4) - so a basket discount lowers each rate's amount in
 * proportion).
 */

/** A cashier's largest discount without a manager's approval, percent of what is discounted (a setting per till). */
export const DEFAULT_DISCOUNT_LIMIT = 10;

/** What `percent` takes off `base` (minor units), rounded half up to the minor unit. */
export const percentOff = (base: number, percent: number): number => Math.floor((base * percent) / 100 + 0.5 + 1e-9);

/**
 * Spreads `amount` over lines in proportion to their amounts (largest remainder, so the parts add up to `amount`
 * exactly, and no part is more than its line). Returns one part per line (0 for a line of no amount).
 */
export function spread(amount: number, lineAmounts: readonly number[]): number[] {
  const total = lineAmounts.reduce((s, a) => s + a, 0);
  if (total <= 0 || amount <= 0) return lineAmounts.map(() => 0);
  const exact = lineAmounts.map((a) => (amount * a) / total);
  const parts = exact.map((x, i) => Math.min(Math.floor(x), lineAmounts[i]!));
  let left = amount - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (parts[i]! < lineAmounts[i]!) {
      parts[i]!++;
      left--;
    }
  }
  return parts;
}
