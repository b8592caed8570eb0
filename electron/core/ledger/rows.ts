/**
 * The ledger's rows as the till reads them back: zod schemas of every table's row (a row that does not match is
 * refused with `LedgerRowError`), the records written (attempts, refunds, cash sales, discounts, staff events) and
 * the small helpers the ledger's modules share (local dates, JSON, full-text queries).
 */
import { z } from 'zod';
import { TillError } from '../../../shared/errors';
import { CASH_MOVE_KINDS, type CashMove, type ParkedSale, type ReturnedLine } from '../../../shared/contract';
import { ATTEMPT_STATES, type AttemptFields, PAYMENT_REASONS, type SaleLine } from '../../../shared/payment';

export interface AttemptSnapshot extends AttemptFields {
  /** Set when a supervisor resolved the attempt. */
  resolvedReason?: string;
  /** The till's sale counter when the attempt was made. */
  seq?: number;
  /** The description sent with the order (checked before an existing order is adopted). */
  description?: string;
  /** Who started the payment, when staff sign in. */
  staff?: string;
}

export const SaleLineSchema = z.object({
  name: z.string(),
  unitPrice: z.number().int(),
  quantity: z.number().int(),
  vatRate: z.number().optional(),
  productId: z.number().int().optional(),
  discount: z.object({ id: z.string(), amount: z.number().int(), reason: z.string(), percent: z.number().optional() }).optional(),
});
export const VatSchema = z.array(z.object({ rate: z.number(), gross: z.number().int(), vat: z.number().int() }));
export const LinesSchema = z.array(SaleLineSchema);
export const CardSchema = z
  .object({
    type: z.string().optional(),
    last4: z.string().optional(),
    authorizationCode: z.string().optional(),
    entryMode: z.string().optional(),
  })
  .strip();

/** An attempt as stored: what the engine wrote, checked before it is trusted again. */
export const AttemptSnapshotSchema = z
  .object({
    attemptId: z.string(),
    saleId: z.string(),
    orderId: z.string(),
    terminalId: z.string(),
    amount: z.number().int(),
    paidAmount: z.number().int().optional(),
    currency: z.string(),
    lines: LinesSchema,
    state: z.enum(ATTEMPT_STATES),
    message: z.string().optional(),
    messageKey: z.string().optional(),
    card: CardSchema.optional(),
    transactionId: z.string().optional(),
    mspStatus: z.string().optional(),
    mspReason: z.string().optional(),
    mspReasonCode: z.string().optional(),
    createdAt: z.number(),
    updatedAt: z.number(),
    finalAt: z.number().optional(),
    resolvedReason: z.string().optional(),
    reason: z.enum(PAYMENT_REASONS).optional(),
    seq: z.number().int().optional(),
    description: z.string().optional(),
    staff: z.string().optional(),
  })
  .passthrough();

export const SaleRowSchema = z.object({
  rowid: z.number(),
  sale_id: z.string(),
  created_at: z.number(),
  tender: z.enum(['card', 'cash']),
  total: z.number().int(),
  currency: z.string(),
  lines: z.string(),
  vat: z.string(),
  staff: z.string().nullable(),
});
export type SaleRow = z.infer<typeof SaleRowSchema>;

/**
 * One payment of a sale as table `tenders` keeps it (amounts in minor units, times in ms). A card row is an attempt
 * (`order_id`; its state and what it charged are the attempt's, `amount` is what it asked); a cash row has what it
 * paid of the sale, what was given, the change, the rounding step and rounding, and its day and drawer session; a
 * credit row (store credit) what it paid, the credit note it spent (`credit_code`), its day and drawer session.
 */
export const TenderRowSchema = z.object({
  tender_id: z.number().int(),
  sale_id: z.string(),
  kind: z.enum(['card', 'cash', 'credit']),
  provider: z.string().nullable(),
  order_id: z.string().nullable(),
  amount: z.number().int().nullable(),
  given: z.number().int().nullable(),
  change: z.number().int().nullable(),
  step: z.number().int().min(0),
  rounding: z.number().int(),
  currency: z.string(),
  at: z.number(),
  day: z.string().nullable(),
  session_id: z.number().int().nullable(),
  staff: z.string().nullable(),
  credit_code: z.string().nullable().optional(),
});
export type TenderRow = z.infer<typeof TenderRowSchema>;

