/**
 * What a till's books answer, whichever database keeps them: the till's own SQLite ledger (one till, the truth for
 * its sales) or the shop's PostgreSQL (every till of the shop, from what each shipped). Both implement `BooksStore`,
 * and `test/integration/books-store.test.ts` holds both to the same answers.
 */
import type pg from 'pg';
import type { DayTotals } from '../../../shared/contract';
import type { Ledger } from './ledger';
import { readShopDay } from '../shop/shop-day';

export interface TillRef {
  tillId: string;
  name: string;
}

export interface BooksStore {
  readonly kind: 'sqlite' | 'postgresql';
  /** The tills whose books it keeps. */
  tills(): Promise<TillRef[]>;
  /** A till's totals of a day (YYYY-MM-DD), one block per currency, as its own day report counts them. */
  dayTotals(date: string, tillId: string): Promise<DayTotals[]>;
}

/** The till's own ledger: one till. */
export class SqliteBooks implements BooksStore {
  readonly kind = 'sqlite' as const;
  readonly #ledger: Ledger;
  readonly #name: () => string;

  constructor(ledger: Ledger, name: () => string) {
    this.#ledger = ledger;
    this.#name = name;
  }

  async tills(): Promise<TillRef[]> {
    return [{ tillId: this.#ledger.outbox.tillId(), name: this.#name() }];
  }

  async dayTotals(date: string, tillId: string): Promise<DayTotals[]> {
    return tillId === this.#ledger.outbox.tillId() ? this.#ledger.dayTotals(date) : [];
  }
}

/** The shop's database: every till that shipped. */
export class PostgresBooks implements BooksStore {
  readonly kind = 'postgresql' as const;
  readonly #db: pg.Pool;

  constructor(db: pg.Pool) {
    this.#db = db;
  }

  async tills(): Promise<TillRef[]> {
    const { rows } = await this.#db.query<{ till_id: string; name: string }>(
      'SELECT till_id::text, name FROM tills ORDER BY name, first_seen',
    );
    return rows.map((r) => ({ tillId: r.till_id, name: r.name }));
  }

  async dayTotals(date: string, tillId: string): Promise<DayTotals[]> {
    const day = await readShopDay(this.#db, date, tillId, Date.now());
    return day.tills.find((t) => t.tillId === tillId)?.totals ?? [];
  }
}
