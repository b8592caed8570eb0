/** The day's report as the core stores it at closing (`DayState.report`), read defensively: it crosses as unknown. */
import type { DayCloseReport, DayState } from '../../shared/contract';

/** The report the core stores when a day is closed; `reconciliation` may be missing from an older one. */
export type ClosingReport = Omit<DayCloseReport, 'reconciliation'> & { reconciliation?: DayCloseReport['reconciliation'] };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function closingReport(day: DayState): ClosingReport | undefined {
  const r = day.report as Partial<ClosingReport> | null | undefined;
  if (!r || typeof r !== 'object' || !isNum(r.expected) || !isNum(r.counted) || !Array.isArray(r.totals)) return undefined;
  return {
    date: typeof r.date === 'string' ? r.date : day.day,
    currency: typeof r.currency === 'string' ? r.currency : day.currency,
    float: isNum(r.float) ? r.float : day.float,
    expected: r.expected,
    counted: r.counted,
    difference: isNum(r.difference) ? r.difference : r.counted - r.expected,
    totals: r.totals,
    ...(r.reconciliation ? { reconciliation: r.reconciliation } : {}),
    ...(Array.isArray(r.cashMoves) ? { cashMoves: r.cashMoves } : {}),
  };
}

/** Today's date on this computer (YYYY-MM-DD), the way the core names days. */
export function localDay(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Cash expected in the drawer (shared with the core). */
export { expectedCash } from '../../shared/cash';
