/**
 * The sales ledger: every card attempt, cash sale, refund and supervisor resolution, in SQLite (see db.ts).
 * Each durable step is one transaction. Every request reads only the rows it needs through an index, so a
 * history page, a search, a day report, a receipt or a refund costs the same at a thousand and at a million
 * sales. Rows read back are checked with zod before use.
 */
import { writePrivateFile } from '../storage/private-file';
import { backup as sqliteBackup, type DatabaseSync, type StatementSync } from 'node:sqlite';
import { type CashMove, type DayTotals, type SaleRecord } from '../../../shared/contract';
import { lineTotal } from '../../../shared/money';
import { isFinal, type SaleLine } from '../../../shared/payment';
import { amountDue } from '../../../shared/sale';
import { receiptlessAsSale } from '../../../shared/returns';
import type { StatusReader } from '../payments/provider';
import { LEGACY_VAT_RATE, vatByRate } from '../../../shared/vat';
import { openDatabase, releaseHolder, transaction } from './db';
import { Products } from './products';
import { Outbox } from './outbox';
import { attemptOf, saleRecords } from './records';
import { type LedgerChange, type LedgerContext, prepareStatements } from './statements';
import { DrawerSessions } from './sessions';
import { AuditTrail } from './audit';
import { Refunds } from './refunds';
import { SaleHistory } from './history';
import { Discounts } from './discounts';
import { CreditNotes } from './credit-notes';
import { StaffEvents } from './staff-events';
import { CounterStore } from './counter';
import { readTotals, totalsStatements, type TotalsStatements } from './totals';
import {
  type AttemptSnapshot,
  cashMoveOf,
  type CashSale,
  check,
  type CreditPayment,
  localDate,
  SaleRowSchema,
  type TenderRow,
  TenderRowSchema,
} from './rows';

export * from './rows';

