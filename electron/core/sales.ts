/**
 * The sales book: what the till sold and gave back - cash sales, refunds, history, day reports, reconciliation
 * and exports - on top of the ledger. Card payments themselves belong to the payment engine. Its parts: the drawer
 * (drawer.ts), the exports (sales-export.ts) and the refunds (refunds.ts); returns and exchanges are here.
 */
import { randomBytes } from 'node:crypto';
import { type Notice, type ReceiptlessReturn, type RefundRecord, type SaleRecord } from '../../shared/contract';
import { LEGACY_VAT_RATE, vatByRate } from '../../shared/vat';
import { TillError } from '../../shared/errors';
import { lineTotal } from '../../shared/money';
import type { SaleLine } from '../../shared/payment';
import { cashTaken, exchangeCash, roundCash } from '../../shared/cash';
import type { FailPoint, PaymentEngine } from './engine/engine';
import type { Ledger, NewRefund } from './ledger/ledger';
import { type ReturnPick, returnAmount, returnLines, returnProblem, vatOfLines } from '../../shared/returns';
import { amountDue, refundTargets } from '../../shared/sale';
import type { Logger } from './log';
import type { PaymentProvider } from './payments/provider';
import { storage } from './storage/disk';
import { creditCodeOf } from '../../shared/credit';
import { Drawer } from './drawer';
import { SalesExports } from './sales-export';
import { RefundDesk, type Return } from './refunds';
import { StoreCredit } from './store-credit';
import type { Shop } from './shop/shop';
export { csvCell } from './sales-export';

export interface SalesBookOptions {
  ledger: Ledger;
  engine: PaymentEngine;
  /** The payment provider to use now: card refunds and re-reads of a paid order go through it. */
  provider: () => PaymentProvider;
  logger: Logger;
  now: () => number;
  monotonic: () => number;
  currency: () => string;
  /** The step cash is rounded to (minor units, 0: not rounded): the till's setting. */
  cashRounding: () => number;
  /** A refund whose answer was lost is judged "not refunded" only after MultiSafepay showed nothing this long. */
  refundGraceMs?: number;
  /** After this long unsettled (ms, monotonic), a pending refund is reported as unknown once. Default 10 minutes. */
  refundUnknownMs?: number;
  /** Longest wait between two re-reads of a pending refund. */
  refundRecheckMaxMs?: number;
  notice: (level: 'info' | 'warning' | 'error', message: string, extra?: Pick<Notice, 'key' | 'params' | 'orderId'>) => void;
  /** Called after each durable step of the drawer or of a return (crash tests: `TILL_CRASH_AT`). */
  failpoint?: (point: FailPoint) => void;
  /** The shop database, when one is set: store credit is spent across its tills through it (store-credit.ts). */
  shop?: () => Shop | undefined;
  /** A refund is done (from the answer, a re-read or the drawer): e.g. print its receipt. */
  onRefundDone?: (sale: SaleRecord, refund: RefundRecord) => void;
}

export const MAX_SALE_TOTAL = 100_000_00;

