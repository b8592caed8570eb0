/**
 * The shop's day across its tills, read from the shop database (the rows each till shipped): per till its totals
 * as the till's own day report counts them - card and cash tenders, refunds, VAT per rate, cash rounding, paid in
 * and out - and its drawer (float, expected, counted); and all tills together. A row counts on the day its till
 * gave it (its own clock), as on the till itself, so a till whose clock is off shows its sales on the day it
 * printed on their receipts; how far its clock is off is shown beside it.
 */
import type pg from 'pg';
import type { DayTotals, Reconciliation, ShopDay, ShopTillDay } from '../../../shared/contract';
import { expectedCash } from '../../../shared/cash';
import { spentSql } from './credit';
import { addVat } from '../../../shared/vat';
import { type AttemptSnapshot, AttemptSnapshotSchema, dayBounds, emptyDayTotals } from '../ledger/ledger';

type Bucket = { count: number; amount: number };
const bucket = (): Bucket => ({ count: 0, amount: 0 });
const add = (b: Bucket, n: number, amount: number) => {
  b.count += n;
  b.amount += amount;
};

const CHARGED = `coalesce((row->'data'->>'paidAmount')::bigint, (row->'data'->>'amount')::bigint)`;

const Q = {
  tills: `SELECT till_id::text, name, (extract(epoch FROM last_seen) * 1000)::bigint AS last_seen, clock_skew_ms,
                 count(*) OVER (PARTITION BY name)::int AS same_name
          FROM tills ORDER BY name, first_seen`,
  outcomes: `SELECT till_id::text, row->'data'->>'currency' AS currency, row->>'state' AS state, coalesce(row->>'card_type', 'Unknown') AS card_type,
                    count(*)::int AS n, sum(${CHARGED})::bigint AS amount
             FROM shop_rows WHERE tbl = 'attempts' AND day = $1 GROUP BY 1, 2, 3, 4`,
  // The cash tenders of the day; a till on a version from before tenders shipped its cash parts on the sales rows,
  // read from there for each sale whose cash tender has not arrived (a till ships its older cash parts as tenders
  // when it updates).
  cash: `SELECT till_id, currency, sum(n)::int AS n, sum(amount)::bigint AS amount, sum(rounded)::int AS rounded,
                sum(rounding)::bigint AS rounding FROM (
           SELECT till_id::text, row->>'currency' AS currency, count(*) AS n, sum((row->>'amount')::bigint) AS amount,
                  sum(((row->>'rounding')::bigint <> 0)::int) AS rounded, sum((row->>'rounding')::bigint) AS rounding
           FROM shop_rows WHERE tbl = 'tenders' AND day = $1 AND row->>'kind' = 'cash' GROUP BY 1, 2
           UNION ALL
           SELECT s.till_id::text, s.row->>'currency', count(*), sum((s.row->>'cash_amount')::bigint),
                  sum(((s.row->>'cash_rounding')::bigint <> 0)::int), sum((s.row->>'cash_rounding')::bigint)
           FROM shop_rows s WHERE s.tbl = 'sales' AND s.cash_day = $1 AND s.row->>'cash_amount' IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM shop_rows t WHERE t.till_id = s.till_id AND t.tbl = 'tenders'
                               AND t.row->>'sale_id' = s.row_key AND t.row->>'kind' = 'cash')
           GROUP BY 1, 2) x GROUP BY 1, 2`,
  refunds: `SELECT till_id::text, row->>'currency' AS currency, row->>'tender' AS tender, count(*)::int AS n,
                   sum((row->>'amount')::bigint)::bigint AS amount, sum(((row->>'cash_rounding')::bigint <> 0)::int)::int AS rounded,
                   sum((row->>'cash_rounding')::bigint)::bigint AS rounding
            FROM shop_rows WHERE tbl = 'refunds' AND day = $1 AND row->>'state' = 'done' AND row->>'tender' <> 'credit' GROUP BY 1, 2, 3`,
  // A sale's VAT counts on the day it was paid in full (paid_day); a sales row shipped by a till from before paid_day
  // was counted as that till counted it then: on its own day, once cash or a card had paid.
  vat: `SELECT s.till_id::text, s.row->>'currency' AS currency, (v->>'rate')::float8 AS rate,
               sum((v->>'gross')::bigint)::bigint AS gross, sum((v->>'vat')::bigint)::bigint AS vat, 1 AS sign
        FROM shop_rows s, jsonb_array_elements(s.row->'vat') v
        WHERE s.tbl = 'sales' AND s.row->>'paid_day' = $1
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT s.till_id::text, s.row->>'currency', (v->>'rate')::float8, sum((v->>'gross')::bigint)::bigint, sum((v->>'vat')::bigint)::bigint, 1
        FROM shop_rows s, jsonb_array_elements(s.row->'vat') v
        WHERE s.tbl = 'sales' AND s.day = $1 AND NOT (s.row ? 'paid_day') AND (s.row->>'tender' = 'cash' OR EXISTS (
          SELECT 1 FROM shop_rows a WHERE a.tbl = 'attempts' AND a.till_id = s.till_id AND a.row->>'sale_id' = s.row_key
            AND a.row->>'state' = 'completed'))
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT r.till_id::text, r.row->>'currency', (v->>'rate')::float8, sum((v->>'gross')::bigint)::bigint, sum((v->>'vat')::bigint)::bigint, -1
        FROM shop_rows r, jsonb_array_elements(r.row->'vat') v
        WHERE r.tbl = 'refunds' AND r.day = $1 AND r.row->>'state' = 'done' GROUP BY 1, 2, 3
        UNION ALL
        SELECT x.till_id::text, x.row->>'currency', (v->>'rate')::float8, sum((v->>'gross')::bigint)::bigint, sum((v->>'vat')::bigint)::bigint, -1
        FROM shop_rows x, jsonb_array_elements(x.row->'vat') v
        WHERE x.tbl = 'receiptless_returns' AND x.day = $1 GROUP BY 1, 2, 3`,
  // Returns without a receipt paid back from the drawer (one given as store credit moved no money).
  receiptless: `SELECT till_id::text, row->>'currency' AS currency, count(*)::int AS n, sum((row->>'amount')::bigint)::bigint AS amount,
                       sum(((row->>'cash_rounding')::bigint <> 0)::int)::int AS rounded, sum((row->>'cash_rounding')::bigint)::bigint AS rounding
                FROM shop_rows WHERE tbl = 'receiptless_returns' AND day = $1 AND row->>'credit_code' IS NULL GROUP BY 1, 2`,
  // Store credit notes given, and credit tenders that spent notes.
  credit: `SELECT till_id::text, row->>'currency' AS currency, 'issued' AS which, count(*)::int AS n, sum((row->>'amount')::bigint)::bigint AS amount
           FROM shop_rows WHERE tbl = 'credit_notes' AND day = $1 AND (row->>'origin') IS NULL GROUP BY 1, 2
           UNION ALL
           SELECT till_id::text, row->>'currency', 'spent', count(*)::int, sum((row->>'amount')::bigint)::bigint
           FROM shop_rows WHERE tbl = 'tenders' AND day = $1 AND row->>'kind' = 'credit' GROUP BY 1, 2`,
  // Credit notes spent that day, with all that tills spent of them (claims, and shipped credit tenders without one).
  overdrawn: `SELECT code, currency, amount, spent FROM (
                SELECT c.code, n.row->>'currency' AS currency, (n.row->>'amount')::bigint AS amount, ${spentSql('c.code')} AS spent
                FROM (SELECT DISTINCT row->>'credit_code' AS code FROM shop_rows WHERE tbl = 'tenders' AND day = $1 AND row->>'kind' = 'credit') c
                JOIN shop_rows n ON n.tbl = 'credit_notes' AND n.row_key = c.code AND (n.row->>'origin') IS NULL) o
              WHERE spent > amount ORDER BY code`,
  moves: `SELECT till_id::text, row->>'currency' AS currency, row->>'kind' AS kind, count(*)::int AS n, sum((row->>'amount')::bigint)::bigint AS amount
          FROM shop_rows WHERE tbl = 'cash_moves' AND day = $1 GROUP BY 1, 2, 3`,
  // The drawer sessions the till opened that day: the first one's float, the last one's close, and the cash
  // differences of those closed (counted less expected).
  days: `SELECT till_id::text, (array_agg(row ORDER BY (row->>'id')::bigint))[1] AS first,
           (array_agg(row ORDER BY (row->>'id')::bigint DESC))[1] AS last, count(*)::int AS sessions,
           sum(CASE WHEN row->>'closed_at' IS NOT NULL AND row->>'counted' IS NOT NULL
                    THEN (row->>'counted')::bigint - (row->>'expected')::bigint ELSE 0 END)::bigint AS difference
         FROM shop_rows WHERE tbl = 'drawer_sessions' AND day = $1 GROUP BY 1`,
  attempts: `SELECT a.till_id::text, t.name, a.row->'data' AS data FROM shop_rows a JOIN tills t USING (till_id)
             WHERE a.tbl = 'attempts' AND (a.row->>'created_at')::bigint >= $1 AND (a.row->>'created_at')::bigint < $2
               AND ((a.row->>'created_at')::bigint > $3 OR ((a.row->>'created_at')::bigint = $3 AND a.row_key > $4))
             ORDER BY (a.row->>'created_at')::bigint, a.row_key LIMIT 200`,
  refunded: `SELECT 1 FROM shop_rows WHERE tbl = 'refunds' AND row->>'order_id' = $1 AND row->>'state' = 'done' LIMIT 1`,
};

