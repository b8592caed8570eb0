/**
 * The bookkeeping journal: per drawer session, the sales per VAT rate (net and VAT), the tenders, refunds, cash
 * rounding, paid in and out and the cash difference, as a semicolon-separated CSV that Dutch bookkeeping packages
 * import (with a decimal comma when asked). One row per figure; the columns are in README.md ("The journal export").
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DayTotals, DrawerSession } from '../../shared/contract';
import { expectedCash } from '../../shared/cash';
import { toUnits } from '../../shared/money';
import type { Ledger } from './ledger/ledger';
import { csvCell } from './sales';
import { writePrivateFile } from './storage/private-file';

const HEADERS = {
  en: ['date', 'session', 'opened', 'closed', 'entry', 'vat_rate', 'net', 'vat', 'gross', 'count', 'currency'],
  nl: ['datum', 'sessie', 'geopend', 'gesloten', 'post', 'btw_tarief', 'netto', 'btw', 'bruto', 'aantal', 'valuta'],
} as const;

/** One figure of a session: what it is (`entry`), its amounts in minor units, and for sales its VAT rate. */
export interface JournalRow {
  entry: JournalEntry;
  rate?: number;
  net?: number;
  vat?: number;
  gross: number;
  count?: number;
  currency: string;
}

/** The journal's entries, in the order they are written. */
export type JournalEntry =
  | 'sales'
  | 'tender_card'
  | 'tender_cash'
  | 'tips'
  | 'refund_card'
  | 'refund_cash'
  | 'cash_rounding'
  | 'paid_in'
  | 'paid_out'
  /** Store credit notes given (returns without a receipt) and spent as a tender: no money moved. */
  | 'credit_issued'
  | 'credit_spent'
  | 'float'
  | 'expected_cash'
  | 'counted_cash'
  | 'cash_difference';

/** A session's journal rows, from its totals (as closed, or so far for a session still open). */
export function journalRows(s: DrawerSession): JournalRow[] {
  const rows: JournalRow[] = [];
  const blocks: DayTotals[] = s.totals.length ? s.totals : [];
  for (const t of blocks) {
    const c = t.currency;
    for (const v of t.vat ?? []) rows.push({ entry: 'sales', rate: v.rate, net: v.gross - v.vat, vat: v.vat, gross: v.gross, currency: c });
    rows.push({ entry: 'tender_card', gross: t.tenders.card.amount, count: t.tenders.card.count, currency: c });
    rows.push({ entry: 'tender_cash', gross: t.tenders.cash.amount, count: t.tenders.cash.count, currency: c });
    if (t.tips) rows.push({ entry: 'tips', gross: t.tips.amount, count: t.tips.count, currency: c });
    rows.push({ entry: 'refund_card', gross: t.refundsByTender.card.amount, count: t.refundsByTender.card.count, currency: c });
    rows.push({ entry: 'refund_cash', gross: t.refundsByTender.cash.amount, count: t.refundsByTender.cash.count, currency: c });
    rows.push({ entry: 'cash_rounding', gross: t.cashRounding?.amount ?? 0, count: t.cashRounding?.count ?? 0, currency: c });
    rows.push({ entry: 'paid_in', gross: t.paidIn?.amount ?? 0, count: t.paidIn?.count ?? 0, currency: c });
    rows.push({ entry: 'paid_out', gross: t.paidOut?.amount ?? 0, count: t.paidOut?.count ?? 0, currency: c });
    if (t.storeCredit) {
      rows.push({ entry: 'credit_issued', gross: t.storeCredit.issued.amount, count: t.storeCredit.issued.count, currency: c });
      rows.push({ entry: 'credit_spent', gross: t.storeCredit.spent.amount, count: t.storeCredit.spent.count, currency: c });
    }
  }
  // The drawer's own figures, in the session's currency.
  const c = s.currency;
  const expected =
    s.expected ??
    expectedCash(
      s.float,
      blocks.find((t) => t.currency === c),
    );
  rows.push({ entry: 'float', gross: s.float, currency: c });
  rows.push({ entry: 'expected_cash', gross: expected, currency: c });
  if (s.counted !== undefined) {
    rows.push({ entry: 'counted_cash', gross: s.counted, currency: c });
    rows.push({ entry: 'cash_difference', gross: s.counted - expected, currency: c });
  }
  return rows;
}

/** An amount for the journal: units with a point, or a comma (`decimalComma`), never a thousands separator. */
const amount = (minor: number | undefined, currency: string, comma: boolean) => {
  if (minor === undefined) return '';
  const text = toUnits(minor, currency);
  return comma ? text.replace('.', ',') : text;
};

/** A time as local "YYYY-MM-DD HH:MM" (what a bookkeeper reads), or empty. */
function localTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Writes the journal of the drawer sessions opened from `from` to `to` (local dates) into `dir`: a new file, created
 * exclusively and readable by the till's user only, renamed into place once complete.
 */
export async function exportJournal(
  ledger: Ledger,
  dir: string,
  from: string,
  to: string,
  opts: { language: 'en' | 'nl'; decimalComma: boolean },
): Promise<{ path: string; rows: number }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `journal-${from}-to-${to}.csv`);
  return writePrivateFile(path, async (_tmp, out) => {
    await out.write(`${HEADERS[opts.language].map(csvCell).join(';')}\n`);
    let rows = 0;
    for (const row of ledger.sessions.openedBetween(from, to)) {
      const s = ledger.sessions.view(row);
      let chunk = '';
      for (const r of journalRows(s)) {
        const cells = [
          s.day,
          String(s.id),
          localTime(s.openedAt),
          localTime(s.closedAt),
          r.entry,
          r.rate !== undefined ? String(r.rate).replace('.', opts.decimalComma ? ',' : '.') : '',
          amount(r.net, r.currency, opts.decimalComma),
          amount(r.vat, r.currency, opts.decimalComma),
          amount(r.gross, r.currency, opts.decimalComma),
          r.count !== undefined ? String(r.count) : '',
          r.currency,
        ];
        chunk += `${cells.map(csvCell).join(';')}\n`;
        rows++;
      }
      await out.write(chunk);
      await new Promise<void>((r) => setImmediate(r));
    }
    return { path, rows };
  });
}
