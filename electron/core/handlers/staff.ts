/** Staff: signing in and out, the staff list, PINs and locks. Every change is told to every screen. */
import { TillError } from '../../../shared/errors';
import { storage, storageAsync } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';

export function staffHandlers(
  ctx: Pick<ServiceContext, 'staff' | 'emitStaff' | 'shareStaff' | 'ledger' | 'sales' | 'emit'>,
): Pick<Handlers, 'signIn' | 'signOut' | 'saveStaff' | 'resetManagerPin' | 'unlockStaff' | 'unlockTill'> {
  return {
    signIn: async (p) => {
      const before = ctx.staff.recorded;
      try {
        const member = await ctx.staff.signIn(p.staffId, p.pin);
        // The first one in after a hand-over takes the drawer over.
        if (storage(() => ctx.ledger.sessions.takeOver(member.name))) ctx.emit({ type: 'day', today: ctx.sales.drawer.today() ?? null });
        return member;
      } finally {
        // Signed in, or a wrong PIN that may have locked the member: every screen learns it (a refusal before the
        // PIN was checked changed nothing, and says nothing to the others).
        if (ctx.staff.recorded !== before) ctx.emitStaff();
      }
    },
    signOut: async () => {
      ctx.staff.signOut();
      ctx.emitStaff();
      return { ok: true as const };
    },
    saveStaff: async (p) => {
      const list = await storageAsync(() => ctx.staff.save(p.staff));
      ctx.shareStaff();
      ctx.emitStaff();
      return list;
    },
    // A lost manager PIN: only whoever can type the MultiSafepay API key again (policy.ts).
    resetManagerPin: async (p) => {
      await storageAsync(() => ctx.staff.resetPin(p.staffId, p.pin));
      ctx.shareStaff();
      ctx.emitStaff();
      return { ok: true as const };
    },
    unlockStaff: async (p) => {
      if (p.apiKey === undefined && ctx.staff.current?.id === p.staffId)
        throw new TillError({ code: 'not_allowed', message: 'Another manager, or the MultiSafepay API key, must unlock you.' });
      storage(() => ctx.staff.unlock(p.staffId, p.apiKey !== undefined ? 'api key' : (ctx.staff.who() ?? 'api key')));
      ctx.emitStaff();
      return ctx.staff.list();
    },
    unlockTill: async () => {
      storage(() => ctx.staff.unlockTill());
      ctx.emitStaff();
      return { ok: true as const };
    },
  };
}