type Num = string | number;
/** A drawer session's row as the till shipped it. */
type SessionRow = { float: number; currency: string; counted: number | null; closed_at: number | null };
const n = (v: Num | null | undefined) => Number(v ?? 0);

/** Checks card payments against MultiSafepay a page at a time (the engine's check). */
export type CheckAttempts = (
  page: (after: { createdAt: number; orderId: string } | undefined) => Promise<AttemptSnapshot[]>,
  refunded: (orderId: string) => Promise<boolean>,
) => Promise<Reconciliation>;

/** The shop's day `date` (YYYY-MM-DD) from the shop database; `check`: also check every till's card payments. */
export async function readShopDay(db: pg.Pool, date: string, thisTill: string, now: number, check?: CheckAttempts): Promise<ShopDay> {
  const [tills, outcomes, cash, refunds, vat, moves, days, receiptless, credit, overdrawn] = await Promise.all([
    db.query<{ till_id: string; name: string; last_seen: Num; clock_skew_ms: Num; same_name: number }>(Q.tills),
    db.query<{ till_id: string; currency: string; state: string; card_type: string; n: number; amount: Num }>(Q.outcomes, [date]),
    db.query<{ till_id: string; currency: string; n: number; amount: Num; rounded: number; rounding: Num }>(Q.cash, [date]),
    db.query<{ till_id: string; currency: string; tender: 'card' | 'cash'; n: number; amount: Num; rounded: number; rounding: Num }>(
      Q.refunds,
      [date],
    ),
    db.query<{ till_id: string; currency: string; rate: number; gross: Num; vat: Num; sign: number }>(Q.vat, [date]),
    db.query<{ till_id: string; currency: string; kind: 'paid_in' | 'paid_out' | 'no_sale'; n: number; amount: Num }>(Q.moves, [date]),
    db.query<{ till_id: string; first: SessionRow; last: SessionRow; sessions: number; difference: Num }>(Q.days, [date]),
    db.query<{ till_id: string; currency: string; n: number; amount: Num; rounded: number; rounding: Num }>(Q.receiptless, [date]),
    db.query<{ till_id: string; currency: string; which: 'issued' | 'spent'; n: number; amount: Num }>(Q.credit, [date]),
    db.query<{ code: string; currency: string; amount: Num; spent: Num }>(Q.overdrawn, [date]),
  ]);
  const byTill = new Map<string, Map<string, DayTotals>>();
  const of = (till: string, currency: string): DayTotals => {
    let t = byTill.get(till);
    if (!t) byTill.set(till, (t = new Map()));
    let c = t.get(currency);
    if (!c) t.set(currency, (c = emptyDayTotals(currency)));
    return c;
  };
  for (const r of outcomes.rows) {
    const t = of(r.till_id, r.currency);
    const outcome = r.state === 'completed' || r.state === 'cancelled' || r.state === 'failed' ? r.state : 'pending';
    add(t.outcomes[outcome], r.n, n(r.amount));
    if (r.state === 'completed') {
      add(t.tenders.card, r.n, n(r.amount));
      add((t.cardTypes[r.card_type] ??= bucket()), r.n, n(r.amount));
    }
  }
  for (const r of cash.rows) {
    const t = of(r.till_id, r.currency);
    add(t.tenders.cash, r.n, n(r.amount));
    add(t.outcomes.completed, r.n, n(r.amount));
    if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, n(r.rounding));
  }
  for (const r of refunds.rows) {
    const t = of(r.till_id, r.currency);
    add(t.refunds, r.n, n(r.amount));
    add(t.refundsByTender[r.tender], r.n, n(r.amount));
    if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, -n(r.rounding));
  }
  for (const r of receiptless.rows) {
    const t = of(r.till_id, r.currency);
    add(t.refunds, r.n, n(r.amount));
    add(t.refundsByTender.cash, r.n, n(r.amount));
    if (r.rounded) add((t.cashRounding ??= bucket()), r.rounded, -n(r.rounding));
  }
  for (const r of credit.rows)
    add((of(r.till_id, r.currency).storeCredit ??= { issued: bucket(), spent: bucket() })[r.which], r.n, n(r.amount));
  for (const r of vat.rows) {
    const t = of(r.till_id, r.currency);
    t.vat = addVat(t.vat ?? [], [{ rate: r.rate, gross: n(r.gross), vat: n(r.vat) }], r.sign);
  }
  const moveBucket = { paid_in: 'paidIn', paid_out: 'paidOut', no_sale: 'noSale' } as const;
  for (const r of moves.rows) add((of(r.till_id, r.currency)[moveBucket[r.kind]] ??= bucket()), r.n, n(r.amount));
  const drawer = new Map(days.rows.map((d) => [d.till_id, d]));

  const out: ShopTillDay[] = tills.rows.map((t) => {
    const totals = [...(byTill.get(t.till_id)?.values() ?? [])].sort((a, b) => a.currency.localeCompare(b.currency));
    for (const c of totals) c.net = c.tenders.card.amount + c.tenders.cash.amount + (c.cashRounding?.amount ?? 0) - c.refunds.amount;
    const d = drawer.get(t.till_id);
    return {
      tillId: t.till_id,
      name: t.name,
      ...(t.till_id === thisTill ? { thisTill: true as const } : {}),
      ...(t.same_name > 1 ? { sameName: true as const } : {}),
      lastSeen: n(t.last_seen),
      clockSkewMs: n(t.clock_skew_ms),
      totals,
      ...(d
        ? {
            cash: {
              currency: d.first.currency,
              float: d.first.float,
              expected: expectedCash(
                d.first.float,
                totals.find((c) => c.currency === d.first.currency),
              ),
              ...(d.last.closed_at !== null && d.last.counted !== null ? { counted: d.last.counted, closedAt: d.last.closed_at } : {}),
              sessions: d.sessions,
              difference: n(d.difference),
            },
          }
        : {}),
    };
  });
  const day: ShopDay = { date, tills: out, totals: sumTotals(out.flatMap((t) => t.totals)), at: now };
  if (overdrawn.rows.length)
    day.overdrawnNotes = overdrawn.rows.map((r) => ({ code: r.code, currency: r.currency, amount: n(r.amount), spent: n(r.spent) }));
  if (check) day.reconciliation = await checkShop(db, date, check);
  return day;
}

