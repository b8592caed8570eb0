/**
 * Refunds and returns in the ledger: a refund recorded as pending before it is sent and settled from the answer,
 * the lines a return takes back (never more than were sold), returns without a receipt, and the refunds of an
 * order or still pending. Part of the Ledger (`ledger.refunds`), on its statements and drawer sessions.
 */
import type { ReceiptlessReturn } from '../../../shared/contract';
import { addVat, type VatLine, vatOfRefund } from '../../../shared/vat';
import { vatOfLines } from '../../../shared/returns';
import {
  check,
  LinesSchema,
  localDate,
  type NewRefund,
  ReceiptlessRowSchema,
  type RefundBaseline,
  type RefundRow,
  RefundRowSchema,
  ReturnedLinesSchema,
  ReturnedTwiceError,
  safeJson,
  VatSchema,
} from './rows';
import type { DrawerSessions } from './sessions';
import type { LedgerContext } from './statements';
import type { CreditNotes } from './credit-notes';

/** VAT lines, each at most what is left at its rate. */
function clampVat(vat: VatLine[], left: readonly VatLine[]): VatLine[] {
  return vat.map((v) => {
    const l = left.find((x) => x.rate === v.rate);
    return { ...v, vat: Math.max(0, Math.min(v.vat, l?.vat ?? 0)) };
  });
}

export class Refunds {
  readonly #c: LedgerContext;
  /** The drawer sessions the money of a refund belongs to. */
  readonly #sessions: DrawerSessions;

  /** Store credit notes: a return without a receipt may give one instead of cash. */
  readonly #credit: CreditNotes;

  constructor(c: LedgerContext, sessions: DrawerSessions, credit: CreditNotes) {
    this.#c = c;
    this.#sessions = sessions;
    this.#credit = credit;
  }

