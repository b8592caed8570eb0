/**
 * The product catalog in the ledger's database (migration 5): products, their barcodes (each on one product) and
 * the words they are found by. A barcode is looked up through its primary key, a search through FTS5 and the
 * barcodes' key order, so both cost the same at a hundred and at a hundred thousand products.
 *
 * An import is checked in full before anything is written, then written in short transactions: first into
 * `product_import`, then - once meta 'product_import' names it - merged into the catalog. A merge that was cut
 * off (the till stopped) is finished at the next start; staged rows of an import that never got that far are
 * dropped. Each short transaction commits with synchronous=NORMAL (atomic, not flushed at once): the write that
 * names the import commits with FULL and so flushes every staged row before the merge can begin.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import type { Product } from '../../../shared/contract';
import { ftsQuery, LedgerRowError } from './ledger';
import { transaction } from './db';

/** A product as an import gives it: everything but the id. */
export interface ProductInput {
  line: number;
  barcodes: string[];
  name: string;
  price: number;
  vatRate: number;
  category: string;
}

const ProductRowSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number().int(),
  vat_rate: z.number(),
  category: z.string(),
  active: z.number().int(),
  favourite: z.number().int(),
});

const ProductChangeRowSchema = z.object({
  at: z.number().int(),
  product_id: z.number().int(),
  change: z.enum(['added', 'changed']),
  before: z.string(),
  after: z.string(),
  staff: z.string().nullable(),
});

/** What a change records of a product: what a manager may change, and its barcodes. */
type ChangeRecord = Pick<Product, 'name' | 'price' | 'vatRate' | 'category' | 'active' | 'favourite' | 'barcodes'>;
const changeRecord = (p: ChangeRecord): ChangeRecord => ({
  name: p.name,
  price: p.price,
  vatRate: p.vatRate,
  category: p.category,
  active: p.active,
  favourite: p.favourite,
  barcodes: p.barcodes,
});

/** One change made to the catalog at the till, as the audit trail keeps it. */
export interface ProductChange {
  at: number;
  productId: number;
  change: 'added' | 'changed';
  before: Partial<ChangeRecord>;
  after: ChangeRecord;
  staff?: string;
}

const IMPORT_KEY = 'product_import';
const MAX_RESULTS = 50;
/** Pages of the word index merged after each slice of an import. */
const MERGE_PAGES = 64;

