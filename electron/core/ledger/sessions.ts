/**
 * Drawer sessions (shifts) in the ledger: open and close them, the session money moving now belongs to, float
 * corrections, and a session as the contract shows it (its totals and expected cash). Amounts in minor units,
 * times in ms. Part of the Ledger (`ledger.sessions`), on its database and statements.
 */
import type { StatementSync } from 'node:sqlite';
import type { CashMove, DayState, DayTotals, DenominationCounts, DrawerSession, FloatCorrection } from '../../../shared/contract';
import { expectedCash } from '../../../shared/cash';
import { cashMoveOf, check, CountsSchema, dayBounds, localDate, safeJson, type SessionRow, SessionRowSchema } from './rows';

export class DrawerSessions {
  readonly #q: Record<string, StatementSync>;
  readonly #atomically: <T>(fn: () => T) => T;
  readonly #totals: (sessionId: number) => DayTotals[];

  constructor(q: Record<string, StatementSync>, atomically: <T>(fn: () => T) => T, totals: (sessionId: number) => DayTotals[]) {
    this.#q = q;
    this.#atomically = atomically;
    this.#totals = totals;
  }

  /** Set while older money is imported (the journal import): it belongs to no drawer session. */
  #noSessions = false;

  /** Runs `fn` as one transaction whose money belongs to no drawer session (imported from before sessions). */
  without<T>(fn: () => T): T {
    this.#noSessions = true;
    try {
      return this.#atomically(fn);
    } finally {
      this.#noSessions = false;
    }
  }

  /** The open drawer session's id, if one is open (none while money from before sessions is imported). */
  openId(): number | null {
    if (this.#noSessions) return null;
    return (this.#q.currentSession!.get() as { id: number } | undefined)?.id ?? null;
  }

  /**
   * The drawer session money moving now belongs to: the open one, or - money moved while none is open (a card that
   * turned out paid after a close, a sale on a till that never opened one) - a session opened for it with no float.
   * Inside the caller's transaction, so the money and its session are one durable step.
   */
  moneySession(at: number, currency: string): number | null {
    if (this.#noSessions) return null;
    return this.openImplicitInTransaction(at, currency);
  }

  /** The open drawer session, if any. */
  current(): SessionRow | undefined {
    const r = this.#q.currentSession!.get();
    return r ? check(SessionRowSchema, r, 'drawer session') : undefined;
  }

  /** Every open drawer session, oldest first: one, or more when days never closed were kept open by the migration. */
  allOpen(): SessionRow[] {
    return (this.#q.openSessions!.all() as unknown[]).map((r) => check(SessionRowSchema, r, 'drawer session'));
  }

  /** The newest drawer session (open or closed), if any. */
  last(): SessionRow | undefined {
    const r = this.#q.lastSession!.get();
    return r ? check(SessionRowSchema, r, 'drawer session') : undefined;
  }

  byId(id: number): SessionRow | undefined {
    const r = this.#q.sessionById!.get(id);
    return r ? check(SessionRowSchema, r, 'drawer session') : undefined;
  }

  /** Drawer sessions opened on a date (`opened`), or open at any time during it (`during`, its local bounds). */
  of(date: string, which: 'opened' | 'during' = 'during'): SessionRow[] {
    const [from, to] = dayBounds(date);
    const rows = which === 'opened' ? this.#q.sessionsOfDay!.all(date) : this.#q.sessionsDuring!.all(to, from, date);
    return (rows as unknown[]).map((r) => check(SessionRowSchema, r, 'drawer session'));
  }

  /** Drawer sessions opened from `from` to `to` (local dates), oldest first, read a page at a time. */
  *openedBetween(from: string, to: string): Generator<SessionRow> {
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
  open(d: { at: number; float: number; currency: string; staff?: string }): number {
    return this.#atomically(() => this.openInTransaction(d));
  }

  /** `handedBy`: opened by a hand-over from this person; who opened it is then whoever signs in next (`takeOver`). */
  openInTransaction(d: { at: number; float: number; currency: string; staff?: string; handedBy?: string }): number {
    if (this.openId() !== null) throw new Error('A drawer session is open already');
    return Number(
      (this.#q.openSession!.get(localDate(d.at), d.at, d.staff ?? null, d.float, d.currency, d.handedBy ?? null) as { id: number }).id,
    );
  }

  /** The first person to sign in after a hand-over takes the open session over: it is then opened by them. */
  takeOver(staff: string): boolean {
    return Number(this.#atomically(() => this.#q.takeOver!.run(staff)).changes) === 1;
  }

  /** Opens a drawer session with no float for a close of a till that had none open (inside the caller's transaction). */
  openImplicitInTransaction(at: number, currency: string): number {
    return this.openId() ?? Number((this.#q.openImplicit!.get(localDate(at), at, currency) as { id: number }).id);
  }

  /** Closes a drawer session once; false if it was closed already. */
  closeInTransaction(d: {
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
    this.#atomically(() => this.#q.insertCorrection!.run(c.sessionId, c.at, c.float, c.reason, c.staff ?? null));
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
  cashMoves(sessionId: number, limit = 500): CashMove[] {
    return (this.#q.cashMovesOfSession!.all(sessionId, limit) as unknown[]).map(cashMoveOf);
  }

  /** A drawer session as the contract shows it, with its totals (as closed, or so far) and its expected cash. */
  view(row: SessionRow, withTotals = true): DrawerSession {
    const corrections = this.floatCorrections(row);
    const float = corrections.length ? corrections[corrections.length - 1]!.float : row.float;
    const report = row.report !== null ? (safeJson(row.report) as DayState['report']) : undefined;
    // The totals of a session still open are added up from its rows: only when asked (not for today's state).
    const totals = report?.totals ?? (withTotals ? this.#totals(row.id) : []);
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
    if (row.handed_by) s.handedOverBy = row.handed_by;
    if (corrections.length) s.corrections = corrections;
    if (row.closed_at !== null) s.closedAt = row.closed_at;
    if (row.closed_by) s.closedBy = row.closed_by;
    if (row.counted !== null) s.counted = row.counted;
    if (row.expected !== null) s.expected = row.expected;
    if (row.counts !== null) s.counts = check(CountsSchema, safeJson(row.counts), 'count sheet');
    if (report) s.report = report;
    return s;
  }
}
