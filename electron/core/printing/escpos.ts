/**
 * Prints a receipt on a network receipt printer that speaks ESC/POS over raw TCP (port 9100), through
 * node-thermal-printer, and for a cash receipt pulses the cash drawer wired to the printer.
 *
 * What goes over the wire: ESC @ (initialise), ESC t 19 (code page PC858, Latin-1 with the euro sign),
 * Font A, left aligned, the lines of receiptText() in PC858 bytes (codepage.ts: the receipt's one code page, which
 * no product name can switch, and never a control byte), four line feeds twice, GS V 0 (full cut), ESC @, and when
 * asked ESC p 0 25 250: a 50 ms pulse on drawer pin 2, then 500 ms off. The drawer pulse is written in full
 * here: node-thermal-printer's openCashDrawer() sends "ESC p m" without the two timing bytes, so a printer
 * takes the next bytes as them, and some drawers only open on every second receipt.
 *
 * A printer that is off, refuses the connection, or does not answer within the timeout gives a
 * PrinterError whose message is a sentence for the cashier; printReceipt never throws anything else and
 * never takes longer than the timeout.
 */

import { CharacterSet, PrinterTypes, ThermalPrinter, BreakLine } from 'node-thermal-printer';
import { codePageBytes } from './codepage';
import { type Paper, PAPER_WIDTH, type ReceiptData, receiptText } from './receipt';

export const DEFAULT_PRINTER_PORT = 9100;
export const DEFAULT_PRINTER_TIMEOUT_MS = 5000;

/** ESC @: clears the printer's buffer and resets its modes. */
const INIT = [0x1b, 0x40];

/** ESC p m t1 t2: pulse drawer pin 2 (m = 0) for 25 x 2 ms, then wait 250 x 2 ms. */
export const DRAWER_PULSE: Readonly<Buffer> = Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]);

export { RECEIPT_ENCODING } from './codepage';

export interface PrintReceiptOptions {
  host: string;
  /** Default 9100. */
  port?: number;
  /** The longest a print may take, connecting included. Default 5000 ms. */
  timeoutMs?: number;
  paper: Paper;
  receipt: ReceiptData;
  /** Pulse the cash drawer after the receipt (a cash sale or a cash refund: see opensDrawer()). */
  openDrawer: boolean;
}

export type PrinterFailure = 'invalid_address' | 'refused' | 'timeout' | 'unreachable' | 'failed';

/** A receipt that was not printed. `message` is a sentence for the cashier; `cause` is the network error. */
export class PrinterError extends Error {
  readonly reason: PrinterFailure;
  constructor(reason: PrinterFailure, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PrinterError';
    this.reason = reason;
  }
}

/** The ESC/POS bytes of a receipt, as printReceipt sends them. */
export function receiptBytes(receipt: ReceiptData, paper: Paper, openDrawer: boolean): Buffer {
  return compose(new ThermalPrinter(printerConfig('tcp://127.0.0.1:9100', paper, DEFAULT_PRINTER_TIMEOUT_MS)), receipt, paper, openDrawer);
}

export async function printReceipt(opts: PrintReceiptOptions): Promise<void> {
  const saved = opts.receipt.kind === 'refund' ? 'the refund is saved' : 'the sale is saved';
  const drawer = opts.openDrawer ? ' The cash drawer did not open.' : '';
  await send(opts, `${saved}; print the receipt again from History.${drawer}`, (printer) =>
    compose(printer, opts.receipt, opts.paper, opts.openDrawer),
  );
}

/**
 * Opens the cash drawer wired to the receipt printer without printing anything: ESC @ then the drawer pulse. Throws a
 * PrinterError (a sentence for the cashier) when the printer cannot be reached within the timeout.
 */
export async function kickDrawer(opts: { host: string; port?: number; timeoutMs?: number; paper?: Paper }): Promise<void> {
  await send({ ...opts, paper: opts.paper ?? '80mm' }, 'the cash drawer did not open.', (printer) =>
    printer.setBuffer(Buffer.concat([Buffer.from(INIT), DRAWER_PULSE])),
  );
}

/** Sends what `fill` puts in the printer's buffer, within the timeout; `again` ends the cashier's sentence on failure. */
async function send(
  opts: { host: string; port?: number | undefined; timeoutMs?: number | undefined; paper: Paper },
  again: string,
  fill: (printer: ThermalPrinter) => void,
): Promise<void> {
  const host = opts.host.trim();
  const port = opts.port ?? DEFAULT_PRINTER_PORT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PRINTER_TIMEOUT_MS;
  // node-thermal-printer reads "tcp://host:port" with a host of neither ':' nor '/' (so no IPv6 literal);
  // anything else it would take for a file name.
  if (host === '' || /[\s/:]/.test(host)) {
    throw new PrinterError('invalid_address', `The receipt printer's address is not set or not valid - ${again}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PrinterError('invalid_address', `The receipt printer's port must be between 1 and 65535 - ${again}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive number of milliseconds');

  const where = `${host}:${port}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const printer = new ThermalPrinter(printerConfig(`tcp://${where}`, opts.paper, timeoutMs));
    fill(printer);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Socket timeout')), timeoutMs);
    });
    await Promise.race([printer.execute(), deadline]);
  } catch (err) {
    throw failure(err, where, again);
  } finally {
    clearTimeout(timer);
  }
}

function printerConfig(iface: string, paper: Paper, timeoutMs: number): ConstructorParameters<typeof ThermalPrinter>[0] {
  return {
    type: PrinterTypes.EPSON,
    interface: iface,
    width: PAPER_WIDTH[paper],
    // The lines are laid out to the paper's width already: the library must not fold them again.
    breakLine: BreakLine.NONE,
    removeSpecialCharacters: false,
    options: { timeout: timeoutMs },
  };
}

function compose(printer: ThermalPrinter, receipt: ReceiptData, paper: Paper, openDrawer: boolean): Buffer {
  // The code page is chosen after ESC @, which would reset it.
  printer.setBuffer(Buffer.from(INIT));
  printer.setCharacterSet(CharacterSet.PC858_EURO);
  printer.setTypeFontA();
  printer.setTextNormal();
  printer.alignLeft();
  // The bytes of each line are made here: given text, node-thermal-printer would switch to any code page that
  // has a character (a Japanese one for "点心") and stay there for the rest of the receipt.
  for (const line of receiptText(receipt, paper, true)) printer.add(Buffer.concat([codePageBytes(line), Buffer.from([0x0a])]));
  printer.cut();
  if (openDrawer) printer.add(Buffer.from(DRAWER_PULSE));
  return printer.getBuffer();
}

function failure(err: unknown, where: string, again: string): PrinterError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const text = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED') {
    return new PrinterError('refused', `The receipt printer at ${where} refused the connection - is it switched on? ${cap(again)}`, err);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') {
    return new PrinterError('unreachable', `The receipt printer at ${where} cannot be reached - ${again}`, err);
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(text)) {
    return new PrinterError('timeout', `The receipt printer at ${where} did not answer - ${again}`, err);
  }
  return new PrinterError('failed', `The receipt printer at ${where} did not print the receipt - ${again}`, err);
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
