/** The basket: pure helpers, so the screen only wires them to buttons and keys. */
import type { CatalogItem, CounterBasket, Discount, Product, Terminal } from '../../shared/contract';
import { spread } from '../../shared/discount';
import { minorDigits } from '../../shared/money';
import type { SaleLine } from '../../shared/payment';

/**
 * The sale on the counter: its lines, and once charged, the till's sale id and the latest attempt's order id. A split
 * sale also knows the card parts already paid (order id -> amount), so it stays until the rest is paid.
 */
export type Sale = CounterBasket;

/**
 * What the parts paid so far of the sale on the counter (split tender): its cards, and its store credit notes (kept
 * under `creditKey`).
 */
export const paidByCard = (sale: Sale): number => Object.values(sale.paid ?? {}).reduce((s, a) => s + a, 0);

/** Where a store credit part is kept in the counter sale's `paid`: `credit:<code>`. */
export const creditKey = (code: string) => `credit:${code}`;

/** What store credit notes paid of the sale on the counter so far. */
export const paidByCreditNotes = (sale: Sale): number =>
  Object.entries(sale.paid ?? {}).reduce((s, [k, a]) => (k.startsWith('credit:') ? s + a : s), 0);

/** Half of a total, in whole minor units (the split's first suggestion for the card part). */
export const halfOf = (total: number): number => Math.floor(total / 2);

export const EMPTY_SALE: Sale = { lines: [] };

/** One of a quick key's item as a basket line. */
export const catalogLine = (item: CatalogItem): SaleLine => ({
  name: item.name,
  unitPrice: item.price,
  quantity: 1,
  ...(item.vatRate !== undefined ? { vatRate: item.vatRate } : {}),
  ...(item.productId !== undefined ? { productId: item.productId } : {}),
});

/** One of a catalog product as a basket line: its price and VAT as they are now, and its id. */
export const productLine = (p: Product): SaleLine => ({
  name: p.name,
  unitPrice: p.price,
  quantity: 1,
  vatRate: p.vatRate,
  productId: p.id,
});

/** Adds one of a line, or one more of an identical line (same name and price). */
export function addLine(lines: SaleLine[], line: SaleLine): SaleLine[] {
  const i = lines.findIndex((l) => l.name === line.name && l.unitPrice === line.unitPrice);
  if (i < 0) return [...lines, line];
  return lines.map((l, j) => (j === i ? { ...l, quantity: Math.min(999, l.quantity + 1) } : l));
}

/**
 * Changes a line's quantity by `delta`; a line that reaches zero leaves the basket. A discount on that line no longer
 * fits it and comes off (a basket discount it shared comes off every line): give it again with Discount.
 */
export function changeQty(lines: SaleLine[], i: number, delta: number): SaleLine[] {
  const stale = lines[i]?.discount?.id;
  return lines.flatMap((l, j) => {
    const kept = stale !== undefined && l.discount?.id === stale ? withoutDiscount(l) : l;
    if (j !== i) return [kept];
    return l.quantity + delta <= 0 ? [] : [{ ...kept, quantity: Math.min(999, l.quantity + delta) }];
  });
}

const withoutDiscount = (l: SaleLine): SaleLine => {
  const { discount: _gone, ...rest } = l;
  return rest;
};

/** The lines a discount may still go on (those without one), by index. */
export const discountable = (lines: readonly SaleLine[]): number[] => lines.flatMap((l, i) => (l.discount ? [] : [i]));

/** Puts a discount given by the core on one line, or spreads a basket discount over `on` (to the cent, by amount). */
export function withDiscount(lines: SaleLine[], on: readonly number[], d: Discount): SaleLine[] {
  const parts = spread(
    d.amount,
    on.map((i) => lines[i]!.unitPrice * lines[i]!.quantity),
  );
  return lines.map((l, i) => {
    const k = on.indexOf(i);
    if (k < 0 || !parts[k]) return l;
    return {
      ...l,
      discount: { id: d.id, amount: parts[k]!, reason: d.reason, ...(d.percent !== undefined ? { percent: d.percent } : {}) },
    };
  });
}

/** Cents entry: digits pressed on the keypad fill the amount from the right ("1250" is 12.50 in EUR). */
export function keypadText(digits: string, currency: string, decimalComma: boolean): string {
  const d = minorDigits(currency);
  const clean = digits.replace(/^0+/, '');
  if (!clean) return '';
  if (d === 0) return clean;
  const padded = clean.padStart(d + 1, '0');
  const text = `${padded.slice(0, -d)}.${padded.slice(-d)}`;
  return decimalComma ? text.replace('.', ',') : text;
}

/** Amounts of this size or more are confirmed once before they are added (a slipped "00"). */
export const bigAmount = (currency: string) => 1000 * 10 ** minorDigits(currency);

const NOTES = [5, 10, 20, 50, 100, 200, 500];

/** What a customer is likely to hand over for `total`: the next multiple of 5, and the next notes up. At most three. */
export function nextNotes(total: number, currency: string): number[] {
  const unit = 10 ** minorDigits(currency);
  const out = new Set<number>();
  const five = Math.ceil(total / (5 * unit)) * 5 * unit;
  if (five > total) out.add(five);
  for (const n of NOTES) {
    if (n * unit > total) out.add(n * unit);
    if (out.size >= 3) break;
  }
  return [...out].sort((a, b) => a - b).slice(0, 3);
}

/** "Counter 1 (T1)", or the id alone when the terminal has no name of its own. */
export function terminalLabel(id: string, terminals: readonly Terminal[]): string {
  const name = terminals.find((x) => x.id === id)?.name;
  return name && name !== id ? `${name} (${id})` : id;
}

/** Names the till gave custom amounts, in any language and version: shown as today's custom-line name. */
const CUSTOM_NAMES = new Set(['Amount', 'Bedrag', 'Other item', 'Diversen']);
export const isCustomLine = (name: string) => CUSTOM_NAMES.has(name);
