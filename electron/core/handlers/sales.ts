/**
 * Sales at the counter: the basket kept for every screen, discounts given, sales parked and resumed, the history
 * and the open sales, refunds and returns.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { percentOff } from '../../../shared/discount';
import { TillError } from '../../../shared/errors';
import { storage } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';
import { withVat } from './payments';

/** How far back Open sales looks for sales not yet paid in full (days). */
const OPEN_SALES_DAYS = 7;

export function salesHandlers(
  ctx: Pick<ServiceContext, 'ledger' | 'sales' | 'staff' | 'settings' | 'now' | 'emit' | 'failpoint'>,
): Pick<
  Handlers,
  | 'history'
  | 'openSales'
  | 'authorizeDiscount'
  | 'saveBasket'
  | 'parkSale'
  | 'resumeParked'
  | 'refund'
  | 'returnItems'
  | 'returnWithoutReceipt'
  | 'creditNote'
> {
  return {
    history: async (p) => ctx.sales.history(p.query, p.limit, p.before),
    openSales: async () => ({
      sales: ctx.ledger.history.openSales(ctx.now() - OPEN_SALES_DAYS * 24 * 3600_000),
      parked: ctx.ledger.counter.parked(),
    }),
    authorizeDiscount: async (p) => {
      const amount = p.amount ?? percentOff(p.base, p.percent!);
      if (amount <= 0) throw new TillError({ code: 'bad_request', field: 'percent', message: 'That discount comes to nothing.' });
      const percent = (amount * 100) / p.base;
      const limit = ctx.settings().discountLimit;
      const approver = ctx.staff.approver();
      if (percent > limit + 1e-9 && ctx.staff.needsManager() && !approver)
        throw new TillError({
          code: 'not_allowed',
          key: 'needs_manager',
          message: `A discount over ${limit}% needs a manager - a manager must approve it.`,
        });
      const who = ctx.staff.who();
      const d = {
        id: randomUUID().replaceAll('-', ''),
        at: ctx.now(),
        scope: p.scope,
        base: p.base,
        amount,
        reason: p.reason,
        currency: ctx.settings().currency,
        ...(p.percent !== undefined ? { percent: p.percent } : {}),
        ...(who ? { staff: who } : {}),
        ...(approver ? { approvedBy: approver.name } : {}),
      };
      storage(() => ctx.ledger.discounts.record(d));
      ctx.failpoint('discount-recorded');
      return {
        id: d.id,
        amount,
        reason: d.reason,
        scope: d.scope,
        ...(d.percent !== undefined ? { percent: d.percent } : {}),
        ...(who ? { staff: who } : {}),
        ...(approver ? { approvedBy: approver.name } : {}),
      };
    },
    saveBasket: async (p) => {
      const rev = storage(() => ctx.ledger.counter.saveBasket(JSON.stringify(p.basket), ctx.now(), ctx.staff.who()));
      ctx.emit({ type: 'basket', basket: p.basket, rev, client: p.client });
      return { rev };
    },
    parkSale: async (p) => {
      const parked = {
        parkId: `p${randomBytes(6).toString('hex')}`,
        at: ctx.now(),
        lines: withVat(ctx, p.lines),
        currency: ctx.settings().currency,
        note: p.note ?? '',
        ...(ctx.staff.who() ? { staff: ctx.staff.who()! } : {}),
      };
      storage(() => ctx.ledger.counter.park(parked));
      return parked;
    },
    resumeParked: async (p) => {
      const parked = storage(() => ctx.ledger.counter.unpark(p.parkId));
      if (!parked) throw new TillError({ code: 'not_found', message: 'That parked sale was resumed already.' });
      return parked;
    },
    refund: async (p) => {
      return ctx.sales.refunds.refund(p.orderId, p.amount, ctx.staff.who());
    },
    returnItems: async (p) => ctx.sales.returnItems(p.saleId, p.lines, p.reason, ctx.staff.who()),
    returnWithoutReceipt: async (p) => ctx.sales.returnWithoutReceipt(p.lines, p.reason, ctx.staff.who(), p.tender),
    creditNote: (p) => ctx.sales.credit.note(p.code),
  };
}
