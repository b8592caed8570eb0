/**
 * The sign-in record in the ledger (table `staff_log`): wrong PINs, lockouts, unlocks, new PINs, sign-ins and
 * managers' inline approvals, with the till and who did it. Part of the Ledger (`ledger.staffEvents`).
 */
import type { StaffLogEntry } from './rows';
import type { LedgerContext } from './statements';

export class StaffEvents {
  readonly #c: LedgerContext;

  constructor(c: LedgerContext) {
    this.#c = c;
  }

  /** Records a sign-in event (a wrong PIN, a lockout, an unlock, a new PIN, a sign-in). */
  record(e: StaffLogEntry): void {
    this.#c.q.staffEvent!.run(e.at, e.till, e.staffId, e.event, e.by ?? null);
  }

  /** A member's wrong PINs since their last sign-in, unlock or new PIN, the last one's time, and whether that locked them. */
  pinFailures(staffId: string): { failures: number; lastAt?: number; locked: boolean } {
    const rows = this.#c.q.staffSince!.all(staffId, staffId) as { event: StaffLogEntry['event']; at: number }[];
    const failed = rows.filter((r) => r.event === 'pin_failed');
    return {
      failures: failed.length,
      ...(failed.length ? { lastAt: failed[failed.length - 1]!.at } : {}),
      locked: rows.some((r) => r.event === 'locked'),
    };
  }

  /** The newest sign-in events, newest first. */
  recent(limit = 100): StaffLogEntry[] {
    return (
      this.#c.q.staffLog!.all(limit) as { at: number; till: string; staff_id: string; event: StaffLogEntry['event']; by: string | null }[]
    ).map((r) => ({ at: r.at, till: r.till, staffId: r.staff_id, event: r.event, ...(r.by !== null ? { by: r.by } : {}) }));
  }
}
