/**
 * A fake network receipt printer on loopback: a TCP server on 127.0.0.1 (a free port) that records every byte
 * each connection sends, as a real ESC/POS printer on port 9100 would take them.
 *
 * Modes:
 * - 'print': accepts connections and records them; a job is the bytes of one connection, complete when it closes.
 * - 'refuse': nothing listens on the port any more, so a connection is refused at once (ECONNREFUSED), like a
 *   printer that is on the network but whose print server is off.
 * - 'silent': the connection is never answered, like a printer that is switched off or unplugged: a listening
 *   socket held by a worker thread that never accepts (its event loop is blocked), with its accept queue
 *   (backlog 1, so two connections) filled by the fake itself, so the kernel drops every further SYN and a
 *   client's connect hangs until its own timeout.
 */

import { once } from 'node:events';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import type { ReceiptData } from '../../electron/core/printing/receipt';
import { vatByRate } from '../../shared/vat';

export type FakePrinterMode = 'print' | 'refuse' | 'silent';

export interface FakePrinter {
  readonly host: string;
  readonly port: number;
  readonly mode: FakePrinterMode;
  /** The bytes of every connection that has closed, in the order they closed. */
  readonly jobs: readonly Buffer[];
  /** How many connections were accepted (mode 'print'). */
  readonly connections: number;
  /** The bytes of the next connection to close that no earlier call took. */
  nextJob(): Promise<Buffer>;
  close(): Promise<void>;
}

/** A fake printer; `port` (mode 'print') listens on that port, e.g. one a refusing printer had (the printer is back). */
export async function startFakePrinter(mode: FakePrinterMode = 'print', port = 0): Promise<FakePrinter> {
  if (mode === 'print') return recordingPrinter(port);
  if (mode === 'refuse') return refusingPrinter();
  return silentPrinter();
}

const HOST = '127.0.0.1';

async function recordingPrinter(listenPort: number): Promise<FakePrinter> {
  const jobs: Buffer[] = [];
  const waiting: ((job: Buffer) => void)[] = [];
  let taken = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {
      // A client that resets the connection still leaves what it sent.
    });
    socket.on('close', () => {
      sockets.delete(socket);
      const job = Buffer.concat(chunks);
      jobs.push(job);
      const next = waiting.shift();
      if (next) {
        taken++;
        next(job);
      }
    });
  });
  server.listen({ port: listenPort, host: HOST });
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: HOST,
    port,
    mode: 'print',
    jobs,
    get connections() {
      return connections;
    },
    nextJob() {
      if (taken < jobs.length) return Promise.resolve(jobs[taken++]!);
      return new Promise<Buffer>((resolve) => waiting.push(resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function refusingPrinter(): Promise<FakePrinter> {
  // Take a free port from the kernel, then stop listening on it: connecting to it is refused.
  const server = net.createServer();
  server.listen({ port: 0, host: HOST });
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    host: HOST,
    port,
    mode: 'refuse',
    jobs: [],
    connections: 0,
    nextJob: () => new Promise<Buffer>(() => {}),
    close: async () => {},
  };
}

const SILENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const server = net.createServer();
server.listen({ port: 0, host: '${HOST}', backlog: 1 }, () => {
  parentPort.postMessage(server.address().port);
  // Block this thread's event loop: the kernel queues two connections and then drops every SYN, unanswered.
  Atomics.wait(workerData, 0, 0);
  server.close();
});
`;

async function silentPrinter(): Promise<FakePrinter> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(SILENT_WORKER, { eval: true, workerData: release });
  const [port] = (await once(worker, 'message')) as [number];
  // Fill the accept queue (backlog 1 holds two), so that no further connection gets a SYN-ACK.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = net.connect({ port, host: HOST });
    fillers.push(socket);
    await once(socket, 'connect');
  }
  return {
    host: HOST,
    port,
    mode: 'silent',
    jobs: [],
    connections: 0,
    nextJob: () => new Promise<Buffer>(() => {}),
    async close() {
      for (const s of fillers) s.destroy();
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      await worker.terminate();
    },
  };
}

/** Code page 858 (ESC t 19), bytes 0x80-0xFF: code page 850 with the euro sign at 0xD5. */
const CP858_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

/** What a printer made of a job: its commands in order ("ESC @", "ESC t 19", "GS V 0", ...) and its text lines. */
export interface EscPosJob {
  commands: string[];
  lines: string[];
}

/** Arguments of the ESC and GS commands a receipt may hold; anything else is an error, so every byte is accounted for. */
const ESC_ARGS: Readonly<Record<string, number>> = { '@': 0, t: 1, M: 1, '!': 1, a: 1, d: 1, p: 3, E: 1, '-': 1, '2': 0 };
const GS_ARGS: Readonly<Record<string, number>> = { V: 1, B: 1, '!': 1 };

/** Reads an ESC/POS job the way an Epson printer would; text is decoded in the code page chosen with ESC t. */
export function parseEscPos(bytes: Buffer): EscPosJob {
  const commands: string[] = [];
  const lines: string[] = [];
  let line = '';
  let codePage: number | undefined;
  let i = 0;
  const arg = (): number => {
    const b = bytes[i++];
    if (b === undefined) throw new Error('ESC/POS job ends inside a command');
    return b;
  };
  while (i < bytes.length) {
    const b = arg();
    if (b === 0x1b || b === 0x1d) {
      const name = String.fromCharCode(arg());
      const count = (b === 0x1b ? ESC_ARGS : GS_ARGS)[name];
      if (count === undefined)
        throw new Error(`unknown command ${b === 0x1b ? 'ESC' : 'GS'} 0x${name.charCodeAt(0).toString(16)} at byte ${i - 2}`);
      const args = Array.from({ length: count }, arg);
      commands.push([b === 0x1b ? 'ESC' : 'GS', name, ...args].join(' '));
      if (b === 0x1b && name === 't') codePage = args[0];
      if (b === 0x1b && name === '@') codePage = undefined;
    } else if (b === 0x0a) {
      lines.push(line);
      line = '';
    } else if (b < 0x20 || b === 0x7f) {
      throw new Error(`control byte 0x${b.toString(16)} at byte ${i - 1}`);
    } else if (b < 0x80) {
      line += String.fromCharCode(b);
    } else {
      if (codePage !== 19) throw new Error(`byte 0x${b.toString(16)} at ${i - 1} without code page 858 selected`);
      line += CP858_HIGH[b - 0x80];
    }
  }
  if (line !== '') lines.push(line);
  return { commands, lines };
}

/** A Dutch cash sale in euros to print: its total, VAT per rate and change worked out from the lines and the cash given. */
export function cashSaleReceipt(
  fields: Omit<ReceiptData, 'kind' | 'saleId' | 'total' | 'currency' | 'vat' | 'tenders' | 'language'> & { given: number },
): ReceiptData {
  const { given, ...rest } = fields;
  const total = rest.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const vat = vatByRate(rest.lines, 21);
  return {
    ...rest,
    kind: 'sale',
    saleId: `sale-${rest.number}`,
    total,
    currency: 'EUR',
    vat,
    tenders: [{ kind: 'cash', amount: total, given, change: given - total }],
    language: 'nl',
  };
}
