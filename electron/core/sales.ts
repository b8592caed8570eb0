/**
 * The sales book: what the till sold and gave back - cash sales, refunds, history, day reports, reconciliation
 * and exports - on top of the ledger. Card payments themselves belong to the payment engine.
 *
 * Refunds are never guessed: a refund is recorded as pending before it is sent, settled from MultiSafepay's
 * answer, or - when the answer is lost - from re-reading the order. While one is pending, no other refund of
 * that order starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CashMove,
  type DayCloseReport,
  type DayReport,
  type DayState,
  type DenominationCounts,
  type DrawerSession,
  type Notice,
  type ReceiptlessReturn,
  type RefundRecord,
  type SaleRecord,
  UNUSUAL_FLOAT,
  UNUSUAL_FLOAT_FACTOR,
} from '../../shared/contract';
import { LEGACY_VAT_RATE, vatByRate } from '../../shared/vat';
import { TillError } from '../../shared/errors';
import { formatMoney, lineTotal, toUnits } from '../../shared/money';
import type { SaleLine } from '../../shared/payment';
import { receiptContent, type ReceiptTender, tenderKinds } from '../../shared/receipt';
import { cashTaken, countTotal, exchangeCash, expectedCash, roundCash } from '../../shared/cash';
import type { FailPoint, PaymentEngine } from './engine/engine';
import { exportJournal } from './journal';
import { z } from 'zod';
import { dayBounds, type Ledger, localDate, type NewRefund, type RefundBaseline, type RefundRow, type SessionRow } from './ledger/ledger';
import { receiptlessAsSale, type ReturnPick, returnAmount, returnLines, returnProblem, vatOfLines } from '../../shared/returns';
import { amountDue, isPaidCard, paidCards, refundTargets } from '../../shared/sale';
import type { Logger } from './log';
import { writePrivateFile } from './storage/private-file';
import { type PaymentProvider, ProviderError, type ProviderOrder, type ProviderRefund } from './payments/provider';
import { isDiskFull, storage } from './storage/disk';

export interface SalesBookOptions {
  ledger: Ledger;
  engine: PaymentEngine;
  /** The payment provider to use now: card refunds and re-reads of a paid order go through it. */
  provider: () => PaymentProvider;
  logger: Logger;
  now: () => number;
  monotonic: () => number;
  currency: () => string;
  /** The step cash is rounded to (minor units, 0: not rounded): the till's setting. */
  cashRounding: () => number;
  /** A refund whose answer was lost is judged "not refunded" only after MultiSafepay showed nothing this long. */
  refundGraceMs?: number;
  /** After this long unsettled (ms, monotonic), a pending refund is reported as unknown once. Default 10 minutes. */
  refundUnknownMs?: number;
  /** Longest wait between two re-reads of a pending refund. */
  refundRecheckMaxMs?: number;
  notice: (level: 'info' | 'warning' | 'error', message: string, extra?: Pick<Notice, 'key' | 'params' | 'orderId'>) => void;
  /** Called after each durable step of the drawer or of a return (crash tests: `TILL_CRASH_AT`). */
  failpoint?: (point: FailPoint) => void;
  /** A refund is done (from the answer, a re-read or the drawer): e.g. print its receipt. */
  onRefundDone?: (sale: SaleRecord, refund: RefundRecord) => void;
}

/** A return on its way: its lines and why, given to the refund that pays it back. */
type Return = NonNullable<NewRefund['return']>;

/** Column headers of the transactions CSV in the cashier's language (the values themselves stay codes). */
const CSV_HEADERS = {
  en: [
    'created',
    'sale_id',
    'tender',
    'status',
    'total',
    'currency',
    'order_id',
    'terminal_id',
    'card_type',
    'card_last4',
    'refunded',
    'receipt_no',
    'card_amount',
    'cash_amount',
    'tip',
    'cash_rounding',
  ],
  nl: [
    'aangemaakt',
    'verkoop',
    'betaalwijze',
    'status',
    'totaal',
    'valuta',
    'order',
    'terminal',
    'kaartsoort',
    'kaart_laatste4',
    'terugbetaald',
    'bonnummer',
    'kaart_bedrag',
    'contant_bedrag',
    'fooi',
    'afronding_contant',
  ],
} as const;

/** The largest total one sale may charge (minor units): a typo must not reach a terminal. */
export const MAX_SALE_TOTAL = 100_000_00;