export class Products {
  readonly #db: DatabaseSync;
  readonly #q: Record<string, StatementSync>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    const p = (sql: string) => db.prepare(sql);
    this.#q = {
      byCode: p('SELECT p.* FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ?'),
      byId: p('SELECT * FROM products WHERE id = ?'),
      codesOf: p('SELECT code FROM barcodes WHERE product_id = ? ORDER BY code'),
      ownerOf: p('SELECT product_id FROM barcodes WHERE code = ?'),
      codePrefix: p('SELECT DISTINCT product_id FROM barcodes WHERE code >= ? AND code < ? LIMIT ?'),
      categories: p(
        `SELECT category, count(*) AS n FROM products WHERE active = 1 AND category != '' GROUP BY category ORDER BY category LIMIT ?`,
      ),
      inCategory: p('SELECT * FROM products WHERE active = 1 AND category = ? ORDER BY name LIMIT ?'),
      words: p('SELECT rowid FROM products_search WHERE products_search MATCH ? LIMIT ?'),
      count: p('SELECT count(*) AS n FROM products WHERE active = 1'),
      page: p('SELECT * FROM products WHERE id > ? AND active = 1 ORDER BY id LIMIT ?'),
      insert: p('INSERT INTO products (name, price, vat_rate, category, active, updated_at) VALUES (?, ?, ?, ?, 1, ?)'),
      update: p('UPDATE products SET name = ?, price = ?, vat_rate = ?, category = ?, active = 1, updated_at = ? WHERE id = ?'),
      edit: p(
        'UPDATE products SET name = ?, price = ?, vat_rate = ?, category = ?, active = ?, favourite = ?, updated_at = ? WHERE id = ?',
      ),
      favourites: p('SELECT * FROM products WHERE favourite = 1 AND active = 1 ORDER BY name LIMIT ?'),
      favouriteCount: p('SELECT count(*) AS n FROM products WHERE favourite = 1 AND active = 1'),
      addChange: p('INSERT INTO product_changes (at, product_id, change, before, after, staff) VALUES (?, ?, ?, ?, ?, ?)'),
      changes: p('SELECT * FROM product_changes WHERE product_id = ? ORDER BY id'),
      setCode: p('INSERT INTO barcodes (code, product_id) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET product_id = excluded.product_id'),
      deleteWords: p('DELETE FROM products_search WHERE rowid = ?'),
      insertWords: p('INSERT INTO products_search (rowid, words) VALUES (?, ?)'),
      // Merges a bounded amount of the word index's segments (automerge is off: it could take tens of ms at once).
      tidyWords: p(`INSERT INTO products_search (products_search, rank) VALUES ('merge', ?)`),
      stage: p(
        'INSERT OR REPLACE INTO product_import (import_id, line, barcodes, name, price, vat_rate, category) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      staged: p('SELECT * FROM product_import WHERE import_id = ? ORDER BY line LIMIT ?'),
      unstage: p('DELETE FROM product_import WHERE import_id = ? AND line = ?'),
      dropStaged: p('DELETE FROM product_import WHERE import_id != ?'),
      getMark: p('SELECT value FROM meta WHERE key = ?'),
      setMark: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      clearMark: p('DELETE FROM meta WHERE key = ?'),
    };
  }

  /** The product a barcode (as the catalog keeps it) belongs to; inactive ones too. */
  byBarcode(code: string): Product | undefined {
    const row = this.#q.byCode!.get(code);
    return row ? this.#product(row) : undefined;
  }

  byId(id: number): Product | undefined {
    const row = this.#q.byId!.get(id);
    return row ? this.#product(row) : undefined;
  }

  /** The product a barcode is on, by id. */
  ownerOf(code: string): number | undefined {
    return (this.#q.ownerOf!.get(code) as { product_id: number } | undefined)?.product_id;
  }

  /**
   * Active products whose name, category or barcode has words starting with the words typed (every word must
   * match), and products whose barcode starts with the digits typed; by name, at most `limit`.
   */
  search(query: string, limit = 20): Product[] {
    const q = query.trim();
    const max = Math.min(Math.max(1, limit), MAX_RESULTS);
    const ids = new Set<number>();
    if (/^[A-Za-z0-9-]{3,20}$/.test(q)) {
      for (const r of this.#q.codePrefix!.all(q, `${q}\uffff`, max) as { product_id: number }[]) ids.add(r.product_id);
    }
    const match = ftsQuery(q);
    // Many matches are cut at a few pages' worth (unranked: the first found), then sorted by name.
    if (match) for (const r of this.#q.words!.all(match, max * 4) as { rowid: number }[]) ids.add(r.rowid);
    const out: Product[] = [];
    for (const id of ids) {
      const p = this.byId(id);
      if (p?.active) out.push(p);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name)).slice(0, max);
  }

  /** The categories of products on sale, by name, with how many products each (for the sale screen's buttons). */
  categories(limit = 60): { category: string; count: number }[] {
    return (this.#q.categories!.all(Math.min(Math.max(1, limit), 200)) as { category: string; n: number }[]).map((r) => ({
      category: r.category,
      count: Number(r.n),
    }));
  }

  /** The products on sale in one category, by name. */
  inCategory(category: string, limit = 20): Product[] {
    const max = Math.min(Math.max(1, limit), MAX_RESULTS);
    return (this.#q.inCategory!.all(category, max) as unknown[]).map((r) => this.#product(r));
  }

  count(): number {
    return Number((this.#q.count!.get() as { n: number }).n);
  }

  /** Active products after `afterId`, by id (an export reads a page at a time). */
  page(afterId: number, limit: number): Product[] {
    return (this.#q.page!.all(afterId, limit) as unknown[]).map((r) => this.#product(r));
  }

  // ---- changes at the till (recorded in product_changes) ----

  /**
   * Adds a product with one barcode (as the catalog keeps it) and records who added it, in one transaction.
   * Undefined when the barcode is on a product already (nothing is written).
   */
  add(p: Omit<ProductInput, 'line' | 'barcodes'> & { barcode: string }, now: number, staff?: string): Product | undefined {
    let added: Product | undefined;
    transaction(this.#db, () => {
      if (this.ownerOf(p.barcode) !== undefined) return;
      const id = Number(this.#q.insert!.run(p.name, p.price, p.vatRate, p.category, now).lastInsertRowid);
      this.#q.setCode!.run(p.barcode, id);
      this.#q.insertWords!.run(id, [p.name, p.category, p.barcode].join(' '));
      added = this.byId(id)!;
      this.#q.addChange!.run(now, id, 'added', '{}', JSON.stringify(changeRecord(added)), staff ?? null);
    });
    return added;
  }

  /**
   * Changes a product (what is given) and records it with before and after, in one transaction. Undefined for an
   * unknown product; a change that changes nothing is not recorded.
   */
  update(
    id: number,
    c: Partial<Pick<Product, 'name' | 'price' | 'vatRate' | 'category' | 'active' | 'favourite'>>,
    now: number,
    staff?: string,
  ): Product | undefined {
    let after: Product | undefined;
    transaction(this.#db, () => {
      const before = this.byId(id);
      if (!before) return;
      const next = { ...before, ...c };
      const same = JSON.stringify(changeRecord(before)) === JSON.stringify(changeRecord(next));
      if (same) return void (after = before);
      this.#q.edit!.run(next.name, next.price, next.vatRate, next.category, next.active ? 1 : 0, next.favourite ? 1 : 0, now, id);
      this.#index(id, next.name, next.category);
      after = this.byId(id)!;
      this.#q.addChange!.run(now, id, 'changed', JSON.stringify(changeRecord(before)), JSON.stringify(changeRecord(after)), staff ?? null);
    });
    return after;
  }

  /** The favourites on sale (the quick keys), by name, at most `limit`. */
  favourites(limit: number): Product[] {
    return (this.#q.favourites!.all(limit) as unknown[]).map((r) => this.#product(r));
  }

  favouriteCount(): number {
    return Number((this.#q.favouriteCount!.get() as { n: number }).n);
  }

  /** The recorded changes of a product, oldest first. */
  changes(productId: number): ProductChange[] {
    return (this.#q.changes!.all(productId) as unknown[]).map((row) => {
      const r = ProductChangeRowSchema.safeParse(row);
      if (!r.success) throw new LedgerRowError('product change');
      return {
        at: r.data.at,
        productId: r.data.product_id,
        change: r.data.change,
        before: JSON.parse(r.data.before) as Partial<ChangeRecord>,
        after: JSON.parse(r.data.after) as ChangeRecord,
        ...(r.data.staff ? { staff: r.data.staff } : {}),
      };
    });
  }

  // ---- import ----

  /** The import whose merge was cut off, if any (finish it with `mergeSlice`). */
  pendingImport(): string | undefined {
    return (this.#q.getMark!.get(IMPORT_KEY) as { value: string } | undefined)?.value;
  }

  /** Drops staged rows of every import but `keep` (imports that never reached their merge). */
  dropStaged(keep = ''): void {
    this.#relaxed(() => this.#q.dropStaged!.run(keep));
  }

  /** Stages rows of an import, in one short transaction. */
  stage(importId: string, rows: readonly ProductInput[]): void {
    this.#relaxed(() => {
      for (const r of rows) this.#q.stage!.run(importId, r.line, r.barcodes.join(' '), r.name, r.price, r.vatRate, r.category);
    });
  }

  /** Names the import whose staged rows are now merged, whatever happens: durable (synchronous=FULL) at once. */
  beginMerge(importId: string): void {
    transaction(this.#db, () => this.#q.setMark!.run(IMPORT_KEY, importId));
  }

  /**
   * Merges up to `max` staged rows into the catalog (one short transaction): a product that has any of a row's
   * barcodes is updated (and takes all of them), else a new one is added. Returns how many were added and updated;
   * none of either when the import is fully merged (and no longer named).
   */
  mergeSlice(importId: string, max: number, now: number): { added: number; updated: number; left: boolean } {
    let added = 0;
    let updated = 0;
    const rows = this.#q.staged!.all(importId, max) as {
      line: number;
      barcodes: string;
      name: string;
      price: number;
      vat_rate: number;
      category: string;
    }[];
    if (!rows.length) {
      transaction(this.#db, () => this.#q.clearMark!.run(IMPORT_KEY));
      return { added, updated, left: false };
    }
    this.#relaxed(() => {
      for (const r of rows) {
        const codes = r.barcodes.split(' ');
        let id: number | undefined;
        for (const c of codes) id ??= this.ownerOf(c);
        if (id === undefined) {
          id = Number(this.#q.insert!.run(r.name, r.price, r.vat_rate, r.category, now).lastInsertRowid);
          added++;
          for (const c of codes) this.#q.setCode!.run(c, id);
          this.#q.insertWords!.run(id, [r.name, r.category, ...codes].join(' '));
        } else {
          this.#q.update!.run(r.name, r.price, r.vat_rate, r.category, now, id);
          updated++;
          for (const c of codes) this.#q.setCode!.run(c, id);
          this.#index(id, r.name, r.category);
        }
        this.#q.unstage!.run(importId, r.line);
      }
      this.#q.tidyWords!.run(MERGE_PAGES);
    });
    return { added, updated, left: true };
  }

  #index(id: number, name: string, category: string): void {
    const codes = (this.#q.codesOf!.all(id) as { code: string }[]).map((c) => c.code);
    this.#q.deleteWords!.run(id);
    this.#q.insertWords!.run(id, [name, category, ...codes].join(' '));
  }

  /** One transaction committed with synchronous=NORMAL: atomic, flushed by the next FULL commit. */
  #relaxed(fn: () => void): void {
    this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      transaction(this.#db, fn);
    } finally {
      this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  #product(row: unknown): Product {
    const r = ProductRowSchema.safeParse(row);
    if (!r.success) throw new LedgerRowError('product');
    const codes = (this.#q.codesOf!.all(r.data.id) as { code: string }[]).map((c) => c.code);
    return {
      id: r.data.id,
      barcodes: codes,
      name: r.data.name,
      price: r.data.price,
      vatRate: r.data.vat_rate,
      category: r.data.category,
      active: r.data.active === 1,
      favourite: r.data.favourite === 1,
    };
  }
}
