/**
 * The totals of a day or a drawer session, from the ledger's rows: card outcomes and card types, tips, cash
 * tenders and their rounding, refunds per tender, VAT per rate, products sold less returns, paid in and out,
 * discounts, training sales and the audit trail's counts. The same SQL for both, on each key's own columns.
 */
import type { StatementSync } from 'node:sqlite';
import type { AuditEvent, Bucket, CashMoveKind, DayTotals } from '../../../shared/contract';
import { addVat } from '../../../shared/vat';
import { check, safeJson, VatSchema } from './rows';

/** What a card attempt charged, in SQL: MultiSafepay's amount once it said (`paidAmount`), else the amount asked. */
const CHARGED = `coalesce(json_extract(a.data, '$.paidAmount'), json_extract(a.data, '$.amount'))`;

const bucket = (): Bucket => ({ count: 0, amount: 0 });

export type TotalsStatements = Record<
  | 'paidVat'
  | 'refundVat'
  | 'products'
  | 'outcomes'
  | 'tips'
  | 'cardTypes'
  | 'cash'
  | 'refunds'
  | 'cashMoves'
  | 'returned'
  | 'receiptless'
  | 'receiptlessVat'
  | 'receiptlessProducts'
  | 'discounts'
  | 'training'
  | 'creditIssued'
  | 'creditSpent',
  StatementSync
>;

/**
 * The totals' queries for one key: a calendar date (the day each row moved on) or a drawer session (the session
 * open when it moved). The same SQL, on the key's own columns.
 */
export function totalsStatements(p: (sql: string) => StatementSync, by: 'day' | 'session'): TotalsStatements {
  const c =
    by === 'day'
      ? { paid: 'paid_day', cash: 'day', attempt: 'final_day', refund: 'day', move: 'day' }
      : { paid: 'paid_session', cash: 'session_id', attempt: 'final_session', refund: 'session_id', move: 'session_id' };
  return {
    paidVat: p(
      // A sale's VAT counts where it was paid in full (a part paid earlier adds none of it).
      `SELECT s.currency AS currency, s.vat AS vat FROM sales s WHERE s.${c.paid} = ?`,
    ),
    refundVat: p(`SELECT currency, vat FROM refunds WHERE ${c.refund} = ? AND state = 'done'`),
    products: p(
      `SELECT s.currency AS currency, json_extract(l.value, '$.productId') AS product_id, json_extract(l.value, '$.name') AS name,
              sum(json_extract(l.value, '$.quantity')) AS quantity,
              sum(json_extract(l.value, '$.quantity') * json_extract(l.value, '$.unitPrice')
                  - coalesce(json_extract(l.value, '$.discount.amount'), 0)) AS amount
       FROM sales s, json_each(s.lines) l
       WHERE s.${c.paid} = ?
       GROUP BY s.currency, coalesce(product_id, name) ORDER BY amount DESC LIMIT 500`,
    ),
    outcomes: p(
      `SELECT s.currency AS currency, a.state AS state, count(*) AS n, sum(${CHARGED}) AS amount
       FROM sales s JOIN attempts a ON a.sale_id = s.sale_id WHERE a.${c.attempt} = ? GROUP BY s.currency, a.state`,
    ),
    tips: p(
      `SELECT s.currency AS currency, coalesce(json_extract(a.data, '$.staff'), '') AS staff, count(*) AS n,
              sum(${CHARGED} - json_extract(a.data, '$.amount')) AS amount
       FROM sales s JOIN attempts a ON a.sale_id = s.sale_id
       WHERE a.${c.attempt} = ? AND a.state = 'completed' AND ${CHARGED} > json_extract(a.data, '$.amount') GROUP BY s.currency, staff`,
    ),
    cardTypes: p(
      `SELECT s.currency AS currency, coalesce(a.card_type, 'Unknown') AS type, count(*) AS n, sum(${CHARGED}) AS amount
       FROM sales s JOIN attempts a ON a.sale_id = s.sale_id WHERE a.${c.attempt} = ? AND a.state = 'completed' GROUP BY s.currency, type`,
    ),
    cash: p(
      `SELECT currency, count(*) AS n, sum(amount) AS amount, sum(rounding != 0) AS rounded, sum(rounding) AS rounding
       FROM tenders WHERE ${c.cash} = ? AND kind = 'cash' GROUP BY currency`,
    ),
    refunds: p(
      `SELECT currency, tender, count(*) AS n, sum(amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
       FROM refunds WHERE ${c.refund} = ? AND state = 'done' AND tender != 'credit' GROUP BY currency, tender`,
    ),
    cashMoves: p(`SELECT currency, kind, count(*) AS n, sum(amount) AS amount FROM cash_moves WHERE ${c.move} = ? GROUP BY currency, kind`),
    returned: p(
      `SELECT r.currency AS currency, l.product_id AS product_id, l.name AS name, sum(l.quantity) AS quantity, sum(l.amount) AS amount
       FROM refunds r JOIN returned_lines l ON l.refund_id = r.refund_id
       WHERE r.${c.refund} = ? AND r.state = 'done' GROUP BY r.currency, coalesce(l.product_id, l.name)`,
    ),
    // Returns without a receipt paid back in cash (one given as store credit moved no money: see creditIssued).
    receiptless: p(
      `SELECT currency, count(*) AS n, sum(amount) AS amount, sum(cash_rounding != 0) AS rounded, sum(cash_rounding) AS rounding
       FROM receiptless_returns WHERE ${c.refund} = ? AND credit_code IS NULL GROUP BY currency`,
    ),
    // Store credit: notes given (for returns without a receipt), and credit tenders that spent notes.
    creditIssued: p(
      `SELECT currency, count(*) AS n, sum(amount) AS amount FROM credit_notes WHERE ${c.refund} = ? AND origin IS NULL GROUP BY currency`,
    ),
    creditSpent: p(
      `SELECT currency, count(*) AS n, sum(amount) AS amount FROM tenders WHERE ${c.cash} = ? AND kind = 'credit' GROUP BY currency`,
    ),
    receiptlessVat: p(`SELECT currency, vat FROM receiptless_returns WHERE ${c.refund} = ?`),
    receiptlessProducts: p(
      `SELECT x.currency AS currency, json_extract(l.value, '$.productId') AS product_id, json_extract(l.value, '$.name') AS name,
              sum(json_extract(l.value, '$.quantity')) AS quantity, sum(json_extract(l.value, '$.amount')) AS amount
       FROM receiptless_returns x, json_each(x.lines) l WHERE x.${c.refund} = ? GROUP BY x.currency, coalesce(product_id, name)`,
    ),
    // Sales made in demo mode (training), paid in full, counted apart (they are in the totals too).
    training: p(
      `SELECT currency, count(*) AS n, sum(total) AS amount FROM sales s WHERE s.${c.paid} = ? AND s.training = 1 GROUP BY currency`,
    ),
    // The discounts on the sales of the key (a discount belongs to the sale it was taken with).
    discounts: p(
      `SELECT d.currency AS currency, count(*) AS n, sum(d.amount) AS amount
       FROM discounts d JOIN sales s ON s.sale_id = d.sale_id WHERE s.${c.paid} = ? GROUP BY d.currency`,
    ),
  };
}

