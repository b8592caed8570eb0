/**
 * The sales book: what the till sold and gave back - cash sales, refunds, history, day reports, reconciliation
 * and exports - on top of the ledger. Card payments themselves belong to the payment engine.
 *
 * Refunds are never guessed: a refund is recorded as pending before it is sent, settled from MultiSafepay's
 * answer, or - when the answer is lost - from re-reading the order. While one is pending, no other refund of
 * that order starts.
 */
import { randomBytes } from 'node:crypto';
import { type Notice, type ReceiptlessReturn, type RefundRecord, type SaleRecord } from '../../shared/contract';
import { LEGACY_VAT_RATE, vatByRate } from '../../shared/vat';
import { TillError } from '../../shared/errors';
import { formatMoney, lineTotal } from '../../shared/money';
import type { SaleLine } from '../../shared/payment';
import { cashTaken, exchangeCash, roundCash } from '../../shared/cash';
import type { FailPoint, PaymentEngine } from './engine/engine';
import { z } from 'zod';
import { type Ledger, type NewRefund, type RefundBaseline, type RefundRow } from './ledger/ledger';
import { receiptlessAsSale, type ReturnPick, returnAmount, returnLines, returnProblem, vatOfLines } from '../../shared/returns';
import { amountDue, isPaidCard, refundTargets } from '../../shared/sale';
import type { Logger } from './log';
import { type PaymentProvider, ProviderError, type ProviderOrder, type ProviderRefund } from './payments/provider';
import { isDiskFull, storage } from './storage/disk';
import { Drawer } from './drawer';
import { SalesExports } from './sales-export';
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
  /** A refund is done (from the answer, a re-read or the drawer): e.g. print its receipt. */
  onRefundDone?: (sale: SaleRecord, refund: RefundRecord) => void;
}

/** A return on its way: its lines and why, given to the refund that pays it back. */
type Return = NonNullable<NewRefund['return']>;

export const MAX_SALE_TOTAL = 100_000_00;

