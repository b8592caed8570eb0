/**
 * Refunds of the sales book: a card refund through the payment provider, cash back from the drawer, and the re-reads
 * that settle a refund whose answer was lost. Part of the sales book (`sales.refunds`), on the same ledger and
 * options; returns and exchanges pay back through it.
 *
 * Refunds are never guessed: a refund is recorded as pending before it is sent, settled from MultiSafepay's
 * answer, or - when the answer is lost - from re-reading the order. While one is pending, no other refund of
 * that order starts.
 */
import { randomBytes } from 'node:crypto';
import { type SaleRecord } from '../../shared/contract';
import { TillError } from '../../shared/errors';
import { formatMoney } from '../../shared/money';
import { roundCash } from '../../shared/cash';
import { creditCodeOf } from '../../shared/credit';
import { isPaidCard, refundsAsCredit, refundTargets } from '../../shared/sale';
import { z } from 'zod';
import type { NewRefund, RefundBaseline, RefundRow } from './ledger/ledger';
import { ProviderError, type ProviderOrder, type ProviderRefund } from './payments/provider';
import { isDiskFull, storage } from './storage/disk';
import type { SalesBookOptions } from './sales';

/** A return on its way: its lines and why, given to the refund that pays it back. */
export type Return = NonNullable<NewRefund['return']>;

export class RefundDesk {
  readonly #o: SalesBookOptions;
  readonly #checks = new Map<string, NodeJS.Timeout>();
  readonly #refunding = new Set<string>();
  /** Pending refunds the cashier was told the till cannot settle. */
  readonly #unknown = new Set<string>();
  #stopped = false;

  constructor(opts: SalesBookOptions) {
    this.#o = opts;
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

  /**
   * Refunds (part of) a completed card payment. Refused at once while another refund of the order is in flight
   * or unknown. Recorded as pending before it is sent; settled from the answer; a lost answer stays pending and
   * is settled by re-reading the order.
   */
  async refund(orderId: string, requested: number | undefined, staff?: string): Promise<SaleRecord> {
    const ledger = this.#o.ledger;
    // A sale id refunds the cash part (all of a cash sale, the cash of a split one) from the drawer.
    const cashSale = ledger.sale(orderId);
    if (cashSale?.cash) return this.cash(cashSale, requested, staff);
    // A sale that only credit notes paid: a new note.
    if (cashSale && refundsAsCredit(cashSale)) return this.credit(cashSale, requested, staff);
    const sale = ledger.history.saleOfOrder(orderId);
    const attempt = sale?.attempts.find((a) => a.orderId === orderId);
    if (!sale || !attempt || !isPaidCard(attempt))
      throw new TillError({ code: 'not_allowed', message: 'Only a completed card payment can be refunded.' });
    this.refuseWhilePending(orderId);
    // At most what this card charged (its tip included; part of a split sale) and what is left of the sale.
    const left = refundTargets(sale, false).find((x) => x.id === orderId)?.left ?? 0;
    const amount = requested ?? left;
    if (amount > left || left <= 0)
      throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this payment.' });
    return this.card(sale, orderId, amount, staff);
  }

  /** A refund of this card payment is in flight or unknown: nothing new starts (and the unknown one is re-read now). */
  refuseWhilePending(orderId: string): void {
    const pending = this.#o.ledger.refunds.ofOrder(orderId).find((r) => r.state === 'pending');
    if (!this.#refunding.has(orderId) && !pending) return;
    if (pending) this.#scheduleCheck(pending, 0, this.#o.monotonic());
    throw new TillError({
      code: 'refund_pending',
      message: 'A refund of this payment may have gone through - the till is checking with MultiSafepay. Try again when it has finished.',
    });
  }

  /** Sends a card refund: recorded pending first, settled from the answer; a lost answer is settled by re-reading. */
  async card(sale: SaleRecord, orderId: string, amount: number, staff: string | undefined, ret?: Return): Promise<SaleRecord> {
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
      return this.done(sale.saleId, refundId);
    } finally {
      this.#refunding.delete(orderId);
    }
  }

  /** Cash back from the drawer: recorded at once (nothing to ask MultiSafepay). */
  cash(sale: SaleRecord, requested: number | undefined, staff?: string, ret?: Return): SaleRecord {
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
    return this.#doneAtOnce(sale, amount, staff, ret, { tender: 'cash', ...(rounding ? { rounding } : {}) });
  }

  /**
   * Store credit back: a new credit note of `amount` (minor units), recorded with the refund (and the return's lines)
   * in one transaction; the refund receipt is the note. For the part of a sale a credit note paid. Nothing moves
   * through the drawer or the provider.
   */
  credit(sale: SaleRecord, requested: number | undefined, staff?: string, ret?: Return): SaleRecord {
    const left = refundTargets(sale, false).find((t) => t.tender === 'credit')?.left ?? 0;
    const amount = requested ?? left;
    if (amount > left || amount <= 0)
      throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this sale.' });
    return this.#doneAtOnce(sale, amount, staff, ret, { tender: 'credit', creditCode: creditCodeOf(randomBytes(10)) });
  }

  /** A refund of the sale done as it is written (cash from the drawer, or store credit), with the return's lines. */
  #doneAtOnce(sale: SaleRecord, amount: number, staff: string | undefined, ret: Return | undefined, how: Partial<NewRefund>): SaleRecord {
    const refundId = `r${randomBytes(6).toString('hex')}`;
    storage(() =>
      this.#o.ledger.atomically(() =>
        this.#o.ledger.refunds.recordDone({
          refundId,
          orderId: sale.saleId,
          saleId: sale.saleId,
          amount,
          currency: sale.currency,
          at: this.#o.now(),
          ...how,
          ...(staff ? { staff } : {}),
          ...(ret ? { return: ret } : {}),
        }),
      ),
    );
    if (ret) this.#o.failpoint?.('return-journaled');
    this.#o.ledger.onChange?.('refund');
    return this.done(sale.saleId, refundId);
  }

  /** Tells whoever listens that a refund is done; returns the sale as it is now. */
  done(saleId: string, refundId: string): SaleRecord {
    const sale = this.#o.ledger.sale(saleId)!;
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
          this.done(r.sale_id, r.refund_id);
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
  if (!r.provider_before) return undefined;
  try {
    const b = BaselineSchema.safeParse(JSON.parse(r.provider_before));
    return b.success ? b.data : undefined;
  } catch {
    return undefined;
  }
}
