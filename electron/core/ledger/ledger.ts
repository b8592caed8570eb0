/**
 * The sales ledger: every card attempt, cash sale, refund and supervisor resolution, in SQLite (see db.ts).
 * Each durable step is one transaction. Every request reads only the rows it needs through an index, so a
 * history page, a search, a day report, a receipt or a refund costs the same at a thousand and at a million
 * sales. Rows read back are checked with zod before use.
 */
import { writePrivateFile } from '../storage/private-file';
import { TillError } from '../../../shared/errors';
import { backup as sqliteBackup, type DatabaseSync, type StatementSync } from 'node:sqlite';
import { z } from 'zod';
import {
  type AttemptSummary,
  type AuditEvent,
  type Bucket,
  CASH_MOVE_KINDS,
  type CashMove,
  type CashMoveKind,
  type DayState,
  type DayTotals,
  type DenominationCounts,
  type DrawerSession,
  type FloatCorrection,
  type ParkedSale,
  type RefundRecord,
  type ReceiptlessReturn,
  type ReturnedLine,
  type SaleRecord,
} from '../../../shared/contract';
import { lineTotal, parseAmount } from '../../../shared/money';
import { ATTEMPT_STATES, type AttemptFields, isFinal, PAYMENT_REASONS, type SaleLine } from '../../../shared/payment';
import type { StatusReader } from '../payments/provider';
import { amountDue, saleStatus } from '../../../shared/sale';
import { expectedCash } from '../../../shared/cash';
import { addVat, LEGACY_VAT_RATE, vatByRate, type VatLine, vatOfRefund } from '../../../shared/vat';
import { vatOfLines } from '../../../shared/returns';
import { openDatabase, releaseHolder, transaction } from './db';
import { Products } from './products';
import { Outbox } from './outbox';

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

/** What a card attempt charged, in SQL: MultiSafepay's amount once it said (`paidAmount`), else the amount asked. */
const CHARGED = `coalesce(json_extract(a.data, '$.paidAmount'), json_extract(a.data, '$.amount'))`;

const SaleLineSchema = z.object({
  name: z.string(),
  unitPrice: z.number().int(),
  quantity: z.number().int(),
  vatRate: z.number().optional(),
  productId: z.number().int().optional(),
  discount: z.object({ id: z.string(), amount: z.number().int(), reason: z.string(), percent: z.number().optional() }).optional(),
});
const VatSchema = z.array(z.object({ rate: z.number(), gross: z.number().int(), vat: z.number().int() }));
const LinesSchema = z.array(SaleLineSchema);
const CardSchema = z
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

const SaleRowSchema = z.object({
  rowid: z.number(),
  sale_id: z.string(),
  created_at: z.number(),
  tender: z.enum(['card', 'cash']),
  total: z.number().int(),
  currency: z.string(),
  lines: z.string(),
  vat: z.string(),
  staff: z.string().nullable(),
  cash_given: z.number().int().nullable(),
  cash_amount: z.number().int().nullable(),
  cash_change: z.number().int().nullable(),
  cash_step: z.number().int().min(0),
  cash_rounding: z.number().int(),
});
type SaleRow = z.infer<typeof SaleRowSchema>;

const RefundRowSchema = z.object({
  refund_id: z.string(),
  order_id: z.string(),
  sale_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  state: z.enum(['pending', 'done', 'failed']),
  at: z.number(),
  transaction_id: z.string().nullable(),
  tender: z.enum(['card', 'cash']),
  vat: z.string(),
  staff: z.string().nullable(),
  msp_before: z.string().nullable().optional(),
  cash_rounding: z.number().int(),
});
export type RefundRow = z.infer<typeof RefundRowSchema>;