/** All tills together: the same buckets added up per currency. */
function sumTotals(all: DayTotals[]): DayTotals[] {
  const by = new Map<string, DayTotals>();
  const merge = (into: Record<string, Bucket>, from: Record<string, Bucket | undefined>) => {
    for (const [k, b] of Object.entries(from)) if (b) add((into[k] ??= bucket()), b.count, b.amount);
  };
  for (const t of all) {
    let s = by.get(t.currency);
    if (!s) by.set(t.currency, (s = emptyDayTotals(t.currency)));
    merge(s.outcomes, t.outcomes);
    merge(s.tenders, t.tenders);
    merge(s.cardTypes, t.cardTypes);
    merge(s.refundsByTender, t.refundsByTender);
    add(s.refunds, t.refunds.count, t.refunds.amount);
    for (const k of ['cashRounding', 'paidIn', 'paidOut', 'noSale'] as const) {
      const b = t[k];
      if (b) add((s[k] ??= bucket()), b.count, b.amount);
    }
    if (t.storeCredit) {
      const c = (s.storeCredit ??= { issued: bucket(), spent: bucket() });
      merge(c, t.storeCredit);
    }
    s.vat = addVat(s.vat ?? [], t.vat ?? []);
    s.net += t.net;
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Every till's card payments of the day checked against MultiSafepay, each order once, named by its till. */
async function checkShop(db: pg.Pool, date: string, check: CheckAttempts): Promise<Reconciliation> {
  const [from, to] = dayBounds(date);
  const tillOf = new Map<string, string>();
  const rec = await check(
    async (after) => {
      const { rows } = await db.query<{ till_id: string; name: string; data: unknown }>(Q.attempts, [
        from,
        to,
        after?.createdAt ?? from - 1,
        after?.orderId ?? '',
      ]);
      return rows.flatMap((r) => {
        const a = AttemptSnapshotSchema.safeParse(r.data);
        if (!a.success) return [];
        tillOf.set(a.data.orderId, r.name);
        return [a.data as AttemptSnapshot];
      });
    },
    async (orderId) => (await db.query(Q.refunded, [orderId])).rowCount! > 0,
  );
  return {
    ...rec,
    mismatches: rec.mismatches.map((m) => ({ ...m, ...(tillOf.has(m.orderId) ? { tillName: tillOf.get(m.orderId)! } : {}) })),
  };
}
