/**
 * The sales ledger: every card attempt, cash sale, refund and supervisor resolution, in SQLite (see db.ts).
 * Each durable step is one transaction. Every request reads only the rows it needs through an index, so a
 * history page, a search, a day report, a receipt or a refund costs the same at a thousand and at a million
 * sales. Rows read back are checked with zod before use.
 */
import { writePrivateFile } from '../storage/private-file';
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
  type ParkedSale,
  type RefundRecord,
  type SaleRecord,
} from '../../../shared/contract';
import { lineTotal, parseAmount } from '../../../shared/money';
import { ATTEMPT_STATES, type AttemptFields, isFinal, PAYMENT_REASONS, type SaleLine } from '../../../shared/payment';
import { afterPayment, classifyStatus } from '../engine/transitions';
import { amountDue, saleStatus } from '../../../shared/sale';
import { addVat, LEGACY_VAT_RATE, vatByRate, vatOfRefund } from '../../../shared/vat';
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
export interface StaffLogEntry {
  at: number;
  till: string;
  staffId: string;
  event: 'pin_failed' | 'locked' | 'unlocked' | 'pin_reset' | 'signed_in';
  by?: string;
}

/** A day as the ledger keeps it (the contract's DayState). */
export type DayRecord = DayState;

const MAX_IN = 500;
const bucket = (): Bucket => ({ count: 0, amount: 0 });

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
  /** The product catalog, in the same database. */
  readonly products: Products;
  /** Every write to the books, in order, for the shop database. */
  readonly outbox: Outbox;
  /** Called after each committed change (history screens refresh). */
  onChange: ((what: 'attempt' | 'final' | 'cash' | 'refund' | 'resolve' | 'cash_move' | 'park') => void) | undefined;

  /** `busyWaitMs`: how long to wait for a lock another program holds for a moment (not a till). */
  constructor(path: string, opts: { busyWaitMs?: number } = {}) {
    this.path = path;
    this.#db = openDatabase(path, opts.busyWaitMs);
    this.products = new Products(this.#db);
    this.outbox = new Outbox(this.#db);
    const p = (sql: string) => this.#db.prepare(sql);
    this.#q = {
      insertSale: p(
        `INSERT OR IGNORE INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, staff, cash_given, cash_change, cash_amount,
                                     cash_step, cash_rounding, cash_day)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      dayPaidVat: p(
        `SELECT s.currency AS currency, s.vat AS vat FROM sales s WHERE s.day = ?
           AND (s.tender = 'cash' OR EXISTS (SELECT 1 FROM attempts a WHERE a.sale_id = s.sale_id AND a.state = 'completed'))`,
      ),
      dayRefundVat: p(`SELECT currency, vat FROM refunds WHERE day = ? AND state = 'done'`),
      openDay: p('INSERT INTO days (day, opened_at, float, currency, opened_by) VALUES (?, ?, ?, ?, ?)'),
      closeDay: p(
        'UPDATE days SET closed_at = ?, counted = ?, expected = ?, closed_by = ?, report = ? WHERE day = ? AND closed_at IS NULL',
      ),
      getDay: p('SELECT * FROM days WHERE day = ?'),
      saleRow: p('SELECT rowid, * FROM sales WHERE sale_id = ?'),
      upsertAttempt: p(
        `INSERT INTO attempts (order_id, sale_id, terminal_id, state, seq, created_at, card_type, card_last4, data, final_day)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, card_type = excluded.card_type,
           card_last4 = excluded.card_last4, data = excluded.data, final_day = excluded.final_day`,
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
        `INSERT INTO refunds (refund_id, order_id, sale_id, amount, currency, state, at, day, tender, vat, staff, cash_rounding)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)`,
      ),
      settleRefund: p(`UPDATE refunds SET state = ?, settled_at = ?, transaction_id = ? WHERE refund_id = ? AND state = 'pending'`),
      refundsOfOrder: p('SELECT * FROM refunds WHERE order_id = ? ORDER BY at'),
      refundBaseline: p('UPDATE refunds SET msp_before = ? WHERE refund_id = ?'),
      lastReceipt: p('SELECT at FROM receipts ORDER BY number DESC LIMIT 1'),
      dayProducts: p(
        `SELECT s.currency AS currency, json_extract(l.value, '$.productId') AS product_id, json_extract(l.value, '$.name') AS name,
                sum(json_extract(l.value, '$.quantity')) AS quantity,
                sum(json_extract(l.value, '$.quantity') * json_extract(l.value, '$.unitPrice')) AS amount
         FROM sales s, json_each(s.lines) l
         WHERE s.day = ? AND EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = s.sale_id AND r.kind = 'sale')
         GROUP BY s.currency, coalesce(product_id, name) ORDER BY amount DESC LIMIT 500`,
      ),
      park: p('INSERT INTO parked_sales (park_id, at, lines, currency, note, staff) VALUES (?, ?, ?, ?, ?, ?)'),
      parked: p('SELECT * FROM parked_sales ORDER BY at DESC LIMIT ?'),
      parkedOne: p('SELECT * FROM parked_sales WHERE park_id = ?'),
      unpark: p('DELETE FROM parked_sales WHERE park_id = ?'),
      unpaidCardSales: p(
        `SELECT rowid, * FROM sales WHERE created_at >= ? AND tender = 'card' AND cash_amount IS NULL
         AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = sales.sale_id AND r.kind = 'sale')
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
      dayOutcomes: p(
        `SELECT s.currency AS currency, a.state AS state, count(*) AS n, sum(${CHARGED}) AS amount
         FROM sales s JOIN attempts a ON a.sale_id = s.sale_id WHERE a.final_day = ? GROUP BY s.currency, a.state`,
      ),
      dayTips: p(
        `SELECT s.currency AS currency, coalesce(json_extract(a.data, '$.staff'), '') AS staff, count(*) AS n,
                sum(${CHARGED} - json_extract(a.data, '$.amount')) AS amount
         FROM sales s JOIN attempts a ON a.sale_id = s.sale_id
         WHERE a.final_day = ? AND a.state = 'completed' AND ${CHARGED} > json_extract(a.data, '$.amount') GROUP BY s.currency, staff`,
      ),
      dayCardTypes: p(
        `SELECT s.currency AS currency, coalesce(a.card_type, 'Unknown') AS type, count(*) AS n, sum(${CHARGED}) AS amount
         FROM sales s JOIN attempts a ON a.sale_id = s.sale_id WHERE a.final_day = ? AND a.state = 'completed' GROUP BY s.currency, type`,
      ),
      dayCash: p(
        `SELECT currency, count(*) AS n, sum(cash_amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
         FROM sales WHERE cash_day = ? AND cash_amount IS NOT NULL GROUP BY currency`,
      ),
      dayRefunds: p(
        `SELECT currency, tender, count(*) AS n, sum(amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
         FROM refunds WHERE day = ? AND state = 'done' GROUP BY currency, tender`,
      ),
      exportPage: p(
        `SELECT rowid, * FROM sales WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND sale_id > ?))
         ORDER BY created_at, sale_id LIMIT ?`,
      ),
      insertCashMove: p('INSERT INTO cash_moves (at, day, kind, amount, currency, reason, staff) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      cashMovesOfDay: p('SELECT * FROM cash_moves WHERE day = ? ORDER BY id LIMIT ?'),
      insertAudit: p('INSERT INTO audit_log (at, day, event, amount, currency, lines, detail, staff) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      dayAudit: p('SELECT currency, event, count(*) AS n, sum(amount) AS amount FROM audit_log WHERE day = ? GROUP BY currency, event'),
      dayCashMoves: p('SELECT currency, kind, count(*) AS n, sum(amount) AS amount FROM cash_moves WHERE day = ? GROUP BY currency, kind'),
      staffEvent: p('INSERT INTO staff_log (at, till, staff_id, event, by) VALUES (?, ?, ?, ?, ?)'),
      staffSince: p(
        `SELECT event, at FROM staff_log WHERE staff_id = ? AND id > coalesce(
           (SELECT max(id) FROM staff_log WHERE staff_id = ? AND event IN ('signed_in', 'unlocked', 'pin_reset')), 0) ORDER BY id`,
      ),
      staffLog: p('SELECT at, till, staff_id, event, by FROM staff_log ORDER BY id DESC LIMIT ?'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      counts: p('SELECT (SELECT count(*) FROM sales) AS sales, (SELECT count(*) FROM attempts) AS attempts'),
      maxSeq: p('SELECT max(seq) AS seq FROM attempts'),
    };
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
      const r = this.#db
        .prepare(
          `UPDATE sales SET tender = ?, cash_given = ?, cash_change = ?, cash_amount = ?, cash_step = ?, cash_rounding = ?,
             staff = coalesce(?, staff), cash_day = ?
           WHERE sale_id = ? AND tender = 'card' AND cash_amount IS NULL`,
        )
        .run(c.split ? 'card' : 'cash', c.given, c.change, c.amount, c.step, c.rounding, c.staff ?? null, localDate(c.at), c.saleId);
      if (Number(r.changes) === 1) this.#q.saleReceipt!.run(c.saleId, c.at, c.saleId);
      return Number(r.changes) === 1;
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
    const vat = vatOfRefund(left, r.amount);
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
    );
  }

  /** Settles a pending refund from MultiSafepay's answer (or a re-read). Returns false if it was not pending. */
  settleRefund(refundId: string, state: 'done' | 'failed', at: number, transactionId?: string): boolean {
    const changed = this.atomically(() => this.settleRefundInTransaction(refundId, state, at, transactionId));
    this.onChange?.('refund');
    return changed;
  }

  settleRefundInTransaction(refundId: string, state: 'done' | 'failed', at: number, transactionId?: string): boolean {
    const changed = Number(this.#q.settleRefund!.run(state, at, transactionId ?? null, refundId).changes) === 1;
    if (changed && state === 'done') this.#q.refundReceipt!.run(at, refundId);
    return changed;
  }

  // ---- the day ----

  day(date: string): DayRecord | undefined {
    const r = this.#q.getDay!.get(date) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    const rec: DayRecord = { day: String(r.day), openedAt: Number(r.opened_at), float: Number(r.float), currency: String(r.currency) };
    if (r.opened_by) rec.openedBy = String(r.opened_by);
    if (r.closed_at !== null) rec.closedAt = Number(r.closed_at);
    if (r.counted !== null) rec.counted = Number(r.counted);
    if (r.expected !== null) rec.expected = Number(r.expected);
    if (r.closed_by) rec.closedBy = String(r.closed_by);
    if (typeof r.report === 'string') rec.report = safeJson(r.report) as DayState['report'];
    return rec;
  }

  openDay(d: { day: string; at: number; float: number; currency: string; staff?: string }): void {
    this.atomically(() => this.#q.openDay!.run(d.day, d.at, d.float, d.currency, d.staff ?? null));
  }

  /** Closes the day once; false if it was closed already. */
  closeDay(d: { day: string; at: number; counted: number; expected: number; staff?: string; report: DayState['report'] }): boolean {
    const r = this.atomically(() => this.#q.closeDay!.run(d.at, d.counted, d.expected, d.staff ?? null, JSON.stringify(d.report), d.day));
    return Number(r.changes) === 1;
  }

  /** Records cash moved without a sale (paid in, paid out, no sale): one transaction. */
  recordCashMove(m: Omit<CashMove, 'id'>): CashMove {
    const r = this.atomically(() =>
      this.#q.insertCashMove!.run(m.at, localDate(m.at), m.kind, m.amount, m.currency, m.reason ?? '', m.staff ?? null),
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
    return (this.#q.cashMovesOfDay!.all(date, limit) as unknown[]).map((raw) => {
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
    });
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
   * (a sale left on a terminal by Start another sale), newest first. Sales that ended unpaid are not listed.
   */
  openSales(since: number): SaleRecord[] {
    const rows = (this.#q.unpaidCardSales!.all(since, MAX_IN) as unknown[]).map((r) => check(SaleRowSchema, r, 'sale'));
    return this.#records(rows).filter((s) => s.status === 'partly_paid' || s.status === 'pending');
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
    for (const r of this.#q.dayOutcomes!.all(date) as { currency: string; state: string; n: number; amount: number }[]) {
      const t = of(r.currency);
      const outcome = r.state === 'completed' || r.state === 'cancelled' || r.state === 'failed' ? r.state : 'pending';
      add(t.outcomes[outcome], r.n, r.amount);
      if (r.state === 'completed') add(t.tenders.card, r.n, r.amount);
    }
    for (const r of this.#q.dayTips!.all(date) as { currency: string; staff: string; n: number; amount: number }[]) {
      const t = of(r.currency);
      add((t.tips ??= bucket()), r.n, r.amount);
      if (r.staff) add(((t.tipsByStaff ??= {})[r.staff] ??= bucket()), r.n, r.amount);
    }
    for (const r of this.#q.dayCardTypes!.all(date) as { currency: string; type: string; n: number; amount: number }[])
      add((of(r.currency).cardTypes[r.type] ??= bucket()), r.n, r.amount);
    type Rounded = { rounded: number; rounding: number };
    // What was sold, per product (a typed amount per its name), of the day's sales paid in full, best sellers first.
    for (const r of this.#q.dayProducts!.all(date) as {
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
    for (const r of this.#q.dayCash!.all(date) as ({ currency: string; n: number; amount: number } & Rounded)[]) {
      const t = of(r.currency);
      add(t.tenders.cash, r.n, r.amount);
      add(t.outcomes.completed, r.n, r.amount);
      if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, r.rounding);
    }
    for (const r of this.#q.dayRefunds!.all(date) as ({
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
    for (const r of this.#q.dayPaidVat!.all(date) as { currency: string; vat: string }[]) {
      const t = of(r.currency);
      t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'sale VAT'));
    }
    for (const r of this.#q.dayRefundVat!.all(date) as { currency: string; vat: string }[]) {
      const t = of(r.currency);
      t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'refund VAT'), -1);
    }
    const moveBucket = { paid_in: 'paidIn', paid_out: 'paidOut', no_sale: 'noSale' } as const;
    for (const r of this.#q.dayCashMoves!.all(date) as { currency: string; kind: CashMoveKind; n: number; amount: number }[])
      add((of(r.currency)[moveBucket[r.kind]] ??= bucket()), r.n, r.amount);
    for (const r of this.#q.dayAudit!.all(date) as { currency: string; event: AuditEvent; n: number; amount: number }[]) {
      const t = of(r.currency);
      add(((t.audit ??= {})[r.event] ??= bucket()), r.n, r.amount);
    }
    for (const t of by.values()) t.net = t.tenders.card.amount + t.tenders.cash.amount + (t.cashRounding?.amount ?? 0) - t.refunds.amount;
    return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
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
        attempts: (attempts.get(row.sale_id) ?? []).map(summary),
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

function summary(a: AttemptSnapshot): AttemptSummary {
  const s: AttemptSummary = { orderId: a.orderId, terminalId: a.terminalId, state: a.state, createdAt: a.createdAt, amount: a.amount };
  if (a.paidAmount !== undefined) s.paidAmount = a.paidAmount;
  if (a.card) s.card = a.card;
  if (a.transactionId) s.transactionId = a.transactionId;
  if (a.message) s.message = a.message;
  if (a.finalAt) s.finalAt = a.finalAt;
  if (a.resolvedReason) s.resolvedReason = a.resolvedReason;
  if (a.mspStatus) s.mspStatus = a.mspStatus;
  if (a.reason) s.reason = a.reason;
  const after = afterOf(a);
  if (after) s.after = after;
  return s;
}

/** What became of a paid card attempt at the provider since, in provider-neutral words (see shared/sale.ts). */
function afterOf(a: AttemptSnapshot): AttemptSummary['after'] {
  if (a.state !== 'completed' || !a.mspStatus) return undefined;
  if (classifyStatus(a.mspStatus) === 'not_paid') return 'reversed';
  return afterPayment(a.mspStatus);
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
