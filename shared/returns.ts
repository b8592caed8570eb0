/**
 * Returns: lines of a paid sale given back, each with its quantity, amount and VAT, for the core and the screen.
 * A line's VAT share is its part of its rate's VAT on the sale (the sale rounds VAT once per rate; the shares of a
 * rate add up to it exactly). A return of part of a line takes that part of its share, rounded to the cent; the
 * last return of a line takes exactly what is left of it - so every return of a sale adds up to its VAT per rate.
 * A line counts as returned while the refund that paid it back is pending or done; a failed refund frees it.
 */
import type { ReceiptlessReturn, RefundRecord, ReturnedLine, SaleRecord } from './contract';
import { lineAmount } from './money';
import { LEGACY_VAT_RATE, vatIn, type VatLine } from './vat';

/** A line picked for a return: its place on the sale and how many of it. */
export interface ReturnPick {
  index: number;
  quantity: number;
}

type Sale = Pick<SaleRecord, 'lines' | 'vat' | 'refunds'>;

const rateOf = (l: { vatRate?: number | undefined }): number => l.vatRate ?? LEGACY_VAT_RATE;

/** Each line's share of its rate's VAT on the sale, in minor units (largest remainder: a rate's shares add up exactly). */
export function lineVatShares(sale: Pick<SaleRecord, 'lines' | 'vat'>): number[] {
  const shares = sale.lines.map(() => 0);
  const rates = new Map<number, number[]>();
  sale.lines.forEach((l, i) => (rates.get(rateOf(l)) ?? rates.set(rateOf(l), []).get(rateOf(l))!).push(i));
  for (const [rate, idx] of rates) {
    const gross = idx.reduce((s, i) => s + lineAmount(sale.lines[i]!), 0);
    if (gross <= 0) continue;
    // The VAT the sale recorded at this rate, when it is the VAT of these lines; else worked out the same way.
    const stored = sale.vat?.find((v) => v.rate === rate && v.gross === gross);
    const vat = stored ? stored.vat : vatIn(gross, rate);
    const exact = idx.map((i) => (vat * lineAmount(sale.lines[i]!)) / gross);
    const parts = exact.map(Math.floor);
    let rest = vat - parts.reduce((s, p) => s + p, 0);
    const order = exact.map((e, k) => [e - Math.floor(e), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, k] of order) {
      if (rest-- <= 0) break;
      parts[k]!++;
    }
    idx.forEach((i, k) => (shares[i] = parts[k]!));
  }
  return shares;
}

/** A refund that still gives its lines back: pending or done. */
const holds = (r: RefundRecord): boolean => r.state !== 'failed';

/** Per line of the sale: the quantity and VAT returned so far (refunds pending or done). */
export function returnedSoFar(sale: Pick<SaleRecord, 'lines' | 'refunds'>): { quantity: number; vat: number; amount: number }[] {
  const out = sale.lines.map(() => ({ quantity: 0, vat: 0, amount: 0 }));
  for (const r of sale.refunds)
    if (holds(r))
      for (const l of r.lines ?? []) {
        const o = out[l.index];
        if (!o) continue;
        o.quantity += l.quantity;
        o.vat += l.vat;
        o.amount += l.amount;
      }
  return out;
}

/** Per line of the sale: how many can still be returned (sold less returned). */
export const returnableOf = (sale: Pick<SaleRecord, 'lines' | 'refunds'>): number[] => {
  const done = returnedSoFar(sale);
  return sale.lines.map((l, i) => Math.max(0, l.quantity - done[i]!.quantity));
};

/** Why picks cannot be returned, or undefined when they can. */
export type ReturnProblem = 'none' | 'unknown_line' | 'twice' | 'too_many';

