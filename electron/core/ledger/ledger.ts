/**
 * The sales ledger: every card attempt, cash sale, refund and supervisor resolution, in SQLite (see db.ts).
 * Each durable step is one transaction. Every request reads only the rows it needs through an index, so a
 * history page, a search, a day report, a receipt or a refund costs the same at a thousand and at a million
 * sales. Rows read back are checked with zod before use.
 */
import { writePrivateFile } from '../storage/private-file';
import { backup as sqliteBackup, type DatabaseSync, type StatementSync } from 'node:sqlite';
import { type CashMove, type DayTotals, type ReceiptlessReturn, type SaleRecord } from '../../../shared/contract';
import { lineTotal, parseAmount } from '../../../shared/money';
import { isFinal, type SaleLine } from '../../../shared/payment';
import { amountDue } from '../../../shared/sale';
import type { StatusReader } from '../payments/provider';
import { addVat, LEGACY_VAT_RATE, vatByRate, type VatLine, vatOfRefund } from '../../../shared/vat';
import { vatOfLines } from '../../../shared/returns';
import { openDatabase, releaseHolder, transaction } from './db';
import { Products } from './products';
import { Outbox } from './outbox';
import { attemptOf, saleRecords } from './records';
import { type LedgerChange, type LedgerContext, prepareStatements } from './statements';
import { DrawerSessions } from './sessions';
import { AuditTrail } from './audit';
import { Discounts } from './discounts';
import { StaffEvents } from './staff-events';
import { CounterStore } from './counter';
import { readTotals, totalsStatements, type TotalsStatements } from './totals';
import {
  type AttemptSnapshot,
  cashMoveOf,
  type CashSale,
  check,
  ftsQuery,
  LinesSchema,
  localDate,
  type NewRefund,
  ReceiptlessRowSchema,
  type RefundBaseline,
  type RefundRow,
  RefundRowSchema,
  ReturnedLinesSchema,
  ReturnedTwiceError,
  safeJson,
  type SaleRow,
  SaleRowSchema,
  type TenderRow,
  TenderRowSchema,
  VatSchema,
} from './rows';

export * from './rows';
export { emptyDayTotals } from './totals';

/** VAT lines, each at most what is left at its rate. */
function clampVat(vat: VatLine[], left: readonly VatLine[]): VatLine[] {
  return vat.map((v) => {
    const l = left.find((x) => x.rate === v.rate);
    return { ...v, vat: Math.max(0, Math.min(v.vat, l?.vat ?? 0)) };
  });
}

/** The most ids one `IN (...)` list carries. */
const MAX_IN = 500;

