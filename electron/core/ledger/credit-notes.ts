/**
 * Store credit notes in the ledger (table `credit_notes`, which cannot be edited): each given for a return without a
 * receipt, with what is left on it - its amount less the credit tenders that spent it (table `tenders`, kind
 * `credit`; the database refuses a tender that would spend more). Part of the Ledger (`ledger.creditNotes`).
 */
import type { CreditNote } from '../../../shared/contract';
import { check, CreditNoteRowSchema, localDate } from './rows';
import type { LedgerContext } from './statements';

export class CreditNotes {
  readonly #c: LedgerContext;
  /** The till runs in demo mode now (the ledger's flag): a note given now is a training note. */
  readonly #training: () => boolean;

  constructor(c: LedgerContext, training: () => boolean) {
    this.#c = c;
    this.#training = training;
  }

  /** Gives a credit note, inside the caller's transaction (the return it is for is written in the same one). */
  issueInTransaction(n: {
    code: string;
    amount: number;
    currency: string;
    at: number;
    session: number | null;
    staff?: string;
    returnId: string;
  }): void {
    this.#c.q.insertCreditNote!.run(
      n.code,
      n.amount,
      n.currency,
      n.at,
      localDate(n.at),
      n.session,
      n.staff ?? null,
      n.returnId,
      this.#training() ? 1 : 0,
    );
  }

  /**
   * A copy of a note another till gave (`origin`: its till id), spent here: its credit tenders refer to it. Inside the
   * caller's transaction; once per code.
   */
  copyInTransaction(n: { code: string; amount: number; currency: string; at: number; training: boolean; origin: string }): void {
    this.#c.q.copyCreditNote!.run(n.code, n.amount, n.currency, n.at, localDate(n.at), `copy:${n.code}`, n.training ? 1 : 0, n.origin);
  }

  /** What credit tenders of sale `saleId` spent of note `code` here. */
  spentOnSale(code: string, saleId: string): number {
    return Number((this.#c.q.spentOnSale!.get(code, saleId) as { spent: number }).spent);
  }

  /**
   * A credit note by its code (`XXXXX-XXXXX`), with what is left on it as this till knows it and whether it was
   * given in training; `origin`: a copy of another till's note (what is left is the shop database's to say).
   */
  get(code: string): (CreditNote & { origin?: string }) | undefined {
    const raw = this.#c.q.creditNote!.get(code);
    if (!raw) return undefined;
    const r = check(CreditNoteRowSchema, raw, 'credit note');
    return {
      code: r.code,
      amount: r.amount,
      left: r.amount - r.spent,
      currency: r.currency,
      at: r.at,
      ...(r.staff ? { staff: r.staff } : {}),
      ...(r.training ? { training: true as const } : {}),
      ...(r.origin ? { origin: r.origin } : {}),
    };
  }
}