export function returnProblem(sale: Pick<SaleRecord, 'lines' | 'refunds'>, picks: readonly ReturnPick[]): ReturnProblem | undefined {
  if (!picks.length) return 'none';
  const left = returnableOf(sale);
  const seen = new Set<number>();
  for (const p of picks) {
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= sale.lines.length) return 'unknown_line';
    if (seen.has(p.index)) return 'twice';
    seen.add(p.index);
    if (!Number.isInteger(p.quantity) || p.quantity < 1 || p.quantity > left[p.index]!) return 'too_many';
  }
  return undefined;
}

/**
 * The lines a return gives back (the picks must be valid: see `returnProblem`), in the sale's order: quantity,
 * amount (what that part of the line came to after its discount: unit price x quantity without one) and VAT - that part of the line's VAT share, the last return of a line all that is
 * left of it.
 */
export function returnLines(sale: Sale, picks: readonly ReturnPick[]): ReturnedLine[] {
  const shares = lineVatShares(sale);
  const done = returnedSoFar(sale);
  return [...picks]
    .sort((a, b) => a.index - b.index)
    .map((p) => {
      const l = sale.lines[p.index]!;
      const before = done[p.index]!;
      const share = shares[p.index]!;
      const after = before.quantity + p.quantity;
      const leftVat = share - before.vat;
      const vat = after >= l.quantity ? leftVat : Math.max(0, Math.min(leftVat, Math.round((share * after) / l.quantity) - before.vat));
      // What the line came to (after its discount), in the same way: a part of it rounded, the last return the rest.
      const whole = lineAmount(l);
      const amount = after >= l.quantity ? whole - before.amount : Math.round((whole * after) / l.quantity) - before.amount;
      return {
        index: p.index,
        name: l.name,
        ...(l.productId !== undefined ? { productId: l.productId } : {}),
        quantity: p.quantity,
        unitPrice: l.unitPrice,
        amount,
        vatRate: rateOf(l),
        vat,
      };
    });
}

/**
 * A return without a receipt as a sale record with its one refund: what the receipt builder, the printer and the
 * screen's receipt take (a sale with no lines of its own and no receipt number; see `isReceiptless`).
 */
export function receiptlessAsSale(r: ReceiptlessReturn): SaleRecord {
  const refund: RefundRecord = {
    refundId: r.returnId,
    orderId: r.returnId,
    amount: r.amount,
    at: r.at,
    state: 'done',
    tender: r.creditNote ? 'credit' : 'cash',
    ...(r.creditNote ? { creditNote: r.creditNote.code } : {}),
    receiptNumber: r.receiptNumber,
    vat: r.vat,
    lines: r.lines,
    reason: r.reason,
    ...(r.rounding ? { rounding: r.rounding } : {}),
    ...(r.staff ? { staff: r.staff } : {}),
  };
  return {
    saleId: r.returnId,
    createdAt: r.at,
    lines: [],
    total: 0,
    currency: r.currency,
    tender: 'cash',
    status: 'refunded',
    vat: [],
    attempts: [],
    refunds: [refund],
  };
}

/** A record made by `receiptlessAsSale`: the items came back without a receipt. */
export const isReceiptless = (sale: Pick<SaleRecord, 'saleId' | 'lines' | 'refunds'>): boolean =>
  sale.lines.length === 0 && sale.refunds.length === 1 && sale.refunds[0]!.refundId === sale.saleId;

/** What a return gives back: the sum of its lines. */
export const returnAmount = (lines: readonly Pick<ReturnedLine, 'amount'>[]): number => lines.reduce((s, l) => s + l.amount, 0);

/** The VAT of returned lines per rate (gross and VAT), highest rate first. */
export function vatOfLines(lines: readonly Pick<ReturnedLine, 'vatRate' | 'amount' | 'vat'>[]): VatLine[] {
  const by = new Map<number, VatLine>();
  for (const l of lines) {
    const v = by.get(l.vatRate) ?? { rate: l.vatRate, gross: 0, vat: 0 };
    v.gross += l.amount;
    v.vat += l.vat;
    by.set(l.vatRate, v);
  }
  return [...by.values()].sort((a, b) => b.rate - a.rate);
}
