/** The shop's day across its tills, from the shop database. */
import { TillError } from '../../../shared/errors';
import { localDate } from '../ledger/ledger';
import { ShopUnreachableError } from '../shop/shop';
import type { Handlers, ServiceContext } from './context';

export function shopHandlers(ctx: Pick<ServiceContext, 'engine' | 'now' | 'shop'>): Pick<Handlers, 'shopDay'> {
  return {
    shopDay: async (p) => {
      const shop = ctx.shop();
      if (!shop) throw new TillError({ code: 'not_allowed', message: 'No shop database is set - add it in Settings (Shop database).' });
      try {
        return await shop.day(
          p.date ?? localDate(ctx.now()),
          p.reconcile ? (page, refunded) => ctx.engine.checkAttempts(page, refunded) : undefined,
        );
      } catch (err) {
        if (err instanceof ShopUnreachableError) throw new TillError({ code: 'shop_offline', message: err.message });
        throw err;
      }
    },
  };
}
