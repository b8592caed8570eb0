/**
 * The shop database's schema (PostgreSQL), beside the ledger's own (migrations.ts): an append-only array of steps,
 * applied in order, each in one transaction, under an advisory lock so tills starting together migrate it once.
 *
 * - `tills`: every till that ever shipped, by its random id, with its name and how far its clock is off.
 * - `shop_outbox`: every outbox row of every till, exactly once: the key (till_id, seq) makes a resend a no-op.
 * - `shop_rows`: each till's rows as they now are (the latest seq wins), keyed by till, table and the row's key;
 *   the shop's day is read from here.
 * - `shop_data`: what belongs to the shop, not a till (the catalog, the merchant's details and VAT rates), one
 *   document per kind, numbered by `shop_data_version` on every change; tills pull what is newer than they have
 *   and hear of changes through NOTIFY 'shop_data'.
 */
import type { ClientBase } from 'pg';

const SHOP_MIGRATIONS: string[] = [
  `
  CREATE TABLE tills (
    till_id        uuid PRIMARY KEY,
    name           text NOT NULL,
    first_seen     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    -- The till's clock minus the database's when it last shipped (ms): how far off its own times are.
    clock_skew_ms  bigint NOT NULL DEFAULT 0,
    shipped_seq    bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX tills_name ON tills (name);

  CREATE TABLE shop_outbox (
    till_id     uuid NOT NULL REFERENCES tills (till_id),
    seq         bigint NOT NULL,
    tbl         text NOT NULL,
    row_key     text NOT NULL,
    row         jsonb NOT NULL,
    -- By the till's clock (ms) and by the database's.
    at          bigint NOT NULL,
    arrived_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (till_id, seq)
  );

  CREATE TABLE shop_rows (
    till_id   uuid NOT NULL REFERENCES tills (till_id),
    tbl       text NOT NULL,
    row_key   text NOT NULL,
    seq       bigint NOT NULL,
    row       jsonb NOT NULL,
    -- The day a row counts on, as the till decided it: a card attempt's by when it ended, the rest by their own day.
    day       text GENERATED ALWAYS AS (CASE WHEN tbl = 'attempts' THEN row->>'final_day' ELSE row->>'day' END) STORED,
    cash_day  text GENERATED ALWAYS AS (row->>'cash_day') STORED,
    PRIMARY KEY (till_id, tbl, row_key)
  );
  CREATE INDEX shop_rows_day ON shop_rows (tbl, day);
  CREATE INDEX shop_rows_cash_day ON shop_rows (cash_day) WHERE tbl = 'sales' AND cash_day IS NOT NULL;
  CREATE INDEX shop_rows_sale ON shop_rows (till_id, (row->>'sale_id')) WHERE tbl IN ('attempts', 'receipts');
  CREATE INDEX shop_rows_attempt_at ON shop_rows (((row->>'created_at')::bigint), row_key) WHERE tbl = 'attempts';
  CREATE INDEX shop_rows_refund_order ON shop_rows ((row->>'order_id')) WHERE tbl = 'refunds';
  `,
  `
  CREATE SEQUENCE shop_data_version;
  CREATE TABLE shop_data (
    kind     text PRIMARY KEY,
    version  bigint NOT NULL,
    data     jsonb NOT NULL,
    till_id  uuid NOT NULL REFERENCES tills (till_id),
    at       timestamptz NOT NULL DEFAULT now()
  );
  `,
  `
  -- A sale's VAT is read on the day it was paid in full (the till's paid_day); a sale's cash tender by the sale.
  CREATE INDEX shop_rows_paid_day ON shop_rows ((row->>'paid_day')) WHERE tbl = 'sales';
  CREATE INDEX shop_rows_tender_sale ON shop_rows (till_id, (row->>'sale_id')) WHERE tbl = 'tenders';
  `,
  `
  -- Store credit across the tills: a note is found by its code, and what tills spent of it by its code too. A till
  -- spending a note first takes a claim here (one row per till, sale and note, under an advisory lock on the code),
  -- so two tills never spend the same money; a claim and the credit tender the till ships later count once.
  CREATE INDEX shop_rows_credit_note ON shop_rows (row_key) WHERE tbl = 'credit_notes';
  CREATE INDEX shop_rows_credit_tender ON shop_rows ((row->>'credit_code')) WHERE tbl = 'tenders' AND row->>'kind' = 'credit';
  CREATE TABLE shop_credit_claims (
    code      text NOT NULL,
    till_id   uuid NOT NULL REFERENCES tills (till_id),
    sale_id   text NOT NULL,
    amount    bigint NOT NULL CHECK (amount > 0),
    at        bigint NOT NULL,
    PRIMARY KEY (code, till_id, sale_id)
  );
  `,
  `
  -- A till settles its own claims since its last start: found by till and time.
  CREATE INDEX shop_credit_claims_till ON shop_credit_claims (till_id, at);
  `,
];

export const SHOP_SCHEMA_VERSION = SHOP_MIGRATIONS.length;
const LOCK = 74_203_117;

/** Brings the shop database's schema up to date (refuses one written by a newer till). */
export async function migrateShop(client: ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS shop_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT max(version) AS version FROM shop_schema');
    const version = rows[0]?.version ?? 0;
    if (version > SHOP_MIGRATIONS.length)
      throw new Error(`The shop database was set up by a newer version of the till (schema ${version}); update this till.`);
    for (let v = version; v < SHOP_MIGRATIONS.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(SHOP_MIGRATIONS[v]!);
        await client.query('INSERT INTO shop_schema (version) VALUES ($1)', [v + 1]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
  }
}
