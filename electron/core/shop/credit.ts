/**
 * Store credit across the shop's tills, in the shop database: a credit note given at one till is spent at any till
 * while the database is reachable. Every spend first takes a claim (`shop_credit_claims`: one row per till, sale and
 * note) in one transaction under an advisory lock on the note's code, refused beyond what is left: the note's amount
 * less the claims and the credit tenders tills shipped without a claim (a claim and the tender its till ships later
 * count once). The till then writes its credit tender; a claim it could not use is let go. Amounts in minor units.
 */
import type pg from 'pg';

/** A note as the shop database knows it (the row its till shipped), or as the giving till passes it before it shipped. */
export interface ShopNote {
  amount: number;
  currency: string;
  at: number;
  training: boolean;
  /** The till that gave it. */
  tillId: string;
}

export type ClaimAnswer = { granted: number; note: ShopNote; left: number } | { refused: 'unknown' | 'nothing_left' };

const NOTE = `SELECT till_id::text, row FROM shop_rows WHERE tbl = 'credit_notes' AND row_key = $1 AND (row->>'origin') IS NULL LIMIT 1`;
/**
 * What tills spent of the note whose code is the SQL expression `code`: its claims, and the credit tenders tills
 * shipped without a claim (a claim and the tender its till ships later count once). One place for the claim and
 * for the shop's day (shop-day.ts).
 */
export const spentSql = (code: string): string =>
  `(SELECT coalesce(sum(x.amount), 0)::bigint FROM (
      SELECT k.amount FROM shop_credit_claims k WHERE k.code = ${code}
      UNION ALL
      SELECT (t.row->>'amount')::bigint FROM shop_rows t
      WHERE t.tbl = 'tenders' AND t.row->>'kind' = 'credit' AND t.row->>'credit_code' = ${code}
        AND NOT EXISTS (SELECT 1 FROM shop_credit_claims k
                        WHERE k.code = ${code} AND k.till_id = t.till_id AND k.sale_id = t.row->>'sale_id')) x)`;

const SPENT = `SELECT ${spentSql('$1')} AS spent`;

/** The note with `code` and what is left on it at the shop (`own`: this till's own note, when it has not shipped yet). */
export async function shopNote(
  db: pg.Pool | pg.PoolClient,
  code: string,
  own?: ShopNote,
): Promise<{ note: ShopNote; left: number } | undefined> {
  const { rows } = await db.query<{ till_id: string; row: Record<string, unknown> }>(NOTE, [code]);
  const r = rows[0];
  const note: ShopNote | undefined = r
    ? {
        amount: Number(r.row.amount),
        currency: String(r.row.currency),
        at: Number(r.row.at),
        training: Number(r.row.training ?? 0) === 1,
        tillId: r.till_id,
      }
    : own;
  if (!note) return undefined;
  const spent = Number((await db.query<{ spent: string }>(SPENT, [code])).rows[0]!.spent);
  return { note, left: note.amount - spent };
}

/** Claims up to `want` of note `code` for sale `saleId` of till `tillId`: what it may spend now, or why not. */
export async function claimCredit(
  pool: pg.Pool,
  tillId: string,
  c: { code: string; saleId: string; want: number; at: number; own?: ShopNote },
): Promise<ClaimAnswer> {
  const client = await pool.connect();
  // A connection that drops while the claim holds it (the database stopped) fails the query; it must not also
  // surface as an unhandled error, and is not given back to the pool.
  let broken: Error | undefined;
  const onError = (err: Error) => void (broken = err);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`credit:${c.code}`]);
      const found = await shopNote(client, c.code, c.own);
      if (!found) {
        await client.query('ROLLBACK');
        return { refused: 'unknown' };
      }
      const granted = Math.min(found.left, c.want);
      if (granted <= 0) {
        await client.query('ROLLBACK');
        return { refused: 'nothing_left' };
      }
      await client.query(
        `INSERT INTO shop_credit_claims (code, till_id, sale_id, amount, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code, till_id, sale_id) DO UPDATE SET amount = shop_credit_claims.amount + EXCLUDED.amount`,
        [c.code, tillId, c.saleId, granted, c.at],
      );
      await client.query('COMMIT');
      return { granted, note: found.note, left: found.left - granted };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}

/** Lets go of `amount` of a claim the till could not use (its credit tender was not written). */
export async function releaseCredit(pool: pg.Pool, tillId: string, c: { code: string; saleId: string; amount: number }): Promise<void> {
  await pool.query(
    `WITH d AS (UPDATE shop_credit_claims SET amount = amount - $4 WHERE code = $1 AND till_id = $2 AND sale_id = $3 AND amount > $4 RETURNING 1)
     DELETE FROM shop_credit_claims WHERE code = $1 AND till_id = $2 AND sale_id = $3 AND amount <= $4 AND NOT EXISTS (SELECT 1 FROM d)`,
    [c.code, tillId, c.saleId, c.amount],
  );
}

/**
 * After a restart: this till's claims made from `since` to `before` (epoch ms: since the last settle) brought down to
 * what its own credit tenders spent (`spentHere`), so a claim left by a crash between the claim and the tender is let
 * go. Older claims were settled at an earlier start.
 */
export async function settleClaims(
  pool: pg.Pool,
  tillId: string,
  since: number,
  before: number,
  spentHere: (code: string, saleId: string) => number,
): Promise<number> {
  const { rows } = await pool.query<{ code: string; sale_id: string; amount: string }>(
    'SELECT code, sale_id, amount FROM shop_credit_claims WHERE till_id = $1 AND at >= $2 AND at < $3',
    [tillId, since, before],
  );
  let settled = 0;
  for (const r of rows) {
    const extra = Number(r.amount) - spentHere(r.code, r.sale_id);
    if (extra <= 0) continue;
    await releaseCredit(pool, tillId, { code: r.code, saleId: r.sale_id, amount: extra });
    settled++;
  }
  return settled;
}
