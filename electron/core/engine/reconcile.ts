/**
 * The engine's checks of recorded attempts against the provider: reconciliation (every attempt of a period, this
 * till's or the shop's, flagged where the books and the provider disagree) and the re-read of a sale's earlier
 * attempts before it is tried again.
 */
import { TillError } from '../../../shared/errors';
import { isFinal } from '../../../shared/payment';
import type { Mismatch, Reconciliation } from '../../../shared/contract';
import type { AttemptSnapshot, Ledger } from '../ledger/ledger';
import { type PaymentProvider, ProviderError, type ProviderOrder } from '../payments/provider';
import { identityMismatch, paidAmountOf } from './attempt';
import type { Watches } from './watches';

export interface ReconcileContext {
  /** The provider to use now. */
  provider(): PaymentProvider;
  /** Wall-clock time, stored with the result. */
  now(): number;
}

/**
 * Checks attempts against the provider, a page at a time (`page` gives the page after a cursor, empty at the end):
 * this till's own, or every till's of the shop (shop/shop-day.ts). `refunded`: the books hold a refund done of it.
 */
export async function checkAttempts(
  ctx: ReconcileContext,
  page: (after: { createdAt: number; orderId: string } | undefined) => Promise<AttemptSnapshot[]>,
  refunded: (orderId: string) => Promise<boolean>,
): Promise<Reconciliation> {
  const mismatches: Mismatch[] = [];
  let checked = 0;
  const read = async (a: AttemptSnapshot) => {
    const base = {
      orderId: a.orderId,
      saleId: a.saleId,
      terminalId: a.terminalId,
      amount: a.amount,
      currency: a.currency,
      till: a.state,
    };
    let status: string;
    let charged: number | undefined;
    try {
      const order = await ctx.provider().get(a.orderId);
      status = order.status;
      charged = paidAmountOf(order, ctx.provider().readStatus(order.status));
    } catch (err) {
      if (err instanceof ProviderError && err.isNotFound) status = 'not_found';
      else return void mismatches.push({ ...base, msp: 'unreachable', kind: 'unreachable' });
    }
    const reading = ctx.provider().readStatus(status);
    const cls = reading.class;
    const after = reading.after;
    const mspPaid = cls === 'paid';
    if (mspPaid && a.state !== 'completed') mismatches.push({ ...base, msp: status, kind: 'orphan_payment' });
    else if (!mspPaid && a.state === 'completed') mismatches.push({ ...base, msp: status, kind: 'recorded_paid_not_paid' });
    else if (after === 'chargedback') mismatches.push({ ...base, msp: status, kind: 'charged_back' });
    else if (mspPaid && charged !== undefined && charged !== (a.paidAmount ?? a.amount))
      mismatches.push({ ...base, msp: status, kind: 'amount_differs', mspAmount: charged });
    else if (after && !(await refunded(a.orderId))) mismatches.push({ ...base, msp: status, kind: 'refunded_at_msp' });
    else if (isFinal(a.state) && (cls === 'waiting' || cls === 'soft_declined'))
      mismatches.push({ ...base, msp: status, kind: 'status_differs' });
  };
  // A page of attempts at a time, a few reads at a time: a busy month must neither be held in memory nor flood
  // MultiSafepay.
  let after: { createdAt: number; orderId: string } | undefined;
  for (;;) {
    const rows = await page(after);
    if (!rows.length) break;
    checked += rows.length;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, orderId: last.orderId };
    const queue = [...rows];
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        for (let a = queue.shift(); a; a = queue.shift()) await read(a);
      }),
    );
  }
  mismatches.sort((a, b) => a.orderId.localeCompare(b.orderId));
  return { at: ctx.now(), checked, mismatches };
}

/**
 * Before a sale is tried again: re-reads every earlier attempt at MultiSafepay. Refuses while one of them is
 * paid (recorded at once), still open, or cannot be checked - except, with `cashIfUnreadable`, an attempt that
 * ended unpaid here and cannot be read now: its order id is returned, and it is watched for a late "paid".
 */
export async function checkEarlierAttempts(
  ctx: ReconcileContext & { ledger: Ledger; watches: Watches },
  saleId: string,
  opts: { cashIfUnreadable?: boolean } = {},
): Promise<string[]> {
  const unchecked: string[] = [];
  for (const a of ctx.ledger.history.attemptsOfSale(saleId)) {
    // A part the till already knows as paid (a split sale) is counted, not asked about.
    if (a.state === 'completed') continue;
    let order: ProviderOrder;
    try {
      order = await ctx.provider().get(a.orderId);
    } catch (err) {
      if (err instanceof ProviderError && err.isNotFound) continue;
      // Cash may be taken while MultiSafepay cannot be read for an attempt that ended unpaid here: the attempt
      // stays watched, and a later "paid" raises the alarm.
      if (opts.cashIfUnreadable && isFinal(a.state)) {
        unchecked.push(a.orderId);
        ctx.watches.watchLate(a);
        continue;
      }
      throw new TillError({
        code: 'not_allowed',
        message: 'The earlier attempt of this sale cannot be checked with MultiSafepay right now - try again in a moment, or take cash.',
      });
    }
    if (identityMismatch(a, order)) continue;
    const cls = ctx.provider().readStatus(order.status).class;
    if (cls === 'paid') {
      ctx.watches.lateOutcome(a, order);
      throw new TillError({
        code: 'not_allowed',
        message: `This sale was paid after all (payment ${a.orderId}) - nothing new was started.`,
      });
    }
    if (cls !== 'not_paid')
      throw new TillError({
        code: 'not_allowed',
        message: `An earlier payment of this sale (${a.orderId}) is still open at MultiSafepay - let it end on the terminal first.`,
      });
  }
  return unchecked;
}
