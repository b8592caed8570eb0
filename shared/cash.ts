/**
 * The cash drawer's arithmetic, shared by the core and the screen. Cash rounding: the cash part of a sale is rounded to the smallest coin in use (Belgium by law since 2019, the
 * Netherlands by custom since 2004: to 5 cents). Cards are never rounded, and VAT is never changed by it: the
 * difference is its own line of the day. Amounts are integer minor units.
 */
import type { DayTotals } from './contract';

/** The steps a till may round cash to, in minor units: off, 0.05, 0.10. */
export const CASH_ROUNDING_STEPS = [0, 5, 10] as const;
export type CashRoundingStep = (typeof CASH_ROUNDING_STEPS)[number];

/** A till rounds cash to 0.05 unless set otherwise (euro: the 1 and 2 cent coins are not given out). */
export const DEFAULT_CASH_ROUNDING: CashRoundingStep = 5;

/**
 * `amount` rounded to the nearest multiple of `step`, as Dutch and Belgian shops do: to 0.05, x.x1 and x.x2 go down
 * to x.x0, x.x3 and x.x4 up to x.x5, x.x6 and x.x7 down to x.x5, x.x8 and x.x9 up; to 0.10, x.x5 and above go up.
 * A negative amount (money back) rounds as its size does. Step 0: unchanged.
 */
export function roundCash(amount: number, step: number): number {
  if (!Number.isInteger(amount)) throw new RangeError('An amount is whole minor units');
  if (step <= 0) return amount;
  const size = Math.abs(amount);
  const rounded = Math.floor((size * 2 + step) / (step * 2)) * step;
  return amount < 0 ? -rounded : rounded;
}

/**
 * An exchange's cash (minor units): the new items' total less the credit of the items given back is the difference;
 * what moves through the drawer is that difference rounded to the till's cash step - paid in when positive, given back
 * when negative - and `rounding` is what the drawer takes more (or less) than the difference.
 */
export function exchangeCash(newTotal: number, credit: number, step: number): { difference: number; moved: number; rounding: number } {
  const difference = newTotal - credit;
  const moved = difference < 0 ? -roundCash(-difference, step) : roundCash(difference, step);
  return { difference, moved, rounding: moved - difference };
}

/** What cash takes for `due` and the difference (taken - due: -2 for 16.57 taken as 16.55). */
export function cashTaken(due: number, step: number): { taken: number; rounding: number } {
  const taken = roundCash(due, step);
  return { taken, rounding: taken - due };
}

/** The cash the drawer should hold: the float, cash sales, the cash rounding and cash paid in, less cash refunds and paid out. */
export function expectedCash(
  float: number,
  totals: Pick<DayTotals, 'tenders' | 'refundsByTender' | 'cashRounding' | 'paidIn' | 'paidOut'> | undefined,
): number {
  return (
    float +
    (totals?.tenders.cash.amount ?? 0) +
    (totals?.cashRounding?.amount ?? 0) +
    (totals?.paidIn?.amount ?? 0) -
    (totals?.paidOut?.amount ?? 0) -
    (totals?.refundsByTender.cash.amount ?? 0)
  );
}

/** The total of a count sheet (denomination in minor units -> how many), in minor units. */
export function countTotal(counts: Readonly<Record<string, number>>): number {
  return Object.entries(counts).reduce((sum, [d, n]) => sum + Number(d) * n, 0);
}
