/**
 * The day and the drawer: drawer sessions (opened with a float, closed with the cash counted), cash moved without a
 * sale, a day's totals per currency, the check against MultiSafepay, and the day report.
 */
import { z } from 'zod';
import { type AuditEvent, type CashMoveKind, EUR_DENOMINATIONS } from '../constants';
import type { AttemptState } from '../payment';
import type { VatLine } from '../vat';

/** A count sheet: a euro note or coin (minor units, as text) -> how many (at most 100,000 of each). */
export const denominationCounts = z
  .record(z.string(), z.number().int('Whole numbers only').min(0).max(100_000))
  .refine((c) => Object.keys(c).every((k) => (EUR_DENOMINATIONS as readonly number[]).map(String).includes(k)), 'Unknown note or coin');

/** A day of trading: opened with a float, closed with the cash counted. */
export interface DayState {
  day: string;
  openedAt: number;
  float: number;
  currency: string;
  openedBy?: string;
  closedAt?: number;
  counted?: number;
  expected?: number;
  closedBy?: string;
  /** The closed day's report as it was at closing (totals, VAT, cash, reconciliation). */
  report?: DayCloseReport;
  /** The drawer session this is (today's state is the session in use, or the last one closed today). */
  sessionId?: number;
  /** Opened by the till for money moved while no session was open, and no float given yet: not opened by anyone. */
  implicit?: true;
  /** The count sheet at closing: denomination (minor units) -> how many. */
  counts?: DenominationCounts;
  /** A calendar date's state (`dayState` with a date): every drawer session opened that date. */
  sessions?: DrawerSession[];
}

/** A count sheet: denomination in minor units ("5000" for a 50 note) -> how many were counted. */
export type DenominationCounts = Record<string, number>;

/** A float corrected by a manager, with the reason (kept; the session's float is the last one's). */
export interface FloatCorrection {
  at: number;
  /** The float before and after. */
  from: number;
  float: number;
  reason: string;
  staff?: string;
}

/**
 * A drawer session (shift): opened with a float, closed with the cash counted. Any number a day; at most one open.
 * Money belongs to the session open when it moved.
 */
export interface DrawerSession {
  id: number;
  /** The calendar date it was opened on. */
  day: string;
  openedAt: number;
  /** Who opened it: for a hand-over, the first person to sign in after it (absent until then). */
  openedBy?: string;
  /** Opened by a hand-over: who closed the session before it and handed the drawer over. */
  handedOverBy?: string;
  /** The float: the opening float, or the last correction's. */
  float: number;
  openingFloat: number;
  currency: string;
  corrections?: FloatCorrection[];
  closedAt?: number;
  closedBy?: string;
  counted?: number;
  expected?: number;
  counts?: DenominationCounts;
  report?: DayCloseReport;
  /** The session's totals (as closed, or so far) and the cash the drawer should hold (at closing, or now). */
  totals: DayTotals[];
  expectedNow: number;
}

/** What closing a day records. */
export interface DayCloseReport {
  date: string;
  currency: string;
  float: number;
  /** Float + cash sales + cash rounding + paid in - paid out - cash refunds. */
  expected: number;
  counted: number;
  /** Counted - expected: negative when cash is missing. */
  difference: number;
  totals: DayTotals[];
  /** The check against MultiSafepay, or 'unreachable' when it could not be made at closing. */
  reconciliation: Reconciliation | 'unreachable';
  /** Paid in, paid out and drawer opens without a sale that day. */
  cashMoves?: CashMove[];
  /** The drawer session closed, when it was opened, and its count sheet. */
  sessionId?: number;
  openedAt?: number;
  counts?: DenominationCounts;
}

/** Cash moved without a sale: paid in, paid out, or the drawer opened without a sale (no sale). */
export interface CashMove {
  id: number;
  /** Epoch ms. */
  at: number;
  kind: CashMoveKind;
  /** Minor units; 0 for a no sale. */
  amount: number;
  currency: string;
  /** Why (paid in and paid out). */
  reason?: string;
  /** Who did it, when staff sign in. */
  staff?: string;
}

export interface Bucket {
  count: number;
  amount: number;
}

export type MismatchKind =
  'orphan_payment' | 'recorded_paid_not_paid' | 'status_differs' | 'amount_differs' | 'refunded_at_msp' | 'charged_back' | 'unreachable';

export interface Mismatch {
  orderId: string;
  saleId: string;
  terminalId: string;
  amount: number;
  currency: string;
  till: AttemptState;
  msp: string;
  kind: MismatchKind;
  /** amount_differs: what MultiSafepay says it charged (minor units), against `amount` as the till recorded it. */
  mspAmount?: number;
  /** The shop's check: the name of the till the payment is on. */
  tillName?: string;
}

export interface Reconciliation {
  at: number;
  checked: number;
  mismatches: Mismatch[];
}

/** One currency's totals of a day. */
export interface DayTotals {
  currency: string;
  outcomes: Record<'completed' | 'cancelled' | 'failed' | 'pending', Bucket>;
  tenders: Record<'card' | 'cash', Bucket>;
  cardTypes: Record<string, Bucket>;
  refunds: Bucket;
  refundsByTender: Record<'card' | 'cash', Bucket>;
  /**
   * Tips customers added on the terminal (included in the card tender; never in sales or VAT), and per staff member
   * who started the payment. Absent on a day without tips.
   */
  tips?: Bucket;
  tipsByStaff?: Record<string, Bucket>;
  /**
   * What the day's sales paid in full sold, per catalog product (a typed amount per its name): quantity and gross
   * amount (minor units, VAT included, before refunds), best sellers first (at most 500).
   */
  products?: { name: string; productId?: number; quantity: number; amount: number }[];
  /**
   * Cash rounding of the day: how many cash payments and refunds were rounded and the sum of the differences (what
   * the drawer took or kept more, negative when less). Counted in `net` and the expected cash, never in VAT or the
   * tenders. Absent on a day without rounding.
   */
  cashRounding?: Bucket;
  /** Cash paid in and paid out without a sale (in the expected cash, never in takings or VAT), and drawer opens without a sale. */
  paidIn?: Bucket;
  paidOut?: Bucket;
  noSale?: Bucket;
  /** Discounts on the day's sales (given that day and taken with a sale): how many, and how much in all. */
  discounts?: Bucket;
  /**
   * Store credit: credit notes given for returns without a receipt (instead of cash; their VAT and products are taken
   * off as any return's) and credit tenders that spent notes on sales. Neither moved money: never in the tenders,
   * refunds, `net` or the expected cash. Absent when there was none.
   */
  storeCredit?: { issued: Bucket; spent: Bucket };
  /** Sales made in demo mode (training) and paid in full: how many and how much (they are in the totals too). */
  training?: Bucket;
  /** The audit trail's count of the day: baskets cleared, clears undone and lines removed, with their amounts. */
  audit?: Partial<Record<AuditEvent, Bucket>>;
  /** Card + cash + cash rounding - refunds: the money taken that day. */
  net: number;
  /** VAT per rate of what was paid that day, less what refunds that day reversed. Always sent by the core. */
  vat?: VatLine[];
}

export interface DayReport {
  date: string;
  /** One block per currency sold in that day (amounts of different currencies are never added up). */
  totals: DayTotals[];
  reconciliation?: Reconciliation;
  /** Paid in, paid out and drawer opens without a sale that day, oldest first. */
  cashMoves?: CashMove[];
  /** The drawer sessions open during that date, each with its own totals (a per-session breakdown). */
  sessions?: DrawerSession[];
}
