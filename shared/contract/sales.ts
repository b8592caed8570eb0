/**
 * The sale: its lines and the basket on the counter, the sale record with its card attempts, refunds and returns,
 * discounts, parked baskets and open sales.
 */
import { z } from 'zod';
import type { AttemptState, CardDetails, PaymentReason, SaleLine } from '../payment';
import type { VatLine } from '../vat';
import { minor, vatRate } from './fields';

export const SaleLineSchema = z.object({
  name: z.string().trim().min(1).max(80),
  unitPrice: minor,
  quantity: z.number().int().min(1).max(999),
  vatRate: vatRate.optional(),
  /** The catalog product the line was made from (lines typed as an amount, and older lines, have none). */
  productId: z.number().int().positive().optional(),
  /**
   * The discount on this line (minor units off `unitPrice x quantity`), given by `authorizeDiscount`: its id, and the
   * reason. A basket discount is one id spread over the lines it covers.
   */
  discount: z
    .object({
      id: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/),
      amount: z.number().int().positive().max(9_999_999_99),
      reason: z.string().trim().min(1).max(80),
      percent: z.number().positive().max(100).optional(),
    })
    .strict()
    .optional(),
});

export const lines = z.array(SaleLineSchema).min(1, 'The basket is empty').max(200);

/**
 * The sale on the counter, kept by the core as the cashier works (a reload, a second window or a restart shows the
 * same one): its lines and, once charged, the sale's id, the latest attempt's order id and the card parts already
 * paid of a split (order id -> minor units).
 */
export const CounterBasketSchema = z
  .object({
    lines: z.array(SaleLineSchema).max(200),
    saleId: z.string().max(100).optional(),
    orderId: z.string().max(100).optional(),
    paid: z.record(z.string().max(100), z.number().int().min(0).max(9_999_999_99)).optional(),
  })
  .strict();

export type CounterBasket = z.infer<typeof CounterBasketSchema>;

/** Lines of a sale given back (Return items, an exchange): each line's place on the sale and how many of it. */
export const returnPicks = z
  .array(z.object({ index: z.number().int().min(0).max(199), quantity: z.number().int().min(1).max(999) }).strict())
  .min(1, 'Choose the items to return')
  .max(200);

/** A discount given at the counter (see `authorizeDiscount`). */
export interface Discount {
  id: string;
  /** Minor units off what it is for. */
  amount: number;
  percent?: number;
  reason: string;
  scope: 'line' | 'basket';
  /** Who gave it, and the manager who approved it when it was over a cashier's limit. */
  staff?: string;
  approvedBy?: string;
}

export interface AttemptSummary {
  orderId: string;
  terminalId: string;
  state: AttemptState;
  /** What this attempt asked for: the sale's total, or the card part of a split sale. */
  amount?: number;
  /** What MultiSafepay says it charged, once completed (more: a tip; less: the rest is still due). See `chargedOf`. */
  paidAmount?: number;
  card?: CardDetails;
  transactionId?: string;
  message?: string;
  createdAt: number;
  finalAt?: number;
  resolvedReason?: string;
  /** MultiSafepay's own status, e.g. `chargedback` or `refunded` after the sale was paid. */
  mspStatus?: string;
  /** What became of a paid attempt at the provider since: reversed (void after paid), refunded, charged back. */
  after?: 'reversed' | 'refunded' | 'partial_refunded' | 'chargedback';
  reason?: PaymentReason;
}

export interface RefundRecord {
  refundId: string;
  orderId: string;
  amount: number;
  at: number;
  /** pending: sent, outcome not known yet; done: refunded; failed: MultiSafepay refused it, nothing changed. */
  state: 'pending' | 'done' | 'failed';
  /** card: back to the card through MultiSafepay; cash: from the drawer; credit: a store credit note (`creditNote`). */
  tender: 'card' | 'cash' | 'credit';
  /** A return given as store credit: the credit note's code. */
  creditNote?: string;
  transactionId?: string;
  /** The refund receipt's number, once done. */
  receiptNumber?: number;
  /** Cash back from the drawer of a rounded sale: what the drawer gave back less `amount` (absent: 0). */
  rounding?: number;
  staff?: string;
  /** The VAT this refund reverses, per rate (the last refund of a sale takes exactly what is left). */
  vat?: VatLine[];
  /** A return (Return items): the lines it gave back, and why. */
  lines?: ReturnedLine[];
  reason?: string;
}

