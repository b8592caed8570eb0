/**
 * The audit trail as one CSV: what happened at the till besides the sales themselves, oldest first - baskets cleared
 * and lines removed before payment, drawer opens without a sale, paid in and out, discounts (and who approved them),
 * wrong PINs, lockouts, unlocks, PIN resets, sign-ins and managers' approvals, catalog changes, float corrections and
 * terminals released by a supervisor. Read from the ledger's append-only tables (none can be edited or deleted);
 * written as a new file readable by the till's user only, every cell quoted (`csvCell`).
 *
 * Columns: `time` (local, YYYY-MM-DD HH:MM:SS), `event`, `staff` (who did it: a name; the staff id for PIN events,
 * which the staff log keeps by id), `approved_by`, `amount` (currency
 * units, e.g. 12.50; empty when none), `currency`, `detail` (a reason, a product, an order id).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toUnits } from '../../shared/money';
import type { AuditRow, Ledger } from './ledger/ledger';
import { csvCell } from './sales';
import { writePrivateFile } from './storage/private-file';

export const AUDIT_HEADER = ['time', 'event', 'staff', 'approved_by', 'amount', 'currency', 'detail'] as const;

/** Writes the audit trail of [from, to] (local dates, both included) into `dir`; returns the file and its rows. */
export async function exportAudit(ledger: Ledger, dir: string, from: string, to: string): Promise<{ path: string; rows: number }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `audit-${from}-to-${to}.csv`);
  const start = new Date(`${from}T00:00:00`).getTime();
  const end = new Date(`${to}T00:00:00`).getTime() + 86_400_000;
  return writePrivateFile(path, async (_tmp, out) => {
    await out.write(`${AUDIT_HEADER.map(csvCell).join(',')}\n`);
    let rows = 0;
    let after: { at: number; key: string } | undefined;
    for (;;) {
      const page = ledger.audit.between(start, end, after, 500);
      if (!page.length) break;
      await out.write(page.map((r) => `${cells(r).map(csvCell).join(',')}\n`).join(''));
      rows += page.length;
      const last = page[page.length - 1]!;
      after = { at: last.at, key: last.key };
      await new Promise<void>((r) => setImmediate(r));
    }
    return { path, rows };
  });
}

function cells(r: AuditRow): string[] {
  return [
    localTime(r.at),
    r.event,
    r.staff ?? '',
    r.approvedBy ?? '',
    r.amount !== null && r.currency ? toUnits(r.amount, r.currency) : '',
    r.currency ?? '',
    r.detail ?? '',
  ];
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