export class Ledger {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #q: Record<string, StatementSync>;
  /** The totals' queries, by calendar date and by drawer session. */
  readonly #totalsBy: Record<'day' | 'session', TotalsStatements>;
  /** The sale on the counter and the parked baskets. */
  readonly counter: CounterStore;
  /** The sign-in record: PIN events, sign-ins and approvals. */
  readonly staffEvents: StaffEvents;
  /** Discounts given at the counter. */
  readonly discounts: Discounts;
  /** The audit trail. */
  readonly audit: AuditTrail;
  /** The drawer sessions (shifts), in the same database. */
  readonly sessions: DrawerSessions;
  /** The product catalog, in the same database. */
  readonly products: Products;
  /** Every write to the books, in order, for the shop database. */
  readonly outbox: Outbox;
  /** The till runs in demo mode: new sales are marked as training (set by the service whenever the mode changes). */
  training = false;
  /** Called after each committed change (history screens refresh). */
  onChange: ((what: LedgerChange) => void) | undefined;

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
    this.#q = prepareStatements(this.#db);
    const p = (sql: string) => this.#db.prepare(sql);
    this.#totalsBy = { day: totalsStatements(p, 'day'), session: totalsStatements(p, 'session') };
    const context: LedgerContext = { q: this.#q, atomically: (fn) => this.atomically(fn), changed: (what) => this.onChange?.(what) };
    this.counter = new CounterStore(context);
    this.staffEvents = new StaffEvents(context);
    this.discounts = new Discounts(context);
    this.audit = new AuditTrail(context);
    this.sessions = new DrawerSessions(
      this.#q,
      (fn) => this.atomically(fn),
      (id) => this.sessionTotals(id),
    );
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
      session = this.sessions.moneySession(a.finalAt ?? a.updatedAt, a.currency);
      this.#q.saleSession!.run(session, a.saleId);
    } else if (isFinal(a.state)) session = had?.final_session ?? this.sessions.openId();
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
      if (sale && amountDue(sale) === 0) this.#numberSale(a.saleId, a.finalAt ?? a.updatedAt);
    }
    // The words a sale is found by change only with a new attempt (its order id) or a card.
    if (newSale || a.state === 'creating' || a.card) this.#indexWords(a.saleId);
  }

  /**
   * Gives a sale paid in full its receipt number (the next, gap-free; once) and records when and in which drawer
   * session it was paid in full: its VAT and products count there. Inside the caller's transaction.
   */
  #numberSale(saleId: string, at: number): void {
    if (Number(this.#q.saleReceipt!.run(saleId, at, saleId).changes) === 1)
      this.#q.salePaid!.run(localDate(at), this.sessions.openId(), saleId);
  }

  recordCashSale(c: CashSale): void {
    this.atomically(() => this.recordCashSaleInTransaction(c));
    this.onChange?.('cash');
  }

  recordCashSaleInTransaction(c: CashSale): void {
    this.#insertSale({ ...c, tender: 'cash' });
    this.#numberSale(c.saleId, c.at);
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
    const session = c.tender === 'cash' ? this.sessions.moneySession(c.at, c.currency) : null;
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
      session,
      this.training ? 1 : 0,
      // A cash sale is paid in full as it is written (its receipt number follows in the same transaction).
      c.tender === 'cash' ? localDate(c.at) : null,
      c.tender === 'cash' ? session : null,
    );
    const added = Number(r.changes) === 1;
    if (added && c.tender === 'cash') this.#cashTender({ ...c, session, amount: c.total });
    return added;
  }

  /** The cash tender of a sale: what it paid of the sale, what was given, the change and the rounding (minor units). */
  #cashTender(t: {
    saleId: string;
    at: number;
    currency: string;
    session: number | null;
    amount: number;
    given?: number | undefined;
    change?: number | undefined;
    step?: number | undefined;
    rounding?: number | undefined;
    staff?: string | undefined;
  }): void {
    this.#q.insertCashTender!.run(
      t.saleId,
      t.amount,
      t.given ?? t.amount,
      t.change ?? 0,
      t.step ?? 0,
      t.rounding ?? 0,
      t.currency,
      t.at,
      localDate(t.at),
      t.session,
      t.staff ?? null,
    );
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
      const row = this.#q.saleRow!.get(c.saleId) as { currency: string; tender: string } | undefined;
      if (!row || row.tender !== 'card' || this.#q.cashTenderOf!.get(c.saleId)) return false;
      const currency = row.currency;
      // The cash is money moved now: the open drawer session's, whichever session the card part belongs to.
      const session = this.sessions.moneySession(c.at, currency);
      this.#db
        .prepare(`UPDATE sales SET tender = ?, staff = coalesce(?, staff), session_id = coalesce(session_id, ?) WHERE sale_id = ?`)
        .run(c.split ? 'card' : 'cash', c.staff ?? null, session, c.saleId);
      this.#cashTender({ ...c, currency, session });
      this.#numberSale(c.saleId, c.at);
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
      this.sessions.openId(),
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
      this.#q.refundSession!.run(this.sessions.moneySession(at, currency), refundId);
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
        this.sessions.moneySession(r.at, r.currency),
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
        m.kind === 'no_sale' ? this.sessions.openId() : this.sessions.moneySession(m.at, m.currency),
      ),
    );
    this.onChange?.('cash_move');
    return { ...m, id: Number(r.lastInsertRowid) };
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
    return row ? attemptOf(row.data) : undefined;
  }

  /** Every attempt MultiSafepay has not given a final status yet (an index holds only these). */
  openAttempts(): AttemptSnapshot[] {
    return (this.#q.openAttempts!.all() as { data: string }[]).map((r) => attemptOf(r.data));
  }

  attemptsOfSale(saleId: string): AttemptSnapshot[] {
    return (this.#q.attemptsOfSale!.all(saleId) as { data: string }[]).map((r) => attemptOf(r.data));
  }

  /** Card attempts created in [from, to), a page at a time (after the given cursor). */
  attemptsBetween(from: number, to: number, after: { createdAt: number; orderId: string } | undefined, limit: number): AttemptSnapshot[] {
    const c = after ?? { createdAt: from - 1, orderId: '' };
    return (this.#q.attemptsBetween!.all(from, to, c.createdAt, c.createdAt, c.orderId, limit) as { data: string }[]).map((r) =>
      attemptOf(r.data),
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

  /** A sale's tenders (table `tenders`), in the order they were made: card attempts and the cash part. */
  tendersOf(saleId: string): TenderRow[] {
    return this.#db
      .prepare('SELECT * FROM tenders WHERE sale_id = ? ORDER BY tender_id')
      .all(saleId)
      .map((r) => check(TenderRowSchema, r, 'tender'));
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
    return saleRecords(this.#db, this.#readStatus, rows).filter((s) => s.status === 'partly_paid' || s.status === 'pending');
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
    return row ? saleRecords(this.#db, this.#readStatus, [check(SaleRowSchema, row, 'sale')])[0] : undefined;
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
    return saleRecords(this.#db, this.#readStatus, rows);
  }

  /** A day's totals, one block per currency, from the day's rows only. */
  dayTotals(date: string): DayTotals[] {
    return readTotals(this.#totalsBy.day, date, () => this.#q.dayAudit!.all(date));
  }

  /** A drawer session's totals, one block per currency, from the rows of money moved while it was open. */
  sessionTotals(sessionId: number): DayTotals[] {
    // The audit trail counts what happened while the session was open (until now, while it is).
    const row = this.sessions.byId(sessionId);
    const audit = () => (row ? this.#q.sessionAudit!.all(row.opened_at, row.closed_at ?? Number.MAX_SAFE_INTEGER) : []);
    return readTotals(this.#totalsBy.session, sessionId, audit);
  }


  /** Sales created in [from, to) in pages of `limit`, oldest first (exports): the cursor is the last row's. */
  salesBetween(from: number, to: number, after: { createdAt: number; saleId: string } | undefined, limit: number): SaleRecord[] {
    const c = after ?? { createdAt: from - 1, saleId: '' };
    const rows = (this.#q.exportPage!.all(from, to, c.createdAt, c.createdAt, c.saleId, limit) as unknown[]).map((r) =>
      check(SaleRowSchema, r, 'sale'),
    );
    return saleRecords(this.#db, this.#readStatus, rows);
  }

  /** The highest sale counter any attempt was made with: the counter must never go below it. */
  maxSeq(): number {
    return Number((this.#q.maxSeq!.get() as { seq: number | null }).seq ?? 0);
  }

  counts(): { sales: number; attempts: number } {
    const r = this.#q.counts!.get() as { sales: number; attempts: number };
    return { sales: Number(r.sales), attempts: Number(r.attempts) };
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
}
