/**
 * The sales book's exports: the transactions CSV (one row per sale and per refund, headers in the cashier's
 * language) and the bookkeeping journal (journal.ts), each written to a new private file.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toUnits } from '../../shared/money';
import { receiptContent, type ReceiptTender, tenderKinds } from '../../shared/receipt';
import { paidCards } from '../../shared/sale';
import { exportJournal } from './journal';
import { dayBounds } from './ledger/ledger';
import { writePrivateFile } from './storage/private-file';
import type { SalesBookOptions } from './sales';

/** Column headers of the transactions CSV in the cashier's language (the values themselves stay codes). */
const CSV_HEADERS = {
  en: [
    'created',
    'sale_id',
    'tender',
    'status',
    'total',
    'currency',
    'order_id',
    'terminal_id',
    'card_type',
    'card_last4',
    'refunded',
    'receipt_no',
    'card_amount',
    'cash_amount',
    'tip',
    'cash_rounding',
  ],
  nl: [
    'aangemaakt',
    'verkoop',
    'betaalwijze',
    'status',
    'totaal',
    'valuta',
    'order',
    'terminal',
    'kaartsoort',
    'kaart_laatste4',
    'terugbetaald',
    'bonnummer',
    'kaart_bedrag',
    'contant_bedrag',
    'fooi',
    'afronding_contant',
  ],
} as const;

/** The largest total one sale may charge (minor units): a typo must not reach a terminal. */

export class SalesExports {
  readonly #o: SalesBookOptions;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
  }

  /** The bookkeeping journal of the drawer sessions opened from `from` to `to` (see journal.ts). */
  exportJournal(
    dir: string,
    from: string,
    to: string,
    opts: { language: 'en' | 'nl'; decimalComma: boolean },
  ): Promise<{ path: string; rows: number }> {
    return exportJournal(this.#o.ledger, dir, from, to, opts);
  }

  /** Every sale of [from, to) as CSV, written a page at a time (the event loop is never held for long). */
  async exportCsv(dir: string, from: string, to: string, language: 'en' | 'nl' = 'en'): Promise<{ path: string; rows: number }> {
    const [start] = dayBounds(from);
    const [, end] = dayBounds(to);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `transactions-${from}-to-${to}.csv`);
    return writePrivateFile(path, async (_tmp, out) => {
      const rows = await this.#writeCsv((text) => out.write(text).then(() => undefined), start, end, language);
      return { path, rows };
    });
  }

  async #writeCsv(write: (text: string) => Promise<void>, start: number, end: number, language: 'en' | 'nl'): Promise<number> {
    await write(`${CSV_HEADERS[language].join(',')}\n`);
    let rows = 0;
    let after: { createdAt: number; saleId: string } | undefined;
    for (;;) {
      const page = this.#o.ledger.history.salesBetween(start, end, after, 500);
      if (!page.length) break;
      let chunk = '';
      for (const s of page) {
        const paid = paidCards(s)[0] ?? s.attempts[s.attempts.length - 1];
        const refunded = s.refunds.filter((r) => r.state === 'done').reduce((n, r) => n + r.amount, 0);
        // The tenders as the receipt lists them (shared/receipt.ts): "card+cash" for a split sale.
        const receipt = receiptContent(s);
        const sum = (kind: 'card' | 'cash', of: (t: ReceiptTender) => number) =>
          (receipt?.tenders ?? []).filter((t) => t.kind === kind).reduce((n, t) => n + of(t), 0);
        chunk += `${[
          new Date(s.createdAt).toISOString(),
          s.saleId,
          receipt ? tenderKinds(receipt) : s.tender,
          s.status,
          toUnits(s.total, s.currency),
          s.currency,
          paid?.orderId ?? '',
          paid?.terminalId ?? '',
          paid?.card?.type ?? '',
          paid?.card?.last4 ?? '',
          toUnits(refunded, s.currency),
          receipt ? String(receipt.number) : '',
          receipt
            ? toUnits(
                sum('card', (t) => t.amount),
                s.currency,
              )
            : '',
          receipt
            ? toUnits(
                sum('cash', (t) => t.amount),
                s.currency,
              )
            : '',
          receipt
            ? toUnits(
                sum('card', (t) => (t.kind === 'card' ? t.tip : 0)),
                s.currency,
              )
            : '',
          receipt
            ? toUnits(
                sum('cash', (t) => (t.kind === 'cash' ? (t.rounding ?? 0) : 0)),
                s.currency,
              )
            : '',
        ]
          .map(csvCell)
          .join(',')}\n`;
        rows++;
      }
      await write(chunk);
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, saleId: last.saleId };
      await new Promise<void>((r) => setImmediate(r));
    }
    return rows;
  }
}

/**
 * One CSV cell, quoted: text from outside (card fields from MultiSafepay) can neither split the row nor become a
 * spreadsheet formula - a cell starting with = + - @, a tab or a carriage return gets a leading ' (a plain
 * number, such as -2.50 or -2,50, is left as it is).
 */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d+([.,]\d+)?$/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}
