/**
 * Importing a product list (CSV, see csv.ts) into the catalog: every row is checked first and a file with any bad
 * row changes nothing (the bad rows are listed with their line numbers); a good file is written in short slices,
 * yielding to the event loop between them, so the till keeps answering while 100,000 products go in. Products are
 * matched by barcode: a row whose barcode is known updates that product, any other row adds one.
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { Products } from '../ledger/products';
import { CsvReader, type ProductRow, readHeader, readRow, type RowProblem, rowProblem } from './csv';
import type { ScaleLayout } from '../../../shared/barcode';

export type ImportPhase = 'checking' | 'saving';

export interface ImportOptions {
  products: Products;
  /** The till's VAT rates: a row must use one of them. */
  rates: readonly number[];
  /** Minor-unit digits of the till's currency. */
  digits: number;
  /** How scale labels are laid out: a scale item's own code (e.g. 2800456) is kept as typed. */
  scaleLayout?: ScaleLayout;
  now: () => number;
  /** How long one slice may hold the event loop (ms). */
  sliceMs?: number;
  onProgress?: (phase: ImportPhase, fraction: number) => void;
}

export type ImportOutcome =
  | { ok: true; products: number; added: number; updated: number }
  | { ok: false; problems: RowProblem[]; /** All bad rows, when more than are listed. */ badRows: number };

/** At most this many bad rows are listed. */
export const MAX_PROBLEMS = 100;
export const MAX_ROWS = 200_000;

/** Checks and imports `text`; one import at a time (the caller sees to that). */
export async function importProducts(importId: string, text: string, o: ImportOptions): Promise<ImportOutcome> {
  const sliceMs = o.sliceMs ?? 5;
  const reader = new CsvReader(text);
  const problems: RowProblem[] = [];
  let badRows = 0;
  const bad = (p: RowProblem) => {
    badRows++;
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const header = reader.next();
  if (!header) return { ok: false, problems: [rowProblem(1, 'empty_file', 'The file is empty.')], badRows: 1 };
  const head = readHeader(header.cells);
  if ('problem' in head)
    return { ok: false, problems: [rowProblem(header.line, 'header', head.problem, { missing: head.missing })], badRows: 1 };

  // 1. Check every row: the cells, a barcode on two rows, a row whose barcodes are on two different products.
  const rows: ProductRow[] = [];
  const lineOf = new Map<string, number>();
  let tick = performance.now();
  for (let rec = reader.next(); rec; rec = reader.next()) {
    const row = readRow(rec.line, rec.cells, head.columns, o.rates, o.digits, o.scaleLayout);
    if ('message' in row) bad(row);
    else {
      const twice = row.barcodes.find((c) => lineOf.has(c));
      const owners = new Set(row.barcodes.map((c) => o.products.ownerOf(c)).filter((x) => x !== undefined));
      if (twice)
        bad(
          rowProblem(row.line, 'barcode_twice', `barcode ${twice} is also on line ${lineOf.get(twice)}`, {
            code: twice,
            other: lineOf.get(twice)!,
          }),
        );
      else if (owners.size > 1)
        bad(rowProblem(row.line, 'two_products', `its barcodes belong to ${owners.size} different products`, { count: owners.size }));
      else {
        for (const c of row.barcodes) lineOf.set(c, row.line);
        rows.push(row);
      }
    }
    if (rows.length + badRows > MAX_ROWS) {
      bad(rowProblem(rec.line, 'too_many', `a file holds at most ${MAX_ROWS} products`, { max: MAX_ROWS }));
      break;
    }
    if (performance.now() - tick > sliceMs) {
      o.onProgress?.('checking', reader.progress);
      await yieldNow();
      tick = performance.now();
    }
  }
  if (badRows) return { ok: false, problems, badRows };
  if (!rows.length) return { ok: false, problems: [rowProblem(header.line + 1, 'no_products', 'The file has no products.')], badRows: 1 };

  // 2. Stage them, a slice at a time; then name the import (from here it is finished even after a restart).
  o.products.dropStaged();
  let batch = 256;
  for (let i = 0; i < rows.length;) {
    const start = performance.now();
    o.products.stage(importId, rows.slice(i, i + batch));
    i += batch;
    batch = nextBatch(batch, performance.now() - start, sliceMs);
    o.onProgress?.('saving', (i / rows.length) * 0.3);
    await yieldNow();
  }
  o.products.beginMerge(importId);
  const merged = await mergeImport(importId, o, rows.length);
  return { ok: true, products: o.products.count(), ...merged };
}

/** Merges a named import's staged rows into the catalog, a slice at a time (also a merge cut off by a restart). */
export async function mergeImport(
  importId: string,
  o: Pick<ImportOptions, 'products' | 'now' | 'sliceMs' | 'onProgress'>,
  total = 0,
): Promise<{ added: number; updated: number }> {
  const sliceMs = o.sliceMs ?? 5;
  let added = 0;
  let updated = 0;
  let batch = 128;
  for (;;) {
    const start = performance.now();
    const r = o.products.mergeSlice(importId, batch, o.now());
    added += r.added;
    updated += r.updated;
    if (!r.left) return { added, updated };
    batch = nextBatch(batch, performance.now() - start, sliceMs);
    if (total) o.onProgress?.('saving', 0.3 + (0.7 * (added + updated)) / total);
    await yieldNow();
  }
}

/** The next slice's size: as many rows as fit in the time a slice may take, judged by the last one. */
function nextBatch(batch: number, tookMs: number, sliceMs: number): number {
  const perRow = Math.max(tookMs, 0.01) / batch;
  return Math.max(16, Math.min(5000, Math.floor((sliceMs * 0.8) / perRow)));
}
