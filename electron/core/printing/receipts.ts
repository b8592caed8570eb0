/**
 * Receipts from the ledger's records: builds the printable receipt of a sale or a refund and prints it on the
 * network receipt printer set in Settings (ESC/POS over TCP); a cash sale opens the drawer. Printing never holds
 * up a sale: it runs after the sale is saved, and a failure becomes a notice.
 */
import type { RefundRecord, SaleRecord } from '../../../shared/contract';
import { LEGACY_VAT_RATE, vatByRate, vatOfRefund } from '../../../shared/vat';
import type { StoredSettings } from '../settings';
import { printReceipt } from './escpos';
import { opensDrawer, type Paper, type ReceiptData, receiptText } from './receipt';

/** A printer of this computer (the desktop app's adapter prints through Electron; headless mode has none). */
export interface SystemPrinter {
  list(): Promise<string[]>;
  print(html: string, deviceName: string, paper: Paper): Promise<void>;
}

/** The receipt as a self-contained page for a printer of this computer: the same lines as on a receipt printer. */
export function receiptHtml(receipt: ReceiptData, paper: Paper): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const width = paper === '58mm' ? '54mm' : '76mm';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(`Receipt ${receipt.number}`)}</title>
<style>@page{margin:0}body{margin:0 2mm;width:${width}}pre{font:9pt/1.25 monospace;white-space:pre;margin:0}</style></head>
<body><pre>${receiptText(receipt, paper).map(esc).join('\n')}</pre></body></html>`;
}

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
    vat: refund ? (refund.vat ?? vatOfRefund(saleVat, refund.amount)) : saleVat,
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

/**
 * Prints on the printer set in Settings: the network receipt printer (ESC/POS, with the drawer), or else a
 * printer of this computer, silently. Resolves false when none is set; throws on failure.
 */
export async function printOnPrinter(
  receipt: ReceiptData,
  settings: StoredSettings,
  system: SystemPrinter | undefined,
  openDrawer = opensDrawer(receipt),
): Promise<boolean> {
  if (settings.printerHost) {
    await printReceipt({ host: settings.printerHost, port: settings.printerPort, paper: settings.paper, receipt, openDrawer });
    return true;
  }
  if (settings.systemPrinter && system) {
    await system.print(receiptHtml(receipt, settings.paper), settings.systemPrinter, settings.paper);
    return true;
  }
  return false;
}
