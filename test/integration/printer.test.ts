/**
 * Receipts over real TCP on loopback to a fake ESC/POS network printer that records every byte it is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterError, printReceipt } from '../../electron/core/printing/escpos';
import { type ReceiptData, type ReceiptTender, receiptText } from '../../electron/core/printing/receipt';
import { cashSaleReceipt, type FakePrinter, type FakePrinterMode, parseEscPos, startFakePrinter } from '../helpers/fake-printer';

const ESC_INIT = Buffer.from([0x1b, 0x40]);
const GS_CUT = Buffer.from([0x1d, 0x56]);
const ESC_DRAWER = Buffer.from([0x1b, 0x70]);

const items = [
  { name: 'Café crème', quantity: 2, unitPrice: 325, vatRate: 9 },
  { name: 'Cadeaubon € 25', quantity: 1, unitPrice: 2500, vatRate: 0 },
  { name: 'Mok met logo', quantity: 1, unitPrice: 1295, vatRate: 21 },
];

function receipt(over: Partial<ReceiptData> = {}): ReceiptData {
  const at = new Date(2026, 2, 14, 9, 41).getTime();
  const sale = cashSaleReceipt({
    number: 2718,
    merchantName: 'Koffiebar Het Anker',
    merchantAddress: 'Oudegracht 1, Utrecht',
    at,
    lines: items,
    given: 5000,
  });
  return { ...sale, ...over };
}

const cardReceipt = (over: Partial<ReceiptData> = {}): ReceiptData => {
  const r = receipt(over);
  const card: ReceiptTender = {
    kind: 'card',
    amount: r.total,
    tip: 0,
    card: { type: 'Maestro', last4: '6789', authorizationCode: '55AB12' },
    transactionId: '8123456',
    orderId: 'ord-2718',
    terminalId: 'T-7',
  };
  return { ...r, tenders: [card] };
};

let printers: FakePrinter[] = [];
async function fake(mode: FakePrinterMode = 'print'): Promise<FakePrinter> {
  const p = await startFakePrinter(mode);
  printers.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(printers.map((p) => p.close()));
  printers = [];
});

describe('printing to a network receipt printer', () => {
  it('prints a cash sale: initialise, the receipt in code page 858, a cut, and the drawer pulse', async () => {
    const printer = await fake();
    const r = receipt();
    await printReceipt({ host: printer.host, port: printer.port, paper: '58mm', receipt: r, openDrawer: true });
    const bytes = await printer.nextJob();

    expect(bytes.subarray(0, 2).equals(ESC_INIT)).toBe(true);
    expect(bytes.indexOf(GS_CUT)).toBeGreaterThan(0);
    expect(bytes.indexOf(ESC_DRAWER)).toBeGreaterThan(bytes.indexOf(GS_CUT));
    // The euro sign and the accents in code page 858: € is 0xD5, é is 0x82, è is 0x8A.
    expect(bytes.indexOf(Buffer.from('Caf\x82 cr\x8ame', 'latin1'))).toBeGreaterThan(0);
    expect(bytes.indexOf(Buffer.from('Cadeaubon \xd5 25', 'latin1'))).toBeGreaterThan(0);

    const job = parseEscPos(bytes);
    expect(job.commands.slice(0, 2)).toEqual(['ESC @', 'ESC t 19']);
    expect(job.commands).toContain('GS V 0');
    expect(job.commands).toContain('ESC p 0 25 250');
    expect(job.lines).toEqual(receiptText(r, '58mm'));
    const text = job.lines.join('\n');
    expect(text).toMatch(/^Bonnummer +2718$/m);
    expect(text).toMatch(/^TOTAAL EUR +44,45$/m);
    expect(text).toMatch(/^BTW% +Excl\. +BTW +Incl\.$/m);
    expect(text).toMatch(/^21% +10,70 +2,25 +12,95$/m);
    expect(text).toMatch(/^9% +5,96 +0,54 +6,50$/m);
    expect(text).toMatch(/^0% +25,00 +0,00 +25,00$/m);
    expect(text).toMatch(/^Totaal BTW +2,79$/m);
    expect(text).toMatch(/^Contant +50,00$/m);
    expect(text).toMatch(/^Wisselgeld +5,55$/m);
    expect(text).toContain('Café crème');
    expect(text).toContain('Cadeaubon € 25');
    expect(printer.connections).toBe(1);
  });

  it('prints a card sale in English without pulsing the drawer', async () => {
    const printer = await fake();
    const r = cardReceipt({ language: 'en' });
    await printReceipt({ host: printer.host, port: printer.port, paper: '80mm', receipt: r, openDrawer: false });
    const bytes = await printer.nextJob();

    expect(bytes.indexOf(ESC_DRAWER)).toBe(-1);
    expect(bytes.indexOf(GS_CUT)).toBeGreaterThan(0);
    const job = parseEscPos(bytes);
    expect(job.commands.some((c) => c.startsWith('ESC p'))).toBe(false);
    expect(job.lines).toEqual(receiptText(r, '80mm'));
    const text = job.lines.join('\n');
    expect(text).toMatch(/^Total VAT +2\.79$/m);
    expect(text).toMatch(/^TOTAL EUR +44\.45$/m);
    expect(text).toMatch(/^Maestro +\*\*\*\* 6789$/m);
    expect(text).toMatch(/^Transaction +8123456$/m);
  });

  it('lays the same receipt out to 32 characters on 58 mm paper and 48 on 80 mm', async () => {
    const printer = await fake();
    await printReceipt({ host: printer.host, port: printer.port, paper: '58mm', receipt: receipt(), openDrawer: false });
    const narrow = parseEscPos(await printer.nextJob()).lines;
    await printReceipt({ host: printer.host, port: printer.port, paper: '80mm', receipt: receipt(), openDrawer: false });
    const wide = parseEscPos(await printer.nextJob()).lines;

    expect(Math.max(...narrow.map((l) => [...l].length))).toBe(32);
    expect(Math.max(...wide.map((l) => [...l].length))).toBe(48);
    expect(narrow).toContain('-'.repeat(32));
    expect(wide).toContain('-'.repeat(48));
    expect(narrow.find((l) => l.startsWith('TOTAAL'))).toBe(`TOTAAL EUR${' '.repeat(32 - 15)}44,45`);
    expect(wide.find((l) => l.startsWith('TOTAAL'))).toBe(`TOTAAL EUR${' '.repeat(48 - 15)}44,45`);
    expect(printer.jobs).toHaveLength(2);
  });

  it('prints a refund receipt with its header, and opens the drawer for a cash refund', async () => {
    const printer = await fake();
    const sale = receipt({ kind: 'refund', number: 2719, refundOf: 2718 });
    const r: ReceiptData = { ...sale, tenders: [{ kind: 'cash', amount: sale.total }] };
    await printReceipt({ host: printer.host, port: printer.port, paper: '58mm', receipt: r, openDrawer: true });
    const job = parseEscPos(await printer.nextJob());
    expect(job.lines.map((l) => l.trim())).toContain('*** TERUGBETALING ***');
    expect(job.lines.join('\n')).toMatch(/^Terugbetaling van bon +2718$/m);
    expect(job.commands.at(-1)).toBe('ESC p 0 25 250');
  });

  it('a printer that refuses the connection gives the cashier a sentence, at once', async () => {
    const printer = await fake('refuse');
    const started = performance.now();
    const error = await printReceipt({
      host: printer.host,
      port: printer.port,
      timeoutMs: 3000,
      paper: '58mm',
      receipt: receipt(),
      openDrawer: true,
    }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(PrinterError);
    const e = error as PrinterError;
    expect(e.reason).toBe('refused');
    expect(e.message).toContain(`The receipt printer at 127.0.0.1:${printer.port} refused the connection`);
    expect(e.message).toContain('The sale is saved; print the receipt again from History.');
    expect(e.message).toContain('The cash drawer did not open.');
  });

  it('a printer that never answers gives "did not answer" within the timeout, and does not hang', async () => {
    const printer = await fake('silent');
    const timeoutMs = 600;
    const started = performance.now();
    const error = await printReceipt({
      host: printer.host,
      port: printer.port,
      timeoutMs,
      paper: '80mm',
      receipt: cardReceipt(),
      openDrawer: false,
    }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(PrinterError);
    const e = error as PrinterError;
    expect(e.reason).toBe('timeout');
    expect(e.message).toBe(
      `The receipt printer at 127.0.0.1:${printer.port} did not answer - the sale is saved; print the receipt again from History.`,
    );
    // It waited for the printer (the connection really hung) but no longer than the timeout allows.
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsed).toBeLessThan(timeoutMs + 500);
  });

  it('a refund that could not be printed says the refund is saved', async () => {
    const printer = await fake('refuse');
    const error = await printReceipt({
      host: printer.host,
      port: printer.port,
      paper: '58mm',
      receipt: cardReceipt({ kind: 'refund', refundOf: 1 }),
      openDrawer: false,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('The refund is saved; print the receipt again from History.');
    expect((error as Error).message).not.toContain('drawer');
  });

  it('an address that is not set or not valid is refused before any connection', async () => {
    const printer = await fake();
    for (const [host, port] of [
      ['', printer.port],
      ['   ', printer.port],
      ['printer/../x', printer.port],
      [printer.host, 0],
      [printer.host, 65536],
      [printer.host, 9100.5],
    ] as const) {
      const error = await printReceipt({ host, port, paper: '58mm', receipt: receipt(), openDrawer: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrinterError);
      expect((error as PrinterError).reason).toBe('invalid_address');
      expect((error as PrinterError).message).toMatch(/the sale is saved; print the receipt again from History\./);
    }
    expect(printer.connections).toBe(0);
  });
});
