/** The receipt printer: the printers of this computer, reprints, and each receipt printed once as it is given. */
import type { RefundRecord, SaleRecord } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { printOnPrinter, receiptOf } from '../printing/receipts';
import type { Handlers, ServiceContext } from './context';

/** A receipt that never printed is printed at the next start when it is at most this old (ms). */
const RECEIPT_RESUME_MS = 15 * 60_000;

export function printingHandlers(
  ctx: Pick<ServiceContext, 'sales' | 'settings' | 'systemPrinter'>,
): Pick<Handlers, 'printers' | 'printReceipt'> {
  return {
    printers: async () => (ctx.systemPrinter ? ctx.systemPrinter.list() : []),
    printReceipt: async (p) => {
      const sale = ctx.sales.sale(p.saleId) ?? ctx.sales.receiptlessSale(p.saleId);
      const refund = p.refundId ? sale?.refunds.find((r) => r.refundId === p.refundId) : undefined;
      // A reprint says COPY, and never opens the drawer.
      const receipt = sale && (!p.refundId || refund) ? receiptOf(sale, ctx.settings(), refund, true) : undefined;
      if (!receipt) throw new TillError({ code: 'not_found', message: 'That sale has no receipt yet.' });
      try {
        return { printed: await printOnPrinter(receipt, ctx.settings(), ctx.systemPrinter, false) };
      } catch (err) {
        throw new TillError({ code: 'printer_error', message: err instanceof Error ? err.message : 'The receipt printer did not print.' });
      }
    },
  };
}

/**
 * Prints receipts on the receipt printer, if one is set, after the sale (paid in full) or refund is saved; never
 * blocks it. Each receipt prints once: the ledger records it printed, and one not printed yet when the till stopped
 * is printed at the next start. The drawer opens whenever cash moved.
 */
export function receiptPrinting(
  ctx: Pick<ServiceContext, 'ledger' | 'sales' | 'settings' | 'systemPrinter' | 'now' | 'closed' | 'log' | 'notice'>,
) {
  /** Receipt numbers sent to the printer by this run (each prints once). */
  const printed = new Set<number>();

  const autoPrint = (sale: SaleRecord, refund?: RefundRecord): void => {
    const settings = ctx.settings();
    if (!settings.printerHost && !(settings.systemPrinter && ctx.systemPrinter)) return;
    const receipt = receiptOf(sale, settings, refund);
    if (!receipt || printed.has(receipt.number)) return;
    printed.add(receipt.number);
    printOnPrinter(receipt, settings, ctx.systemPrinter).then(
      (done) => {
        if (!done || ctx.closed()) return;
        try {
          ctx.ledger.markReceiptPrinted(receipt.number, ctx.now());
        } catch (err) {
          // Not recorded as printed (a full disk): at worst it prints once more at the next start.
          ctx.log.warn('could not record a receipt as printed', { code: (err as NodeJS.ErrnoException)?.code });
        }
      },
      (err: unknown) =>
        ctx.notice('warning', err instanceof Error ? err.message : 'The receipt printer did not print.', {
          key: 'printer_failed',
          params: { saleId: sale.saleId },
        }),
    );
  };

  /** Receipts given in the last minutes that never printed (the till stopped first): printed now. */
  const printLeftOver = (): void => {
    for (const r of ctx.ledger.unprintedReceipts(ctx.now() - RECEIPT_RESUME_MS)) {
      const sale = ctx.sales.sale(r.saleId) ?? ctx.sales.receiptlessSale(r.saleId);
      const refund = r.refundId ? sale?.refunds.find((x) => x.refundId === r.refundId) : undefined;
      if (sale && (!r.refundId || refund)) autoPrint(sale, refund);
    }
  };

  return { autoPrint, printLeftOver };
}