/** A sale's cash tender as table `tenders` keeps it (minor units). */
export const CashTenderRowSchema = z.object({
  sale_id: z.string(),
  amount: z.number().int(),
  given: z.number().int(),
  change: z.number().int(),
  step: z.number().int().min(0),
  rounding: z.number().int(),
});

/** A sale's store credit tender as table `tenders` keeps it (minor units). */
export const CreditTenderRowSchema = z.object({
  sale_id: z.string(),
  amount: z.number().int().positive(),
  at: z.number(),
  credit_code: z.string(),
  left_after: z.number().int().min(0),
});

export const RefundRowSchema = z.object({
  refund_id: z.string(),
  order_id: z.string(),
  sale_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  state: z.enum(['pending', 'done', 'failed']),
  at: z.number(),
  transaction_id: z.string().nullable(),
  tender: z.enum(['card', 'cash', 'credit']),
  vat: z.string(),
  staff: z.string().nullable(),
  credit_code: z.string().nullable().optional(),
  provider_before: z.string().nullable().optional(),
  cash_rounding: z.number().int(),
});
export type RefundRow = z.infer<typeof RefundRowSchema>;

export const ReturnedLineRowSchema = z.object({
  refund_id: z.string(),
  line_index: z.number().int().min(0),
  product_id: z.number().int().nullable(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unit_price: z.number().int(),
  amount: z.number().int(),
  vat_rate: z.number(),
  vat: z.number().int(),
  reason: z.string().nullable(),
});

export const ReceiptlessRowSchema = z.object({
  return_id: z.string(),
  at: z.number(),
  currency: z.string(),
  amount: z.number().int().positive(),
  cash_rounding: z.number().int(),
  lines: z.string(),
  vat: z.string(),
  reason: z.string(),
  staff: z.string().nullable(),
  receipt_number: z.number().int().positive(),
  credit_code: z.string().nullable().optional(),
});

/** A credit note as table `credit_notes` keeps it, with what tenders spent of it so far (`spent`, minor units). */
export const CreditNoteRowSchema = z.object({
  code: z.string(),
  amount: z.number().int().positive(),
  currency: z.string(),
  at: z.number(),
  staff: z.string().nullable(),
  return_id: z.string(),
  training: z.number().int(),
  origin: z.string().nullable().optional(),
  spent: z.number().int().min(0),
});
export const ReturnedLinesSchema = z.array(
  z.object({
    index: z.number().int().min(0),
    name: z.string(),
    productId: z.number().int().optional(),
    quantity: z.number().int().positive(),
    unitPrice: z.number().int(),
    amount: z.number().int(),
    vatRate: z.number(),
    vat: z.number().int(),
  }),
);

export const CashMoveRowSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  kind: z.enum(CASH_MOVE_KINDS),
  amount: z.number().int().min(0),
  currency: z.string(),
  reason: z.string(),
  staff: z.string().nullable(),
});

/** What MultiSafepay knew of an order's refunds when a card refund began: its refunded amount and refund ids. */
export interface RefundBaseline {
  /** Minor units. */
  refunded: number;
  transactionIds: string[];
}

/** A row that does not match its schema: the ledger file was changed by something other than the till. */
export class LedgerRowError extends Error {
  constructor(what: string) {
    super(`The sales ledger has an unreadable ${what} row.`);
    this.name = 'LedgerRowError';
  }
}

export function check<T>(schema: z.ZodType<T>, row: unknown, what: string): T {
  const r = schema.safeParse(row);
  if (!r.success) throw new LedgerRowError(what);
  return r.data;
}

/** Local calendar day (YYYY-MM-DD) of a time: what "today" means at the counter. */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Local-time bounds [from, to) of YYYY-MM-DD. */
export function dayBounds(date: string): [number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [new Date(y, m - 1, d).getTime(), new Date(y, m - 1, d + 1).getTime()];
}

