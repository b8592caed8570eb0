/**
 * The simulated event stream (Server-Sent Events at `events_stream_url`): token checks, keep-alive comments,
 * the `session.order` events of one order, and the stream faults (silence, junk, duplicates, reordering,
 * huge lines, drops).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dialect, Faults } from './faults';
import { verifyJwt } from './jwt';
import { rawNumber, type SimOrder } from './orders';

interface StreamClient {
  res: ServerResponse;
  orderId: string;
  keepAlive: NodeJS.Timeout | null;
}

export class StreamHub {
  /** How many stream connections were accepted, and with which Authorization reading. */
  readonly connects: { orderId: string; auth: 'raw' | 'bearer' }[] = [];
  readonly #clients = new Set<StreamClient>();

  constructor(
    private readonly env: {
      faults: () => Faults;
      dialect: () => Dialect;
      keepAliveMs: () => number;
      secret: () => string;
      order: (orderId: string) => SimOrder | undefined;
    },
  ) {}

  get open(): number {
    return this.#clients.size;
  }

  /** A stream request: 503 when down, 401 for a refused or bad token, else an open event stream. */
  accept(req: IncomingMessage, res: ServerResponse): void {
    const faults = this.env.faults();
    const header = req.headers.authorization ?? '';
    const bearer = header.startsWith('Bearer ');
    const token = bearer ? header.slice(7) : header;
    const authOk = faults.streamAuth === 'both' || (faults.streamAuth === 'bearer') === bearer;
    const claims = authOk ? verifyJwt(token, this.env.secret(), Date.now()) : null;
    if (faults.streamsDown) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service unavailable');
      return;
    }
    if (faults.refuseStreams > 0) {
      faults.refuseStreams--;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
      return;
    }
    if (!claims || typeof claims.oid !== 'string') {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    if (faults.streamRetryMs !== null) res.write(`retry: ${faults.streamRetryMs}\n\n`);
    if (faults.streamsEndAtOnce) {
      this.connects.push({ orderId: claims.oid, auth: bearer ? 'bearer' : 'raw' });
      res.end();
      return;
    }
    const quiet = () => this.env.faults().silent || this.env.faults().stalled;
    if (!quiet()) res.write(': connected\n\n');
    else if (!this.env.faults().stalled) res.flushHeaders(); // open, then silent
    const client: StreamClient = { res, orderId: claims.oid, keepAlive: null };
    const every = this.env.keepAliveMs();
    if (every > 0) {
      client.keepAlive = setInterval(() => {
        if (!quiet()) res.write(': keep-alive\n\n');
      }, every);
    }
    this.#clients.add(client);
    this.connects.push({ orderId: claims.oid, auth: bearer ? 'bearer' : 'raw' });
    // As in MultiSafepay's example, a new subscriber first hears the order's current status.
    const current = this.env.order(claims.oid);
    if (current && !quiet()) res.write(this.#event(current, current.status));
    const done = () => {
      if (client.keepAlive) clearInterval(client.keepAlive);
      this.#clients.delete(client);
    };
    req.on('close', done);
    res.on('error', done);
  }

  /** Tells every subscriber of the order its new status, with whatever faults are switched on. */
  emit(order: SimOrder): void {
    const faults = this.env.faults();
    if (faults.silent || faults.stalled) return;
    for (const s of this.#clients) {
      if (s.orderId !== order.order_id) continue;
      let out = '';
      if (faults.hugeLines) out += `event: session.qr\ndata: ${'x'.repeat(256 * 1024)}\n\n`;
      if (faults.junkEvents) {
        out += ': a comment\n\n';
        out += 'event: session.qr\ndata: {"qr":"something"}\n\n';
        out += 'event: session.order\ndata: {not json\n\n';
        out += 'event: session.order\ndata: {"status":"completed"}\n\n';
        out += `event: session.order\ndata: ${JSON.stringify({ order_id: 'someone-else', status: 'completed' })}\n\n`;
        out += 'data: plain message\n\n';
      }
      out += this.#event(order, order.status);
      if (faults.duplicateEvents) out += this.#event(order, order.status);
      if (faults.reorderEvents && order.history.length > 1) out += this.#event(order, order.history[order.history.length - 2]!);
      s.res.write(out);
    }
  }

  /** Ends every open event stream (a network drop). */
  dropAll(): void {
    for (const s of this.#clients) {
      if (s.keepAlive) clearInterval(s.keepAlive);
      s.res.destroy();
    }
    this.#clients.clear();
  }

  #event(order: SimOrder, status: string): string {
    const numeric = this.env.dialect().numericIds;
    const data = {
      financial_status: status,
      order_id: order.order_id,
      session_id: order.session_id,
      status,
      transaction_id: numeric ? rawNumber(order.transaction_id) : order.transaction_id,
    };
    return `event: session.order\ndata: ${JSON.stringify(data)}\n\n`;
  }
}
