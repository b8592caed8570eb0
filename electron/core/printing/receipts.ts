/**
 * Receipts from the ledger's records: builds the printable receipt of a sale or a refund and prints it on the
 * network receipt printer set in Settings (ESC/POS over TCP); the drawer opens whenever cash moved. Printing never holds
 * up a sale: it runs after the sale is saved, and a failure becomes a notice.
 */
import type { RefundRecord, SaleRecord } from '../../../shared/contract';
import { receiptContent } from '../../../shared/receipt';
import { LEGACY_VAT_RATE } from '../../../shared/vat';
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

/**
 * The printable receipt of a sale paid in full, or of one of its refunds (shared/receipt.ts: the same content the
 * screen and the export show); undefined while it has no receipt number. `copy` marks a reprint.
 */
export function receiptOf(sale: SaleRecord, settings: StoredSettings, refund?: RefundRecord, copy = false): ReceiptData | undefined {
  const content = receiptContent(sale, refund, LEGACY_VAT_RATE);
  if (!content) return undefined;
  return {
    ...content,
    merchantName: settings.merchantName,
    merchantAddress: settings.merchantAddress,
    language: settings.language,
    ...(copy ? { copy: true } : {}),
  };
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
