/**
 * The drawer: drawer sessions (open, hand over, close with a count), the float and its corrections, paid in, paid
 * out and drawer opens without a sale, the expected cash, and the day report with its check against MultiSafepay.
 * Amounts in minor units. Part of the sales book (`sales.drawer`), on the same ledger and options.
 */
import {
  type CashMove,
  type DayCloseReport,
  type DayReport,
  type DayState,
  type DenominationCounts,
  type DrawerSession,
  UNUSUAL_FLOAT,
  UNUSUAL_FLOAT_FACTOR,
} from '../../shared/contract';
import { TillError } from '../../shared/errors';
import { formatMoney } from '../../shared/money';
import { countTotal, expectedCash } from '../../shared/cash';
import { dayBounds, localDate, type SessionRow } from './ledger/ledger';
import { storage } from './storage/disk';
import type { SalesBookOptions } from './sales';

export class Drawer {
  readonly #o: SalesBookOptions;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
  }

  /**
   * Today as the counter sees it: the drawer session in use (opened today or earlier and never closed), else the
   * last one closed today; undefined when none was opened since.
   */
  today(): DayState | undefined {
    const id = this.todaySessionId();
    const row = id !== undefined ? this.#o.ledger.sessions.byId(id) : undefined;
    return row ? this.#dayState(row) : undefined;
  }

  /** The id of today's drawer session (as `today()` names it), read without its figures. */
  todaySessionId(): number | undefined {
    const ledger = this.#o.ledger;
    const open = ledger.sessions.current();
    if (open) return open.id;
    const last = ledger.sessions.last();
    return last?.closed_at != null && localDate(last.closed_at) === localDate(this.#o.now()) ? last.id : undefined;
  }

  /**
   * A calendar date's state: its one drawer session as it is, or several added up (float and opening of the first,
   * the closing of the last, counted and expected summed), each listed in `sessions`. Undefined: none opened that date.
   */
  dayState(date: string): DayState | undefined {
    const rows = this.#o.ledger.sessions.of(date, 'opened');
    if (!rows.length) return undefined;
    const sessions = rows.map((r) => this.#o.ledger.sessions.view(r));
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
    return this.#o.ledger.sessions.of(date ?? localDate(this.#o.now())).map((r) => this.#o.ledger.sessions.view(r));
  }

  #dayState(row: SessionRow): DayState {
    const s = this.#o.ledger.sessions.view(row, false);
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
    if (ledger.sessions.current()) return;
    const last = ledger.sessions.last();
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
    const open = ledger.sessions.current();
    if (open && !(open.implicit && !ledger.sessions.floatCorrections(open).length))
      throw new TillError({
        code: 'not_allowed',
        key: 'day_open',
        message: 'A drawer session is open already - close it first, or hand it over.',
      });
    const currency = open?.currency ?? this.#o.currency();
    if (!confirm) {
      const usual = usualFloat(ledger.sessions.recentFloats());
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
      if (open) ledger.sessions.correctFloat({ sessionId: open.id, at, float, reason: 'Opening float', ...(staff ? { staff } : {}) });
      else ledger.sessions.open({ at, float, currency, ...(staff ? { staff } : {}) });
    });
    this.#o.failpoint?.(open ? 'float-corrected' : 'session-opened');
    return this.today()!;
  }

  /** A manager corrects the open session's float, with the reason: recorded beside the opening float, never over it. */
  correctFloat(float: number, reason: string, staff: string | undefined): DrawerSession {
    const ledger = this.#o.ledger;
    const open = ledger.sessions.current();
    if (!open) throw new TillError({ code: 'not_allowed', key: 'no_session', message: 'No drawer session is open - open one first.' });
    storage(() => ledger.sessions.correctFloat({ sessionId: open.id, at: this.#o.now(), float, reason, ...(staff ? { staff } : {}) }));
    this.#o.failpoint?.('float-corrected');
    return ledger.sessions.view(open);
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
    const chosen = () => (opts.sessionId !== undefined ? ledger.sessions.byId(opts.sessionId) : ledger.sessions.current());
    if (opts.sessionId !== undefined && (!chosen() || chosen()!.closed_at !== null))
      throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'That drawer session is not open.' });
    const refuseClosed = () => {
      const c = chosen();
      if (c && c.closed_at === null) return;
      if (opts.sessionId !== undefined)
        throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'That drawer session is not open.' });
      const last = ledger.sessions.last();
      if (last?.closed_at != null && localDate(last.closed_at) === localDate(this.#o.now()))
        throw new TillError({ code: 'not_allowed', key: 'day_closed', message: 'Today has been closed already.' });
    };
    refuseClosed();
    if (opts.handOver && (opts.sessionId !== undefined || ledger.sessions.allOpen().length > 1))
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
    const session = open ? ledger.sessions.view(open) : undefined;
    const float = session?.float ?? 0;
    const totals = session?.totals ?? [];
    const expected = expectedCash(
      float,
      totals.find((t) => t.currency === currency),
    );
    const moves = open ? ledger.sessions.cashMoves(open.id) : [];
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
        const id = open?.id ?? ledger.sessions.openImplicitInTransaction(at, currency);
        report.sessionId = id;
        if (
          !ledger.sessions.closeInTransaction({
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
        // Handed over: opened by whoever signs in next (or by the closer, when nobody signs in at this till).
        if (opts.handOver) ledger.sessions.openInTransaction({ at, float: counted, currency, ...(staff ? { handedBy: staff } : {}) });
        return id;
      }),
    );
    this.#o.failpoint?.('session-closed');
    return this.#dayState(ledger.sessions.byId(id)!);
  }

  /**
   * Cash paid in or out of the drawer without a sale, with the reason: changes the cash expected at closing of the
   * drawer session. Refused after a close (until a new session opens), and a paid out of more than the drawer should hold.
   */
  cashMove(kind: 'paid_in' | 'paid_out', amount: number, reason: string, staff: string | undefined): CashMove {
    this.requireSession('cash');
    const open = this.#o.ledger.sessions.current();
    const currency = open?.currency ?? this.#o.currency();
    if (kind === 'paid_out') this.refuseMoreThanHeld(amount, currency, 'amount');
    return storage(() => this.#o.ledger.recordCashMove({ at: this.#o.now(), kind, amount, currency, reason, ...(staff ? { staff } : {}) }));
  }

  /** Cash out of the drawer is refused when it is more than the drawer should hold now (the expected cash). */
  /** Refuses taking `amount` out of the drawer when its open session should not hold that much. */
  refuseMoreThanHeld(amount: number, currency: string, field: string): void {
    const open = this.#o.ledger.sessions.current();
    const held = open ? this.#o.ledger.sessions.view(open).expectedNow : 0;
    if (amount > held)
      throw new TillError({
        code: 'bad_request',
        field,
        message: `That is more than the drawer should hold (${formatMoney(Math.max(0, held), currency)}).`,
      });
  }

  /** Records that the drawer was opened without a sale (no sale), with who and when. */
  noSale(staff: string | undefined): CashMove {
    const open = this.#o.ledger.sessions.current();
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
}

function usualFloat(recent: number[]): number {
  if (!recent.length) return 0;
  const sorted = [...recent].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
