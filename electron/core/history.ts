/** History, day totals and receipts, derived from the journal (the journal is the only record). */
import type { AttemptSummary, Bucket, DayReport, RefundRecord, SaleRecord } from '../../shared/contract';
import { parseAmount } from '../../shared/money';
import { isFinal } from '../../shared/payment';
import type { AttemptSnapshot, JournalEntry } from './storage/journal';

export function buildHistory(entries: readonly JournalEntry[]): SaleRecord[] {
  const attempts = new Map<string, AttemptSnapshot>();
  const resolved = new Map<string, string>();
  const refunds = new Map<string, RefundRecord[]>();
  const sales = new Map<string, SaleRecord>();
  for (const e of entries) {
    if (e.k === 'attempt') attempts.set(e.attempt.orderId, e.attempt);
    else if (e.k === 'resolve') resolved.set(e.orderId, e.reason);
    else if (e.k === 'refund') {
      const list = refunds.get(e.saleId) ?? [];
      list.push({ orderId: e.orderId, amount: e.amount, at: e.at, ...(e.transactionId ? { transactionId: e.transactionId } : {}) });
      refunds.set(e.saleId, list);
    } else if (e.k === 'cash') {
      sales.set(e.saleId, {
        saleId: e.saleId,
        createdAt: e.at,
        lines: e.lines,
        total: e.total,
        currency: e.currency,
        tender: 'cash',
        status: 'paid',
        attempts: [],
        cash: { given: e.given, change: e.change },
        refunds: [],
      });
    }
  }
  for (const a of attempts.values()) {
    let sale = sales.get(a.saleId);
    if (!sale) {
      sale = {
        saleId: a.saleId,
        createdAt: a.createdAt,
        lines: a.lines,
        total: a.amount,
        currency: a.currency,
        tender: 'card',
        status: 'unpaid',
        attempts: [],
        refunds: [],
      };
      sales.set(a.saleId, sale);
    }
    const summary: AttemptSummary = { orderId: a.orderId, terminalId: a.terminalId, state: a.state, createdAt: a.createdAt };
    if (a.card) summary.card = a.card;
    if (a.transactionId) summary.transactionId = a.transactionId;
    if (a.message) summary.message = a.message;
    if (a.finalAt) summary.finalAt = a.finalAt;
    const reason = a.resolvedReason ?? resolved.get(a.orderId);
    if (reason) summary.resolvedReason = reason;
    sale.attempts.push(summary);
  }
  for (const sale of sales.values()) {
    sale.attempts.sort((x, y) => x.createdAt - y.createdAt);
    sale.refunds = refunds.get(sale.saleId) ?? [];
    if (sale.tender === 'card') {
      if (sale.attempts.some((a) => a.state === 'completed')) sale.status = 'paid';
      else if (sale.attempts.some((a) => !isFinal(a.state))) sale.status = 'pending';
      else sale.status = 'unpaid';
    }
    const refunded = sale.refunds.reduce((s, r) => s + r.amount, 0);
    if (sale.status === 'paid' && refunded > 0) sale.status = refunded >= sale.total ? 'refunded' : 'partially_refunded';
  }
  return [...sales.values()].sort((a, b) => b.createdAt - a.createdAt);
}

/** Search by order id, sale id or amount ("12.34" or "12,34"). */
export function searchHistory(sales: SaleRecord[], query: string | undefined): SaleRecord[] {
  const q = query?.trim();
  if (!q) return sales;
  const amount = parseAmount(q);
  const lower = q.toLowerCase();
  return sales.filter(
    (s) =>
      s.saleId.toLowerCase().includes(lower) ||
      s.attempts.some((a) => a.orderId.toLowerCase().includes(lower)) ||
      (amount !== null && s.total === amount),
  );
}

/** Local-time day bounds for YYYY-MM-DD. */
export function dayBounds(date: string): [number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const from = new Date(y, m - 1, d).getTime();
  const to = new Date(y, m - 1, d + 1).getTime();
  return [from, to];
}

export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const bucket = (): Bucket => ({ count: 0, amount: 0 });
const add = (b: Bucket, amount: number) => {
  b.count++;
  b.amount += amount;
};

export function dayReport(sales: SaleRecord[], date: string, currency: string): DayReport {
  const [from, to] = dayBounds(date);
  const report: DayReport = {
    date,
    currency,
    outcomes: { completed: bucket(), cancelled: bucket(), failed: bucket(), pending: bucket() },
    tenders: { card: bucket(), cash: bucket() },
    cardTypes: {},
    refunds: bucket(),
    net: 0,
  };
  for (const sale of sales) {
    for (const r of sale.refunds) if (r.at >= from && r.at < to) add(report.refunds, r.amount);
    if (sale.createdAt < from || sale.createdAt >= to) continue;
    if (sale.tender === 'cash') {
      add(report.tenders.cash, sale.total);
      add(report.outcomes.completed, sale.total);
      continue;
    }
    for (const a of sale.attempts) {
      const outcome = a.state === 'completed' || a.state === 'cancelled' || a.state === 'failed' ? a.state : 'pending';
      add(report.outcomes[outcome], sale.total);
      if (a.state === 'completed') {
        add(report.tenders.card, sale.total);
        const type = a.card?.type ?? 'Unknown';
        add((report.cardTypes[type] ??= bucket()), sale.total);
      }
    }
  }
  report.net = report.tenders.card.amount + report.tenders.cash.amount - report.refunds.amount;
  return report;
}
