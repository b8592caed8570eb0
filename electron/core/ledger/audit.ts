/**
 * The audit trail in the ledger: baskets cleared, lines removed, switches between demo and a real MultiSafepay,
 * and the export of everything at the till besides the sales, a page at a time. Nothing in it can be changed or
 * deleted (triggers in db.ts). Part of the Ledger (`ledger.audit`).
 */
import type { AuditEvent } from '../../../shared/contract';
import { type AuditRow, localDate } from './rows';
import type { LedgerContext } from './statements';

export class AuditTrail {
  readonly #c: LedgerContext;

  constructor(c: LedgerContext) {
    this.#c = c;
  }

  /** Records an event of the audit trail (a basket cleared, a clear undone, a line removed). */
  record(e: { at: number; event: AuditEvent; amount: number; currency: string; lines?: number; detail?: string; staff?: string }): void {
    this.#c.atomically(() =>
      this.#c.q.insertAudit!.run(
        e.at,
        localDate(e.at),
        e.event,
        e.amount,
        e.currency,
        e.lines ?? 0,
        e.detail ?? '',
        e.staff ?? null,
        this.#c.openSession(),
      ),
    );
  }

  /** Records a switch between demo mode (training) and a real MultiSafepay, with who did it. */
  recordModeChange(at: number, mode: string, staff: string | undefined): void {
    this.#c.atomically(() => this.#c.q.insertModeLog!.run(at, localDate(at), mode, staff ?? null));
  }

  /**
   * What the till last knew of its mode: the mode the audit trail last recorded; with none recorded, whether the
   * newest sale was made in demo mode (a training sale); with no sale either, undefined (nothing known).
   */
  lastMode(): { mode: string } | { demo: boolean } | undefined {
    const r = this.#c.q.lastMode!.get() as { mode: string } | undefined;
    if (r) return { mode: r.mode };
    const newest = this.#c.q.newestTraining!.get() as { training: number } | undefined;
    return newest ? { demo: newest.training === 1 } : undefined;
  }

  /** The audit trail's rows of [from, to) (ms), oldest first, after `after`, a page at a time (`audit-export.ts`). */
  between(from: number, to: number, after: { at: number; key: string } | undefined, limit: number): AuditRow[] {
    const rows = this.#c.q.auditBetween!.all(from, to, after?.at ?? from - 1, after?.key ?? '', limit) as {
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
}