  /** A refund about to be sent: recorded as pending first, so an unknown outcome is never forgotten. */
  /** Records a refund as pending before it is sent, with what MultiSafepay knew of the order's refunds then. */
  begin(r: NewRefund, mspBefore?: RefundBaseline): void {
    this.#c.atomically(() => {
      this.beginInTransaction(r);
      if (mspBefore) this.#c.q.refundBaseline!.run(JSON.stringify(mspBefore), r.refundId);
    });
    this.#c.changed('refund');
  }

  beginInTransaction(r: NewRefund): void {
    const q = this.#c.q;
    const saleVat = q.saleVat!.get(r.saleId) as { vat: string } | undefined;
    // What is left of the sale's VAT: its VAT less that of its refunds made or still pending.
    let left = saleVat ? check(VatSchema, safeJson(saleVat.vat), 'sale VAT') : [];
    for (const e of q.refundVatOfSale!.all(r.saleId) as { vat: string }[])
      left = addVat(left, check(VatSchema, safeJson(e.vat), 'refund VAT'), -1);
    // A return reverses the VAT of its lines (never more than is left at a rate); any other refund its share.
    const vat = r.return ? clampVat(vatOfLines(r.return.lines), left) : vatOfRefund(left, r.amount);
    if (r.return) {
      const sale = q.saleRow!.get(r.saleId) as { lines: string } | undefined;
      const sold = sale ? check(LinesSchema, safeJson(sale.lines), 'sale lines') : [];
      for (const l of r.return.lines) {
        const done = Number((q.returnedOfLine!.get(r.saleId, l.index) as { quantity: number }).quantity);
        if (l.index >= sold.length || done + l.quantity > sold[l.index]!.quantity) throw new ReturnedTwiceError(l.index);
      }
    }
    q.insertRefund!.run(
      r.refundId,
      r.orderId,
      r.saleId,
      r.amount,
      r.currency,
      r.at,
      localDate(r.at),
      r.tender ?? 'card',
      JSON.stringify(vat),
      r.staff ?? null,
      r.rounding ?? 0,
      // Until it is done, the session open when it began; once done, the one open then (settle).
      this.#sessions.openId(),
      r.creditCode ?? null,
    );
    if (r.return) {
      q.insertReturn!.run(r.refundId, r.return.reason);
      for (const l of r.return.lines)
        q.insertReturnedLine!.run(
          r.refundId,
          r.saleId,
          l.index,
          l.productId ?? null,
          l.name,
          l.quantity,
          l.unitPrice,
          l.amount,
          l.vatRate,
          l.vat,
        );
    }
  }

  /** Settles a pending refund from MultiSafepay's answer (or a re-read). Returns false if it was not pending. */
  settle(refundId: string, state: 'done' | 'failed', at: number, transactionId?: string): boolean {
    const changed = this.#c.atomically(() => this.settleInTransaction(refundId, state, at, transactionId));
    this.#c.changed('refund');
    return changed;
  }

  settleInTransaction(refundId: string, state: 'done' | 'failed', at: number, transactionId?: string): boolean {
    const q = this.#c.q;
    const changed = Number(q.settleRefund!.run(state, at, transactionId ?? null, refundId).changes) === 1;
    if (changed && state === 'done') {
      q.refundReceipt!.run(at, refundId);
      // The money went back now: the refund belongs to the drawer session open now (one is opened if none is).
      const currency = (q.refundCurrency!.get(refundId) as { currency: string }).currency;
      q.refundSession!.run(this.#sessions.moneySession(at, currency), refundId);
    }
    return changed;
  }

  /**
   * Records a return without a receipt with its refund receipt number, in one transaction: cash from the drawer, or
   * (`creditCode`) a store credit note of its amount, given in the same transaction.
   */
  recordReceiptless(r: Omit<ReceiptlessReturn, 'receiptNumber' | 'creditNote'> & { creditCode?: string }): ReceiptlessReturn {
    this.#c.atomically(() => {
      const session = this.#sessions.moneySession(r.at, r.currency);
      if (r.creditCode)
        this.#credit.issueInTransaction({
          code: r.creditCode,
          amount: r.amount,
          currency: r.currency,
          at: r.at,
          session,
          ...(r.staff ? { staff: r.staff } : {}),
          returnId: r.returnId,
        });
      this.#c.q.insertReceiptless!.run(
        r.returnId,
        r.at,
        localDate(r.at),
        r.currency,
        r.amount,
        r.rounding ?? 0,
        JSON.stringify(r.lines),
        JSON.stringify(r.vat),
        r.reason,
        r.staff ?? null,
        session,
        r.creditCode ?? null,
      );
      this.#c.q.receiptlessReceipt!.run(r.returnId, r.returnId, r.at);
    });
    this.#c.changed('refund');
    return this.receiptless(r.returnId)!;
  }

  /** A return without a receipt, by its id. */
  receiptless(returnId: string): ReceiptlessReturn | undefined {
    const raw = this.#c.q.receiptless!.get(returnId);
    if (!raw) return undefined;
    const r = check(ReceiptlessRowSchema, raw, 'return');
    const ret: ReceiptlessReturn = {
      returnId: r.return_id,
      at: r.at,
      currency: r.currency,
      amount: r.amount,
      ...(r.cash_rounding ? { rounding: r.cash_rounding } : {}),
      lines: check(ReturnedLinesSchema, safeJson(r.lines), 'returned lines'),
      vat: check(VatSchema, safeJson(r.vat), 'return VAT'),
      reason: r.reason,
      ...(r.staff ? { staff: r.staff } : {}),
      receiptNumber: r.receipt_number,
    };
    const note = r.credit_code ? this.#credit.get(r.credit_code) : undefined;
    return note ? { ...ret, creditNote: note } : ret;
  }

  /**
   * A refund done as it is written - cash given back from the drawer, or one settled elsewhere (the journal import) -
   * recorded and settled inside the caller's transaction, with its receipt number.
   */
  recordDone(r: NewRefund & { transactionId?: string }): void {
    // Given as store credit: its credit note first, of the refund's amount, in the same transaction.
    if (r.tender === 'credit') {
      if (!r.creditCode) throw new RangeError('a refund as store credit needs its credit note code');
      this.#credit.issueInTransaction({
        code: r.creditCode,
        amount: r.amount,
        currency: r.currency,
        at: r.at,
        session: this.#sessions.moneySession(r.at, r.currency),
        ...(r.staff ? { staff: r.staff } : {}),
        returnId: r.refundId,
      });
    }
    this.beginInTransaction(r);
    this.settleInTransaction(r.refundId, 'done', r.at, r.transactionId);
  }

  /** An order's refunds, oldest first. */
  ofOrder(orderId: string): RefundRow[] {
    return (this.#c.q.refundsOfOrder!.all(orderId) as unknown[]).map((r) => check(RefundRowSchema, r, 'refund'));
  }

  /** Refunds sent whose outcome is not known yet. */
  pending(): RefundRow[] {
    return (this.#c.q.pendingRefunds!.all() as unknown[]).map((r) => check(RefundRowSchema, r, 'refund'));
  }
}
