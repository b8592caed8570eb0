/**
 * The one receipt of a sale, or of one of its refunds, as plain data: the printer (ESC/POS or a printer of this
 * computer), the screen and the CSV export all render this, so they never disagree. A sale's receipt exists once the
 * sale is paid in full (it then has its gap-free number) and lists every tender that paid it - each card part with
 * what it charged and any tip, the cash with what was given and the change. Amounts are integer minor units.
 */
import type { RefundRecord, SaleRecord } from './contract';
import { type CardDetails, chargedOf, tipOf } from './payment';
import { paidCards } from './sale';
import { LEGACY_VAT_RATE, vatByRate, type VatLine, vatOfRefund } from './vat';

export interface ReceiptLine {
  name: string;
  quantity: number;
  /** Minor units, VAT included. */
  unitPrice: number;
  /** Percent, e.g. 21. */
  vatRate: number;
  /** A discount on the line: minor units off, and why. */
  discount?: { amount: number; reason: string };
}

/** A card that paid part or all of the sale (or took a refund back). */
export interface ReceiptCardTender {
  kind: 'card';
  /** What the card was charged (or refunded), tip included. */
  amount: number;
  /** The tip the customer added on the terminal (0 when none). */
  tip: number;
  card?: CardDetails;
  transactionId?: string;
  orderId?: string;
  terminalId?: string;
}

/** Cash that paid part or all of the sale (or was given back from the drawer). */
export interface ReceiptCashTender {
  kind: 'cash';
  /** What the cash paid of the sale (or was refunded), before cash rounding. */
  amount: number;
  /**
   * Cash rounding: what the drawer took (or gave back) less `amount`, e.g. -2 when 16.57 was paid with 16.55. The
   * cash that changed hands is `amount + rounding`. Absent: not rounded.
   */
  rounding?: number;
  /** What the customer handed over, and the change given back (a sale only). */
  given?: number;
  change?: number;
}

/** Store credit: a credit note that paid part or all of the sale, or one given for a return without a receipt. */
export interface ReceiptCreditTender {
  kind: 'credit';
  /** What it paid of the sale (or what the note given is worth). */
  amount: number;
  /** The credit note's code (`XXXXX-XXXXX`). */
  code: string;
  /** What is left on the note after this payment (a sale only). */
  left?: number;
}

export type ReceiptTender = ReceiptCardTender | ReceiptCashTender | ReceiptCreditTender;

export interface ReceiptContent {
  kind: 'sale' | 'refund';
  saleId: string;
  /** The gap-free receipt number. */
  number: number;
  /** Epoch ms of the sale (or refund); shown in the till's local time. */
  at: number;
  lines: ReceiptLine[];
  /** The sale's total (or the amount refunded), without tips. */
  total: number;
  currency: string;
  /** VAT per rate of the sale (or what the refund reversed). */
  vat: VatLine[];
  /** Every tender, in the order they paid. */
  tenders: ReceiptTender[];
  /** A refund receipt: the sale's receipt number. */
  refundOf?: number;
  staff?: string;
}

/** Printing this receipt opens the cash drawer: cash moved (any cash tender of a sale, a refund from the drawer). */
export const opensDrawer = (r: Pick<ReceiptContent, 'tenders'>): boolean => r.tenders.some((t) => t.kind === 'cash');

/** The cash that changed hands for a cash tender: its amount after cash rounding. */
export const cashHanded = (t: Pick<ReceiptCashTender, 'amount' | 'rounding'>): number => t.amount + (t.rounding ?? 0);

/** The tender kinds of a receipt, e.g. "card+cash" (exports). */
export const tenderKinds = (r: Pick<ReceiptContent, 'tenders'>): string => [...new Set(r.tenders.map((t) => t.kind))].join('+');

/**
 * Every tender that has paid the sale so far, in the order they paid: each card part with what it charged and any
 * tip, then store credit with its note's code and what is left on it, then the cash with what was given, the change
 * and any rounding. A sale with a part still due lists the
 * tenders that paid (the screen shows them before the receipt exists).
 */
export function receiptTenders(sale: SaleRecord): ReceiptTender[] {
  const tenders: ReceiptTender[] = paidCards(sale).map((a) => ({
    kind: 'card',
    amount: chargedOf(a, sale.total),
    tip: tipOf(a, sale.total),
    orderId: a.orderId,
    terminalId: a.terminalId,
    ...(a.card ? { card: a.card } : {}),
    ...(a.transactionId ? { transactionId: a.transactionId } : {}),
  }));
  for (const c of sale.credit ?? []) tenders.push({ kind: 'credit', amount: c.amount, code: c.code, left: c.left });
  if (sale.cash)
    tenders.push({
      kind: 'cash',
      amount: sale.cash.amount ?? sale.total,
      ...(sale.cash.rounding ? { rounding: sale.cash.rounding } : {}),
      given: sale.cash.given,
      change: sale.cash.change,
    });
  return tenders;
}

/**
 * The receipt of a sale paid in full, or of one of its refunds once done; undefined while it has no receipt number.
 * `fallbackVatRate` is the rate of lines recorded before rates were kept.
 */
export function receiptContent(sale: SaleRecord, refund?: RefundRecord, fallbackVatRate = LEGACY_VAT_RATE): ReceiptContent | undefined {
  const number = refund ? refund.receiptNumber : sale.receiptNumber;
  if (number === undefined) return undefined;
  const saleVat = sale.vat ?? vatByRate(sale.lines, fallbackVatRate);
  const cards = paidCards(sale);
  const common = { saleId: sale.saleId, number, currency: sale.currency };
  if (refund) {
    const paidBy = cards.find((a) => a.orderId === refund.orderId);
    const tender: ReceiptTender =
      refund.tender === 'credit'
        ? { kind: 'credit', amount: refund.amount, code: refund.creditNote ?? '' }
        : refund.tender === 'cash'
          ? { kind: 'cash', amount: refund.amount, ...(refund.rounding ? { rounding: refund.rounding } : {}) }
          : {
              kind: 'card',
              amount: refund.amount,
              tip: 0,
              orderId: refund.orderId,
              ...(paidBy?.card ? { card: paidBy.card } : {}),
              ...(refund.transactionId ? { transactionId: refund.transactionId } : {}),
              ...(paidBy ? { terminalId: paidBy.terminalId } : {}),
            };
    return {
      kind: 'refund',
      ...common,
      at: refund.at,
      // A return lists the lines it gave back.
      lines: (refund.lines ?? []).map((l) => ({ name: l.name, quantity: l.quantity, unitPrice: l.unitPrice, vatRate: l.vatRate })),
      total: refund.amount,
      vat: refund.vat ?? vatOfRefund(saleVat, refund.amount),
      tenders: [tender],
      ...(sale.receiptNumber !== undefined ? { refundOf: sale.receiptNumber } : {}),
      ...(refund.staff ? { staff: refund.staff } : {}),
    };
  }
  const tenders = receiptTenders(sale);
  const paidAt = Math.max(sale.createdAt, ...cards.map((a) => a.finalAt ?? 0));
  return {
    kind: 'sale',
    ...common,
    at: sale.receiptAt ?? paidAt,
    lines: sale.lines.map((l) => ({
      name: l.name,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      vatRate: l.vatRate ?? fallbackVatRate,
      ...(l.discount ? { discount: { amount: l.discount.amount, reason: l.discount.reason } } : {}),
    })),
    total: sale.total,
    vat: saleVat,
    tenders,
    ...(sale.staff ? { staff: sale.staff } : {}),
  };
}
