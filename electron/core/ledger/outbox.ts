/**
 * The ledger's outbox (see migrations/sessions.ts): every write to the till's books appended, in the same
 * transaction, as the row now is. The shop shipper reads it in seq order and records how far the shop database has
 * confirmed it (meta 'shop_shipped'); the till's own identity for the shop (a random id, kept for good) is here too.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { LedgerRowError } from './ledger';

export interface OutboxRow {
  seq: number;
  tbl: string;
  rowKey: string;
  /** The row as JSON text, as the ledger wrote it. */
  row: string;
  /** When the till wrote it, by the till's clock (ms). */
  at: number;
}

const RowSchema = z.object({ seq: z.number().int(), tbl: z.string(), row_key: z.string(), row: z.string(), at: z.number().int() });

export class Outbox {
  readonly #q: Record<'after' | 'last' | 'meta' | 'setMeta' | 'tillId' | 'append', StatementSync>;

  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    const p = (sql: string) => db.prepare(sql);
    this.#q = {
      after: p('SELECT seq, tbl, row_key, row, at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'),
      last: p('SELECT coalesce(max(seq), 0) AS seq FROM outbox'),
      meta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      tillId: p(`INSERT INTO meta (key, value) VALUES ('till_id', ?) ON CONFLICT (key) DO NOTHING`),
      append: p(`INSERT INTO outbox (tbl, row_key, row) VALUES ('shop_data', ?, json(?))`),
    };
  }

  /** This till's id in the shop: made once, at random, and kept in the ledger. */
  tillId(): string {
    this.#q.tillId.run(randomUUID());
    return (this.#q.meta.get('till_id') as { value: string }).value;
  }

  /**
   * A change to what belongs to the shop (`kind`: catalog, merchant), queued for the shop database like a sale, so
   * one made while it is away is sent when it returns.
   */
  shareShopData(kind: string, data: unknown): void {
    this.#q.append.run(kind, JSON.stringify(data));
  }

  /** The newest shop data version this till has taken (0: none yet). */
  shopDataVersion(): number {
    return Number((this.#q.meta.get('shop_data_version') as { value: string } | undefined)?.value ?? 0);
  }

  setShopDataVersion(version: number): void {
    this.#q.setMeta.run('shop_data_version', String(version));
  }

  /** Up to `limit` rows after `seq`, oldest first. */
  after(seq: number, limit: number): OutboxRow[] {
    return (this.#q.after.all(seq, limit) as unknown[]).map((r) => {
      const row = RowSchema.safeParse(r);
      if (!row.success) throw new LedgerRowError('outbox row');
      return { seq: row.data.seq, tbl: row.data.tbl, rowKey: row.data.row_key, row: row.data.row, at: row.data.at };
    });
  }

  /** The last seq written. */
  last(): number {
    return Number((this.#q.last.get() as { seq: number }).seq);
  }

  /** The last seq the shop database confirmed. */
  shipped(): number {
    return Number((this.#q.meta.get('shop_shipped') as { value: string } | undefined)?.value ?? 0);
  }

  /**
   * Records how far the shop database confirmed. Written without waiting for the disk (synchronous=NORMAL: atomic,
   * flushed with the next full commit): a mark lost to a power cut only sends a batch again, which changes nothing.
   */
  markShipped(seq: number): void {
    if (seq <= this.shipped()) return;
    this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      this.#q.setMeta.run('shop_shipped', String(seq));
    } finally {
      this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  /** The shop database holds less than was recorded (it was restored, or lost commits): ship again from `seq`. */
  rewindShipped(seq: number): void {
    this.#q.setMeta.run('shop_shipped', String(Math.max(0, seq)));
  }

  /** Rows written and not yet confirmed. */
  queued(): number {
    return Math.max(0, this.last() - this.shipped());
  }
}