export class SalesBook {
  readonly #o: SalesBookOptions;
  /** The drawer: sessions, cash moves, the day report. */
  readonly drawer: Drawer;
  /** The exports: the transactions CSV and the bookkeeping journal. */
  readonly exports: SalesExports;
  readonly #checks = new Map<string, NodeJS.Timeout>();
  readonly #refunding = new Set<string>();
  /** Pending refunds the cashier was told the till cannot settle. */
  readonly #unknown = new Set<string>();
  #stopped = false;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
    this.drawer = new Drawer(opts);
    this.exports = new SalesExports(opts);
  }

  /** Re-reads every refund left pending by a crash or a lost answer. */
  start(): void {
    for (const r of this.#o.ledger.refunds.pending()) this.#scheduleCheck(r, 0, this.#o.monotonic());
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#checks.values()) clearTimeout(t);
    this.#checks.clear();
  }

  get openHandles(): number {
    return this.#checks.size;
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
   * Refunds (part of) a completed card payment. Refused at once while another refund of the order is in flight
   * or unknown. Recorded as pending before it is sent; settled from the answer; a lost answer stays pending and
   * is settled by re-reading the order.
   */
  async refund(orderId: string, requested: number | undefined, staff?: string): Promise<SaleRecord> {
    const ledger = this.#o.ledger;
    // A sale id refunds the cash part (all of a cash sale, the cash of a split one) from the drawer.
    const cashSale = ledger.sale(orderId);
    if (cashSale?.cash) return this.#refundCash(cashSale, requested, staff);
    const sale = ledger.history.saleOfOrder(orderId);
    const attempt = sale?.attempts.find((a) => a.orderId === orderId);
    if (!sale || !attempt || !isPaidCard(attempt))
      throw new TillError({ code: 'not_allowed', message: 'Only a completed card payment can be refunded.' });
    this.#refuseWhilePending(orderId);
    // At most what this card charged (its tip included; part of a split sale) and what is left of the sale.
    const left = refundTargets(sale, false).find((x) => x.id === orderId)?.left ?? 0;
    const amount = requested ?? left;
    if (amount > left || left <= 0)
      throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this payment.' });
    return this.#refundCard(sale, orderId, amount, staff);
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
    if (target.tender === 'cash') return this.#refundCash(sale, amount, staff, ret);
    this.#refuseWhilePending(target.id);
    return this.#refundCard(sale, target.id, amount, staff, ret);
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
   * number, so the day, the drawer session and the VAT follow as for any return and sale. Throws `bad_request` for
   * picks that cannot be returned, new lines that are not valid, or too little cash handed over; `not_allowed` for a
   * sale not paid in full or with no drawer session open.
   */
  exchange(
    saleId: string,
    picks: readonly ReturnPick[],
    reason: string,
    newLines: SaleLine[],
    handed: number,
    saleIdPrefix: string,
    staff?: string,
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
    if (difference >= 0 && handed < moved)
      throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than the difference to pay.' });
    const given = credit + (difference >= 0 ? handed : 0);
    const newSaleId = `${saleIdPrefix}-c${randomBytes(4).toString('hex')}`;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    const at = this.#o.now();
    storage(() =>
      this.#o.ledger.atomically(() => {
        this.#o.ledger.refunds.beginInTransaction({
          refundId,
          orderId: sale.saleId,
          saleId: sale.saleId,
          amount: credit,
          currency: sale.currency,
          at,
          tender: 'cash',
          ...(staff ? { staff } : {}),
          return: { lines: returned, reason: `${reason} (exchange)` },
        });
        this.#o.ledger.refunds.settleInTransaction(refundId, 'done', at);
        this.#o.ledger.recordCashSaleInTransaction({
          saleId: newSaleId,
          at,
          lines: newLines,
          total,
          currency: sale.currency,
          given,
          change: given - (total + rounding),
          step,
          rounding,
          ...(staff ? { staff } : {}),
        });
      }),
    );
    this.#o.failpoint?.('exchange-journaled');
    this.#o.ledger.onChange?.('refund');
    this.#o.ledger.onChange?.('cash');
    const original = this.#refundDone(sale.saleId, refundId);
    return { sale: this.sale(newSaleId)!, original, refundId };
  }

  /**
   * A return without a receipt (a manager's): the items' amount in cash from the drawer - rounded as cash is - with the
   * VAT of the lines and the reason, in one transaction with its refund receipt number. Refused on a closed day, and
   * when the drawer should not hold that much.
   */
  returnWithoutReceipt(lines: SaleLine[], reason: string, staff?: string): ReceiptlessReturn {
    this.drawer.requireSession('cash');
    const amount = lineTotal(lines);
    if (amount > MAX_SALE_TOTAL)
      throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
    const currency = this.#o.ledger.sessions.current()?.currency ?? this.#o.currency();
    const step = this.#o.cashRounding();
    const back = step ? roundCash(amount, step) : amount;
    this.drawer.refuseMoreThanHeld(back, currency, 'lines');
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
      }),
    );
    this.#o.failpoint?.('return-journaled');
    const sale = this.receiptlessSale(ret.returnId);
    if (sale) this.#o.onRefundDone?.(sale, sale.refunds[0]!);
    return ret;
  }

  /** A return without a receipt as a sale record with its one refund (`receiptlessAsSale`), for its receipt. */
  receiptlessSale(returnId: string): SaleRecord | undefined {
    const r = this.#o.ledger.refunds.receiptless(returnId);
    return r && receiptlessAsSale(r);
  }

  /** A refund of this card payment is in flight or unknown: nothing new starts (and the unknown one is re-read now). */
  #refuseWhilePending(orderId: string): void {
    const pending = this.#o.ledger.refunds.ofOrder(orderId).find((r) => r.state === 'pending');
    if (!this.#refunding.has(orderId) && !pending) return;
    if (pending) this.#scheduleCheck(pending, 0, this.#o.monotonic());
    throw new TillError({
      code: 'refund_pending',
      message: 'A refund of this payment may have gone through - the till is checking with MultiSafepay. Try again when it has finished.',
    });
  }

  /** Sends a card refund: recorded pending first, settled from the answer; a lost answer is settled by re-reading. */
  async #refundCard(sale: SaleRecord, orderId: string, amount: number, staff: string | undefined, ret?: Return): Promise<SaleRecord> {
    const ledger = this.#o.ledger;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    // What MultiSafepay knows of this order's refunds now, its dashboard's included: a lost answer is settled against
    // it. Not readable: nothing is sent (the refund would fail the same way).
    let before: RefundBaseline;
    // One refund of a payment at a time, from here on: a second click is refused at once (above).
    this.#refunding.add(orderId);
    try {
      before = baselineOf(refundsAtMsp(await this.#o.provider().get(orderId)));
    } catch (err) {
      this.#refunding.delete(orderId);
      this.#o.logger.warn('refund not started: the order cannot be read', {
        orderId,
        reason: err instanceof ProviderError ? err.kind : 'error',
      });
      throw new TillError({
        code: 'msp_error',
        message: 'MultiSafepay cannot be reached to check this payment - nothing was refunded. Try again in a moment.',
      });
    }
    const at = this.#o.now();
    // Recorded before it is sent: if the answer is lost, or the till dies, the refund is known and re-read.
    try {
      storage(() =>
        ledger.refunds.begin(
          {
            refundId,
            orderId,
            saleId: sale.saleId,
            amount,
            currency: sale.currency,
            at,
            ...(staff ? { staff } : {}),
            ...(ret ? { return: ret } : {}),
          },
          before,
        ),
      );
    } catch (err) {
      this.#refunding.delete(orderId);
      throw err;
    }
    if (ret) this.#o.failpoint?.('return-journaled');
    try {
      let transactionId: string | undefined;
      try {
        const res = await this.#o.provider().refund(orderId, {
          currency: sale.currency,
          amount,
          description: `${ret ? 'Return' : 'Refund'} ${sale.saleId}`,
        });
        transactionId = res.transactionId;
        if (ret) this.#o.failpoint?.('return-sent');
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'refused') {
          ledger.refunds.settle(refundId, 'failed', this.#o.now());
          throw err;
        }
        const pending = ledger.refunds.ofOrder(orderId).find((r) => r.refund_id === refundId);
        if (pending) this.#scheduleCheck(pending, 1, this.#o.monotonic());
        throw new TillError({
          code: 'refund_unknown',
          message: 'The refund may have gone through - the till is checking with MultiSafepay. Do not refund again until it has.',
        });
      }
      try {
        ledger.refunds.settle(refundId, 'done', this.#o.now(), transactionId);
      } catch (err) {
        this.#o.logger.error('refund done at MultiSafepay but not recorded', { orderId, code: (err as NodeJS.ErrnoException)?.code });
        throw new TillError({
          code: 'storage_error',
          message: `MultiSafepay refunded ${formatMoney(amount, sale.currency)}, but the till could not record it (${isDiskFull(err) ? 'the disk is full' : 'the disk refused the write'}). It stays marked as checking and is recorded once the disk works again - do not refund again.`,
        });
      }
      return this.#refundDone(sale.saleId, refundId);
    } finally {
      this.#refunding.delete(orderId);
    }
  }

  /** Cash back from the drawer: recorded at once (nothing to ask MultiSafepay). */
  #refundCash(sale: SaleRecord, requested: number | undefined, staff?: string, ret?: Return): SaleRecord {
    const cashPart = sale.cash?.amount ?? sale.total;
    const done = sale.refunds.filter((r) => r.state === 'done' && r.tender === 'cash');
    const cashLeft = cashPart - done.reduce((s, r) => s + r.amount, 0);
    // At most what the cash paid and what is left of the sale (the sale's rules, shared/sale.ts).
    const left = refundTargets(sale, false).find((t) => t.tender === 'cash')?.left ?? 0;
    const amount = requested ?? left;
    if (amount > left || left <= 0)
      throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this sale.' });
    // A rounded sale gives cash back rounded the same way; the last refund gives back exactly what the drawer still
    // holds of the sale, so refunds never give back more than was taken.
    const step = sale.cash?.step ?? 0;
    const takenLeft = cashPart + (sale.cash?.rounding ?? 0) - done.reduce((s, r) => s + r.amount + (r.rounding ?? 0), 0);
    const back = step ? (amount === cashLeft ? takenLeft : Math.min(roundCash(amount, step), takenLeft)) : amount;
    const rounding = back - amount;
    const refundId = `r${randomBytes(6).toString('hex')}`;
    const at = this.#o.now();
    storage(() =>
      this.#o.ledger.atomically(() => {
        this.#o.ledger.refunds.beginInTransaction({
          refundId,
          orderId: sale.saleId,
          saleId: sale.saleId,
          amount,
          currency: sale.currency,
          at,
          tender: 'cash',
          ...(rounding ? { rounding } : {}),
          ...(staff ? { staff } : {}),
          ...(ret ? { return: ret } : {}),
        });
        this.#o.ledger.refunds.settleInTransaction(refundId, 'done', at);
      }),
    );
    if (ret) this.#o.failpoint?.('return-journaled');
    this.#o.ledger.onChange?.('refund');
    return this.#refundDone(sale.saleId, refundId);
  }

  /** Tells whoever listens that a refund is done; returns the sale as it is now. */
  #refundDone(saleId: string, refundId: string): SaleRecord {
    const sale = this.sale(saleId)!;
    const refund = sale.refunds.find((r) => r.refundId === refundId);
    if (refund) this.#o.onRefundDone?.(sale, refund);
    return sale;
  }

  /** Re-reads the order of a pending refund until MultiSafepay's refunded amount tells whether it went through. */
  #scheduleCheck(r: RefundRow, tries: number, since: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#checks.get(r.refund_id));
    const max = this.#o.refundRecheckMaxMs ?? 30_000;
    const delay = tries === 0 ? 0 : Math.min(max, 500 * 2 ** (tries - 1));
    this.#checks.set(
      r.refund_id,
      setTimeout(() => {
        this.#checks.delete(r.refund_id);
        void this.#check(r, tries, since);
      }, delay),
    );
  }

  async #check(r: RefundRow, tries: number, since: number): Promise<void> {
    const ledger = this.#o.ledger;
    try {
      const now = refundsAtMsp(await this.#o.provider().get(r.order_id));
      const others = ledger.refunds.ofOrder(r.order_id).filter((x) => x.refund_id !== r.refund_id);
      const known = new Set(others.map((x) => x.transaction_id));
      const before = baselineOfRow(r);
      // What MultiSafepay refunded since this refund began, and a refund of exactly this amount it did not know then.
      // Without a baseline (a refund begun by an older till) the till's own done refunds stand in for it.
      const base = before?.refunded ?? others.filter((x) => x.state === 'done').reduce((s, x) => s + x.amount, 0);
      const fresh = now.related.filter(
        (t) => t.transactionId && !known.has(t.transactionId) && !(before?.transactionIds ?? []).includes(t.transactionId),
      );
      const match = fresh.find((t) => t.amount === r.amount);
      const went = now.related.length || before?.transactionIds.length ? match !== undefined : now.refunded >= base + r.amount;
      if (went) {
        const tx = match?.transactionId;
        if (ledger.refunds.settle(r.refund_id, 'done', this.#o.now(), tx)) {
          this.#refundDone(r.sale_id, r.refund_id);
          this.#o.notice('info', `The refund of ${formatMoney(r.amount, r.currency)} (${r.order_id}) went through at MultiSafepay.`, {
            key: 'refund_went_through',
            params: { amount: r.amount, currency: r.currency, orderId: r.order_id },
            orderId: r.order_id,
          });
        }
        return;
      }
      if (now.refunded <= base && this.#o.monotonic() - since >= (this.#o.refundGraceMs ?? 60_000)) {
        if (ledger.refunds.settle(r.refund_id, 'failed', this.#o.now()))
          this.#o.notice(
            'info',
            `The refund of ${formatMoney(r.amount, r.currency)} (${r.order_id}) did not go through - nothing was refunded.`,
            { key: 'refund_not_made', params: { amount: r.amount, currency: r.currency, orderId: r.order_id }, orderId: r.order_id },
          );
        return;
      }
    } catch (err) {
      this.#o.logger.warn('pending refund not checked yet', {
        orderId: r.order_id,
        reason: err instanceof ProviderError ? err.kind : 'error',
      });
    }
    // Still not telling after a long while: say so once (the dashboard can tell), and keep looking.
    if (this.#o.monotonic() - since >= (this.#o.refundUnknownMs ?? 10 * 60_000) && !this.#unknown.has(r.refund_id)) {
      this.#unknown.add(r.refund_id);
      this.#o.notice(
        'warning',
        `The till cannot tell whether the refund of ${formatMoney(r.amount, r.currency)} (${r.order_id}) went through - check it in the MultiSafepay dashboard.`,
        { key: 'refund_unknown', params: { amount: r.amount, currency: r.currency, orderId: r.order_id }, orderId: r.order_id },
      );
    }
    this.#scheduleCheck(r, tries + 1, since);
  }
}

/** An order's refunds as the provider reports them: the amount refunded and each refund transaction. */
function refundsAtMsp(order: ProviderOrder): { refunded: number; related: ProviderRefund[] } {
  return { refunded: order.refunds.refunded, related: order.refunds.transactions };
}

const baselineOf = (at: { refunded: number; related: ProviderRefund[] }): RefundBaseline => ({
  refunded: at.refunded,
  transactionIds: at.related.flatMap((t) => (t.transactionId ? [t.transactionId] : [])),
});

const BaselineSchema = z.object({ refunded: z.number().int(), transactionIds: z.array(z.string()) });
function baselineOfRow(r: RefundRow): RefundBaseline | undefined {
  if (!r.msp_before) return undefined;
  try {
    const b = BaselineSchema.safeParse(JSON.parse(r.msp_before));
    return b.success ? b.data : undefined;
  } catch {
    return undefined;
  }
}