export class SalesBook {
  readonly #o: SalesBookOptions;
  readonly #checks = new Map<string, NodeJS.Timeout>();
  readonly #refunding = new Set<string>();
  /** Pending refunds the cashier was told the till cannot settle. */
  readonly #unknown = new Set<string>();
  #stopped = false;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
  }

  /** Re-reads every refund left pending by a crash or a lost answer. */
  start(): void {
    for (const r of this.#o.ledger.pendingRefunds()) this.#scheduleCheck(r, 0, this.#o.monotonic());
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#checks.values()) clearTimeout(t);
    this.#checks.clear();
  }

  get openHandles(): number {
    return this.#checks.size;
  }

  sale(saleId: string): SaleRecord | undefined {
    return this.#o.ledger.sale(saleId);
  }

  /**
   * Today as the counter sees it: the drawer session in use (opened today or earlier and never closed), else the
   * last one closed today; undefined when none was opened since.
   */
  today(): DayState | undefined {
    const id = this.todaySessionId();
    const row = id !== undefined ? this.#o.ledger.sessionRow(id) : undefined;
    return row ? this.#dayState(row) : undefined;
  }

  /** The id of today's drawer session (as `today()` names it), read without its figures. */
  todaySessionId(): number | undefined {
    const ledger = this.#o.ledger;
    const open = ledger.currentSession();
    if (open) return open.id;
    const last = ledger.lastSession();
    return last?.closed_at != null && localDate(last.closed_at) === localDate(this.#o.now()) ? last.id : undefined;
  }

  /**
   * A calendar date's state: its one drawer session as it is, or several added up (float and opening of the first,
   * the closing of the last, counted and expected summed), each listed in `sessions`. Undefined: none opened that date.
   */
  dayState(date: string): DayState | undefined {
    const rows = this.#o.ledger.sessionsOf(date, 'opened');
    if (!rows.length) return undefined;
    const sessions = rows.map((r) => this.#o.ledger.drawerSession(r));
    if (rows.length === 1) return { ...this.#dayState(rows[0]!), sessions };
    const first = sessions[0]!;
    const last = sessions[sessions.length - 1]!;
    const closed = sessions.every((x) => x.closedAt !== undefined);
    return {
      day: date,
      openedAt: first.openedAt,
      float: first.float,
      currency: first.currency,
      ...(first.openedBy ? { openedBy: first.openedBy } : {}),
      ...(closed
        ? {
            closedAt: last.closedAt!,
            counted: sessions.reduce((n, x) => n + (x.counted ?? 0), 0),
            expected: sessions.reduce((n, x) => n + (x.expected ?? 0), 0),
            ...(last.closedBy ? { closedBy: last.closedBy } : {}),
          }
        : {}),
      sessions,
    };
  }

  /** The drawer sessions open at any time during a date (today when left out), with their totals. */
  drawerSessions(date: string | undefined): DrawerSession[] {
    return this.#o.ledger.sessionsOf(date ?? localDate(this.#o.now())).map((r) => this.#o.ledger.drawerSession(r));
  }

  #dayState(row: SessionRow): DayState {
    const s = this.#o.ledger.drawerSession(row, false);
    const d: DayState = { day: s.day, openedAt: s.openedAt, float: s.float, currency: s.currency, sessionId: s.id };
    if (s.openedBy) d.openedBy = s.openedBy;
    if (s.closedAt !== undefined) d.closedAt = s.closedAt;
    if (s.counted !== undefined) d.counted = s.counted;
    if (s.expected !== undefined) d.expected = s.expected;
    if (s.closedBy) d.closedBy = s.closedBy;
    if (s.report) d.report = s.report;
    if (s.counts) d.counts = s.counts;
    if (row.implicit && !s.corrections && s.closedAt === undefined) d.implicit = true;
    return d;
  }

  /**
   * Money may move: a drawer session is open, or none was closed today (the till opens one for the money, with no
   * float). After a close, the screen asks to open a new session - a close never stops the day's sales for good.
   */
  requireSession(what: 'sale' | 'cash' = 'sale'): void {
    const ledger = this.#o.ledger;
    if (ledger.currentSession()) return;
    const last = ledger.lastSession();
    if (last?.closed_at != null && localDate(last.closed_at) === localDate(this.#o.now()))
      throw new TillError({
        code: 'not_allowed',
        key: 'day_closed',
        message:
          what === 'sale'
            ? 'The drawer session has been closed - open a new drawer session to go on selling.'
            : 'The drawer session has been closed - open a new drawer session to pay cash in or out.',
      });
  }

  /**
   * Opens a drawer session with the float. An unusual float (more than 1,000.00, or ten times the usual one or more)
   * is refused until confirmed. A session the till opened by itself for money moved without one takes the float as
   * its first correction (recorded, never written over).
   */
  openDay(float: number, staff: string | undefined, confirm = false): DayState {
    const ledger = this.#o.ledger;
    const open = ledger.currentSession();
    if (open && !(open.implicit && !ledger.floatCorrections(open).length))
      throw new TillError({
        code: 'not_allowed',
        key: 'day_open',
        message: 'A drawer session is open already - close it first, or hand it over.',
      });
    const currency = open?.currency ?? this.#o.currency();
    if (!confirm) {
      const usual = usualFloat(ledger.recentFloats());
      if (float > UNUSUAL_FLOAT || (usual > 0 && float >= usual * UNUSUAL_FLOAT_FACTOR))
        throw new TillError({
          code: 'bad_request',
          field: 'float',
          key: 'float_unusual',
          message: `A float of ${formatMoney(float, currency)} is unusual${usual > 0 ? ` (the usual float is ${formatMoney(usual, currency)})` : ''} - check it and confirm.`,
        });
    }
    const at = this.#o.now();
    storage(() => {
      if (open) ledger.correctFloat({ sessionId: open.id, at, float, reason: 'Opening float', ...(staff ? { staff } : {}) });
      else ledger.openSession({ at, float, currency, ...(staff ? { staff } : {}) });
    });
    this.#o.failpoint?.(open ? 'float-corrected' : 'session-opened');
    return this.today()!;
  }

  /** A manager corrects the open session's float, with the reason: recorded beside the opening float, never over it. */
  correctFloat(float: number, reason: string, staff: string | undefined): DrawerSession {
    const ledger = this.#o.ledger;
    const open = ledger.currentSession();
    if (!open) throw new TillError({ code: 'not_allowed', key: 'no_session', message: 'No drawer session is open - open one first.' });
    storage(() => ledger.correctFloat({ sessionId: open.id, at: this.#o.now(), float, reason, ...(staff ? { staff } : {}) }));
    this.#o.failpoint?.('float-corrected');
    return ledger.drawerSession(open);
  }

  /**
   * Closes the drawer session: expected cash is its float plus its cash sales and rounding and paid in, less its cash
   * refunds and paid out; the counted cash (and the count sheet, whose total it must be) and the difference are
   * recorded with the session's totals, VAT and the check against MultiSafepay. Money moving afterwards belongs to
   * the next session. `handOver`: the next session opens in the same step, with the counted cash as its float.
   */
  async closeDay(
    counted: number,
    staff: string | undefined,
    opts: { counts?: DenominationCounts | undefined; handOver?: boolean | undefined; sessionId?: number | undefined } = {},
  ): Promise<DayState> {
    if (this.#o.engine.hasPendingPayments())
      throw new TillError({ code: 'not_allowed', key: 'payments_open', message: 'Finish the open payments before closing the day.' });
    const counts = opts.counts && Object.fromEntries(Object.entries(opts.counts).filter(([, n]) => n > 0));
    if (counts && countTotal(counts) !== counted)
      throw new TillError({
        code: 'bad_request',
        field: 'counted',
        key: 'count_mismatch',
        message: `The count sheet adds up to ${formatMoney(countTotal(counts), this.#o.currency())}, not the counted cash.`,
      });
    const ledger = this.#o.ledger;
    const chosen = () => (opts.sessionId !== undefined ? ledger.sessionRow(opts.sessionId) : ledger.currentSession());
    if (opts.sessionId !== undefined && (!chosen() || chosen()!.closed_at !== null))
      throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'That drawer session is not open.' });
    const refuseClosed = () => {
      const c = chosen();
      if (c && c.closed_at === null) return;
      if (opts.sessionId !== undefined)
        throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'That drawer session is not open.' });
      const last = ledger.lastSession();
      if (last?.closed_at != null && localDate(last.closed_at) === localDate(this.#o.now()))
        throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'Today has been closed already.' });
    };
    refuseClosed();
    if (opts.handOver && (opts.sessionId !== undefined || ledger.openSessions().length > 1))
      throw new TillError({ code: 'not_allowed', key: 'day_open', message: 'Another drawer session is still open - close it first.' });
    // Checked against MultiSafepay first: the session's figures are then read and closed in one go, so no sale can
    // slip in between the figures and the close.
    const target = chosen();
    const began = target?.opened_at ?? dayBounds(localDate(this.#o.now()))[0];
    let reconciliation: DayCloseReport['reconciliation'];
    try {
      reconciliation = await this.#o.engine.reconcile(began, this.#o.now() + 1);
    } catch {
      reconciliation = 'unreachable';
    }
    refuseClosed();
    const open = chosen();
    // Closed (and perhaps handed over) from another window meanwhile: this close was for that session, not the next.
    if (target && open?.id !== target.id)
      throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'Today has been closed already.' });
    const at = this.#o.now();
    const currency = open?.currency ?? this.#o.currency();
    const session = open ? ledger.drawerSession(open) : undefined;
    const float = session?.float ?? 0;
    const totals = session?.totals ?? [];
    const expected = expectedCash(
      float,
      totals.find((t) => t.currency === currency),
    );
    const moves = open ? ledger.sessionCashMoves(open.id) : [];
    const report: DayCloseReport = {
      date: open?.day ?? localDate(at),
      currency,
      float,
      expected,
      counted,
      difference: counted - expected,
      totals,
      reconciliation,
      ...(moves.length ? { cashMoves: moves } : {}),
      openedAt: open?.opened_at ?? at,
      ...(counts ? { counts } : {}),
    };
    const id = storage(() =>
      ledger.atomically(() => {
        const id = open?.id ?? ledger.openImplicitInTransaction(at, currency);
        report.sessionId = id;
        if (
          !ledger.closeSessionInTransaction({
            id,
            at,
            counted,
            expected,
            ...(counts ? { counts } : {}),
            ...(staff ? { staff } : {}),
            report,
          })
        )
          throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'Today has been closed already.' });
        if (opts.handOver) ledger.openSessionInTransaction({ at, float: counted, currency, ...(staff ? { staff } : {}) });
        return id;
      }),
    );
    this.#o.failpoint?.('session-closed');
    return this.#dayState(ledger.sessionRow(id)!);
  }

  /**
   * Cash for the rest of a card sale (the caller has re-read its attempts at MultiSafepay): all of it when the
   * card did not pay, or what is left when a card paid part of it (a split sale, one sale, one receipt).
   */
  payRestInCash(sale: SaleRecord, given: number, staff?: string): SaleRecord {
    const due = amountDue(sale);
    if (due <= 0) throw new TillError({ code: 'not_allowed', message: 'This sale is already paid.' });
    const step = this.#o.cashRounding();
    const { taken, rounding } = cashTaken(due, step);
    if (given < taken) throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than what is due.' });
    const split = due < sale.total;
    const ok = storage(() =>
      this.#o.ledger.payInCash({
        saleId: sale.saleId,
        at: this.#o.now(),
        given,
        change: given - taken,
        amount: due,
        split,
        step,
        rounding,
        ...(staff ? { staff } : {}),
      }),
    );
    if (!ok) throw new TillError({ code: 'not_allowed', message: 'This sale is already paid.' });
    return this.sale(sale.saleId)!;
  }

  payCash(lines: SaleLine[], given: number, saleIdPrefix: string, staff?: string): SaleRecord {
    const total = lineTotal(lines);
    if (total > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const step = this.#o.cashRounding();
    const { taken, rounding } = cashTaken(total, step);
    if (given < taken) throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than the total.' });
    const saleId = `${saleIdPrefix}-c${randomBytes(4).toString('hex')}`;
    storage(() =>
      this.#o.ledger.recordCashSale({
        saleId,
        at: this.#o.now(),
        lines,
        total,
        currency: this.#o.currency(),
        given,
        change: given - taken,
        step,
        rounding,
        ...(staff ? { staff } : {}),
      }),
    );
    return this.sale(saleId)!;
  }

  history(query: string | undefined, limit: number | undefined, before: number | undefined): SaleRecord[] {
    return this.#o.ledger.history({ query, limit, before });
  }

  /**
   * Cash paid in or out of the drawer without a sale, with the reason: changes the cash expected at closing of the
   * drawer session. Refused after a close (until a new session opens), and a paid out of more than the drawer should hold.
   */
  cashMove(kind: 'paid_in' | 'paid_out', amount: number, reason: string, staff: string | undefined): CashMove {
    this.requireSession('cash');
    const open = this.#o.ledger.currentSession();
    const currency = open?.currency ?? this.#o.currency();
    if (kind === 'paid_out') this.#refuseMoreThanHeld(amount, currency, 'amount');
    return storage(() => this.#o.ledger.recordCashMove({ at: this.#o.now(), kind, amount, currency, reason, ...(staff ? { staff } : {}) }));
  }

  /** Cash out of the drawer is refused when it is more than the drawer should hold now (the expected cash). */
  /** Refuses taking `amount` out of the drawer when its open session should not hold that much. */
  #refuseMoreThanHeld(amount: number, currency: string, field: string): void {
    const open = this.#o.ledger.currentSession();
    const held = open ? this.#o.ledger.drawerSession(open).expectedNow : 0;
    if (amount > held)
      throw new TillError({
        code: 'bad_request',
        field,
        message: `That is more than the drawer should hold (${formatMoney(Math.max(0, held), currency)}).`,
      });
  }

  /** Records that the drawer was opened without a sale (no sale), with who and when. */
  noSale(staff: string | undefined): CashMove {
    const open = this.#o.ledger.currentSession();
    return storage(() =>
      this.#o.ledger.recordCashMove({
        at: this.#o.now(),
        kind: 'no_sale',
        amount: 0,
        currency: open?.currency ?? this.#o.currency(),
        ...(staff ? { staff } : {}),
      }),
    );
  }

  async dayReport(date: string | undefined, reconcile: boolean): Promise<DayReport> {
    const day = date ?? localDate(this.#o.now());
    const moves = this.#o.ledger.cashMoves(day);
    const sessions = this.drawerSessions(day);
    const report: DayReport = {
      date: day,
      totals: this.#o.ledger.dayTotals(day),
      ...(moves.length ? { cashMoves: moves } : {}),
      ...(sessions.length ? { sessions } : {}),
    };
    if (reconcile) {
      const [from, to] = dayBounds(day);
      report.reconciliation = await this.#o.engine.reconcile(from, to);
      const orphans = report.reconciliation.mismatches.filter((m) => m.kind === 'orphan_payment');
      if (orphans.length)
        this.#o.notice(
          'error',
          `${orphans.length} payment(s) were paid at MultiSafepay but not recorded as paid: ${orphans.map((o) => o.orderId).join(', ')}`,
          { key: 'orphan_payments', params: { count: orphans.length, orderIds: orphans.map((o) => o.orderId).join(', ') } },
        );
    }
    return report;
  }

  /**
   * Refunds (part of) a completed card payment. Refused at once while another refund of the order is in flight
   * or unknown. Recorded as pending before it is sent; settled from the answer; a lost answer stays pending and
   * is settled by re-reading the order.
   */
  async refund(orderId: string, requested: number | undefined, staff?: string): Promise<SaleRecord> {
    const ledger = this.#o.ledger;
    // A sale id refunds the cash part (all of a cash sale, the cash of a split one) from the drawer.
    const cashSale = ledger.sale(orderId);
    if (cashSale?.cash) return this.#refundCash(cashSale, requested, staff);
    const sale = ledger.saleOfOrder(orderId);
    const attempt = sale?.attempts.find((a) => a.orderId === orderId);
    if (!sale || !attempt || !isPaidCard(attempt))
      throw new TillError({ code: 'not_allowed', message: 'Only a completed card payment can be refunded.' });
    this.#refuseWhilePending(orderId);
    // At most what this card charged (its tip included; part of a split sale) and what is left of the sale.
    const left = refundTargets(sale, false).find((x) => x.id === orderId)?.left ?? 0;
    const amount = requested ?? left;
    if (amount > left || left <= 0)
      throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this payment.' });
    return this.#refundCard(sale, orderId, amount, staff);
  }

  /**
   * Return items: lines of a sale paid in full given back (each at most what was sold less what was returned), the
   * reason recorded, and their amount refunded - with the VAT of those lines - to the tender that paid: the card
   * through MultiSafepay, the cash from the drawer. A sale paid in parts takes a return on the first part that can
   * take all of it. The lines, the reason and the refund are written in one transaction.
   */
  async returnItems(saleId: string, picks: readonly ReturnPick[], reason: string, staff?: string): Promise<SaleRecord> {
    const sale = this.#returnable(saleId, picks);
    const lines = returnLines(sale, picks);
    const amount = returnAmount(lines);
    const targets = refundTargets(sale, false);
    const target = targets.find((x) => x.left >= amount);
    if (!target)
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message:
          targets.reduce((s, x) => s + x.left, 0) < amount
            ? 'That is more than what is left to refund on this sale.'
            : 'No one payment of this sale can take all of this back - return fewer items at a time.',
      });
    const ret: Return = { lines, reason };
    if (target.tender === 'cash') return this.#refundCash(sale, amount, staff, ret);
    this.#refuseWhilePending(target.id);
    return this.#refundCard(sale, target.id, amount, staff, ret);
  }

  /** A paid sale whose `picks` can be returned; throws why not (not found, not paid in full, a bad pick). */
  #returnable(saleId: string, picks: readonly ReturnPick[]): SaleRecord {
    const sale = this.#o.ledger.sale(saleId);
    if (!sale) throw new TillError({ code: 'not_found', message: 'That sale is not in the till.' });
    if (sale.receiptNumber === undefined || (sale.status !== 'paid' && sale.status !== 'partially_refunded'))
      throw new TillError({
        code: 'not_allowed',
        message: 'Only items of a sale paid in full, and not refunded in full, can be returned.',
      });
    const problem = returnProblem(sale, picks);
    if (problem)
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message: {
          none: 'Choose the items to return.',
          unknown_line: 'That item is not on this sale.',
          twice: 'Each item can be chosen once per return.',
          too_many: 'That is more than was sold less what was returned already.',
        }[problem],
      });
    return sale;
  }

  /**
   * An exchange (a manager's): lines of a paid sale given back with a reason, and new lines sold, in one transaction.
   * What was given back (`R`, worked out per line as a return is) is a credit towards the new lines (`N`); only the
   * difference moves through the drawer, rounded as cash is: the customer pays `N - R`, or is given `R - N` back.
   * Recorded as a cash refund of `R` on the original sale (its lines returned, with their VAT) and a new cash sale of
   * `N` (given: the credit plus the cash handed over; the drawer's rounding on the new sale), each with its receipt
   * number, so the day, the drawer session and the VAT follow as for any return and sale. Throws `bad_request` for
   * picks that cannot be returned, new lines that are not valid, or too little cash handed over; `not_allowed` for a
   * sale not paid in full or with no drawer session open.
   */
  exchange(
    saleId: string,
    picks: readonly ReturnPick[],
    reason: string,
    newLines: SaleLine[],
    handed: number,
    saleIdPrefix: string,
    staff?: string,
  ): { sale: SaleRecord; original: SaleRecord; refundId: string } {
    this.requireSession('cash');
    const sale = this.#returnable(saleId, picks);
    const returned = returnLines(sale, picks);
    const credit = returnAmount(returned);
    const left = refundTargets(sale, false).reduce((sum, t) => sum + t.left, 0);
    if (credit > left)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That is more than what is left to refund on this sale.' });
    if (sale.currency !== this.#o.currency())
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message: `This sale is in ${sale.currency}: exchange it in ${sale.currency}.`,
      });
    const total = lineTotal(newLines);
    if (total > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const step = this.#o.cashRounding();
    // What moves through the drawer: paid in (difference >= 0) or given back, rounded to the till's step.
    const { difference, moved, rounding } = exchangeCash(total, credit, step);
    if (difference >= 0 && handed < moved)
      throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than the difference to pay.' });
    const given = credit + (difference >= 0 ? handed : 0);
    const newSaleId = `${saleIdPrefix}-c${randomBytes(4).toString('hex')}`;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    const at = this.#o.now();
    storage(() =>
      this.#o.ledger.atomically(() => {
        this.#o.ledger.beginRefundInTransaction({
          refundId,
          orderId: sale.saleId,
          saleId: sale.saleId,
          amount: credit,
          currency: sale.currency,
          at,
          tender: 'cash',
          ...(staff ? { staff } : {}),
          return: { lines: returned, reason: `${reason} (exchange)` },
        });
        this.#o.ledger.settleRefundInTransaction(refundId, 'done', at);
        this.#o.ledger.recordCashSaleInTransaction({
          saleId: newSaleId,
          at,
          lines: newLines,
          total,
          currency: sale.currency,
          given,
          change: given - (total + rounding),
          step,
          rounding,
          ...(staff ? { staff } : {}),
        });
      }),
    );
    this.#o.failpoint?.('exchange-journaled');
    this.#o.ledger.onChange?.('refund');
    this.#o.ledger.onChange?.('cash');
    const original = this.#refundDone(sale.saleId, refundId);
    return { sale: this.sale(newSaleId)!, original, refundId };
  }

  /**
   * A return without a receipt (a manager's): the items' amount in cash from the drawer - rounded as cash is - with the
   * VAT of the lines and the reason, in one transaction with its refund receipt number. Refused on a closed day, and
   * when the drawer should not hold that much.
   */
  returnWithoutReceipt(lines: SaleLine[], reason: string, staff?: string): ReceiptlessReturn {
    this.requireSession('cash');
    const amount = lineTotal(lines);
    if (amount > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const currency = this.#o.ledger.currentSession()?.currency ?? this.#o.currency();
    const step = this.#o.cashRounding();
    const back = step ? roundCash(amount, step) : amount;
    this.#refuseMoreThanHeld(back, currency, 'lines');
    // The lines' VAT as a sale of them would carry it, per line (shared/returns.ts).
    const returned = returnLines(
      { lines, vat: vatByRate(lines, LEGACY_VAT_RATE), refunds: [] },
      lines.map((l, index) => ({ index, quantity: l.quantity })),
    );
    const ret = storage(() =>
      this.#o.ledger.recordReceiptlessReturn({
        returnId: `x${randomBytes(6).toString('hex')}`,
        at: this.#o.now(),
        currency,
        amount,
        ...(back !== amount ? { rounding: back - amount } : {}),
        lines: returned,
        vat: vatOfLines(returned),
        reason,
        ...(staff ? { staff } : {}),
      }),
    );
    this.#o.failpoint?.('return-journaled');
    const sale = this.receiptlessSale(ret.returnId);
    if (sale) this.#o.onRefundDone?.(sale, sale.refunds[0]!);
    return ret;
  }

  /** A return without a receipt as a sale record with its one refund (`receiptlessAsSale`), for its receipt. */
  receiptlessSale(returnId: string): SaleRecord | undefined {
    const r = this.#o.ledger.receiptlessReturn(returnId);
    return r && receiptlessAsSale(r);
  }

  /** A refund of this card payment is in flight or unknown: nothing new starts (and the unknown one is re-read now). */
  #refuseWhilePending(orderId: string): void {
    const pending = this.#o.ledger.refundsOfOrder(orderId).find((r) => r.state === 'pending');
    if (!this.#refunding.has(orderId) && !pending) return;
    if (pending) this.#scheduleCheck(pending, 0, this.#o.monotonic());
    throw new TillError({
      code: 'refund_pending',
      message: 'A refund of this payment may have gone through - the till is checking with MultiSafepay. Try again when it has finished.',
    });
  }

  /** Sends a card refund: recorded pending first, settled from the answer; a lost answer is settled by re-reading. */
  async #refundCard(sale: SaleRecord, orderId: string, amount: number, staff: string | undefined, ret?: Return): Promise<SaleRecord> {
    const ledger = this.#o.ledger;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    // What MultiSafepay knows of this order's refunds now, its dashboard's included: a lost answer is settled against
    // it. Not readable: nothing is sent (the refund would fail the same way).
    let before: RefundBaseline;
    // One refund of a payment at a time, from here on: a second click is refused at once (above).
    this.#refunding.add(orderId);
    try {
      before = baselineOf(refundsAtMsp(await this.#o.provider().get(orderId)));
    } catch (err) {
      this.#refunding.delete(orderId);
      this.#o.logger.warn('refund not started: the order cannot be read', {
        orderId,
        reason: err instanceof ProviderError ? err.kind : 'error',
      });
      throw new TillError({
        code: 'msp_error',
        message: 'MultiSafepay cannot be reached to check this payment - nothing was refunded. Try again in a moment.',
      });
    }
    const at = this.#o.now();
    // Recorded before it is sent: if the answer is lost, or the till dies, the refund is known and re-read.
    try {
      storage(() =>
        ledger.beginRefund(
          {
            refundId,
            orderId,
            saleId: sale.saleId,
            amount,
            currency: sale.currency,
            at,
            ...(staff ? { staff } : {}),
            ...(ret ? { return: ret } : {}),
          },
          before,
        ),
      );
    } catch (err) {
      this.#refunding.delete(orderId);
      throw err;
    }
    if (ret) this.#o.failpoint?.('return-journaled');
    try {
      let transactionId: string | undefined;
      try {
        const res = await this.#o.provider().refund(orderId, {
          currency: sale.currency,
          amount,
          description: `${ret ? 'Return' : 'Refund'} ${sale.saleId}`,
        });
        transactionId = res.transactionId;
        if (ret) this.#o.failpoint?.('return-sent');
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'refused') {
          ledger.settleRefund(refundId, 'failed', this.#o.now());
          throw err;
        }
        const pending = ledger.refundsOfOrder(orderId).find((r) => r.refund_id === refundId);
        if (pending) this.#scheduleCheck(pending, 1, this.#o.monotonic());
        throw new TillError({
          code: 'refund_unknown',
          message: 'The refund may have gone through - the till is checking with MultiSafepay. Do not refund again until it has.',
        });
      }
      try {
        ledger.settleRefund(refundId, 'done', this.#o.now(), transactionId);
      } catch (err) {
        this.#o.logger.error('refund done at MultiSafepay but not recorded', { orderId, code: (err as NodeJS.ErrnoException)?.code });
        throw new TillError({
          code: 'storage_error',
          message: `MultiSafepay refunded ${formatMoney(amount, sale.currency)}, but the till could not record it (${isDiskFull(err) ? 'the disk is full' : 'the disk refused the write'}). It stays marked as checking and is recorded once the disk works again - do not refund again.`,
        });
      }
      return this.#refundDone(sale.saleId, refundId);
    } finally {
      this.#refunding.delete(orderId);
    }
  }

  /** Cash back from the drawer: recorded at once (nothing to ask MultiSafepay). */
  #refundCash(sale: SaleRecord, requested: number | undefined, staff?: string, ret?: Return): SaleRecord {
    const cashPart = sale.cash?.amount ?? sale.total;
    const done = sale.refunds.filter((r) => r.state === 'done' && r.tender === 'cash');
    const cashLeft = cashPart - done.reduce((s, r) => s + r.amount, 0);
    // At most what the cash paid and what is left of the sale (the sale's rules, shared/sale.ts).
    const left = refundTargets(sale, false).find((t) => t.tender === 'cash')?.left ?? 0;
    const amount = requested ?? left;
    if (amount > left || left <= 0)
      throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this sale.' });
    // A rounded sale gives cash back rounded the same way; the last refund gives back exactly what the drawer still
    // holds of the sale, so refunds never give back more than was taken.
    const step = sale.cash?.step ?? 0;
    const takenLeft = cashPart + (sale.cash?.rounding ?? 0) - done.reduce((s, r) => s + r.amount + (r.rounding ?? 0), 0);
    const back = step ? (amount === cashLeft ? takenLeft : Math.min(roundCash(amount, step), takenLeft)) : amount;
    const rounding = back - amount;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    const at = this.#o.now();
    storage(() =>
      this.#o.ledger.atomically(() => {
        this.#o.ledger.beginRefundInTransaction({
          refundId,
          orderId: sale.saleId,
          saleId: sale.saleId,
          amount,
          currency: sale.currency,
          at,
          tender: 'cash',
          ...(rounding ? { rounding } : {}),
          ...(staff ? { staff } : {}),
          ...(ret ? { return: ret } : {}),
        });
        this.#o.ledger.settleRefundInTransaction(refundId, 'done', at);
      }),
    );
    if (ret) this.#o.failpoint?.('return-journaled');
    this.#o.ledger.onChange?.('refund');
    return this.#refundDone(sale.saleId, refundId);
  }

  /** Tells whoever listens that a refund is done; returns the sale as it is now. */
  #refundDone(saleId: string, refundId: string): SaleRecord {
    const sale = this.sale(saleId)!;
    const refund = sale.refunds.find((r) => r.refundId === refundId);
    if (refund) this.#o.onRefundDone?.(sale, refund);
    return sale;
  }

  /** Re-reads the order of a pending refund until MultiSafepay's refunded amount tells whether it went through. */
  #scheduleCheck(r: RefundRow, tries: number, since: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#checks.get(r.refund_id));
    const max = this.#o.refundRecheckMaxMs ?? 30_000;
    const delay = tries === 0 ? 0 : Math.min(max, 500 * 2 ** (tries - 1));
    this.#checks.set(
      r.refund_id,
      setTimeout(() => {
        this.#checks.delete(r.refund_id);
        void this.#check(r, tries, since);
      }, delay),
    );
  }

  async #check(r: RefundRow, tries: number, since: number): Promise<void> {
    const ledger = this.#o.ledger;
    try {
      const now = refundsAtMsp(await this.#o.provider().get(r.order_id));
      const others = ledger.refundsOfOrder(r.order_id).filter((x) => x.refund_id !== r.refund_id);
      const known = new Set(others.map((x) => x.transaction_id));
      const before = baselineOfRow(r);
      // What MultiSafepay refunded since this refund began, and a refund of exactly this amount it did not know then.
      // Without a baseline (a refund begun by an older till) the till's own done refunds stand in for it.
      const base = before?.refunded ?? others.filter((x) => x.state === 'done').reduce((s, x) => s + x.amount, 0);
      const fresh = now.related.filter(
        (t) => t.transactionId && !known.has(t.transactionId) && !(before?.transactionIds ?? []).includes(t.transactionId),
      );
      const match = fresh.find((t) => t.amount === r.amount);
      const went = now.related.length || before?.transactionIds.length ? match !== undefined : now.refunded >= base + r.amount;
      if (went) {
        const tx = match?.transactionId;
        if (ledger.settleRefund(r.refund_id, 'done', this.#o.now(), tx)) {
          this.#refundDone(r.sale_id, r.refund_id);
          this.#o.notice('info', `The refund of ${formatMoney(r.amount, r.currency)} (${r.order_id}) went through at MultiSafepay.`, {
            key: 'refund_went_through',
            params: { amount: r.amount, currency: r.currency, orderId: r.order_id },
            orderId: r.order_id,
          });
        }
        return;
      }
      if (now.refunded <= base && this.#o.monotonic() - since >= (this.#o.refundGraceMs ?? 60_000)) {
        if (ledger.settleRefund(r.refund_id, 'failed', this.#o.now()))
          this.#o.notice(
            'info',
            `The refund of ${formatMoney(r.amount, r.currency)} (${r.order_id}) did not go through - nothing was refunded.`,
            { key: 'refund_not_made', params: { amount: r.amount, currency: r.currency, orderId: r.order_id }, orderId: r.order_id },
          );
        return;
      }
    } catch (err) {
      this.#o.logger.warn('pending refund not checked yet', {
        orderId: r.order_id,
        reason: err instanceof ProviderError ? err.kind : 'error',
      });
    }
    // Still not telling after a long while: say so once (the dashboard can tell), and keep looking.
    if (this.#o.monotonic() - since >= (this.#o.refundUnknownMs ?? 10 * 60_000) && !this.#unknown.has(r.refund_id)) {
      this.#unknown.add(r.refund_id);
      this.#o.notice(
        'warning',
        `The till cannot tell whether the refund of ${formatMoney(r.amount, r.currency)} (${r.order_id}) went through - check it in the MultiSafepay dashboard.`,
        { key: 'refund_unknown', params: { amount: r.amount, currency: r.currency, orderId: r.order_id }, orderId: r.order_id },
      );
    }
    this.#scheduleCheck(r, tries + 1, since);
  }

  /** The bookkeeping journal of the drawer sessions opened from `from` to `to` (see journal.ts). */
  exportJournal(
    dir: string,
    from: string,
    to: string,
    opts: { language: 'en' | 'nl'; decimalComma: boolean },
  ): Promise<{ path: string; rows: number }> {
    return exportJournal(this.#o.ledger, dir, from, to, opts);
  }

  /** Every sale of [from, to) as CSV, written a page at a time (the event loop is never held for long). */
  async exportCsv(dir: string, from: string, to: string, language: 'en' | 'nl' = 'en'): Promise<{ path: string; rows: number }> {
    const [start] = dayBounds(from);
    const [, end] = dayBounds(to);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `transactions-${from}-to-${to}.csv`);
    return writePrivateFile(path, async (_tmp, out) => {
      const rows = await this.#writeCsv((text) => out.write(text).then(() => undefined), start, end, language);
      return { path, rows };
    });
  }

  async #writeCsv(write: (text: string) => Promise<void>, start: number, end: number, language: 'en' | 'nl'): Promise<number> {
    await write(`${CSV_HEADERS[language].join(',')}\n`);
    let rows = 0;
    let after: { createdAt: number; saleId: string } | undefined;
    for (;;) {
      const page = this.#o.ledger.salesBetween(start, end, after, 500);
      if (!page.length) break;
      let chunk = '';
      for (const s of page) {
        const paid = paidCards(s)[0] ?? s.attempts[s.attempts.length - 1];
        const refunded = s.refunds.filter((r) => r.state === 'done').reduce((n, r) => n + r.amount, 0);
        // The tenders as the receipt lists them (shared/receipt.ts): "card+cash" for a split sale.
        const receipt = receiptContent(s);
        const sum = (kind: 'card' | 'cash', of: (t: ReceiptTender) => number) =>
          (receipt?.tenders ?? []).filter((t) => t.kind === kind).reduce((n, t) => n + of(t), 0);
        chunk += `${[
          new Date(s.createdAt).toISOString(),
          s.saleId,
          receipt ? tenderKinds(receipt) : s.tender,
          s.status,
          toUnits(s.total, s.currency),
          s.currency,
          paid?.orderId ?? '',
          paid?.terminalId ?? '',
          paid?.card?.type ?? '',
          paid?.card?.last4 ?? '',
          toUnits(refunded, s.currency),
          receipt ? String(receipt.number) : '',
          receipt
            ? toUnits(
                sum('card', (t) => t.amount),
                s.currency,
              )
            : '',
          receipt
            ? toUnits(
                sum('cash', (t) => t.amount),
                s.currency,
              )
            : '',
          receipt
            ? toUnits(
                sum('card', (t) => (t.kind === 'card' ? t.tip : 0)),
                s.currency,
              )
            : '',
          receipt
            ? toUnits(
                sum('cash', (t) => (t.kind === 'cash' ? (t.rounding ?? 0) : 0)),
                s.currency,
              )
            : '',
        ]
          .map(csvCell)
          .join(',')}\n`;
        rows++;
      }
      await write(chunk);
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, saleId: last.saleId };
      await new Promise<void>((r) => setImmediate(r));
    }
    return rows;
  }
}