export { emptyDayTotals } from './totals';

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
  /** Refunds and returns (with and without a receipt). */
  readonly refunds: Refunds;
  /** Store credit notes: given for returns without a receipt, spent as a tender. */
  readonly creditNotes: CreditNotes;
  /** Reads of sales and attempts: history and search, open sales, a time span's sales and attempts. */
  readonly history: SaleHistory;
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
    const context: LedgerContext = {
      q: this.#q,
      atomically: (fn) => this.atomically(fn),
      changed: (what) => this.onChange?.(what),
      openSession: () => this.sessions.openId(),
    };
    this.counter = new CounterStore(context);
    this.staffEvents = new StaffEvents(context);
    this.discounts = new Discounts(context);
    this.audit = new AuditTrail(context);
    this.sessions = new DrawerSessions(
      this.#q,
      (fn) => this.atomically(fn),
      (id) => this.sessionTotals(id),
    );
    this.creditNotes = new CreditNotes(context, () => this.training);
    this.refunds = new Refunds(context, this.sessions, this.creditNotes);
    this.history = new SaleHistory(
      context,
      this.#db,
      this.#readStatus,
      (id) => this.sale(id),
      (id) => {
        const r = this.refunds.receiptless(id);
        return r && receiptlessAsSale(r);
      },
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
    // A card that paid now: its sale's session is set with its numbering below (one write), or on its own.
    let paidNow = false;
    if (had?.state === 'completed' && had.final_session !== null) session = had.final_session;
    else if (a.state === 'completed') {
      session = this.sessions.moneySession(a.finalAt ?? a.updatedAt, a.currency);
      paidNow = true;
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
    let numbered = false;
    if (a.state === 'completed' && !this.#q.hasSaleReceipt!.get(a.saleId)) {
      const sale = this.sale(a.saleId);
      if (sale && amountDue(sale) === 0) numbered = this.#numberSale(a.saleId, a.finalAt ?? a.updatedAt, session);
    }
    if (paidNow && !numbered) this.#q.saleSession!.run(session, a.saleId);
    // The words a sale is found by change only with a new attempt (its order id) or a card.
    if (newSale || a.state === 'creating' || a.card) this.#indexWords(a.saleId);
  }

  /**
   * Gives a sale paid in full its receipt number (the next, gap-free; once) and records when and in which drawer
   * session it was paid in full (`session`: the one the paying tender moved money in): its VAT and products count
   * there. A cash sale has them from its insert. Inside the caller's transaction.
   */
  #numberSale(saleId: string, at: number, session: number | null): boolean {
    if (Number(this.#q.saleReceipt!.run(saleId, at, saleId).changes) !== 1) return false;
    this.#q.salePaid!.run(localDate(at), session, session, saleId);
    return true;
  }

  recordCashSale(c: CashSale): void {
    this.atomically(() => this.recordCashSaleInTransaction(c));
    this.onChange?.('cash');
  }

  recordCashSaleInTransaction(c: CashSale): void {
    this.#insertSale({ ...c, tender: 'cash' });
    this.#numberSale(c.saleId, c.at, null);
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
      this.#numberSale(c.saleId, c.at, session);
      return true;
    });
    if (changed) this.onChange?.('cash');
    return changed;
  }

  /**
   * Store credit for a sale: a credit tender of `amount` (minor units) spending credit note `code`, money moved now
   * (the open drawer session's). A new sale is written first with `lines` (a sale paid by its tenders, as a card
   * sale is, so the rest may follow in cash or on a card). Paid in full: its receipt number in the same transaction.
   * Throws when it is more than is due (nothing written), or more than is left on the note (the database refuses).
   */
  payWithCredit(c: CreditPayment): void {
    this.atomically(() => this.payWithCreditInTransaction(c));
    this.onChange?.('cash');
  }

  /** The same, inside the caller's transaction (an exchange writes its return in the same one). */
  payWithCreditInTransaction(c: CreditPayment): void {
    const added = this.#insertSale({ ...c, tender: 'card', total: lineTotal(c.lines) });
    const before = this.sale(c.saleId);
    if (!before || c.amount > amountDue(before)) throw new RangeError('more than is due on this sale');
    const session = this.sessions.moneySession(c.at, c.currency);
    this.#q.insertCreditTender!.run(
      c.saleId,
      c.amount,
      c.currency,
      c.at,
      localDate(c.at),
      session,
      c.staff ?? null,
      c.code,
      c.left ?? null,
    );
    if (c.amount !== amountDue(before) || !this.#numberSale(c.saleId, c.at, session)) this.#q.saleSession!.run(session, c.saleId);
    if (added) this.#indexWords(c.saleId);
  }

  recordResolution(orderId: string, at: number, reason: string, mspStatus: string): void {
    this.atomically(() => this.#q.insertResolution!.run(orderId, at, reason, mspStatus));
    this.onChange?.('resolve');
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

  /** A sale's tenders (table `tenders`), in the order they were made: card attempts and the cash part. */
  tendersOf(saleId: string): TenderRow[] {
    return this.#db
      .prepare('SELECT * FROM tenders WHERE sale_id = ? ORDER BY tender_id')
      .all(saleId)
      .map((r) => check(TenderRowSchema, r, 'tender'));
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

  /** When the newest receipt was given (wall clock, ms), if any. */
  lastReceiptAt(): number | undefined {
    return (this.#q.lastReceipt!.get() as { at: number } | undefined)?.at;
  }

  sale(saleId: string): SaleRecord | undefined {
    const row = this.#q.saleRow!.get(saleId);
    return row ? saleRecords(this.#db, this.#readStatus, [check(SaleRowSchema, row, 'sale')])[0] : undefined;
  }

  /** A day's totals, one block per currency, from the day's rows only. */
  dayTotals(date: string): DayTotals[] {
    return readTotals(this.#totalsBy.day, date, () => this.#q.dayAudit!.all(date));
  }

  /** A drawer session's totals, one block per currency, from the rows of money moved while it was open. */
  sessionTotals(sessionId: number): DayTotals[] {
    return readTotals(this.#totalsBy.session, sessionId, () => this.#q.sessionAudit!.all(sessionId));
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
