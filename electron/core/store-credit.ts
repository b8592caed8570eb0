/**
 * Store credit at the counter: a credit note (given for a return without a receipt, see `SalesBook.returnWithoutReceipt`)
 * looked up by its code and spent as a tender of a sale - all of the sale, or part of it with the rest in cash or on
 * a card, as a split sale's. Part of the sales book (`sales.credit`).
 *
 * Without a shop database a note is spent at the till that gave it, and the ledger refuses to spend more than is left,
 * even for two payments at the same moment. With one, any till of the shop spends any note: each spend first takes a
 * claim in the shop database (shop/credit.ts), which refuses beyond what is left across all tills, then writes the
 * tender here (a claim it could not use is let go). A till that cannot reach the shop database spends only notes it
 * gave itself, up to what it knows is left.
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
import { type ShopNote } from './shop/credit';
import { ShopUnreachableError } from './shop/shop';

type LocalNote = CreditNote & { origin?: string };

/** A credit tender to write: the sale (new: with its lines), the note and the amount (minor units). */
type CreditWrite = { saleId: string; code: string; currency: string; lines: SaleLine[]; staff?: string; amount: number; left?: number };

export class StoreCredit {
  readonly #o: SalesBookOptions;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
  }

  /**
   * The credit note with the code typed or scanned (read leniently, shared/credit.ts), with what is left on it: the
   * shop database's word when there is one and it answers, else this till's. Throws `bad_request` or `not_found`.
   */
  async note(typed: string): Promise<CreditNote> {
    const code = this.#code(typed);
    const local = this.#o.ledger.creditNotes.get(code);
    const shop = this.#o.shop?.();
    if (shop) {
      try {
        const found = await shop.creditNote(code, this.#own(local));
        if (found) return noteOf(code, found.note, found.left);
      } catch (err) {
        if (!(err instanceof ShopUnreachableError) || !local || local.origin) throw this.#unreachable(err);
      }
    }
    if (!local || local.origin) throw notFound(code);
    const { origin: _, ...note } = local;
    return note;
  }

  /**
   * Pays with store credit: what is left on the note, up to what is due. `sale`: the sale on the counter already
   * partly paid or unpaid (the caller checked it is that basket); else a new sale of `lines` (id `<prefix>-k<hex>`).
   * Paid in full, it gets its receipt number. Throws `bad_request` (not a code, another currency), `not_found`, or
   * `not_allowed` (nothing left on the note, nothing due, a note of another till while the shop database cannot be
   * reached); nothing is written then.
   */
  async pay(lines: SaleLine[], typed: string, sale: SaleRecord | undefined, saleIdPrefix: string, staff?: string): Promise<SaleRecord> {
    const code = this.#code(typed);
    const local = this.#o.ledger.creditNotes.get(code);
    const currency = sale?.currency ?? this.#o.currency();
    const due = sale ? amountDue(sale) : lineTotal(lines);
    if (due <= 0) throw new TillError({ code: 'not_allowed', message: 'This sale is already paid.' });
    const saleId = sale?.saleId ?? `${saleIdPrefix}-k${randomBytes(4).toString('hex')}`;
    const write = { saleId, code, currency, lines: sale?.lines ?? lines, ...(staff ? { staff } : {}) };
    const shop = this.#o.shop?.();
    if (shop) {
      let answer;
      try {
        answer = await shop.claimCredit({ code, saleId, want: due, ...(local && !local.origin ? { own: this.#own(local)! } : {}) });
      } catch (err) {
        // The shop database is away: a note this till gave is spent on what this till knows of it.
        if (!(err instanceof ShopUnreachableError) || !local || local.origin) throw this.#unreachable(err);
        return this.#spendHere(local, due, write);
      }
      if ('refused' in answer) {
        if (answer.refused === 'unknown') throw notFound(code);
        throw nothingLeft(code);
      }
      this.#o.failpoint?.('credit-claimed');
      try {
        this.#check(noteOf(code, answer.note, answer.left), currency);
        this.#write({ ...write, amount: answer.granted, left: answer.left }, local ? undefined : answer.note);
      } catch (err) {
        // Not spent here: the claim is let go (a crash here instead is settled at the next start).
        await shop.releaseCredit({ code, saleId, amount: answer.granted }).catch(() => undefined);
        throw err;
      }
      return this.#done(saleId);
    }
    if (!local || local.origin) throw notFound(code);
    return this.#spendHere(local, due, write);
  }

  /** Spends a note on what this till knows is left of it (the ledger refuses more, at the same moment too). */
  #spendHere(note: LocalNote, due: number, write: Omit<CreditWrite, 'amount'>): SaleRecord {
    if (note.left <= 0) throw nothingLeft(note.code);
    this.#check(note, write.currency);
    this.#write({ ...write, amount: Math.min(note.left, due) });
    return this.#done(write.saleId);
  }

  /** The note fits this sale: the same currency, and a training note for a training sale only (and a real one for a real one). */
  #check(note: CreditNote, currency: string): void {
    if (Boolean(note.training) !== this.#o.ledger.training)
      throw new TillError({
        code: 'not_allowed',
        field: 'code',
        message: note.training
          ? `Credit note ${note.code} was given in demo mode (training): it cannot pay a real sale.`
          : `Credit note ${note.code} is a real one: it cannot pay a sale in demo mode (training).`,
      });
    if (note.currency !== currency)
      throw new TillError({
        code: 'bad_request',
        field: 'code',
        message: `Credit note ${note.code} is in ${note.currency}, this sale in ${currency}.`,
      });
  }

  /** The credit tender (and, for another till's note, its copy here first), in one transaction. */
  #write(w: CreditWrite, copyOf?: ShopNote): void {
    const ledger = this.#o.ledger;
    try {
      storage(() =>
        ledger.atomically(() => {
          if (copyOf)
            ledger.creditNotes.copyInTransaction({
              code: w.code,
              amount: copyOf.amount,
              currency: copyOf.currency,
              at: copyOf.at,
              training: copyOf.training,
              origin: copyOf.tillId,
            });
          ledger.payWithCreditInTransaction({ ...w, at: this.#o.now() });
        }),
      );
    } catch (err) {
      // Spent or paid at the same moment by another payment: the ledger refused, nothing was written.
      if (err instanceof RangeError || (err instanceof Error && /more than is left on this credit note/.test(err.message)))
        throw new TillError({
          code: 'not_allowed',
          field: 'code',
          message: `Credit note ${w.code} or this sale changed at the same moment - ${formatMoney(w.amount, w.currency)} was not taken. Try again.`,
        });
      throw err;
    }
    ledger.onChange?.('cash');
  }

  #done(saleId: string): SaleRecord {
    this.#o.failpoint?.('credit-spent');
    return this.#o.ledger.sale(saleId)!;
  }

  #code(typed: string): string {
    const code = readCreditCode(typed);
    if (!code)
      throw new TillError({
        code: 'bad_request',
        field: 'code',
        message: 'That is not a credit note code - it has ten letters and digits, as printed on the credit note.',
      });
    return code;
  }

  /** This till's own note as the shop database would know it once shipped (it may not have been yet). */
  #own(local: LocalNote | undefined): ShopNote | undefined {
    if (!local || local.origin) return undefined;
    return {
      amount: local.amount,
      currency: local.currency,
      at: local.at,
      training: Boolean(local.training),
      tillId: this.#o.ledger.outbox.tillId(),
    };
  }

  #unreachable(err: unknown): unknown {
    if (!(err instanceof ShopUnreachableError)) return err;
    return new TillError({
      code: 'not_allowed',
      field: 'code',
      message:
        'The shop database cannot be reached, so a credit note from another till cannot be checked now - try again in a moment, or take another tender.',
    });
  }
}

function noteOf(code: string, n: ShopNote, left: number): CreditNote {
  return { code, amount: n.amount, left, currency: n.currency, at: n.at, ...(n.training ? { training: true as const } : {}) };
}

const notFound = (code: string) => new TillError({ code: 'not_found', field: 'code', message: `No credit note has the code ${code}.` });
const nothingLeft = (code: string) =>
  new TillError({ code: 'not_allowed', field: 'code', message: `Nothing is left on credit note ${code}.` });