/** A currency's totals of a day with nothing in them yet. */
export function emptyDayTotals(currency: string): DayTotals {
  return {
    currency,
    outcomes: { completed: bucket(), cancelled: bucket(), failed: bucket(), pending: bucket() },
    tenders: { card: bucket(), cash: bucket() },
    cardTypes: {},
    refunds: bucket(),
    refundsByTender: { card: bucket(), cash: bucket() },
    net: 0,
    vat: [],
  };
}

/**
 * The totals of one day or drawer session (`key`), one block per currency, from its rows only; `audit`: the
 * audit trail's counts of the day or of the session's time. Amounts in minor units.
 */
export function readTotals(q: TotalsStatements, key: string | number, audit: () => unknown[]): DayTotals[] {
  const by = new Map<string, DayTotals>();
  const of = (currency: string): DayTotals => {
    let t = by.get(currency);
    if (!t) by.set(currency, (t = emptyDayTotals(currency)));
    return t;
  };
  const add = (b: Bucket, n: number, amount: number) => {
    b.count += n;
    b.amount += amount;
  };
  for (const r of q.outcomes.all(key) as { currency: string; state: string; n: number; amount: number }[]) {
    const t = of(r.currency);
    const outcome = r.state === 'completed' || r.state === 'cancelled' || r.state === 'failed' ? r.state : 'pending';
    add(t.outcomes[outcome], r.n, r.amount);
    if (r.state === 'completed') add(t.tenders.card, r.n, r.amount);
  }
  for (const r of q.tips.all(key) as { currency: string; staff: string; n: number; amount: number }[]) {
    const t = of(r.currency);
    add((t.tips ??= bucket()), r.n, r.amount);
    if (r.staff) add(((t.tipsByStaff ??= {})[r.staff] ??= bucket()), r.n, r.amount);
  }
  for (const r of q.cardTypes.all(key) as { currency: string; type: string; n: number; amount: number }[])
    add((of(r.currency).cardTypes[r.type] ??= bucket()), r.n, r.amount);
  type Rounded = { rounded: number; rounding: number };
  // What was sold, per product (a typed amount per its name), of the day's sales paid in full, best sellers first.
  for (const r of q.products.all(key) as {
    currency: string;
    product_id: number | null;
    name: string;
    quantity: number;
    amount: number;
  }[])
    (of(r.currency).products ??= []).push({
      name: r.name,
      ...(r.product_id !== null ? { productId: r.product_id } : {}),
      quantity: r.quantity,
      amount: r.amount,
    });
  takeOffReturns(q, key, of);
  for (const r of q.cash.all(key) as ({ currency: string; n: number; amount: number } & Rounded)[]) {
    const t = of(r.currency);
    add(t.tenders.cash, r.n, r.amount);
    add(t.outcomes.completed, r.n, r.amount);
    if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, r.rounding);
  }
  for (const r of q.refunds.all(key) as ({
    currency: string;
    tender: 'card' | 'cash';
    n: number;
    amount: number;
  } & Rounded)[]) {
    const t = of(r.currency);
    add(t.refunds, r.n, r.amount);
    add(t.refundsByTender[r.tender], r.n, r.amount);
    // Money back from the drawer rounded down is money kept: the day's rounding moves the other way.
    if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, -r.rounding);
  }
  // Returns without a receipt: cash refunds of the day, their VAT taken off.
  for (const r of q.receiptless.all(key) as ({
    currency: string;
    n: number;
    amount: number;
  } & Rounded)[]) {
    const t = of(r.currency);
    add(t.refunds, r.n, r.amount);
    add(t.refundsByTender.cash, r.n, r.amount);
    if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, -r.rounding);
  }
  for (const [query, which] of [
    [q.creditIssued, 'issued'],
    [q.creditSpent, 'spent'],
  ] as const)
    for (const r of query.all(key) as { currency: string; n: number; amount: number }[]) {
      const t = of(r.currency);
      add((t.storeCredit ??= { issued: bucket(), spent: bucket() })[which], r.n, r.amount);
    }
  for (const r of q.receiptlessVat.all(key) as {
    currency: string;
    vat: string;
  }[]) {
    const t = of(r.currency);
    t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'return VAT'), -1);
  }
  for (const r of q.paidVat.all(key) as { currency: string; vat: string }[]) {
    const t = of(r.currency);
    t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'sale VAT'));
  }
  for (const r of q.refundVat.all(key) as { currency: string; vat: string }[]) {
    const t = of(r.currency);
    t.vat = addVat(t.vat ?? [], check(VatSchema, safeJson(r.vat), 'refund VAT'), -1);
  }
  const moveBucket = { paid_in: 'paidIn', paid_out: 'paidOut', no_sale: 'noSale' } as const;
  for (const r of q.cashMoves.all(key) as { currency: string; kind: CashMoveKind; n: number; amount: number }[])
    add((of(r.currency)[moveBucket[r.kind]] ??= bucket()), r.n, r.amount);
  for (const r of q.discounts.all(key) as { currency: string; n: number; amount: number }[])
    add((of(r.currency).discounts ??= bucket()), r.n, r.amount);
  for (const r of q.training.all(key) as { currency: string; n: number; amount: number }[])
    add((of(r.currency).training ??= bucket()), r.n, r.amount);
  for (const r of audit() as {
    currency: string;
    event: AuditEvent;
    n: number;
    amount: number;
  }[]) {
    const t = of(r.currency);
    add(((t.audit ??= {})[r.event] ??= bucket()), r.n, r.amount);
  }
  for (const t of by.values()) t.net = t.tenders.card.amount + t.tenders.cash.amount + (t.cashRounding?.amount ?? 0) - t.refunds.amount;
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * The returns of the day or session (refunds done then, and returns without a receipt) come off the products table, per product;
 * a product at nothing leaves it.
 */
function takeOffReturns(q: TotalsStatements, key: string | number, of: (currency: string) => DayTotals): void {
  type Row = { currency: string; product_id: number | null; name: string; quantity: number; amount: number };
  const rows = [...(q.returned.all(key) as Row[]), ...(q.receiptlessProducts.all(key) as Row[])];
  const touched = new Set<DayTotals>();
  for (const r of rows) {
    const t = of(r.currency);
    const list = (t.products ??= []);
    const same = list.find((p) => (r.product_id !== null ? p.productId === r.product_id : p.productId === undefined && p.name === r.name));
    if (same) {
      same.quantity -= r.quantity;
      same.amount -= r.amount;
    } else
      list.push({
        name: r.name,
        ...(r.product_id !== null ? { productId: r.product_id } : {}),
        quantity: -r.quantity,
        amount: -r.amount,
      });
    touched.add(t);
  }
  for (const t of touched) {
    t.products = t.products!.filter((p) => p.quantity !== 0 || p.amount !== 0).sort((a, b) => b.amount - a.amount);
    if (!t.products.length) delete t.products;
  }
}
