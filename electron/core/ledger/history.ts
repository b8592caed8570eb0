/**
 * Reads of the sales and card attempts in the ledger: a page of history or what matches a search, the sale of an
 * order, the sales still open, sales and attempts of a time span (exports, watches), the attempts still open and
 * the supervisor resolutions of an order. Part of the Ledger (`ledger.history`), on its database and statements.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { SaleRecord } from '../../../shared/contract';
import { parseAmount } from '../../../shared/money';
import { readCreditCode } from '../../../shared/credit';
import { paidSoFar, refundedOf } from '../../../shared/sale';
import type { StatusReader } from '../payments/provider';
import { attemptOf, saleRecords } from './records';
import { type AttemptSnapshot, check, ftsQuery, type SaleRow, SaleRowSchema } from './rows';
import type { LedgerContext } from './statements';

/** The most ids one `IN (...)` list carries. */
const MAX_IN = 500;

export class SaleHistory {
  readonly #c: LedgerContext;
  readonly #db: DatabaseSync;
  /** The provider's status reader: what became of a paid card payment since. */
  readonly #readStatus: StatusReader | undefined;
  /** One sale by its id (the ledger's). */
  readonly #sale: (saleId: string) => SaleRecord | undefined;
  /** A return without a receipt as a record (`receiptlessAsSale`), by its id. */
  readonly #receiptless: (returnId: string) => SaleRecord | undefined;

  constructor(
    c: LedgerContext,
    db: DatabaseSync,
    readStatus: StatusReader | undefined,
    sale: (saleId: string) => SaleRecord | undefined,
    receiptless: (returnId: string) => SaleRecord | undefined,
  ) {
    this.#c = c;
    this.#db = db;
    this.#readStatus = readStatus;
    this.#sale = sale;
    this.#receiptless = receiptless;
  }

  /** Sale records of rows read (with their attempts, tenders, refunds and returns). */
  #records(rows: SaleRow[]): SaleRecord[] {
    return saleRecords(this.#db, this.#readStatus, rows);
  }