const ReturnedLineRowSchema = z.object({
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

const ReceiptlessRowSchema = z.object({
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
});
const ReturnedLinesSchema = z.array(
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

/** VAT lines, each at most what is left at its rate. */
function clampVat(vat: VatLine[], left: readonly VatLine[]): VatLine[] {
  return vat.map((v) => {
    const l = left.find((x) => x.rate === v.rate);
    return { ...v, vat: Math.max(0, Math.min(v.vat, l?.vat ?? 0)) };
  });
}

const CashMoveRowSchema = z.object({
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

function check<T>(schema: z.ZodType<T>, row: unknown, what: string): T {
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
  /** card: through MultiSafepay; cash: from the drawer. */
  tender?: 'card' | 'cash';
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

const MAX_IN = 500;
const bucket = (): Bucket => ({ count: 0, amount: 0 });

type TotalsStatements = Record<
  | 'paidVat'
  | 'refundVat'
  | 'products'
  | 'outcomes'
  | 'tips'
  | 'cardTypes'
  | 'cash'
  | 'refunds'
  | 'cashMoves'
  | 'returned'
  | 'receiptless'
  | 'receiptlessVat'
  | 'receiptlessProducts'
  | 'discounts'
  | 'training',
  StatementSync
>;

/**
 * The totals' queries for one key: a calendar date (the day each row moved on) or a drawer session (the session
 * open when it moved). The same SQL, on the key's own columns.
 */
function totalsStatements(p: (sql: string) => StatementSync, by: 'day' | 'session'): TotalsStatements {
  const c =
    by === 'day'
      ? { sale: 'day', cash: 'cash_day', attempt: 'final_day', refund: 'day', move: 'day' }
      : { sale: 'session_id', cash: 'cash_session', attempt: 'final_session', refund: 'session_id', move: 'session_id' };
  return {
    paidVat: p(
      `SELECT s.currency AS currency, s.vat AS vat FROM sales s WHERE s.${c.sale} = ?
         AND (s.tender = 'cash' OR EXISTS (SELECT 1 FROM attempts a WHERE a.sale_id = s.sale_id AND a.state = 'completed'))`,
    ),
    refundVat: p(`SELECT currency, vat FROM refunds WHERE ${c.refund} = ? AND state = 'done'`),
    products: p(
      `SELECT s.currency AS currency, json_extract(l.value, '$.productId') AS product_id, json_extract(l.value, '$.name') AS name,
              sum(json_extract(l.value, '$.quantity')) AS quantity,
              sum(json_extract(l.value, '$.quantity') * json_extract(l.value, '$.unitPrice')
                  - coalesce(json_extract(l.value, '$.discount.amount'), 0)) AS amount
       FROM sales s, json_each(s.lines) l
       WHERE s.${c.sale} = ? AND EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = s.sale_id AND r.kind = 'sale')
       GROUP BY s.currency, coalesce(product_id, name) ORDER BY amount DESC LIMIT 500`,
    ),
    outcomes: p(
      `SELECT s.currency AS currency, a.state AS state, count(*) AS n, sum(${CHARGED}) AS amount
       FROM sales s JOIN attempts a ON a.sale_id = s.sale_id WHERE a.${c.attempt} = ? GROUP BY s.currency, a.state`,
    ),
    tips: p(
      `SELECT s.currency AS currency, coalesce(json_extract(a.data, '$.staff'), '') AS staff, count(*) AS n,
              sum(${CHARGED} - json_extract(a.data, '$.amount')) AS amount
       FROM sales s JOIN attempts a ON a.sale_id = s.sale_id
       WHERE a.${c.attempt} = ? AND a.state = 'completed' AND ${CHARGED} > json_extract(a.data, '$.amount') GROUP BY s.currency, staff`,
    ),
    cardTypes: p(
      `SELECT s.currency AS currency, coalesce(a.card_type, 'Unknown') AS type, count(*) AS n, sum(${CHARGED}) AS amount
       FROM sales s JOIN attempts a ON a.sale_id = s.sale_id WHERE a.${c.attempt} = ? AND a.state = 'completed' GROUP BY s.currency, type`,
    ),
    cash: p(
      `SELECT currency, count(*) AS n, sum(cash_amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
       FROM sales WHERE ${c.cash} = ? AND cash_amount IS NOT NULL GROUP BY currency`,
    ),
    refunds: p(
      `SELECT currency, tender, count(*) AS n, sum(amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
       FROM refunds WHERE ${c.refund} = ? AND state = 'done' GROUP BY currency, tender`,
    ),
    cashMoves: p(`SELECT currency, kind, count(*) AS n, sum(amount) AS amount FROM cash_moves WHERE ${c.move} = ? GROUP BY currency, kind`),
    returned: p(
      `SELECT r.currency AS currency, l.product_id AS product_id, l.name AS name, sum(l.quantity) AS quantity, sum(l.amount) AS amount
       FROM refunds r JOIN returned_lines l ON l.refund_id = r.refund_id
       WHERE r.${c.refund} = ? AND r.state = 'done' GROUP BY r.currency, coalesce(l.product_id, l.name)`,
    ),
    receiptless: p(
      `SELECT currency, count(*) AS n, sum(amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
       FROM receiptless_returns WHERE ${c.refund} = ? GROUP BY currency`,
    ),
    receiptlessVat: p(`SELECT currency, vat FROM receiptless_returns WHERE ${c.refund} = ?`),
    receiptlessProducts: p(
      `SELECT x.currency AS currency, json_extract(l.value, '$.productId') AS product_id, json_extract(l.value, '$.name') AS name,
              sum(json_extract(l.value, '$.quantity')) AS quantity, sum(json_extract(l.value, '$.amount')) AS amount
       FROM receiptless_returns x, json_each(x.lines) l WHERE x.${c.refund} = ? GROUP BY x.currency, coalesce(product_id, name)`,
    ),
    // Sales made in demo mode (training), paid in full, counted apart (they are in the totals too).
    training: p(
      `SELECT currency, count(*) AS n, sum(total) AS amount FROM sales s WHERE s.${c.sale} = ? AND s.training = 1
       AND EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = s.sale_id AND r.kind = 'sale') GROUP BY currency`,
    ),
    // The discounts on the sales of the key (a discount belongs to the sale it was taken with).
    discounts: p(
      `SELECT d.currency AS currency, count(*) AS n, sum(d.amount) AS amount
       FROM discounts d JOIN sales s ON s.sale_id = d.sale_id WHERE s.${c.sale} = ?
       AND EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = s.sale_id AND r.kind = 'sale') GROUP BY d.currency`,
    ),
  };
}

const SessionRowSchema = z.object({
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
});
export type SessionRow = z.infer<typeof SessionRowSchema>;
const CountsSchema = z.record(z.string(), z.number().int().min(0));

/** A currency's totals of a day with nothing in them yet. */
export function emptyDayTotals(currency: string): DayTotals {
  return {
    currency,
    outcomes: { completed: bucket(), cancelled: bucket(), failed: bucket(), pending: bucket() },
    tenders: { card: bucket(), cash: bucket() },
    cardTypes: {},
    refunds: bucket(),
    refundsByTender: { card: bucket(), cash: bucket() },
    net: 0,
    vat: [],
  };
}

export class Ledger {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #q: Record<string, StatementSync>;
  /** The totals' queries, by calendar date and by drawer session. */
  readonly #totalsBy: Record<'day' | 'session', TotalsStatements>;
  /** The product catalog, in the same database. */
  readonly products: Products;
  /** Every write to the books, in order, for the shop database. */
  readonly outbox: Outbox;
  /** The till runs in demo mode: new sales are marked as training (set by the service whenever the mode changes). */
  training = false;
  /** Called after each committed change (history screens refresh). */
  onChange: ((what: 'attempt' | 'final' | 'cash' | 'refund' | 'resolve' | 'cash_move' | 'park') => void) | undefined;

  /**
   * How the payment provider's statuses read (what became of a paid card payment since: refunded, charged back,
   * reversed). Without it the books do not say.
   */
  readonly #readStatus: StatusReader | undefined;

  /**
   * `busyWaitMs`: how long to wait for a lock another program holds for a moment (not a till). `readStatus`: the
   * provider's status reader (the ledger stores raw statuses and never imports a provider).
   */
  constructor(path: string, opts: { busyWaitMs?: number; readStatus?: StatusReader } = {}) {
    this.path = path;
    this.#readStatus = opts.readStatus;
    this.#db = openDatabase(path, opts.busyWaitMs);
    this.products = new Products(this.#db);
    this.outbox = new Outbox(this.#db);
    const p = (sql: string) => this.#db.prepare(sql);
    this.#q = {
      insertSale: p(
        `INSERT OR IGNORE INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, staff, cash_given, cash_change, cash_amount,
                                     cash_step, cash_rounding, cash_day, session_id, cash_session, training)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      saleReceipt: p(
        `INSERT INTO receipts (number, kind, sale_id, at)
         SELECT coalesce((SELECT max(number) FROM receipts), 0) + 1, 'sale', ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM receipts WHERE sale_id = ? AND kind = 'sale')`,
      ),
      refundReceipt: p(
        `INSERT INTO receipts (number, kind, sale_id, refund_id, at)
         SELECT coalesce((SELECT max(number) FROM receipts), 0) + 1, 'refund', sale_id, refund_id, ? FROM refunds WHERE refund_id = ?`,
      ),
      saleVat: p('SELECT vat FROM sales WHERE sale_id = ?'),
      refundVatOfSale: p(`SELECT vat FROM refunds WHERE sale_id = ? AND state != 'failed'`),
      openSession: p('INSERT INTO drawer_sessions (day, opened_at, opened_by, float, currency) VALUES (?, ?, ?, ?, ?) RETURNING id'),
      openImplicit: p('INSERT INTO drawer_sessions (day, opened_at, float, currency, implicit) VALUES (?, ?, 0, ?, 1) RETURNING id'),
      closeSession: p(
        `UPDATE drawer_sessions SET closed_at = ?, counted = ?, expected = ?, closed_by = ?, counts = ?, report = ?
         WHERE id = ? AND closed_at IS NULL`,
      ),
      insertReturnedLine: p(
        `INSERT INTO returned_lines (refund_id, sale_id, line_index, product_id, name, quantity, unit_price, amount, vat_rate, vat)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertReturn: p('INSERT INTO returns (refund_id, reason) VALUES (?, ?)'),
      returnedOfLine: p(
        `SELECT coalesce(sum(l.quantity), 0) AS quantity FROM returned_lines l JOIN refunds r ON r.refund_id = l.refund_id
         WHERE l.sale_id = ? AND l.line_index = ? AND r.state != 'failed'`,
      ),
      insertReceiptless: p(
        `INSERT INTO receiptless_returns (return_id, at, day, currency, amount, cash_rounding, lines, vat, reason, staff, session_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      receiptlessReceipt: p(
        `INSERT INTO receipts (number, kind, sale_id, refund_id, at)
         SELECT coalesce((SELECT max(number) FROM receipts), 0) + 1, 'refund', ?, ?, ?`,
      ),
      receiptless: p(
        `SELECT x.*, r.number AS receipt_number FROM receiptless_returns x JOIN receipts r ON r.refund_id = x.return_id
         WHERE x.return_id = ?`,
      ),
      currentSession: p('SELECT * FROM drawer_sessions WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1'),
      openSessions: p('SELECT * FROM drawer_sessions WHERE closed_at IS NULL ORDER BY id LIMIT 500'),
      sessionById: p('SELECT * FROM drawer_sessions WHERE id = ?'),
      lastSession: p('SELECT * FROM drawer_sessions ORDER BY id DESC LIMIT 1'),
      sessionsOfDay: p('SELECT * FROM drawer_sessions WHERE day = ? ORDER BY id LIMIT 500'),
      sessionsBetween: p('SELECT * FROM drawer_sessions WHERE day >= ? AND day <= ? AND id > ? ORDER BY id LIMIT 200'),
      sessionsDuring: p(
        `SELECT * FROM drawer_sessions WHERE opened_at < ? AND (closed_at IS NULL OR closed_at >= ?) OR day = ? ORDER BY id LIMIT 500`,
      ),
      recentFloats: p('SELECT float FROM drawer_sessions WHERE float > 0 ORDER BY id DESC LIMIT 5'),
      insertCorrection: p('INSERT INTO float_corrections (session_id, at, float, reason, staff) VALUES (?, ?, ?, ?, ?)'),
      correctionsOf: p('SELECT at, float, reason, staff FROM float_corrections WHERE session_id = ? ORDER BY id'),
      finalSessionOf: p('SELECT state, final_session FROM attempts WHERE order_id = ?'),
      saleSession: p('UPDATE sales SET session_id = coalesce(session_id, ?) WHERE sale_id = ?'),
      refundSession: p('UPDATE refunds SET session_id = ? WHERE refund_id = ?'),
      saleRow: p('SELECT rowid, * FROM sales WHERE sale_id = ?'),
      upsertAttempt: p(
        `INSERT INTO attempts (order_id, sale_id, terminal_id, state, seq, created_at, card_type, card_last4, data, final_day, final_session)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, card_type = excluded.card_type,
           card_last4 = excluded.card_last4, data = excluded.data, final_day = excluded.final_day,
           final_session = excluded.final_session`,
      ),
      attempt: p('SELECT data FROM attempts WHERE order_id = ?'),
      openAttempts: p(`SELECT data FROM attempts WHERE state NOT IN ('completed', 'cancelled', 'failed')`),
      attemptsOfSale: p('SELECT data FROM attempts WHERE sale_id = ? ORDER BY created_at'),
      cardsOfSale: p('SELECT card_type, card_last4 FROM attempts WHERE sale_id = ? AND (card_type IS NOT NULL OR card_last4 IS NOT NULL)'),
      orderIdsOfSale: p('SELECT order_id FROM attempts WHERE sale_id = ?'),
      attemptsBetween: p(
        `SELECT data FROM attempts WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND order_id > ?))
         ORDER BY created_at, order_id LIMIT ?`,
      ),
      deleteWords: p('DELETE FROM sales_search WHERE rowid = ?'),
      insertWords: p('INSERT INTO sales_search (rowid, words) VALUES (?, ?)'),
      insertRefund: p(
        `INSERT INTO refunds (refund_id, order_id, sale_id, amount, currency, state, at, day, tender, vat, staff, cash_rounding, session_id)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
      ),
      settleRefund: p(`UPDATE refunds SET state = ?, settled_at = ?, transaction_id = ? WHERE refund_id = ? AND state = 'pending'`),
      refundsOfOrder: p('SELECT * FROM refunds WHERE order_id = ? ORDER BY at'),
      refundBaseline: p('UPDATE refunds SET msp_before = ? WHERE refund_id = ?'),
      lastReceipt: p('SELECT at FROM receipts ORDER BY number DESC LIMIT 1'),
      counterBasket: p('SELECT rev, basket FROM counter_basket WHERE id = 1'),
      insertModeLog: p('INSERT INTO mode_log (at, day, mode, staff) VALUES (?, ?, ?, ?)'),
      auditBetween: p(
        `SELECT * FROM (
           SELECT at, 'a' || id AS key, event, staff, NULL AS approved_by, amount, currency,
                  CASE WHEN lines > 0 THEN lines || ' line(s)' ELSE detail END AS detail FROM audit_log WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT at, 'm' || id, kind, staff, NULL, CASE WHEN kind = 'no_sale' THEN NULL ELSE amount END, currency, reason
             FROM cash_moves WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT at, 'd' || discount_id, 'discount', staff, approved_by, amount, currency,
                  reason || CASE WHEN percent IS NOT NULL THEN ' (' || printf('%g', percent) || '%)' ELSE '' END || CASE WHEN sale_id IS NULL THEN ', not used' ELSE ', sale ' || sale_id END
             FROM discounts WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT at, 's' || id, event, staff_id, NULL, NULL, NULL, by FROM staff_log WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT at, 'p' || id, 'product_' || change, staff, NULL, NULL, NULL, after FROM product_changes WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT f.at, 'f' || f.id, 'float_corrected', f.staff, NULL, f.float, s.currency, f.reason
             FROM float_corrections f JOIN drawer_sessions s ON s.id = f.session_id WHERE f.at >= ?1 AND f.at < ?2
           UNION ALL SELECT at, 'r' || id, 'terminal_released', NULL, NULL, NULL, NULL, order_id || ': ' || reason
             FROM resolutions WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT at, 'o' || id, 'mode_' || mode, staff, NULL, NULL, NULL, NULL FROM mode_log WHERE at >= ?1 AND at < ?2
           UNION ALL SELECT created_at, 'x' || sale_id, 'training_sale', staff, NULL, total, currency, sale_id
             FROM sales WHERE training = 1 AND created_at >= ?1 AND created_at < ?2
         ) WHERE at > ?3 OR (at = ?3 AND key > ?4) ORDER BY at, key LIMIT ?5`,
      ),
      insertDiscount: p(
        `INSERT INTO discounts (discount_id, at, day, scope, base, percent, amount, reason, currency, staff, approved_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      discount: p('SELECT * FROM discounts WHERE discount_id = ?'),
      useDiscount: p('UPDATE discounts SET sale_id = ? WHERE discount_id = ? AND sale_id IS NULL'),
      saveCounterBasket: p(
        `INSERT INTO counter_basket (id, rev, at, basket, staff) VALUES (1, 1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET rev = rev + 1, at = excluded.at, basket = excluded.basket, staff = excluded.staff
         RETURNING rev`,
      ),
      park: p('INSERT INTO parked_sales (park_id, at, lines, currency, note, staff) VALUES (?, ?, ?, ?, ?, ?)'),
      parked: p('SELECT * FROM parked_sales ORDER BY at DESC LIMIT ?'),
      parkedOne: p('SELECT * FROM parked_sales WHERE park_id = ?'),
      unpark: p('DELETE FROM parked_sales WHERE park_id = ?'),
      unpaidCardSales: p(
        `SELECT rowid, * FROM sales WHERE created_at >= ? AND tender = 'card' AND cash_amount IS NULL
         AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = sales.sale_id AND r.kind = 'sale')
         AND EXISTS (SELECT 1 FROM attempts a WHERE a.sale_id = sales.sale_id AND a.state NOT IN ('cancelled', 'failed'))
         ORDER BY created_at DESC LIMIT ?`,
      ),
      receiptSale: p('SELECT sale_id FROM receipts WHERE number = ?'),
      hasSaleReceipt: p(`SELECT 1 AS x FROM receipts WHERE sale_id = ? AND kind = 'sale'`),
      receiptPrinted: p('UPDATE receipts SET printed_at = ? WHERE number = ? AND printed_at IS NULL'),
      unprinted: p('SELECT number, sale_id, refund_id FROM receipts WHERE printed_at IS NULL AND at >= ? ORDER BY number LIMIT 100'),
      pendingRefunds: p(`SELECT * FROM refunds WHERE state = 'pending'`),
      insertResolution: p('INSERT INTO resolutions (order_id, at, reason, msp_status) VALUES (?, ?, ?, ?)'),
      resolutionsOf: p('SELECT order_id, reason, msp_status, at FROM resolutions WHERE order_id = ? ORDER BY id'),
      latest: p('SELECT rowid, * FROM sales WHERE created_at < ? ORDER BY created_at DESC LIMIT ?'),
      byTotal: p('SELECT rowid, * FROM sales WHERE total = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?'),
      byWords: p('SELECT rowid FROM sales_search WHERE sales_search MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT ?'),
      lastRowBefore: p('SELECT rowid FROM sales WHERE created_at < ? ORDER BY created_at DESC LIMIT 1'),
      byOrderPrefix: p('SELECT DISTINCT sale_id FROM attempts WHERE order_id >= ? AND order_id < ? LIMIT ?'),
      exportPage: p(
        `SELECT rowid, * FROM sales WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND sale_id > ?))
         ORDER BY created_at, sale_id LIMIT ?`,
      ),
      insertCashMove: p(
        'INSERT INTO cash_moves (at, day, kind, amount, currency, reason, staff, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      cashMovesOfDay: p('SELECT * FROM cash_moves WHERE day = ? ORDER BY id LIMIT ?'),
      cashMovesOfSession: p('SELECT * FROM cash_moves WHERE session_id = ? ORDER BY id LIMIT ?'),
      insertAudit: p('INSERT INTO audit_log (at, day, event, amount, currency, lines, detail, staff) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      dayAudit: p('SELECT currency, event, count(*) AS n, sum(amount) AS amount FROM audit_log WHERE day = ? GROUP BY currency, event'),
      staffEvent: p('INSERT INTO staff_log (at, till, staff_id, event, by) VALUES (?, ?, ?, ?, ?)'),
      staffSince: p(
        `SELECT event, at FROM staff_log WHERE staff_id = ? AND id > coalesce(
           (SELECT max(id) FROM staff_log WHERE staff_id = ? AND event IN ('signed_in', 'approved', 'unlocked', 'pin_reset')), 0) ORDER BY id`,
      ),
      staffLog: p('SELECT at, till, staff_id, event, by FROM staff_log ORDER BY id DESC LIMIT ?'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      counts: p('SELECT (SELECT count(*) FROM sales) AS sales, (SELECT count(*) FROM attempts) AS attempts'),
      maxSeq: p('SELECT max(seq) AS seq FROM attempts'),
    };
    this.#totalsBy = { day: totalsStatements(p, 'day'), session: totalsStatements(p, 'session') };
  }

  close(): void {
    if (this.#db.isOpen) {
      this.#db.close();
      releaseHolder(this.path);
    }
  }

  /** Runs several writes as one durable step. */
  atomically<T>(fn: () => T): T {
    return transaction(this.#db, fn);
  }

  // ---- writes ----

  /** Records an attempt's latest snapshot (and its sale on the first attempt): one transaction. */
  recordAttempt(a: AttemptSnapshot): void {
    this.atomically(() => this.recordAttemptInTransaction(a));
    this.onChange?.(isFinal(a.state) ? 'final' : 'attempt');
  }

  /** The same, for callers that batch writes in their own transaction (the journal import). */
  recordAttemptInTransaction(a: AttemptSnapshot): void {
    const newSale = this.#insertSale({
      saleId: a.saleId,
      at: a.createdAt,
      tender: 'card',
      // The sale's total is its lines'; an attempt may charge only part of it (the rest in cash).
      total: lineTotal(a.lines),
      currency: a.currency,
      lines: a.lines,
      staff: a.staff,
    });
    // The drawer session a payment's end belongs to: the one open when the card paid (one is opened if none is), or
    // for an unpaid end the one open then. A paid one keeps it: card details arriving later never move it, and a
    // payment that turns out paid after all belongs to the session open then, never to a closed one.
    const had = this.#q.finalSessionOf!.get(a.orderId) as { state: string; final_session: number | null } | undefined;
    let session: number | null = null;
    if (had?.state === 'completed' && had.final_session !== null) session = had.final_session;
    else if (a.state === 'completed') {
      session = this.#moneySession(a.finalAt ?? a.updatedAt, a.currency);
      this.#q.saleSession!.run(session, a.saleId);
    } else if (isFinal(a.state)) session = had?.final_session ?? this.#openSessionId();
    this.#q.upsertAttempt!.run(
      a.orderId,
      a.saleId,
      a.terminalId,
      a.state,
      a.seq ?? 0,
      a.createdAt,
      a.card?.type ?? null,
      a.card?.last4 ?? null,
      JSON.stringify(a),
      // The day the payment ended (money moved), or while it runs the day it began.
      localDate(a.finalAt ?? a.createdAt),
      session,
    );
    // Paid in full: the sale gets its receipt number in the same transaction (no gap, no duplicate). A card that
    // paid part of it (a split, or less than asked) leaves the number to the tender that pays the rest.
    // A sale numbered already (card details or the amount charged arriving later) is not read again.
    if (a.state === 'completed' && !this.#q.hasSaleReceipt!.get(a.saleId)) {
      const sale = this.sale(a.saleId);
      if (sale && amountDue(sale) === 0) this.#q.saleReceipt!.run(a.saleId, a.finalAt ?? a.updatedAt, a.saleId);
    }
    // The words a sale is found by change only with a new attempt (its order id) or a card.
    if (newSale || a.state === 'creating' || a.card) this.#indexWords(a.saleId);
  }

  recordCashSale(c: CashSale): void {
    this.atomically(() => this.recordCashSaleInTransaction(c));
    this.onChange?.('cash');
  }

  recordCashSaleInTransaction(c: CashSale): void {
    this.#insertSale({ ...c, tender: 'cash' });
    this.#q.saleReceipt!.run(c.saleId, c.at, c.saleId);
    this.#indexWords(c.saleId);
  }

  /** Inserts a sale once (a later attempt of the same sale changes nothing); true when it was new. */
  #insertSale(c: {
    saleId: string;
    at: number;
    tender: 'card' | 'cash';
    total: number;
    currency: string;
    lines: SaleLine[];
    staff?: string | undefined;
    given?: number;
    change?: number;
    step?: number;
    rounding?: number;
  }): boolean {
    // A cash sale is money moved now: it belongs to the open drawer session (one is opened if none is).
    const session = c.tender === 'cash' ? this.#moneySession(c.at, c.currency) : null;
    const r = this.#q.insertSale!.run(
      c.saleId,
      c.at,
      localDate(c.at),
      c.tender,
      c.total,
      c.currency,
      JSON.stringify(c.lines),
      JSON.stringify(vatByRate(c.lines, LEGACY_VAT_RATE)),
      c.staff ?? null,
      c.given ?? null,
      c.change ?? null,
      c.tender === 'cash' ? c.total : null,
      c.step ?? 0,
      c.rounding ?? 0,
      c.tender === 'cash' ? localDate(c.at) : null,
      session,
      session,
      this.training ? 1 : 0,
    );
    return Number(r.changes) === 1;
  }

  /**
   * Cash for a card sale: all of it (the card did not pay - the sale becomes a cash sale) or the rest of a sale
   * whose card paid part (a split: it stays a card sale with a cash part). Its receipt number comes now at the latest.
   */
  payInCash(c: {
    saleId: string;
    at: number;
    given: number;
    change: number;
    amount: number;
    split: boolean;
    step: number;
    rounding: number;
    staff?: string;
  }): boolean {
    const changed = this.atomically(() => {
      const row = this.#q.saleRow!.get(c.saleId) as { currency: string; tender: string; cash_amount: number | null } | undefined;
      if (!row || row.tender !== 'card' || row.cash_amount !== null) return false;
      const currency = row.currency;
      // The cash is money moved now: the open drawer session's, whichever session the card part belongs to.
      const session = this.#moneySession(c.at, currency);
      const r = this.#db
        .prepare(
          `UPDATE sales SET tender = ?, cash_given = ?, cash_change = ?, cash_amount = ?, cash_step = ?, cash_rounding = ?,
             staff = coalesce(?, staff), cash_day = ?, cash_session = ?, session_id = coalesce(session_id, ?)
           WHERE sale_id = ? AND tender = 'card' AND cash_amount IS NULL`,
        )
        .run(
          c.split ? 'card' : 'cash',
          c.given,
          c.change,
          c.amount,
          c.step,
          c.rounding,
          c.staff ?? null,
          localDate(c.at),
          session,
          session,
          c.saleId,
        );
      if (Number(r.changes) !== 1) return false;
      this.#q.saleReceipt!.run(c.saleId, c.at, c.saleId);
      return true;
    });
    if (changed) this.onChange?.('cash');
    return changed;
  }

  recordResolution(orderId: string, at: number, reason: string, mspStatus: string): void {
    this.atomically(() => this.#q.insertResolution!.run(orderId, at, reason, mspStatus));
    this.onChange?.('resolve');
  }

  /** A refund about to be sent: recorded as pending first, so an unknown outcome is never forgotten. */
  /** Records a refund as pending before it is sent, with what MultiSafepay knew of the order's refunds then. */
  beginRefund(r: NewRefund, mspBefore?: RefundBaseline): void {
    this.atomically(() => {
      this.beginRefundInTransaction(r);
      if (mspBefore) this.#q.refundBaseline!.run(JSON.stringify(mspBefore), r.refundId);
    });
    this.onChange?.('refund');
  }

  beginRefundInTransaction(r: NewRefund): void {
    const saleVat = this.#q.saleVat!.get(r.saleId) as { vat: string } | undefined;
    // What is left of the sale's VAT: its VAT less that of its refunds made or still pending.
    let left = saleVat ? check(VatSchema, safeJson(saleVat.vat), 'sale VAT') : [];
    for (const e of this.#q.refundVatOfSale!.all(r.saleId) as { vat: string }[])
      left = addVat(left, check(VatSchema, safeJson(e.vat), 'refund VAT'), -1);
    // A return reverses the VAT of its lines (never more than is left at a rate); any other refund its share.
    const vat = r.return ? clampVat(vatOfLines(r.return.lines), left) : vatOfRefund(left, r.amount);
    if (r.return) {
      const sale = this.#q.saleRow!.get(r.saleId) as { lines: string } | undefined;
      const sold = sale ? check(LinesSchema, safeJson(sale.lines), 'sale lines') : [];
      for (const l of r.return.lines) {
        const done = Number((this.#q.returnedOfLine!.get(r.saleId, l.index) as { quantity: number }).quantity);
        if (l.index >= sold.length || done + l.quantity > sold[l.index]!.quantity) throw new ReturnedTwiceError(l.index);
      }
    }
    this.#q.insertRefund!.run(
      r.refundId,
      r.orderId,
      r.saleId,
      r.amount,
      r.currency,
      r.at,
      localDate(r.at),
      r.tender ?? 'card',
      JSON.stringify(vat),
      r.staff ?? null,
      r.rounding ?? 0,
      // Until it is done, the session open when it began; once done, the one open then (settleRefund).
      this.#openSessionId(),
    );
    if (r.return) {
      this.#q.insertReturn!.run(r.refundId, r.return.reason);
      for (const l of r.return.lines)
        this.#q.insertReturnedLine!.run(
          r.refundId,
          r.saleId,
          l.index,
          l.productId ?? null,
          l.name,
          l.quantity,
          l.unitPrice,
          l.amount,
          l.vatRate,
          l.vat,
        );
    }
  }

  /** Settles a pending refund from MultiSafepay's answer (or a re-read). Returns false if it was not pending. */
  settleRefund(refundId: string, state: 'done' | 'failed', at: number, transactionId?: string): boolean {
    const changed = this.atomically(() => this.settleRefundInTransaction(refundId, state, at, transactionId));
    this.onChange?.('refund');
    return changed;
  }

  settleRefundInTransaction(refundId: string, state: 'done' | 'failed', at: number, transactionId?: string): boolean {
    const changed = Number(this.#q.settleRefund!.run(state, at, transactionId ?? null, refundId).changes) === 1;
    if (changed && state === 'done') {
      this.#q.refundReceipt!.run(at, refundId);
      // The money went back now: the refund belongs to the drawer session open now (one is opened if none is).
      const currency = (this.#db.prepare('SELECT currency FROM refunds WHERE refund_id = ?').get(refundId) as { currency: string })
        .currency;
      this.#q.refundSession!.run(this.#moneySession(at, currency), refundId);
    }
    return changed;
  }

  /** Records a return without a receipt (cash from the drawer) with its refund receipt number, in one transaction. */
  recordReceiptlessReturn(r: Omit<ReceiptlessReturn, 'receiptNumber'>): ReceiptlessReturn {
    this.atomically(() => {
      this.#q.insertReceiptless!.run(
        r.returnId,
        r.at,
        localDate(r.at),
        r.currency,
        r.amount,
        r.rounding ?? 0,
        JSON.stringify(r.lines),
        JSON.stringify(r.vat),
        r.reason,
        r.staff ?? null,
        this.#moneySession(r.at, r.currency),
      );
      this.#q.receiptlessReceipt!.run(r.returnId, r.returnId, r.at);
    });
    this.onChange?.('refund');
    return this.receiptlessReturn(r.returnId)!;
  }

  /** A return without a receipt, by its id. */
  receiptlessReturn(returnId: string): ReceiptlessReturn | undefined {
    const raw = this.#q.receiptless!.get(returnId);
    if (!raw) return undefined;
    const r = check(ReceiptlessRowSchema, raw, 'return');
    return {
      returnId: r.return_id,
      at: r.at,
      currency: r.currency,
      amount: r.amount,
      ...(r.cash_rounding ? { rounding: r.cash_rounding } : {}),
      lines: check(ReturnedLinesSchema, safeJson(r.lines), 'returned lines'),
      vat: check(VatSchema, safeJson(r.vat), 'return VAT'),
      reason: r.reason,
      ...(r.staff ? { staff: r.staff } : {}),
      receiptNumber: r.receipt_number,
    };
  }

  // ---- drawer sessions ----

  /** Set while older money is imported (the journal import): it belongs to no drawer session. */
  #noSessions = false;

  /** Runs `fn` as one transaction whose money belongs to no drawer session (imported from before sessions). */
  withoutSessions<T>(fn: () => T): T {
    this.#noSessions = true;
    try {
      return this.atomically(fn);
    } finally {
      this.#noSessions = false;
    }
  }

  /** The open drawer session's id, if one is open. */
  #openSessionId(): number | null {
    if (this.#noSessions) return null;
    return (this.#q.currentSession!.get() as { id: number } | undefined)?.id ?? null;
  }

  /**
   * The drawer session money moving now belongs to: the open one, or - money moved while none is open (a card that
   * turned out paid after a close, a sale on a till that never opened one) - a session opened for it with no float.
   * Inside the caller's transaction, so the money and its session are one durable step.
   */
  #moneySession(at: number, currency: string): number | null {
    if (this.#noSessions) return null;
    return this.openImplicitInTransaction(at, currency);
  }

  /** The open drawer session, if any. */
  currentSession(): SessionRow | undefined {
    const r = this.#q.currentSession!.get();
    return r ? check(SessionRowSchema, r, 'drawer session') : undefined;
  }

  /** Every open drawer session, oldest first: one, or more when days never closed were kept open by the migration. */
  openSessions(): SessionRow[] {
    return (this.#q.openSessions!.all() as unknown[]).map((r) => check(SessionRowSchema, r, 'drawer session'));
  }

  /** The newest drawer session (open or closed), if any. */
  lastSession(): SessionRow | undefined {
    const r = this.#q.lastSession!.get();
    return r ? check(SessionRowSchema, r, 'drawer session') : undefined;
  }

  sessionRow(id: number): SessionRow | undefined {
    const r = this.#q.sessionById!.get(id);
    return r ? check(SessionRowSchema, r, 'drawer session') : undefined;
  }

  /** Drawer sessions opened on a date (`opened`), or open at any time during it (`during`, its local bounds). */
  sessionsOf(date: string, which: 'opened' | 'during' = 'during'): SessionRow[] {
    const [from, to] = dayBounds(date);
    const rows = which === 'opened' ? this.#q.sessionsOfDay!.all(date) : this.#q.sessionsDuring!.all(to, from, date);
    return (rows as unknown[]).map((r) => check(SessionRowSchema, r, 'drawer session'));
  }

  /** Drawer sessions opened from `from` to `to` (local dates), oldest first, read a page at a time. */
  *sessionsOpenedBetween(from: string, to: string): Generator<SessionRow> {
    let after = 0;
    for (;;) {
      const page = (this.#q.sessionsBetween!.all(from, to, after) as unknown[]).map((r) => check(SessionRowSchema, r, 'drawer session'));
      if (!page.length) return;
      yield* page;
      after = page[page.length - 1]!.id;
    }
  }

  /** The floats of the latest sessions that had one, newest first (what is usual at this till). */
  recentFloats(): number[] {
    return (this.#q.recentFloats!.all() as { float: number }[]).map((r) => r.float);
  }

  /** Opens a drawer session; refused by the database while another is open (at most one). */
  openSession(d: { at: number; float: number; currency: string; staff?: string }): number {
    return this.atomically(() => this.openSessionInTransaction(d));
  }

  openSessionInTransaction(d: { at: number; float: number; currency: string; staff?: string }): number {
    if (this.#openSessionId() !== null) throw new Error('A drawer session is open already');
    return Number((this.#q.openSession!.get(localDate(d.at), d.at, d.staff ?? null, d.float, d.currency) as { id: number }).id);
  }

  /** Opens a drawer session with no float for a close of a till that had none open (inside the caller's transaction). */
  openImplicitInTransaction(at: number, currency: string): number {
    return this.#openSessionId() ?? Number((this.#q.openImplicit!.get(localDate(at), at, currency) as { id: number }).id);
  }

  /** Closes a drawer session once; false if it was closed already. */
  closeSessionInTransaction(d: {
    id: number;
    at: number;
    counted: number;
    expected: number;
    counts?: DenominationCounts;
    staff?: string;
    report: DayState['report'];
  }): boolean {
    const r = this.#q.closeSession!.run(
      d.at,
      d.counted,
      d.expected,
      d.staff ?? null,
      d.counts ? JSON.stringify(d.counts) : null,
      d.report ? JSON.stringify(d.report) : null,
      d.id,
    );
    return Number(r.changes) === 1;
  }

  /** Records a corrected float of a session with the reason (the opening float and earlier corrections are kept). */
  correctFloat(c: { sessionId: number; at: number; float: number; reason: string; staff?: string }): void {
    this.atomically(() => this.#q.insertCorrection!.run(c.sessionId, c.at, c.float, c.reason, c.staff ?? null));
  }

  /** A session's float corrections, oldest first, each with the float it replaced. */
  floatCorrections(session: SessionRow): FloatCorrection[] {
    let from = session.float;
    return (this.#q.correctionsOf!.all(session.id) as { at: number; float: number; reason: string; staff: string | null }[]).map((r) => {
      const c: FloatCorrection = { at: r.at, from, float: r.float, reason: r.reason, ...(r.staff ? { staff: r.staff } : {}) };
      from = r.float;
      return c;
    });
  }

  /** A session's cash moves without a sale, oldest first (at most `limit`). */
  sessionCashMoves(sessionId: number, limit = 500): CashMove[] {
    return (this.#q.cashMovesOfSession!.all(sessionId, limit) as unknown[]).map(cashMoveOf);
  }

  /** A drawer session as the contract shows it, with its totals (as closed, or so far) and its expected cash. */
  drawerSession(row: SessionRow, withTotals = true): DrawerSession {
    const corrections = this.floatCorrections(row);
    const float = corrections.length ? corrections[corrections.length - 1]!.float : row.float;
    const report = row.report !== null ? (safeJson(row.report) as DayState['report']) : undefined;
    // The totals of a session still open are added up from its rows: only when asked (not for today's state).
    const totals = report?.totals ?? (withTotals ? this.sessionTotals(row.id) : []);
    const s: DrawerSession = {
      id: row.id,
      day: row.day,
      openedAt: row.opened_at,
      float,
      openingFloat: row.float,
      currency: row.currency,
      totals,
      expectedNow:
        row.expected ??
        expectedCash(
          float,
          totals.find((t) => t.currency === row.currency),
        ),
    };
    if (row.opened_by) s.openedBy = row.opened_by;
    if (corrections.length) s.corrections = corrections;
    if (row.closed_at !== null) s.closedAt = row.closed_at;
    if (row.closed_by) s.closedBy = row.closed_by;
    if (row.counted !== null) s.counted = row.counted;
    if (row.expected !== null) s.expected = row.expected;
    if (row.counts !== null) s.counts = check(CountsSchema, safeJson(row.counts), 'count sheet');
    if (report) s.report = report;
    return s;
  }

  /** Records cash moved without a sale (paid in, paid out, no sale): one transaction. */
  recordCashMove(m: Omit<CashMove, 'id'>): CashMove {
    const r = this.atomically(() =>
      this.#q.insertCashMove!.run(
        m.at,
        localDate(m.at),
        m.kind,
        m.amount,
        m.currency,
        m.reason ?? '',
        m.staff ?? null,
        // Paid in and out move money: the open drawer session's (one is opened if none is); a no sale, the open one's.
        m.kind === 'no_sale' ? this.#openSessionId() : this.#moneySession(m.at, m.currency),
      ),
    );
    this.onChange?.('cash_move');
    return { ...m, id: Number(r.lastInsertRowid) };
  }

  /** Records an event of the audit trail (a basket cleared, a clear undone, a line removed). */
  recordAudit(e: {
    at: number;
    event: AuditEvent;
    amount: number;
    currency: string;
    lines?: number;
    detail?: string;
    staff?: string;
  }): void {
    this.atomically(() =>
      this.#q.insertAudit!.run(e.at, localDate(e.at), e.event, e.amount, e.currency, e.lines ?? 0, e.detail ?? '', e.staff ?? null),
    );
  }

  /** A day's cash moves without a sale, oldest first (at most `limit`). */
  cashMoves(date: string, limit = 500): CashMove[] {
    return (this.#q.cashMovesOfDay!.all(date, limit) as unknown[]).map(cashMoveOf);
  }

  /** A refund already settled elsewhere (the journal import), inside the caller's transaction; idempotent. */
  /** A refund already settled elsewhere (the journal import), inside the caller's transaction. */
  importSettledRefund(r: NewRefund & { transactionId?: string }): void {
    this.beginRefundInTransaction(r);
    this.settleRefundInTransaction(r.refundId, 'done', r.at, r.transactionId);
  }

  /** A resolution from the journal import, inside the caller's transaction; idempotent. */
  importResolution(orderId: string, at: number, reason: string, mspStatus: string): void {
    const seen = (this.#q.resolutionsOf!.all(orderId) as { at: number; reason: string }[]).some((r) => r.at === at && r.reason === reason);
    if (!seen) this.#q.insertResolution!.run(orderId, at, reason, mspStatus);
  }

  /** Words a sale is found by: its products, order ids and sale number, and the brand and last four of its cards. */
  #indexWords(saleId: string): void {
    const row = this.#q.saleRow!.get(saleId) as { rowid: number; lines: string } | undefined;
    if (!row) return;
    const words = new Set<string>([saleId]);
    for (const l of JSON.parse(row.lines) as SaleLine[]) words.add(l.name);
    for (const r of this.#q.orderIdsOfSale!.all(saleId) as { order_id: string }[]) words.add(r.order_id);
    for (const c of this.#q.cardsOfSale!.all(saleId) as { card_type: string | null; card_last4: string | null }[]) {
      if (c.card_type) words.add(c.card_type);
      if (c.card_last4) words.add(c.card_last4);
    }
    this.#q.deleteWords!.run(row.rowid);
    this.#q.insertWords!.run(row.rowid, [...words].join(' '));
  }

  // ---- reads ----

  attempt(orderId: string): AttemptSnapshot | undefined {
    const row = this.#q.attempt!.get(orderId) as { data: string } | undefined;
    return row ? this.#attemptOf(row.data) : undefined;
  }

  /** Every attempt MultiSafepay has not given a final status yet (an index holds only these). */
  openAttempts(): AttemptSnapshot[] {
    return (this.#q.openAttempts!.all() as { data: string }[]).map((r) => this.#attemptOf(r.data));
  }

  attemptsOfSale(saleId: string): AttemptSnapshot[] {
    return (this.#q.attemptsOfSale!.all(saleId) as { data: string }[]).map((r) => this.#attemptOf(r.data));
  }

  /** Card attempts created in [from, to), a page at a time (after the given cursor). */
  attemptsBetween(from: number, to: number, after: { createdAt: number; orderId: string } | undefined, limit: number): AttemptSnapshot[] {
    const c = after ?? { createdAt: from - 1, orderId: '' };
    return (this.#q.attemptsBetween!.all(from, to, c.createdAt, c.createdAt, c.orderId, limit) as { data: string }[]).map((r) =>
      this.#attemptOf(r.data),
    );
  }

  resolutionsOf(orderId: string): { orderId: string; reason: string; mspStatus: string; at: number }[] {
    return (this.#q.resolutionsOf!.all(orderId) as { order_id: string; reason: string; msp_status: string; at: number }[]).map((r) => ({
      orderId: r.order_id,
      reason: r.reason,
      mspStatus: r.msp_status,
      at: r.at,
    }));
  }

  refundsOfOrder(orderId: string): RefundRow[] {
    return (this.#q.refundsOfOrder!.all(orderId) as unknown[]).map((r) => check(RefundRowSchema, r, 'refund'));
  }

  /** Records that receipt `number` was printed (once). */
  markReceiptPrinted(number: number, at: number): void {
    this.#q.receiptPrinted!.run(at, number);
  }

  /** Receipts given since `since` (epoch ms) that were never printed, oldest first (at most 100). */
  unprintedReceipts(since: number): { number: number; saleId: string; refundId?: string }[] {
    return (this.#q.unprinted!.all(since) as { number: number; sale_id: string; refund_id: string | null }[]).map((r) => ({
      number: r.number,
      saleId: r.sale_id,
      ...(r.refund_id ? { refundId: r.refund_id } : {}),
    }));
  }

  /**
   * Card sales made since `since` (epoch ms) that are not paid in full: partly paid, or still paying on a terminal
   * (a sale left on a terminal by Start another sale), newest first. Sales that ended unpaid are not listed, and
   * are left out by the query itself (a card attempt paid or still open), so any number of abandoned declines never
   * push an open sale off the list.
   */
  openSales(since: number): SaleRecord[] {
    const rows = (this.#q.unpaidCardSales!.all(since, MAX_IN) as unknown[]).map((r) => check(SaleRowSchema, r, 'sale'));
    return this.#records(rows).filter((s) => s.status === 'partly_paid' || s.status === 'pending');
  }

  /** Records a discount given at the counter (`authorizeDiscount`). */
  recordDiscount(d: DiscountRecord): void {
    this.#q.insertDiscount!.run(
      d.id,
      d.at,
      localDate(d.at),
      d.scope,
      d.base,
      d.percent ?? null,
      d.amount,
      d.reason,
      d.currency,
      d.staff ?? null,
      d.approvedBy ?? null,
    );
  }

  /** A discount as recorded, with the sale it was used on (if any). */
  discount(id: string): (DiscountRecord & { saleId?: string }) | undefined {
    const r = this.#q.discount!.get(id) as
      | {
          discount_id: string;
          at: number;
          scope: 'line' | 'basket';
          base: number;
          percent: number | null;
          amount: number;
          reason: string;
          currency: string;
          staff: string | null;
          approved_by: string | null;
          sale_id: string | null;
        }
      | undefined;
    if (!r) return undefined;
    return {
      id: r.discount_id,
      at: r.at,
      scope: r.scope,
      base: r.base,
      amount: r.amount,
      reason: r.reason,
      currency: r.currency,
      ...(r.percent !== null ? { percent: r.percent } : {}),
      ...(r.staff !== null ? { staff: r.staff } : {}),
      ...(r.approved_by !== null ? { approvedBy: r.approved_by } : {}),
      ...(r.sale_id !== null ? { saleId: r.sale_id } : {}),
    };
  }

  /** Binds discounts to the sale taken with them (once: a discount already on a sale stays on that one). */
  useDiscounts(ids: readonly string[], saleId: string): void {
    this.atomically(() => {
      for (const id of ids) this.#q.useDiscount!.run(saleId, id);
    });
  }

  /** Records a switch between demo mode (training) and a real MultiSafepay, with who did it. */
  recordModeChange(at: number, mode: string, staff: string | undefined): void {
    this.atomically(() => this.#q.insertModeLog!.run(at, localDate(at), mode, staff ?? null));
  }

  /** The audit trail's rows of [from, to) (ms), oldest first, after `after`, a page at a time (`audit-export.ts`). */
  auditBetween(from: number, to: number, after: { at: number; key: string } | undefined, limit: number): AuditRow[] {
    const rows = this.#q.auditBetween!.all(from, to, after?.at ?? from - 1, after?.key ?? '', limit) as {
      at: number;
      key: string;
      event: string;
      staff: string | null;
      approved_by: string | null;
      amount: number | null;
      currency: string | null;
      detail: string | null;
    }[];
    return rows.map((r) => ({
      at: r.at,
      key: r.key,
      event: r.event,
      staff: r.staff,
      approvedBy: r.approved_by,
      amount: r.amount,
      currency: r.currency,
      detail: r.detail,
    }));
  }

  /** The sale on the counter as last saved (its JSON, as `saveCounterBasket` got it) and its revision. */
  counterBasket(): { rev: number; basket: string } | undefined {
    const r = this.#q.counterBasket!.get() as { rev: number; basket: string } | undefined;
    return r ? { rev: Number(r.rev), basket: r.basket } : undefined;
  }

  /** Keeps the sale on the counter (one durable row, replaced each time); returns its new revision. */
  saveCounterBasket(basket: string, at: number, staff: string | undefined): number {
    return Number((this.#q.saveCounterBasket!.get(at, basket, staff ?? null) as { rev: number }).rev);
  }

  /** Puts a basket aside (Park sale): one durable row, kept until it is resumed. */
  park(p: ParkedSale): void {
    this.#q.park!.run(p.parkId, p.at, JSON.stringify(p.lines), p.currency, p.note, p.staff ?? null);
    this.onChange?.('park');
  }

  /** The parked baskets, newest first. */
  parkedSales(): ParkedSale[] {
    return (this.#q.parked!.all(MAX_IN) as unknown[]).map((r) => parkedOf(r));
  }

  /** Takes a parked basket back (Resume): removed from the parked ones and returned; undefined when it is gone. */
  unpark(parkId: string): ParkedSale | undefined {
    return this.atomically(() => {
      const row = this.#q.parkedOne!.get(parkId);
      if (!row) return undefined;
      this.#q.unpark!.run(parkId);
      return parkedOf(row);
    });
  }

  /** When the newest receipt was given (wall clock, ms), if any. */
  lastReceiptAt(): number | undefined {
    return (this.#q.lastReceipt!.get() as { at: number } | undefined)?.at;
  }

  pendingRefunds(): RefundRow[] {
    return (this.#q.pendingRefunds!.all() as unknown[]).map((r) => check(RefundRowSchema, r, 'refund'));
  }

  sale(saleId: string): SaleRecord | undefined {
    const row = this.#q.saleRow!.get(saleId);
    return row ? this.#records([check(SaleRowSchema, row, 'sale')])[0] : undefined;
  }

  saleOfOrder(orderId: string): SaleRecord | undefined {
    const a = this.attempt(orderId);
    return a ? this.sale(a.saleId) : undefined;
  }

  /**
   * A page of history, newest first: everything, or what matches the query - an amount ("12.50"), a card's
   * last four digits, a card brand, a product, a sale number or (the start of) an order id.
   */
  history(opts: { query?: string | undefined; limit?: number | undefined; before?: number | undefined }): SaleRecord[] {
    const limit = Math.min(opts.limit ?? 50, MAX_IN);
    const before = opts.before ?? Number.MAX_SAFE_INTEGER;
    const q = opts.query?.trim();
    let rows: SaleRow[];
    if (!q) rows = (this.#q.latest!.all(before, limit) as unknown[]).map((r) => check(SaleRowSchema, r, 'sale'));
    else {
      const found = new Map<string, SaleRow>();
      const add = (r: unknown) => {
        const row = check(SaleRowSchema, r, 'sale');
        if (row.created_at < before) found.set(row.sale_id, row);
      };
      const amount = parseAmount(q);
      if (amount !== null) for (const r of this.#q.byTotal!.all(amount, before, limit) as unknown[]) add(r);
      const match = ftsQuery(q);
      if (match) {
        // Matches come newest first (rowids grow with time): a page starts at the newest sale before `before`.
        const bound = opts.before
          ? ((this.#q.lastRowBefore!.get(opts.before) as { rowid: number } | undefined)?.rowid ?? 0)
          : Number.MAX_SAFE_INTEGER;
        const ids = (this.#q.byWords!.all(match, bound, limit) as { rowid: number }[]).map((r) => r.rowid);
        for (let i = 0; i < ids.length; i += MAX_IN) {
          const part = ids.slice(i, i + MAX_IN);
          for (const r of this.#db.prepare(`SELECT rowid, * FROM sales WHERE rowid IN (${part.map(() => '?').join(',')})`).all(...part))
            add(r);
        }
      }
      // A receipt number: "12", "#12", "no. 12", "nr 12", "bon 12", "receipt 12".
      const receipt = /^(?:#|no\.?|nr\.?|bon|receipt)?\s*(\d{1,12})$/i.exec(q);
      if (receipt) {
        const r = this.#q.receiptSale!.get(Number(receipt[1])) as { sale_id: string } | undefined;
        const row = r && this.#q.saleRow!.get(r.sale_id);
        if (row) add(row);
      }
      if (/^[A-Za-z0-9_-]{3,50}$/.test(q)) {
        for (const { sale_id } of this.#q.byOrderPrefix!.all(q, `${q}\uffff`, limit) as { sale_id: string }[]) {
          const r = this.#q.saleRow!.get(sale_id);
          if (r) add(r);
        }
      }
      rows = [...found.values()].sort((a, b) => b.created_at - a.created_at).slice(0, limit);
    }
    return this.#records(rows);
  }

  /** A day's totals, one block per currency, from the day's rows only. */
  dayTotals(date: string): DayTotals[] {
    return this.#totals('day', date);
  }

  /** A drawer session's totals, one block per currency, from the rows of money moved while it was open. */
  sessionTotals(sessionId: number): DayTotals[] {
    return this.#totals('session', sessionId);
  }

  #totals(key_: 'day' | 'session', key: string | number): DayTotals[] {
    const q = this.#totalsBy[key_];
    const by = new Map<string, DayTotals>();
    const of = (currency: string): DayTotals => {
      let t = by.get(currency);
      if (!t) by.set(currency, (t = emptyDayTotals(currency)));
      return t;
    };
    const add = (b: Bucket, n: number, amount: number) => {
      b.count += n;
      b.amount += amount;
    };
    for (const r of q.outcomes.all(key) as { currency: string; state: string; n: number; amount: number }[]) {
      const t = of(r.currency);
      const outcome = r.state === 'completed' || r.state === 'cancelled' || r.state === 'failed' ? r.state : 'pending';
      add(t.outcomes[outcome], r.n, r.amount);
      if (r.state === 'completed') add(t.tenders.card, r.n, r.amount);
    }
    for (const r of q.tips.all(key) as { currency: string; staff: string; n: number; amount: number }[]) {
      const t = of(r.currency);
      add((t.tips ??= bucket()), r.n, r.amount);
      if (r.staff) add(((t.tipsByStaff ??= {})[r.staff] ??= bucket()), r.n, r.amount);
    }
    for (const r of q.cardTypes.all(key) as { currency: string; type: string; n: number; amount: number }[])
      add((of(r.currency).cardTypes[r.type] ??= bucket()), r.n, r.amount);
    type Rounded = { rounded: number; rounding: number };
    // What was sold, per product (a typed amount per its name), of the day's sales paid in full, best sellers first.
    for (const r of q.products.all(key) as {
      currency: string;
      product_id: number | null;
      name: string;
      quantity: number;
      amount: number;
    }[])
      (of(r.currency).products ??= []).push({
        name: r.name,
        ...(r.product_id !== null ? { productId: r.product_id } : {}),
        quantity: r.quantity,
        amount: r.amount,
      });
    this.#takeOffReturns(q, key, of);
    for (const r of q.cash.all(key) as ({ currency: string; n: number; amount: number } & Rounded)[]) {
      const t = of(r.currency);
      add(t.tenders.cash, r.n, r.amount);
      add(t.outcomes.completed, r.n, r.amount);
      if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, r.rounding);
    }
    for (const r of q.refunds.all(key) as ({
      currency: string;
      tender: 'card' | 'cash';
      n: number;
      amount: number;
    } & Rounded)[]) {
      const t = of(r.currency);
      add(t.refunds, r.n, r.amount);
      add(t.refundsByTender[r.tender], r.n, r.amount);
      // Money back from the drawer rounded down is money kept: the day's rounding moves the other way.
      if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, -r.rounding);
    }
    // Returns without a receipt: cash refunds of the day, their VAT taken off.
    for (const r of q.receiptless.all(key) as ({
      currency: string;
      n: number;
      amount: number;
    } & Rounded)[]) {
      const t = of(r.currency);
      add(t.refunds, r.n, r.amount);
      add(t.refundsByTender.cash, r.n, r.amount);
      if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, -r.rounding);
    }
    for (const r of q.receiptlessVat.all(key) as {
      currency: string;
      vat: string;
    }[]) {
      const t = of(r.currency);
      t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'return VAT'), -1);
    }
    for (const r of q.paidVat.all(key) as { currency: string; vat: string }[]) {
      const t = of(r.currency);
      t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'sale VAT'));
    }
    for (const r of q.refundVat.all(key) as { currency: string; vat: string }[]) {
      const t = of(r.currency);
      t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'refund VAT'), -1);
    }
    const moveBucket = { paid_in: 'paidIn', paid_out: 'paidOut', no_sale: 'noSale' } as const;
    for (const r of q.cashMoves.all(key) as { currency: string; kind: CashMoveKind; n: number; amount: number }[])
      add((of(r.currency)[moveBucket[r.kind]] ??= bucket()), r.n, r.amount);
    for (const r of q.discounts.all(key) as { currency: string; n: number; amount: number }[])
      add((of(r.currency).discounts ??= bucket()), r.n, r.amount);
    for (const r of q.training.all(key) as { currency: string; n: number; amount: number }[])
      add((of(r.currency).training ??= bucket()), r.n, r.amount);
    for (const r of (key_ === 'day' ? this.#q.dayAudit!.all(key) : []) as {
      currency: string;
      event: AuditEvent;
      n: number;
      amount: number;
    }[]) {
      const t = of(r.currency);
      add(((t.audit ??= {})[r.event] ??= bucket()), r.n, r.amount);
    }
    for (const t of by.values()) t.net = t.tenders.card.amount + t.tenders.cash.amount + (t.cashRounding?.amount ?? 0) - t.refunds.amount;
    return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  }

  /**
   * The returns of the day or session (refunds done then, and returns without a receipt) come off the products table, per product;
   * a product at nothing leaves it.
   */
  #takeOffReturns(q: TotalsStatements, key: string | number, of: (currency: string) => DayTotals): void {
    type Row = { currency: string; product_id: number | null; name: string; quantity: number; amount: number };
    const rows = [...(q.returned.all(key) as Row[]), ...(q.receiptlessProducts.all(key) as Row[])];
    const touched = new Set<DayTotals>();
    for (const r of rows) {
      const t = of(r.currency);
      const list = (t.products ??= []);
      const same = list.find((p) =>
        r.product_id !== null ? p.productId === r.product_id : p.productId === undefined && p.name === r.name,
      );
      if (same) {
        same.quantity -= r.quantity;
        same.amount -= r.amount;
      } else
        list.push({
          name: r.name,
          ...(r.product_id !== null ? { productId: r.product_id } : {}),
          quantity: -r.quantity,
          amount: -r.amount,
        });
      touched.add(t);
    }
    for (const t of touched) {
      t.products = t.products!.filter((p) => p.quantity !== 0 || p.amount !== 0).sort((a, b) => b.amount - a.amount);
      if (!t.products.length) delete t.products;
    }
  }

  /** Sales created in [from, to) in pages of `limit`, oldest first (exports): the cursor is the last row's. */
  salesBetween(from: number, to: number, after: { createdAt: number; saleId: string } | undefined, limit: number): SaleRecord[] {
    const c = after ?? { createdAt: from - 1, saleId: '' };
    const rows = (this.#q.exportPage!.all(from, to, c.createdAt, c.createdAt, c.saleId, limit) as unknown[]).map((r) =>
      check(SaleRowSchema, r, 'sale'),
    );
    return this.#records(rows);
  }

  /** The highest sale counter any attempt was made with: the counter must never go below it. */
  maxSeq(): number {
    return Number((this.#q.maxSeq!.get() as { seq: number | null }).seq ?? 0);
  }

  counts(): { sales: number; attempts: number } {
    const r = this.#q.counts!.get() as { sales: number; attempts: number };
    return { sales: Number(r.sales), attempts: Number(r.attempts) };
  }

  /** Records a sign-in event (a wrong PIN, a lockout, an unlock, a new PIN, a sign-in). */
  recordStaffEvent(e: StaffLogEntry): void {
    this.#q.staffEvent!.run(e.at, e.till, e.staffId, e.event, e.by ?? null);
  }

  /** A member's wrong PINs since their last sign-in, unlock or new PIN, the last one's time, and whether that locked them. */
  pinFailures(staffId: string): { failures: number; lastAt?: number; locked: boolean } {
    const rows = this.#q.staffSince!.all(staffId, staffId) as { event: StaffLogEntry['event']; at: number }[];
    const failed = rows.filter((r) => r.event === 'pin_failed');
    return {
      failures: failed.length,
      ...(failed.length ? { lastAt: failed[failed.length - 1]!.at } : {}),
      locked: rows.some((r) => r.event === 'locked'),
    };
  }

  /** The newest sign-in events, newest first. */
  staffLog(limit = 100): StaffLogEntry[] {
    return (
      this.#q.staffLog!.all(limit) as { at: number; till: string; staff_id: string; event: StaffLogEntry['event']; by: string | null }[]
    ).map((r) => ({ at: r.at, till: r.till, staffId: r.staff_id, event: r.event, ...(r.by !== null ? { by: r.by } : {}) }));
  }

  meta(key: string): string | undefined {
    return (this.#q.getMeta!.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.#q.setMeta!.run(key, value);
  }

  /** A consistent copy of the whole ledger (SQLite's online backup), written while the till keeps selling. */
  async backup(toPath: string): Promise<void> {
    // A busy moment (a sale being written at the same instant) restarts the copy; a few tries are plenty.
    for (let attempt = 1; ; attempt++) {
      try {
        // Into a new file, 0600 from the start and never through a link, renamed into place once complete.
        await writePrivateFile(toPath, async (tmp) => {
          await sqliteBackup(this.#db, tmp, { rate: 200 });
        });
        return;
      } catch (err) {
        if (attempt >= 5 || !/busy|locked/i.test(String((err as Error)?.message))) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  // ---- building records ----

  #attemptOf(data: string): AttemptSnapshot {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      throw new LedgerRowError('attempt');
    }
    return check(AttemptSnapshotSchema, parsed, 'attempt') as AttemptSnapshot;
  }

  /** The returns of these sales, per refund: the lines given back and why. */
  #returnedOf(ids: string[], marks: string): Map<string, { lines: ReturnedLine[]; reason: string }> {
    const out = new Map<string, { lines: ReturnedLine[]; reason: string }>();
    const rows = this.#db
      .prepare(
        `SELECT l.*, x.reason AS reason FROM returned_lines l LEFT JOIN returns x ON x.refund_id = l.refund_id
         WHERE l.sale_id IN (${marks}) ORDER BY l.refund_id, l.line_index`,
      )
      .all(...ids);
    for (const raw of rows) {
      const r = check(ReturnedLineRowSchema, raw, 'returned line');
      const ret = out.get(r.refund_id) ?? out.set(r.refund_id, { lines: [], reason: r.reason ?? '' }).get(r.refund_id)!;
      ret.lines.push({
        index: r.line_index,
        name: r.name,
        ...(r.product_id !== null ? { productId: r.product_id } : {}),
        quantity: r.quantity,
        unitPrice: r.unit_price,
        amount: r.amount,
        vatRate: r.vat_rate,
        vat: r.vat,
      });
    }
    return out;
  }

  #records(rows: SaleRow[]): SaleRecord[] {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.sale_id);
    const marks = ids.map(() => '?').join(',');
    const attempts = new Map<string, AttemptSnapshot[]>();
    for (const r of this.#db.prepare(`SELECT data FROM attempts WHERE sale_id IN (${marks}) ORDER BY created_at`).all(...ids) as {
      data: string;
    }[]) {
      const a = this.#attemptOf(r.data);
      (attempts.get(a.saleId) ?? attempts.set(a.saleId, []).get(a.saleId)!).push(a);
    }
    const receipts = new Map<string, { number: number; at: number }>();
    for (const r of this.#db.prepare(`SELECT number, sale_id, refund_id, at FROM receipts WHERE sale_id IN (${marks})`).all(...ids) as {
      number: number;
      sale_id: string;
      refund_id: string | null;
      at: number;
    }[])
      receipts.set(r.refund_id ?? `sale:${r.sale_id}`, { number: r.number, at: r.at });
    const returned = this.#returnedOf(ids, marks);
    const refunds = new Map<string, RefundRecord[]>();
    for (const raw of this.#db.prepare(`SELECT * FROM refunds WHERE sale_id IN (${marks}) ORDER BY at`).all(...ids)) {
      const r = check(RefundRowSchema, raw, 'refund');
      const rec: RefundRecord = {
        refundId: r.refund_id,
        orderId: r.order_id,
        amount: r.amount,
        at: r.at,
        state: r.state,
        tender: r.tender,
        vat: check(VatSchema, safeJson(r.vat), 'refund VAT'),
      };
      if (r.transaction_id) rec.transactionId = r.transaction_id;
      if (r.staff) rec.staff = r.staff;
      if (r.cash_rounding) rec.rounding = r.cash_rounding;
      const vat = VatSchema.safeParse(safeJson(r.vat));
      if (vat.success && vat.data.length) rec.vat = vat.data;
      const receipt = receipts.get(r.refund_id);
      if (receipt !== undefined) rec.receiptNumber = receipt.number;
      const back = returned.get(r.refund_id);
      if (back) Object.assign(rec, back);
      (refunds.get(r.sale_id) ?? refunds.set(r.sale_id, []).get(r.sale_id)!).push(rec);
    }
    return rows.map((row) => {
      const lines = check(LinesSchema, safeJson(row.lines), 'sale lines');
      const sale: SaleRecord = {
        saleId: row.sale_id,
        createdAt: row.created_at,
        lines,
        total: row.total,
        currency: row.currency,
        tender: row.tender,
        status: 'unpaid',
        vat: check(VatSchema, safeJson(row.vat), 'sale VAT'),
        attempts: (attempts.get(row.sale_id) ?? []).map((a) => summary(a, this.#readStatus)),
        refunds: refunds.get(row.sale_id) ?? [],
      };
      const receipt = receipts.get(`sale:${row.sale_id}`);
      if (receipt !== undefined) {
        sale.receiptNumber = receipt.number;
        sale.receiptAt = receipt.at;
      }
      if (row.staff) sale.staff = row.staff;
      if (row.cash_amount !== null || row.tender === 'cash')
        sale.cash = {
          given: row.cash_given ?? row.total,
          change: row.cash_change ?? 0,
          amount: row.cash_amount ?? row.total,
          ...(row.cash_step ? { step: row.cash_step } : {}),
          ...(row.cash_rounding ? { rounding: row.cash_rounding } : {}),
        };
      sale.status = saleStatus(sale);
      return sale;
    });
  }
}

function summary(a: AttemptSnapshot, readStatus: StatusReader | undefined): AttemptSummary {
  const s: AttemptSummary = { orderId: a.orderId, terminalId: a.terminalId, state: a.state, createdAt: a.createdAt, amount: a.amount };
  if (a.paidAmount !== undefined) s.paidAmount = a.paidAmount;
  if (a.card) s.card = a.card;
  if (a.transactionId) s.transactionId = a.transactionId;
  if (a.message) s.message = a.message;
  if (a.finalAt) s.finalAt = a.finalAt;
  if (a.resolvedReason) s.resolvedReason = a.resolvedReason;
  if (a.mspStatus) s.mspStatus = a.mspStatus;
  if (a.reason) s.reason = a.reason;
  const after = afterOf(a, readStatus);
  if (after) s.after = after;
  return s;
}

/** What became of a paid card attempt at the provider since, in provider-neutral words (see shared/sale.ts). */
function afterOf(a: AttemptSnapshot, readStatus: StatusReader | undefined): AttemptSummary['after'] {
  if (a.state !== 'completed' || !a.mspStatus || !readStatus) return undefined;
  const reading = readStatus(a.mspStatus);
  if (reading.class === 'not_paid') return 'reversed';
  return reading.after;
}

const ParkedRowSchema = z.object({
  park_id: z.string(),
  at: z.number(),
  lines: z.string(),
  currency: z.string(),
  note: z.string(),
  staff: z.string().nullable(),
});
function parkedOf(raw: unknown): ParkedSale {
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

function cashMoveOf(raw: unknown): CashMove {
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

function safeJson(text: string): unknown {
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