export class SalesBook {
  readonly #o: SalesBookOptions;
  /** The drawer: sessions, cash moves, the day report. */
  readonly drawer: Drawer;
  /** The exports: the transactions CSV and the bookkeeping journal. */
  readonly exports: SalesExports;
  /** Refunds: card refunds through the provider, cash from the drawer, and the re-reads of pending ones. */
  readonly refunds: RefundDesk;
  /** Store credit: credit notes looked up and spent as a tender. */
  readonly credit: StoreCredit;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
    this.drawer = new Drawer(opts);
    this.exports = new SalesExports(opts);
    this.refunds = new RefundDesk(opts);
    this.credit = new StoreCredit(opts);
  }

  /** Starts re-reading the refunds left pending (`refunds.start`). */
  start(): void {
    this.refunds.start();
  }

  stop(): void {
    this.refunds.stop();
  }

  sale(saleId: string): SaleRecord | undefined {
    return this.#o.ledger.sale(saleId);
  }

  /**
   * Cash for the rest of a card sale (the caller has re-read its attempts at MultiSafepay): all of it when the
   * card did not pay, or what is left when a card paid part of it (a split sale, one sale, one receipt).
   */
  payRestInCash(sale: SaleRecord, given: number, staff?: string): SaleRecord {
    const due = amountDue(sale);
    if (due <= 0) throw new TillError({ code: 'not_allowed', message: 'This sale is already paid.' });
    const step = this.#o.cashRounding();
    const { taken, rounding } = cashTaken(due, step);
    if (given < taken) throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than what is due.' });
    const split = due < sale.total;
    const ok = storage(() =>
      this.#o.ledger.payInCash({
        saleId: sale.saleId,
        at: this.#o.now(),
        given,
        change: given - taken,
        amount: due,
        split,
        step,
        rounding,
        ...(staff ? { staff } : {}),
      }),
    );
    if (!ok) throw new TillError({ code: 'not_allowed', message: 'This sale is already paid.' });
    return this.sale(sale.saleId)!;
  }

  payCash(lines: SaleLine[], given: number, saleIdPrefix: string, staff?: string): SaleRecord {
    const total = lineTotal(lines);
    if (total > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const step = this.#o.cashRounding();
    const { taken, rounding } = cashTaken(total, step);
    if (given < taken) throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than the total.' });
    const saleId = `${saleIdPrefix}-c${randomBytes(4).toString('hex')}`;
    storage(() =>
      this.#o.ledger.recordCashSale({
        saleId,
        at: this.#o.now(),
        lines,
        total,
        currency: this.#o.currency(),
        given,
        change: given - taken,
        step,
        rounding,
        ...(staff ? { staff } : {}),
      }),
    );
    return this.sale(saleId)!;
  }

  history(query: string | undefined, limit: number | undefined, before: number | undefined): SaleRecord[] {
    return this.#o.ledger.history.page({ query, limit, before });
  }

  /**
   * Return items: lines of a sale paid in full given back (each at most what was sold less what was returned), the
   * reason recorded, and their amount refunded - with the VAT of those lines - to the tender that paid: the card
   * through MultiSafepay, the cash from the drawer. A sale paid in parts takes a return on the first part that can
   * take all of it. The lines, the reason and the refund are written in one transaction.
   */
  async returnItems(saleId: string, picks: readonly ReturnPick[], reason: string, staff?: string): Promise<SaleRecord> {
    const sale = this.#returnable(saleId, picks);
    const lines = returnLines(sale, picks);
    const amount = returnAmount(lines);
    const targets = refundTargets(sale, false);
    const target = targets.find((x) => x.left >= amount);
    if (!target)
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message:
          targets.reduce((s, x) => s + x.left, 0) < amount
            ? 'That is more than what is left to refund on this sale.'
            : 'No one payment of this sale can take all of this back - return fewer items at a time.',
      });
    const ret: Return = { lines, reason };
    if (target.tender === 'cash') return this.refunds.cash(sale, amount, staff, ret);
    if (target.tender === 'credit') return this.refunds.credit(sale, amount, staff, ret);
    this.refunds.refuseWhilePending(target.id);
    return this.refunds.card(sale, target.id, amount, staff, ret);
  }

  /** A paid sale whose `picks` can be returned; throws why not (not found, not paid in full, a bad pick). */
  #returnable(saleId: string, picks: readonly ReturnPick[]): SaleRecord {
    const sale = this.#o.ledger.sale(saleId);
    if (!sale) throw new TillError({ code: 'not_found', message: 'That sale is not in the till.' });
    if (sale.receiptNumber === undefined || (sale.status !== 'paid' && sale.status !== 'partially_refunded'))
      throw new TillError({
        code: 'not_allowed',
        message: 'Only items of a sale paid in full, and not refunded in full, can be returned.',
      });
    const problem = returnProblem(sale, picks);
    if (problem)
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message: {
          none: 'Choose the items to return.',
          unknown_line: 'That item is not on this sale.',
          twice: 'Each item can be chosen once per return.',
          too_many: 'That is more than was sold less what was returned already.',
        }[problem],
      });
    return sale;
  }

  /**
   * An exchange (a manager's): lines of a paid sale given back with a reason, and new lines sold, in one transaction.
   * What was given back (`R`, worked out per line as a return is) is a credit towards the new lines (`N`); only the
   * difference moves through the drawer, rounded as cash is: the customer pays `N - R`, or is given `R - N` back.
   * Recorded as a cash refund of `R` on the original sale (its lines returned, with their VAT) and a new cash sale of
   * `N` (given: the credit plus the cash handed over; the drawer's rounding on the new sale), each with its receipt
   * number, so the day, the drawer session and the VAT follow as for any return and sale. `restByCard`: the customer
   * pays the difference on a card instead - the returned lines are then given back as a store credit note spent at
   * once on the new sale (a refund and a credit tender, one transaction, no cash), which is left partly paid for the
   * card to pay the rest (`charge` with its sale id), or any tender if the card does not. Throws `bad_request` for
   * picks that cannot be returned, new lines that are not valid, too little cash handed over, or nothing left to pay
   * by card; `not_allowed` for a sale not paid in full or with no drawer session open.
   */
  exchange(
    saleId: string,
    picks: readonly ReturnPick[],
    reason: string,
    newLines: SaleLine[],
    handed: number,
    saleIdPrefix: string,
    staff?: string,
    restByCard = false,
  ): { sale: SaleRecord; original: SaleRecord; refundId: string } {
    this.drawer.requireSession('cash');
    const sale = this.#returnable(saleId, picks);
    const returned = returnLines(sale, picks);
    const credit = returnAmount(returned);
    const left = refundTargets(sale, false).reduce((sum, t) => sum + t.left, 0);
    if (credit > left)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That is more than what is left to refund on this sale.' });
    if (sale.currency !== this.#o.currency())
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message: `This sale is in ${sale.currency}: exchange it in ${sale.currency}.`,
      });
    const total = lineTotal(newLines);
    if (total > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const step = this.#o.cashRounding();
    // What moves through the drawer: paid in (difference >= 0) or given back, rounded to the till's step.
    const { difference, moved, rounding } = exchangeCash(total, credit, step);
    if (restByCard && difference <= 0)
      throw new TillError({
        code: 'bad_request',
        field: 'newLines',
        message: 'Nothing is left to pay by card - the returned items cover the new ones.',
      });
    const ret = { lines: returned, reason: `${reason} (exchange)` };
    // By card: the returned lines a credit note spent at once on the new sale, which waits for the card to pay the rest.
    if (restByCard) {
      const code = creditCodeOf(randomBytes(10));
      return this.#exchangeWrite(sale, credit, ret, `${saleIdPrefix}-k`, { tender: 'credit', creditCode: code }, staff, (c) =>
        this.#o.ledger.payWithCreditInTransaction({ ...c, code, amount: credit, lines: newLines }),
      );
    }
    if (difference >= 0 && handed < moved)
      throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than the difference to pay.' });
    const given = credit + (difference >= 0 ? handed : 0);
    return this.#exchangeWrite(sale, credit, ret, `${saleIdPrefix}-c`, { tender: 'cash' }, staff, (c) =>
      this.#o.ledger.recordCashSaleInTransaction({
        ...c,
        lines: newLines,
        total,
        given,
        change: given - (total + rounding),
        step,
        rounding,
      }),
    );
  }

  /**
   * An exchange's one transaction: the refund of the returned lines on the original sale (`how`: in cash, or as a
   * credit note) and the new sale (`writeNew`, given its id, time, currency and staff), then told and read back.
   */
  #exchangeWrite(
    sale: SaleRecord,
    credit: number,
    ret: Return,
    newIdPrefix: string,
    how: Pick<NewRefund, 'tender' | 'creditCode'>,
    staff: string | undefined,
    writeNew: (c: { saleId: string; at: number; currency: string; staff?: string }) => void,
  ): { sale: SaleRecord; original: SaleRecord; refundId: string } {
    const newSaleId = `${newIdPrefix}${randomBytes(4).toString('hex')}`;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    const at = this.#o.now();
    const who = staff ? { staff } : {};
    storage(() =>
      this.#o.ledger.atomically(() => {
        this.#o.ledger.refunds.recordDone({
          refundId,
          orderId: sale.saleId,
          saleId: sale.saleId,
          amount: credit,
          currency: sale.currency,
          at,
          ...how,
          ...who,
          return: ret,
        });
        writeNew({ saleId: newSaleId, at, currency: sale.currency, ...who });
      }),
    );
    this.#o.failpoint?.('exchange-journaled');
    this.#o.ledger.onChange?.('refund');
    this.#o.ledger.onChange?.('cash');
    const original = this.refunds.done(sale.saleId, refundId);
    return { sale: this.sale(newSaleId)!, original, refundId };
  }

  /**
   * A return without a receipt (a manager's): the items' amount in cash from the drawer - rounded as cash is - or
   * (`tender` credit) as a store credit note of exactly that amount, with a new code; with the VAT of the lines and
   * the reason, in one transaction with its refund receipt number. Refused on a closed day, and (cash) when the drawer
   * should not hold that much.
   */
  returnWithoutReceipt(lines: SaleLine[], reason: string, staff?: string, tender: 'cash' | 'credit' = 'cash'): ReceiptlessReturn {
    this.drawer.requireSession('cash');
    const amount = lineTotal(lines);
    if (amount > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const currency = this.#o.ledger.sessions.current()?.currency ?? this.#o.currency();
    const step = tender === 'cash' ? this.#o.cashRounding() : 0;
    const back = step ? roundCash(amount, step) : amount;
    if (tender === 'cash') this.drawer.refuseMoreThanHeld(back, currency, 'lines');
    // The lines' VAT as a sale of them would carry it, per line (shared/returns.ts).
    const returned = returnLines(
      { lines, vat: vatByRate(lines, LEGACY_VAT_RATE), refunds: [] },
      lines.map((l, index) => ({ index, quantity: l.quantity })),
    );
    const ret = storage(() =>
      this.#o.ledger.refunds.recordReceiptless({
        returnId: `x${randomBytes(6).toString('hex')}`,
        at: this.#o.now(),
        currency,
        amount,
        ...(back !== amount ? { rounding: back - amount } : {}),
        lines: returned,
        vat: vatOfLines(returned),
        reason,
        ...(staff ? { staff } : {}),
        ...(tender === 'credit' ? { creditCode: creditCodeOf(randomBytes(10)) } : {}),
      }),
    );
    this.#o.failpoint?.('return-journaled');
    const sale = this.receiptlessSale(ret.returnId);
    if (sale) this.#o.onRefundDone?.(sale, sale.refunds[0]!);
    return ret;
  }

  /** A return without a receipt as a sale record with its one refund (`receiptlessAsSale`), for its receipt. */
  receiptlessSale(returnId: string): SaleRecord | undefined {
    return this.#o.ledger.history.receiptless(returnId);
  }
}