/**
 * Items brought back without a receipt, with a manager's approval: cash from the drawer, or a store credit note for
 * what they are worth (`creditNote`, nothing from the drawer).
 */
export interface ReceiptlessReturn {
  returnId: string;
  at: number;
  currency: string;
  /** What the lines are worth (minor units); the drawer gave back `amount + rounding` (cash), or nothing (credit). */
  amount: number;
  rounding?: number;
  /** Given as store credit: the credit note (its code is printed on the return's receipt). */
  creditNote?: CreditNote;
  lines: ReturnedLine[];
  vat: VatLine[];
  reason: string;
  staff?: string;
  receiptNumber: number;
}

/**
 * A store credit note: given for items returned without a receipt, spent at the counter as a tender of later sales
 * (all at once or in parts) until nothing is left. Minor units.
 */
export interface CreditNote {
  /** What the customer shows: ten characters of Crockford base32 as `XXXXX-XXXXX` (see shared/credit.ts). */
  code: string;
  amount: number;
  /** What is left to spend. */
  left: number;
  currency: string;
  /** When it was given (epoch ms) and by whom. */
  at: number;
  staff?: string;
  /** Given while the till ran in demo mode: it pays only sales made in demo mode (and a real note only real sales). */
  training?: true;
}

/** A store credit tender of a sale: what it paid, and the credit note it spent. */
export interface CreditPart {
  code: string;
  amount: number;
  at: number;
  /** What was left on the note after this payment. */
  left: number;
}

/** A line of a sale given back by a return: which line, how many, and what it paid back with its VAT. */
export interface ReturnedLine {
  /** The line's place on the sale (0 is the first). */
  index: number;
  name: string;
  productId?: number;
  quantity: number;
  /** Minor units, VAT included. */
  unitPrice: number;
  /** unitPrice x quantity. */
  amount: number;
  /** Percent. */
  vatRate: number;
  /** The VAT in `amount` (minor units): this part of the line's share of the sale's VAT at its rate. */
  vat: number;
}

export type SaleStatus = 'paid' | 'partly_paid' | 'pending' | 'unpaid' | 'refunded' | 'partially_refunded' | 'charged_back';

export interface SaleRecord {
  saleId: string;
  createdAt: number;
  lines: SaleLine[];
  total: number;
  currency: string;
  tender: 'card' | 'cash';
  status: SaleStatus;
  /** VAT per rate of the sale (before refunds). Always sent by the core. */
  vat?: VatLine[];
  /** The gap-free receipt number, once the sale is paid in full, and when it was given (epoch ms). */
  receiptNumber?: number;
  receiptAt?: number;
  /** Who made the sale (staff name), when staff sign in. */
  staff?: string;
  attempts: AttemptSummary[];
  /**
   * The cash part: given, change and the amount it paid (the total of a cash sale, the rest of a split one). With cash
   * rounding, `step` is what it was rounded to and `rounding` what the drawer took less `amount` (16.57 taken as
   * 16.55: -2); the change is worked out from the rounded amount. Absent: 0.
   */
  cash?: { given: number; change: number; amount?: number; step?: number; rounding?: number };
  /** Store credit tenders, in the order they paid (absent: none). */
  credit?: CreditPart[];
  refunds: RefundRecord[];
}

/** A basket put aside at the counter (Park sale), until it is resumed. */
export interface ParkedSale {
  parkId: string;
  /** When it was parked (epoch ms). */
  at: number;
  lines: SaleLine[];
  currency: string;
  /** The cashier's note, e.g. "red coat, back in 10 min" (may be empty). */
  note: string;
  staff?: string;
}

/** What Open sales lists: sales not yet paid in full, and parked baskets, each newest first. */
export interface OpenSales {
  sales: SaleRecord[];
  parked: ParkedSale[];
}
