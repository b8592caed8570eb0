/**
 * Receipts from the ledger's records: builds the printable receipt of a sale or a refund and prints it on the
 * network receipt printer set in Settings (ESC/POS over TCP); a cash sale opens the drawer. Printing never holds
 * up a sale: it runs after the sale is saved, and a failure becomes a notice.
 */
import type { RefundRecord, SaleRecord } from '../../../shared/contract';
import { vatByRate, vatOfRefund } from '../../../shared/vat';
import type { StoredSettings } from '../settings';
import { printReceipt } from './escpos';
import { opensDrawer, type ReceiptData } from './receipt';

const LEGACY_VAT_RATE = 21;

/** The receipt of a paid sale, or of one of its refunds; undefined while it has no receipt number. */
export function receiptOf(sale: SaleRecord, settings: StoredSettings, refund?: RefundRecord): ReceiptData | undefined {
  const number = refund ? refund.receiptNumber : sale.receiptNumber;
  if (number === undefined) return undefined;
  const paid = sale.attempts.find((a) => a.state === 'completed');
  const saleVat = sale.vat ?? vatByRate(sale.lines, LEGACY_VAT_RATE);
  const base: ReceiptData = {
    kind: refund ? 'refund' : 'sale',
    number,
    merchantName: settings.merchantName,
    merchantAddress: settings.merchantAddress,
    at: refund ? refund.at : (paid?.finalAt ?? sale.createdAt),
    lines: refund ? [] : sale.lines.map((l) => ({ ...l, vatRate: l.vatRate ?? LEGACY_VAT_RATE })),
    total: refund ? refund.amount : sale.total,
    currency: sale.currency,
    vat: refund ? vatOfRefund(saleVat, refund.amount) : saleVat,
    tender: refund ? refund.tender : sale.tender,
    language: settings.language,
  };
  if (!refund && sale.cash) base.cash = sale.cash;
  if (paid?.card && (!refund || refund.tender === 'card')) base.card = paid.card;
  const tx = refund ? refund.transactionId : paid?.transactionId;
  if (tx) base.transactionId = tx;
  if (paid) {
    base.orderId = paid.orderId;
    base.terminalId = paid.terminalId;
  }
  if (refund && sale.receiptNumber !== undefined) base.refundOf = sale.receiptNumber;
  const staff = refund ? refund.staff : sale.staff;
  if (staff) base.staff = staff;
  return base;
}

/** Prints on the configured printer; resolves false when no printer is set. Throws PrinterError on failure. */
export async function printOnPrinter(receipt: ReceiptData, settings: StoredSettings, openDrawer = opensDrawer(receipt)): Promise<boolean> {
  if (!settings.printerHost) return false;
  await printReceipt({ host: settings.printerHost, port: settings.printerPort, paper: settings.paper, receipt, openDrawer });
  return true;
}
