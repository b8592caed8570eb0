/**
 * Sale records as the screen and the core read them, built from the ledger's rows: a sale's attempts (as
 * summaries), its cash tender, its refunds with the lines each gave back, its receipt numbers and its status.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { AttemptSummary, RefundRecord, ReturnedLine, SaleRecord } from '../../../shared/contract';
import { saleStatus } from '../../../shared/sale';
import type { StatusReader } from '../payments/provider';
import {
  type AttemptSnapshot,
  AttemptSnapshotSchema,
  CashTenderRowSchema,
  check,
  CreditTenderRowSchema,
  LedgerRowError,
  LinesSchema,
  RefundRowSchema,
  ReturnedLineRowSchema,
  safeJson,
  type SaleRow,
  VatSchema,
} from './rows';

/** An attempt's snapshot from its row's JSON, checked. */
export function attemptOf(data: string): AttemptSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new LedgerRowError('attempt');
  }
  return check(AttemptSnapshotSchema, parsed, 'attempt') as AttemptSnapshot;
}

/** The returns of these sales, per refund: the lines given back and why. */
function returnedOf(db: DatabaseSync, ids: string[], marks: string): Map<string, { lines: ReturnedLine[]; reason: string }> {
  const out = new Map<string, { lines: ReturnedLine[]; reason: string }>();
  const rows = db
    .prepare(
      `SELECT l.*, x.reason AS reason FROM returned_lines l LEFT JOIN returns x ON x.refund_id = l.refund_id
       WHERE l.sale_id IN (${marks}) ORDER BY l.refund_id, l.line_index`,
    )
    .all(...ids);
  for (const raw of rows) {
    const r = check(ReturnedLineRowSchema, raw, 'returned line');
    const ret = out.get(r.refund_id) ?? out.set(r.refund_id, { lines: [], reason: r.reason ?? '' }).get(r.refund_id)!;
    ret.lines.push({
      index: r.line_index,
      name: r.name,
      ...(r.product_id !== null ? { productId: r.product_id } : {}),
      quantity: r.quantity,
      unitPrice: r.unit_price,
      amount: r.amount,
      vatRate: r.vat_rate,
      vat: r.vat,
    });
  }
  return out;
}

