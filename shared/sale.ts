/**
 * The rules of a sale, in one place for the core and the screen: which tenders paid it, what it has paid, what is
 * still due, what each tender may still refund, and its status. Pure functions of a `SaleRecord`; amounts are
 * integer minor units. A card attempt counts as paid when it completed and was not reversed since (`after`).
 */
import type { AttemptSummary, RefundRecord, SaleRecord, SaleStatus } from './contract';
import { chargedOf, isFinal, salePartOf, tipOf } from './payment';

type Tenders = Pick<SaleRecord, 'tender' | 'attempts' | 'total' | 'cash' | 'credit'>;

/** A card attempt that paid: completed, and not reversed by the payment provider since. */
export const isPaidCard = (a: Pick<AttemptSummary, 'state' | 'after'>): boolean => a.state === 'completed' && a.after !== 'reversed';

/** The card attempts that paid a sale (a split sale may have more than one), in the order they were made. */
export const paidCards = (sale: Pick<SaleRecord, 'tender' | 'attempts'>): AttemptSummary[] =>
  sale.tender === 'cash' ? [] : sale.attempts.filter(isPaidCard);

/** What store credit notes paid of the sale (minor units). */
export const paidByCredit = (sale: Pick<SaleRecord, 'credit'>): number => (sale.credit ?? []).reduce((s, c) => s + c.amount, 0);

/** A sale paid in parts: a card and cash, two cards, or store credit and another tender. */
export const isSplit = (sale: Tenders): boolean =>
  sale.tender === 'card' && paidCards(sale).length + (sale.cash ? 1 : 0) + (sale.credit?.length ?? 0) > 1;

/**
 * What the tenders have paid of the sale so far (tips apart): all of a cash sale; cards' parts plus store credit plus
 * any cash part.
 */
export function paidSoFar(sale: Tenders): number {
  if (sale.tender === 'cash') return sale.total;
  return paidCards(sale).reduce((s, a) => s + salePartOf(a, sale.total), 0) + paidByCredit(sale) + (sale.cash?.amount ?? 0);
}

/** What is still to pay on the sale. */
export const amountDue = (sale: Tenders): number => Math.max(0, sale.total - paidSoFar(sale));

/** The tips customers added on the terminal to the sale's card payments. */
export const tipsOf = (sale: Tenders): number => paidCards(sale).reduce((s, a) => s + tipOf(a, sale.total), 0);

/** What refunds took back so far: done ones, and (`withPending`) those whose outcome is not known yet. */
export const refundedOf = (
  refunds: readonly RefundRecord[],
  ofPart: (r: RefundRecord) => boolean = () => true,
  withPending = true,
): number =>
  refunds.filter((r) => (withPending ? r.state !== 'failed' : r.state === 'done') && ofPart(r)).reduce((s, r) => s + r.amount, 0);

/** A tender a refund can go back through, and how much it may still take. */
export interface RefundTarget {
  /** What `refund` is called with: a card payment's order id, or the sale id for the cash (and store credit). */
  id: string;
  /** credit: the part credit notes paid, given back as a new credit note (returns only, never a plain refund). */
  tender: 'card' | 'cash' | 'credit';
  /** Minor units; 0 when nothing is left. */
  left: number;
}

/**
 * Where a refund of the sale can go and how much each may take: each card within what it charged (its tip
 * included), the cash within what it paid, and all of them within what is left of the sale. A refund whose
 * outcome is not known yet counts as taken (`withPending`, the screen's view) or not (the core's, which refuses a
 * second refund of that payment meanwhile anyway).
 */
export function refundTargets(sale: SaleRecord, withPending = true): RefundTarget[] {
  const leftOfSale = sale.total + tipsOf(sale) - refundedOf(sale.refunds, () => true, withPending);
  const cards = paidCards(sale);
  if (sale.tender === 'cash') return [{ id: sale.saleId, tender: 'cash', left: Math.max(0, leftOfSale) }];
  const targets: RefundTarget[] = cards.map((a) => ({
    id: a.orderId,
    tender: 'card',
    left: Math.max(
      0,
      Math.min(
        leftOfSale,
        chargedOf(a, sale.total) - refundedOf(sale.refunds, (r) => r.tender === 'card' && r.orderId === a.orderId, withPending),
      ),
    ),
  }));
  if (sale.cash)
    targets.push({
      id: sale.saleId,
      tender: 'cash',
      left: Math.max(
        0,
        Math.min(leftOfSale, (sale.cash.amount ?? sale.total) - refundedOf(sale.refunds, (r) => r.tender === 'cash', withPending)),
      ),
    });
  const credit = paidByCredit(sale);
  if (credit > 0)
    targets.push({
      id: sale.saleId,
      tender: 'credit',
      left: Math.max(0, Math.min(leftOfSale, credit - refundedOf(sale.refunds, (r) => r.tender === 'credit', withPending))),
    });
  return targets;
}

/**
 * A plain refund of the sale (its own id, no items) goes back as a new store credit note: a sale that only credit
 * notes paid (all of it, or part of it whose rest was never paid). Any other sale's plain refund goes to its cash or
 * a card; its credit part goes back only with returned items.
 */
export const refundsAsCredit = (sale: Tenders): boolean => !sale.cash && paidCards(sale).length === 0 && paidByCredit(sale) > 0;

/** What a sale is now: paid, partly paid, refunded (by the till or at the provider), charged back, pending or unpaid. */
export function saleStatus(sale: Pick<SaleRecord, 'tender' | 'attempts' | 'refunds' | 'total' | 'cash' | 'credit'>): SaleStatus {
  const paid = sale.tender === 'cash' ? undefined : paidCards(sale)[0];
  if (sale.tender === 'card') {
    const open = sale.attempts.some((a) => !isFinal(a.state));
    if (!paid && !sale.credit?.length) return open ? 'pending' : 'unpaid';
    // Part paid (by card or store credit), the rest still due (in cash or on a card).
    if (amountDue(sale) > 0) return open ? 'pending' : 'partly_paid';
  }
  if (paid?.after === 'chargedback') return 'charged_back';
  const refunded = refundedOf(sale.refunds, () => true, false);
  if (refunded >= sale.total || paid?.after === 'refunded') return 'refunded';
  if (refunded > 0 || paid?.after === 'partial_refunded') return 'partially_refunded';
  return 'paid';
}