export interface NewRefund {
  refundId: string;
  orderId: string;
  saleId: string;
  amount: number;
  currency: string;
  at: number;
  /** card: through MultiSafepay; cash: from the drawer; credit: a new store credit note (`creditCode`, `recordDone`). */
  tender?: 'card' | 'cash' | 'credit';
  creditCode?: string;
  /** A refund from the drawer of a rounded sale: what the drawer gave back less the amount (see shared/rounding.ts). */
  rounding?: number;
  staff?: string;
  /** A return: the lines it gives back (their VAT is the refund's, per rate) and why. */
  return?: { lines: ReturnedLine[]; reason: string };
}

/** A line asked back that was sold fewer times than it would now have been returned: nothing is written. */
export class ReturnedTwiceError extends TillError {
  constructor(readonly index: number) {
    super({ code: 'not_allowed', message: `Line ${index + 1} of the sale has been returned already - nothing was refunded.` });
  }
}

export interface CashSale {
  saleId: string;
  at: number;
  lines: SaleLine[];
  total: number;
  currency: string;
  given: number;
  change: number;
  /** The cash rounding step (minor units; absent or 0: none) and the difference the drawer took (rounded - total). */
  step?: number;
  rounding?: number;
  staff?: string;
}

/** One line of the sign-in record: what happened to whose PIN, when, on which till, and who did it. */
/** One row of the audit trail's export: when, what, who (and who approved), how much, and a detail. */
export interface AuditRow {
  at: number;
  /** Orders rows of the same millisecond (the table and the row's id). */
  key: string;
  event: string;
  staff: string | null;
  approvedBy: string | null;
  amount: number | null;
  currency: string | null;
  detail: string | null;
}

/** A discount given at the counter, as the ledger keeps it. */
export interface DiscountRecord {
  id: string;
  at: number;
  scope: 'line' | 'basket';
  base: number;
  percent?: number;
  amount: number;
  reason: string;
  currency: string;
  staff?: string;
  approvedBy?: string;
}

export interface StaffLogEntry {
  at: number;
  till: string;
  staffId: string;
  /** approved: a manager's PIN approved one action on someone else's session (`by` names the action). */
  event: 'pin_failed' | 'locked' | 'unlocked' | 'pin_reset' | 'signed_in' | 'approved';
  by?: string;
}

export const SessionRowSchema = z.object({
  id: z.number().int(),
  day: z.string(),
  opened_at: z.number(),
  opened_by: z.string().nullable(),
  float: z.number().int().min(0),
  currency: z.string(),
  closed_at: z.number().nullable(),
  closed_by: z.string().nullable(),
  counted: z.number().int().nullable(),
  expected: z.number().int().nullable(),
  counts: z.string().nullable(),
  report: z.string().nullable(),
  implicit: z.number().int(),
  handed_by: z.string().nullable().optional(),
});
export type SessionRow = z.infer<typeof SessionRowSchema>;
export const CountsSchema = z.record(z.string(), z.number().int().min(0));

export const ParkedRowSchema = z.object({
  park_id: z.string(),
  at: z.number(),
  lines: z.string(),
  currency: z.string(),
  note: z.string(),
  staff: z.string().nullable(),
});
export function parkedOf(raw: unknown): ParkedSale {
  const r = check(ParkedRowSchema, raw, 'parked sale');
  return {
    parkId: r.park_id,
    at: r.at,
    lines: check(LinesSchema, safeJson(r.lines), 'parked lines'),
    currency: r.currency,
    note: r.note,
    ...(r.staff ? { staff: r.staff } : {}),
  };
}

export function cashMoveOf(raw: unknown): CashMove {
  const r = check(CashMoveRowSchema, raw, 'cash move');
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    amount: r.amount,
    currency: r.currency,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.staff ? { staff: r.staff } : {}),
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A full-text query for what a cashier typed: every word as a prefix, all of them required. */
export function ftsQuery(text: string): string | undefined {
  const words = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : undefined;
}

/** Store credit for a sale (`payWithCredit`): minor units, epoch ms. */
export interface CreditPayment {
  saleId: string;
  at: number;
  code: string;
  amount: number;
  currency: string;
  lines: SaleLine[];
  staff?: string;
  /** What is left on the note after this, as the shop database said (absent: worked out from this till's tenders). */
  left?: number;
}
