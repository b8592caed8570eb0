/**
 * The product list as a CSV file, both ways: `barcode,name,price,vat_rate,category` (columns in any order, found by
 * their header), UTF-8 with or without a byte-order mark, separated by commas or semicolons (as Excel writes it in
 * Dutch), prices with a decimal point or a decimal comma. Reading is a record at a time, so a large file is read in
 * slices between which the till keeps answering. Pure: no files, no database.
 */
import { catalogCode, type ScaleLayout } from '../../../shared/barcode';
import type { ProductProblem, ProductProblemKey } from '../../../shared/contract';
import { MAX_AMOUNT } from '../../../shared/money';
import type { ProductInput } from '../ledger/products';

export const PRODUCT_COLUMNS = ['barcode', 'name', 'price', 'vat_rate', 'category'] as const;
export type ProductColumn = (typeof PRODUCT_COLUMNS)[number];
const REQUIRED: readonly ProductColumn[] = ['barcode', 'name', 'price', 'vat_rate'];

/** One product as a row of the file gives it (barcodes as the catalog keeps them: a UPC-A as its EAN-13). */
export type ProductRow = ProductInput;

export type RowProblem = ProductProblem;

/** A bad row: its line, what is wrong in English, and the key and values the screen says it with. */
export const rowProblem = (
  line: number,
  key: ProductProblemKey,
  message: string,
  params?: Record<string, string | number>,
): RowProblem => ({
  line,
  key,
  message,
  ...(params ? { params } : {}),
});

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Reads CSV records one at a time, with the line each starts on (RFC 4180 quoting: "a ""b""", line breaks inside). */
export class CsvReader {
  readonly #text: string;
  readonly separator: ',' | ';';
  #pos: number;
  #line = 1;

  constructor(text: string) {
    this.#text = text;
    this.#pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.separator = sniffSeparator(
      text.slice(this.#pos, text.indexOf('\n', this.#pos) === -1 ? undefined : text.indexOf('\n', this.#pos)),
    );
  }

  /** How far through the text reading is, 0 to 1. */
  get progress(): number {
    return this.#text.length ? this.#pos / this.#text.length : 1;
  }

