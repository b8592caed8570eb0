/**
 * Store credit at the counter: a credit note (given for a return without a receipt, see `SalesBook.returnWithoutReceipt`)
 * looked up by its code and spent as a tender of a sale - all of the sale, or part of it with the rest in cash or on
 * a card, as a split sale's. Part of the sales book (`sales.credit`). What is left on a note is kept by the ledger,
 * which refuses to spend more than that even for two counters at the same moment.
 */
import { randomBytes } from 'node:crypto';
import type { CreditNote, SaleRecord } from '../../shared/contract';
import { readCreditCode } from '../../shared/credit';
import { TillError } from '../../shared/errors';
import { formatMoney, lineTotal } from '../../shared/money';
import type { SaleLine } from '../../shared/payment';
import { amountDue } from '../../shared/sale';
import { storage } from './storage/disk';
import type { SalesBookOptions } from './sales';

export class StoreCredit {
  readonly #o: SalesBookOptions;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
  }

  /** The credit note with the code typed or scanned (read leniently, shared/credit.ts). Throws `bad_request` or `not_found`. */
  note(typed: string): CreditNote {
    const code = readCreditCode(typed);
    if (!code)
      throw new TillError({
        code: 'bad_request',
        field: 'code',
        message: 'That is not a credit note code - it has ten letters and digits, as printed on the credit note.',
      });
    const note = this.#o.ledger.creditNotes.get(code);
    if (!note) throw new TillError({ code: 'not_found', field: 'code', message: `No credit note has the code ${code}.` });
    return note;
  }

  /**
   * Pays with store credit: what is left on the note, up to what is due. `sale`: the sale on the counter already
   * partly paid or unpaid (the caller checked it is that basket); else a new sale of `lines` (id `<prefix>-k<hex>`).
   * Paid in full, it gets its receipt number. Throws `bad_request` (not a code, another currency), `not_found`, or
   * `not_allowed` (nothing left on the note, nothing due); nothing is written then.
   */
  pay(lines: SaleLine[], typed: string, sale: SaleRecord | undefined, saleIdPrefix: string, staff?: string): SaleRecord {
    const note = this.note(typed);
    if (note.left <= 0)
      throw new TillError({ code: 'not_allowed', field: 'code', message: `Nothing is left on credit note ${note.code}.` });
    if (Boolean(note.training) !== this.#o.ledger.training)
      throw new TillError({
        code: 'not_allowed',
        field: 'code',
        message: note.training
          ? `Credit note ${note.code} was given in demo mode (training): it cannot pay a real sale.`
          : `Credit note ${note.code} is a real one: it cannot pay a sale in demo mode (training).`,
      });
    const currency = sale?.currency ?? this.#o.currency();
    if (note.currency !== currency)
      throw new TillError({
        code: 'bad_request',
        field: 'code',
        message: `Credit note ${note.code} is in ${note.currency}, this sale in ${currency}.`,
      });
    const due = sale ? amountDue(sale) : lineTotal(lines);
    if (due <= 0) throw new TillError({ code: 'not_allowed', message: 'This sale is already paid.' });
    const saleId = sale?.saleId ?? `${saleIdPrefix}-k${randomBytes(4).toString('hex')}`;
    const amount = Math.min(note.left, due);
    try {
      storage(() =>
        this.#o.ledger.payWithCredit({
          saleId,
          at: this.#o.now(),
          code: note.code,
          amount,
          currency,
          lines: sale?.lines ?? lines,
          ...(staff ? { staff } : {}),
        }),
      );
    } catch (err) {
      // Spent or paid at the same moment by another payment: the ledger refused, nothing was written.
      if (err instanceof RangeError || (err instanceof Error && /more than is left on this credit note/.test(err.message)))
        throw new TillError({
          code: 'not_allowed',
          field: 'code',
          message: `Credit note ${note.code} or this sale changed at the same moment - ${formatMoney(amount, currency)} was not taken. Try again.`,
        });
      throw err;
    }
    this.#o.failpoint?.('credit-spent');
    return this.#o.ledger.sale(saleId)!;
  }
}