/** The usual float: the middle one of the latest sessions that had a float (0: none yet). */
function usualFloat(recent: number[]): number {
  if (!recent.length) return 0;
  const sorted = [...recent].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** An order's refunds as the provider reports them: the amount refunded and each refund transaction. */
function refundsAtMsp(order: ProviderOrder): { refunded: number; related: ProviderRefund[] } {
  return { refunded: order.refunds.refunded, related: order.refunds.transactions };
}

const baselineOf = (at: { refunded: number; related: ProviderRefund[] }): RefundBaseline => ({
  refunded: at.refunded,
  transactionIds: at.related.flatMap((t) => (t.transactionId ? [t.transactionId] : [])),
});

const BaselineSchema = z.object({ refunded: z.number().int(), transactionIds: z.array(z.string()) });
function baselineOfRow(r: RefundRow): RefundBaseline | undefined {
  if (!r.msp_before) return undefined;
  try {
    const b = BaselineSchema.safeParse(JSON.parse(r.msp_before));
    return b.success ? b.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One CSV cell, quoted: text from outside (card fields from MultiSafepay) can neither split the row nor become a
 * spreadsheet formula - a cell starting with = + - @, a tab or a carriage return gets a leading ' (a plain
 * number, such as -2.50 or -2,50, is left as it is).
 */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d+([.,]\d+)?$/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}