/** The sales of these rows as records: their attempts, cash tender, refunds with their returns, receipts and status. */
export function saleRecords(db: DatabaseSync, readStatus: StatusReader | undefined, rows: SaleRow[]): SaleRecord[] {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.sale_id);
  const marks = ids.map(() => '?').join(',');
  const attempts = new Map<string, AttemptSnapshot[]>();
  for (const r of db.prepare(`SELECT data FROM attempts WHERE sale_id IN (${marks}) ORDER BY created_at`).all(...ids) as {
    data: string;
  }[]) {
    const a = attemptOf(r.data);
    (attempts.get(a.saleId) ?? attempts.set(a.saleId, []).get(a.saleId)!).push(a);
  }
  const receipts = new Map<string, { number: number; at: number }>();
  for (const r of db.prepare(`SELECT number, sale_id, refund_id, at FROM receipts WHERE sale_id IN (${marks})`).all(...ids) as {
    number: number;
    sale_id: string;
    refund_id: string | null;
    at: number;
  }[])
    receipts.set(r.refund_id ?? `sale:${r.sale_id}`, { number: r.number, at: r.at });
  const returned = returnedOf(db, ids, marks);
  const cash = new Map<string, NonNullable<SaleRecord['cash']>>();
  for (const raw of db
    .prepare(`SELECT sale_id, amount, given, change, step, rounding FROM tenders WHERE sale_id IN (${marks}) AND kind = 'cash'`)
    .all(...ids)) {
    const t = check(CashTenderRowSchema, raw, 'cash tender');
    cash.set(t.sale_id, {
      given: t.given,
      change: t.change,
      amount: t.amount,
      ...(t.step ? { step: t.step } : {}),
      ...(t.rounding ? { rounding: t.rounding } : {}),
    });
  }
  const credit = new Map<string, NonNullable<SaleRecord['credit']>>();
  for (const raw of db
    .prepare(
      // What was left on the note after this tender spent it (the same on every reprint).
      `SELECT t.sale_id, t.amount, t.at, t.credit_code,
              coalesce(t.credit_left, (SELECT c.amount FROM credit_notes c WHERE c.code = t.credit_code)
                - (SELECT sum(s.amount) FROM tenders s WHERE s.kind = 'credit' AND s.credit_code = t.credit_code AND s.tender_id <= t.tender_id))
                AS left_after
       FROM tenders t WHERE t.sale_id IN (${marks}) AND t.kind = 'credit' ORDER BY t.tender_id`,
    )
    .all(...ids)) {
    const t = check(CreditTenderRowSchema, raw, 'credit tender');
    (credit.get(t.sale_id) ?? credit.set(t.sale_id, []).get(t.sale_id)!).push({
      code: t.credit_code,
      amount: t.amount,
      at: t.at,
      left: t.left_after,
    });
  }
  const refunds = new Map<string, RefundRecord[]>();
  for (const raw of db.prepare(`SELECT * FROM refunds WHERE sale_id IN (${marks}) ORDER BY at`).all(...ids)) {
    const r = check(RefundRowSchema, raw, 'refund');
    const rec: RefundRecord = {
      refundId: r.refund_id,
      orderId: r.order_id,
      amount: r.amount,
      at: r.at,
      state: r.state,
      tender: r.tender,
      vat: check(VatSchema, safeJson(r.vat), 'refund VAT'),
    };
    if (r.transaction_id) rec.transactionId = r.transaction_id;
    if (r.staff) rec.staff = r.staff;
    if (r.cash_rounding) rec.rounding = r.cash_rounding;
    if (r.credit_code) rec.creditNote = r.credit_code;
    const vat = VatSchema.safeParse(safeJson(r.vat));
    if (vat.success && vat.data.length) rec.vat = vat.data;
    const receipt = receipts.get(r.refund_id);
    if (receipt !== undefined) rec.receiptNumber = receipt.number;
    const back = returned.get(r.refund_id);
    if (back) Object.assign(rec, back);
    (refunds.get(r.sale_id) ?? refunds.set(r.sale_id, []).get(r.sale_id)!).push(rec);
  }
  return rows.map((row) => {
    const lines = check(LinesSchema, safeJson(row.lines), 'sale lines');
    const sale: SaleRecord = {
      saleId: row.sale_id,
      createdAt: row.created_at,
      lines,
      total: row.total,
      currency: row.currency,
      tender: row.tender,
      status: 'unpaid',
      vat: check(VatSchema, safeJson(row.vat), 'sale VAT'),
      attempts: (attempts.get(row.sale_id) ?? []).map((a) => summary(a, readStatus)),
      refunds: refunds.get(row.sale_id) ?? [],
    };
    const receipt = receipts.get(`sale:${row.sale_id}`);
    if (receipt !== undefined) {
      sale.receiptNumber = receipt.number;
      sale.receiptAt = receipt.at;
    }
    if (row.staff) sale.staff = row.staff;
    const paidInCash = cash.get(row.sale_id);
    if (paidInCash) sale.cash = paidInCash;
    const byCredit = credit.get(row.sale_id);
    if (byCredit) sale.credit = byCredit;
    sale.status = saleStatus(sale);
    return sale;
  });
}

function summary(a: AttemptSnapshot, readStatus: StatusReader | undefined): AttemptSummary {
  const s: AttemptSummary = { orderId: a.orderId, terminalId: a.terminalId, state: a.state, createdAt: a.createdAt, amount: a.amount };
  if (a.paidAmount !== undefined) s.paidAmount = a.paidAmount;
  if (a.card) s.card = a.card;
  if (a.transactionId) s.transactionId = a.transactionId;
  if (a.message) s.message = a.message;
  if (a.finalAt) s.finalAt = a.finalAt;
  if (a.resolvedReason) s.resolvedReason = a.resolvedReason;
  if (a.mspStatus) s.mspStatus = a.mspStatus;
  if (a.reason) s.reason = a.reason;
  const after = afterOf(a, readStatus);
  if (after) s.after = after;
  return s;
}

/** What became of a paid card attempt at the provider since, in provider-neutral words (see shared/sale.ts). */
function afterOf(a: AttemptSnapshot, readStatus: StatusReader | undefined): AttemptSummary['after'] {
  if (a.state !== 'completed' || !a.mspStatus || !readStatus) return undefined;
  const reading = readStatus(a.mspStatus);
  if (reading.class === 'not_paid') return 'reversed';
  return reading.after;
}