  /**
   * A page of history, newest first: everything, or what matches the query - an amount ("12.50"), a card's
   * last four digits, a card brand, a product, a sale number or (the start of) an order id. A receipt number or a
   * credit note's code also finds a return without a receipt (as `receiptlessAsSale` shows it), to print it again.
   */
  page(opts: { query?: string | undefined; limit?: number | undefined; before?: number | undefined }): SaleRecord[] {
    const limit = Math.min(opts.limit ?? 50, MAX_IN);
    const before = opts.before ?? Number.MAX_SAFE_INTEGER;
    const q = opts.query?.trim();
    let rows: SaleRow[];
    const returns: SaleRecord[] = [];
    if (!q) rows = (this.#c.q.latest!.all(before, limit) as unknown[]).map((r) => check(SaleRowSchema, r, 'sale'));
    else {
      const found = new Map<string, SaleRow>();
      const add = (r: unknown) => {
        const row = check(SaleRowSchema, r, 'sale');
        if (row.created_at < before) found.set(row.sale_id, row);
      };
      const amount = parseAmount(q);
      if (amount !== null) for (const r of this.#c.q.byTotal!.all(amount, before, limit) as unknown[]) add(r);
      const match = ftsQuery(q);
      if (match) {
        // Matches come newest first (rowids grow with time): a page starts at the newest sale before `before`.
        const bound = opts.before
          ? ((this.#c.q.lastRowBefore!.get(opts.before) as { rowid: number } | undefined)?.rowid ?? 0)
          : Number.MAX_SAFE_INTEGER;
        const ids = (this.#c.q.byWords!.all(match, bound, limit) as { rowid: number }[]).map((r) => r.rowid);
        for (let i = 0; i < ids.length; i += MAX_IN) {
          const part = ids.slice(i, i + MAX_IN);
          for (const r of this.#db.prepare(`SELECT rowid, * FROM sales WHERE rowid IN (${part.map(() => '?').join(',')})`).all(...part))
            add(r);
        }
      }
      // A receipt number: "12", "#12", "no. 12", "nr 12", "bon 12", "receipt 12".
      const receipt = /^(?:#|no\.?|nr\.?|bon|receipt)?\s*(\d{1,12})$/i.exec(q);
      if (receipt) {
        const r = this.#c.q.receiptSale!.get(Number(receipt[1])) as { sale_id: string } | undefined;
        const row = r && this.#c.q.saleRow!.get(r.sale_id);
        if (row) add(row);
        const ret = r && !row ? this.#receiptless(r.sale_id) : undefined;
        if (ret && ret.createdAt < before) returns.push(ret);
      }
      const code = readCreditCode(q);
      const note = code && (this.#c.q.creditNoteReturn!.get(code) as { return_id: string } | undefined);
      const given = note ? this.#receiptless(note.return_id) : undefined;
      if (given && given.createdAt < before) returns.push(given);
      if (/^[A-Za-z0-9_-]{3,50}$/.test(q)) {
        for (const { sale_id } of this.#c.q.byOrderPrefix!.all(q, `${q}\uffff`, limit) as { sale_id: string }[]) {
          const r = this.#c.q.saleRow!.get(sale_id);
          if (r) add(r);
        }
      }
      rows = [...found.values()].sort((a, b) => b.created_at - a.created_at).slice(0, limit);
    }
    const records = this.#records(rows);
    return returns.length ? [...records, ...returns].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit) : records;
  }

  /** A return without a receipt as a sale record with its one refund (`receiptlessAsSale`), for its receipt. */
  receiptless(returnId: string): SaleRecord | undefined {
    return this.#receiptless(returnId);
  }

  saleOfOrder(orderId: string): SaleRecord | undefined {
    const row = this.#c.q.attempt!.get(orderId) as { data: string } | undefined;
    return row ? this.#sale(attemptOf(row.data).saleId) : undefined;
  }

  /**
   * Card sales made since `since` (epoch ms) that are not paid in full: partly paid, or still paying on a terminal
   * (a sale left on a terminal by Start another sale), newest first. Sales that ended unpaid are not listed, and
   * are left out by the query itself (a card attempt paid or still open), so any number of abandoned declines never
   * push an open sale off the list.
   */
  openSales(since: number): SaleRecord[] {
    const rows = (this.#c.q.unpaidCardSales!.all(since, MAX_IN) as unknown[]).map((r) => check(SaleRowSchema, r, 'sale'));
    // A partly paid sale whose paid parts were all given back (the customer left) is not open any more.
    return this.#records(rows).filter(
      (s) => s.status === 'pending' || (s.status === 'partly_paid' && refundedOf(s.refunds) < paidSoFar(s)),
    );
  }

  /** Sales created in [from, to) in pages of `limit`, oldest first (exports): the cursor is the last row's. */
  salesBetween(from: number, to: number, after: { createdAt: number; saleId: string } | undefined, limit: number): SaleRecord[] {
    const c = after ?? { createdAt: from - 1, saleId: '' };
    const rows = (this.#c.q.exportPage!.all(from, to, c.createdAt, c.createdAt, c.saleId, limit) as unknown[]).map((r) =>
      check(SaleRowSchema, r, 'sale'),
    );
    return this.#records(rows);
  }

  /** Every attempt MultiSafepay has not given a final status yet (an index holds only these). */
  openAttempts(): AttemptSnapshot[] {
    return (this.#c.q.openAttempts!.all() as { data: string }[]).map((r) => attemptOf(r.data));
  }

  attemptsOfSale(saleId: string): AttemptSnapshot[] {
    return (this.#c.q.attemptsOfSale!.all(saleId) as { data: string }[]).map((r) => attemptOf(r.data));
  }

  /** Card attempts created in [from, to), a page at a time (after the given cursor). */
  attemptsBetween(from: number, to: number, after: { createdAt: number; orderId: string } | undefined, limit: number): AttemptSnapshot[] {
    const c = after ?? { createdAt: from - 1, orderId: '' };
    return (this.#c.q.attemptsBetween!.all(from, to, c.createdAt, c.createdAt, c.orderId, limit) as { data: string }[]).map((r) =>
      attemptOf(r.data),
    );
  }

  resolutionsOf(orderId: string): { orderId: string; reason: string; mspStatus: string; at: number }[] {
    return (this.#c.q.resolutionsOf!.all(orderId) as { order_id: string; reason: string; provider_status: string; at: number }[]).map(
      (r) => ({
        orderId: r.order_id,
        reason: r.reason,
        mspStatus: r.provider_status,
        at: r.at,
      }),
    );
  }
}
