/**
 * The day at the till: drawer sessions opened and closed, the day's report, the float corrected, cash paid in and
 * out, the drawer opened with no sale, and what the screen records in the audit trail.
 */
import type { CashMove } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { kickDrawer } from '../printing/escpos';
import { storage } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';

export function dayHandlers(
  ctx: Pick<ServiceContext, 'ledger' | 'sales' | 'staff' | 'settings' | 'now' | 'emit' | 'notice'>,
): Pick<
  Handlers,
  | 'openDay'
  | 'closeDay'
  | 'dayState'
  | 'dayReport'
  | 'drawerSessions'
  | 'correctFloat'
  | 'paidIn'
  | 'paidOut'
  | 'openDrawer'
  | 'recordAudit'
> {
  /**
   * Cash paid in or out is recorded first; then the drawer on the receipt printer opens for it, if one is set (a
   * drawer that did not open is a notice, never a lost record).
   */
  const withDrawer = (move: CashMove): CashMove => {
    const settings = ctx.settings();
    if (settings.printerHost)
      kickDrawer({ host: settings.printerHost, port: settings.printerPort, paper: settings.paper }).catch((err: unknown) =>
        ctx.notice('warning', err instanceof Error ? err.message : 'The cash drawer did not open.'),
      );
    return move;
  };

  return {
    paidIn: async (p) => withDrawer(ctx.sales.drawer.cashMove('paid_in', p.amount, p.reason, ctx.staff.who())),
    paidOut: async (p) => withDrawer(ctx.sales.drawer.cashMove('paid_out', p.amount, p.reason, ctx.staff.who())),
    openDrawer: async () => {
      const settings = ctx.settings();
      if (!settings.printerHost)
        throw new TillError({
          code: 'not_allowed',
          message: 'Open drawer needs a receipt printer with a cash drawer - set its address in Settings.',
        });
      try {
        await kickDrawer({ host: settings.printerHost, port: settings.printerPort, paper: settings.paper });
      } catch (err) {
        throw new TillError({ code: 'printer_error', message: err instanceof Error ? err.message : 'The cash drawer did not open.' });
      }
      return ctx.sales.drawer.noSale(ctx.staff.who());
    },
    recordAudit: async (p) => {
      const who = ctx.staff.who();
      storage(() =>
        ctx.ledger.audit.record({
          at: ctx.now(),
          event: p.event,
          amount: p.amount,
          currency: ctx.settings().currency,
          ...(p.lines !== undefined ? { lines: p.lines } : {}),
          ...(p.name ? { detail: p.name } : {}),
          ...(who ? { staff: who } : {}),
        }),
      );
      return { ok: true as const };
    },
    dayReport: async (p) => ctx.sales.drawer.dayReport(p.date, p.reconcile ?? false),
    openDay: async (p) => {
      const day = ctx.sales.drawer.openDay(p.float, ctx.staff.who(), p.confirm ?? false);
      ctx.emit({ type: 'day', today: day });
      ctx.emit({ type: 'history_changed' });
      return day;
    },
    closeDay: async (p) => {
      const day = await ctx.sales.drawer.closeDay(p.counted, ctx.staff.who(), {
        counts: p.counts,
        handOver: p.handOver,
        sessionId: p.sessionId,
      });
      ctx.emit({ type: 'day', today: ctx.sales.drawer.today() ?? null });
      ctx.emit({ type: 'history_changed' });
      return day;
    },
    dayState: async (p) => (p.date ? ctx.sales.drawer.dayState(p.date) : ctx.sales.drawer.today()) ?? null,
    drawerSessions: async (p) => ctx.sales.drawer.drawerSessions(p.date),
    correctFloat: async (p) => {
      const session = ctx.sales.drawer.correctFloat(p.float, p.reason, ctx.staff.who());
      ctx.emit({ type: 'day', today: ctx.sales.drawer.today() ?? null });
      return session;
    },
  };
}