  /** The next record and the line it starts on; undefined at the end. Blank lines are skipped. */
  next(): { line: number; cells: string[] } | undefined {
    const t = this.#text;
    const sep = this.separator.charCodeAt(0);
    for (;;) {
      if (this.#pos >= t.length) return undefined;
      const line = this.#line;
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      let i = this.#pos;
      for (;;) {
        if (i >= t.length) {
          cells.push(cell);
          break;
        }
        const c = t[i]!;
        if (quoted) {
          if (c === '"') {
            if (t[i + 1] === '"') {
              cell += '"';
              i += 2;
            } else {
              quoted = false;
              i++;
            }
          } else if (c === '\n') {
            this.#line++;
            cell += c;
            i++;
          } else {
            // A run of plain characters at once: up to the next quote or line break.
            let j = i + 1;
            while (j < t.length && t.charCodeAt(j) !== QUOTE && t.charCodeAt(j) !== LF) j++;
            cell += t.slice(i, j);
            i = j;
          }
        } else if (c === '"' && cell.trim() === '') {
          quoted = true;
          cell = '';
          i++;
        } else if (c === this.separator) {
          cells.push(cell);
          cell = '';
          i++;
        } else if (c === '\n' || c === '\r') {
          cells.push(cell);
          i += c === '\r' && t[i + 1] === '\n' ? 2 : 1;
          this.#line++;
          break;
        } else {
          // A run of plain characters at once: up to the next separator, quote or line break.
          let j = i + 1;
          while (j < t.length) {
            const ch = t.charCodeAt(j);
            if (ch === sep || ch === QUOTE || ch === LF || ch === CR) break;
            j++;
          }
          cell += t.slice(i, j);
          i = j;
        }
      }
      this.#pos = i;
      if (cells.length === 1 && cells[0]!.trim() === '') continue;
      return { line, cells };
    }
  }
}

/** The separator of the header line: the one it has more of outside quotes (a comma when it has neither). */
function sniffSeparator(header: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Where each column is, from the header; or why the header cannot be used. */
export function readHeader(cells: string[]): { columns: Partial<Record<ProductColumn, number>> } | { problem: string; missing: string } {
  const columns: Partial<Record<ProductColumn, number>> = {};
  cells.forEach((c, i) => {
    const name = c
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if ((PRODUCT_COLUMNS as readonly string[]).includes(name) && columns[name as ProductColumn] === undefined)
      columns[name as ProductColumn] = i;
  });
  const missing = REQUIRED.filter((c) => columns[c] === undefined);
  if (missing.length)
    return {
      problem: `The first line must name the columns ${PRODUCT_COLUMNS.join(',')}; ${missing.join(', ')} is missing.`,
      missing: missing.join(', '),
    };
  return { columns };
}

/** A price as a shop writes it: "2.50", "2,50", "2", "€ 2,50"; minor units, or null. */
export function parsePrice(text: string, digits = 2): number | null {
  const m = /^\s*(?:€\s*)?(\d{1,7})(?:[.,](\d+))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > digits) return null;
  const minor = Number(m[1]) * 10 ** digits + (frac ? Number(frac.padEnd(digits, '0')) : 0);
  return minor > 0 && minor <= MAX_AMOUNT ? minor : null;
}

/** A VAT rate: "21", "21%", "5,5", "9.0"; or null. */
export function parseRate(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  const rate = Number(`${m[1]}.${m[2] ?? '0'}`);
  return rate <= 100 ? rate : null;
}

/** One record as a product, or what is wrong with it (in English, naming the column). */
export function readRow(
  line: number,
  cells: string[],
  columns: Partial<Record<ProductColumn, number>>,
  rates: readonly number[],
  digits = 2,
  scaleLayout?: ScaleLayout,
): ProductRow | RowProblem {
  const cell = (c: ProductColumn) => (columns[c] === undefined ? '' : (cells[columns[c]] ?? '').trim());
  const codes = cell('barcode')
    .split(/[|\s]+/)
    .filter(Boolean);
  if (!codes.length) return rowProblem(line, 'barcode_empty', 'barcode is empty');
  const barcodes: string[] = [];
  for (const code of codes) {
    const c = catalogCode(code, scaleLayout);
    if (!c.ok)
      return c.misread
        ? rowProblem(line, 'check_digit', `barcode ${code}: ${c.problem}`, { code, kind: c.misread })
        : rowProblem(line, 'barcode_format', `barcode ${code}: ${c.problem}`, { code });
    if (!barcodes.includes(c.code)) barcodes.push(c.code);
  }
  if (barcodes.length > 10) return rowProblem(line, 'too_many_barcodes', 'at most 10 barcodes per product');
  // An exported name that began like a formula carries a quote before it (csvCell): read back without it.
  const name = cell('name')
    .replace(/\s+/g, ' ')
    .replace(/^'(?=[=+\-@])/, '');
  if (!name) return rowProblem(line, 'name_empty', 'name is empty');
  if (name.length > 80) return rowProblem(line, 'name_long', 'name is longer than 80 characters');
  const price = parsePrice(cell('price'), digits);
  if (price === null)
    return rowProblem(line, 'price', `price "${cell('price')}" is not an amount (e.g. 2.50 or 2,50)`, { value: cell('price') });
  const vatRate = parseRate(cell('vat_rate'));
  if (vatRate === null)
    return rowProblem(line, 'rate', `vat_rate "${cell('vat_rate')}" is not a VAT rate (e.g. 21)`, { value: cell('vat_rate') });
  if (!rates.includes(vatRate))
    return rowProblem(line, 'rate_unknown', `vat_rate ${vatRate} is not one of the till's VAT rates (${rates.join(', ')})`, {
      value: vatRate,
      rates: rates.join(', '),
    });
  const category = cell('category').replace(/\s+/g, ' ');
  if (category.length > 40) return rowProblem(line, 'category_long', 'category is longer than 40 characters');
  return { line, barcodes, name, price, vatRate, category };
}

/** One cell of an exported file: quoted when it holds the separator, a quote or a line break. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
