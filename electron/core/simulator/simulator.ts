/**
 * A simulator of MultiSafepay's cloud POS endpoints and of SmartPOS terminals, over real HTTP + SSE.
 * MultiSafepay has no test environment for POS payments, so demo mode, training and every test run on this.
 * It speaks the protocol the client uses (see docs/multisafepay.md) and adds a terminal control API and fault
 * injection under `/_sim/`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signJwt, verifyJwt } from './jwt';

export type SimStatus = 'initialized' | 'declined' | 'completed' | 'cancelled';
export type TerminalActionName = 'approve' | 'decline' | 'soft_decline' | 'cancel';

export interface SimOrder {
  order_id: string;
  session_id: string;
  status: SimStatus | 'refunded' | 'partial_refunded';
  financial_status: string;
  transaction_id: string;
  amount: number;
  currency: string;
  description: string;
  terminal_id: string;
  created: string;
  modified: string;
  completed: string | null;
  reason?: string;
  payment_details: Record<string, string>;
  refunds: { amount: number; at: number; transaction_id: string }[];
  /** Every status the order went through, in order: what the stream emitted. */
  history: SimStatus[];
}

export interface Faults {
  /** Delay before answering a create. */
  createDelayMs: number;
  /** Fail the next `times` creates with this answer (nothing is created). */
  createFail: { times: number; status: number; code?: number; info?: string } | null;
  /** Create the order, then drop the connection without answering, this many times. */
  createLoseResponse: number;
  /** Answer the next N GET order calls with 503. */
  getFail: number;
  /** Answer the next N cancels with 503 (nothing cancelled). */
  cancelFail: number;
  /** Delay before a cancel takes effect and is answered. */
  cancelDelayMs: number;
  /** Refuse the next N stream connections with 401 (Infinity: always). */
  refuseStreams: number;
  /** The stream endpoint is down (503) - a network problem, not a refusal. */
  streamsDown: boolean;
  /** Which Authorization readings the stream accepts. */
  streamAuth: 'both' | 'raw' | 'bearer';
  duplicateEvents: boolean;
  /** After each event, send the order's previous event again (stale, out of order). */
  reorderEvents: boolean;
  /** Interleave comments, unknown event types, malformed data and other orders' events. */
  junkEvents: boolean;
  /** Send a very long unknown event before each real one. */
  hugeLines: boolean;
  /** Keep streams open but send nothing: no events, no keep-alives. */
  silent: boolean;
}

export const NO_FAULTS: Faults = {
  createDelayMs: 0,
  createFail: null,
  createLoseResponse: 0,
  getFail: 0,
  cancelFail: 0,
  cancelDelayMs: 0,
  refuseStreams: 0,
  streamsDown: false,
  streamAuth: 'both',
  duplicateEvents: false,
  reorderEvents: false,
  junkEvents: false,
  hugeLines: false,
  silent: false,
};

export interface SimulatorConfig {
  /** Inactivity before a waiting payment ends as cancelled (MultiSafepay: 60 s). */
  expiryMs: number;
  /** Time the terminal takes from "card presented" to "completed". */
  approvalDelayMs: number;
  /** Time from a soft decline to the terminal asking again (declined -> initialized). */
  softDeclineRetryMs: number;
  /** Lifetime of an events_token. */
  tokenTtlMs: number;
  /** SSE keep-alive comment interval (0: none). */
  keepAliveMs: number;
  /** When set, every new payment is approved automatically after this many ms (autopilot for load runs). */
  autoApproveMs: number | null;
}

export interface SimulatorOptions extends Partial<SimulatorConfig> {
  apiKey: string;
  port?: number;
  terminals?: { id: string; name: string }[];
  /** Demo mode: keep orders in this file so a payment survives a restart of the till, as it would at MultiSafepay. */
  statePath?: string;
}

interface Terminal {
  id: string;
  name: string;
  busyOrderId: string | null;
}

interface StreamClient {
  res: ServerResponse;
  orderId: string;
  keepAlive: NodeJS.Timeout | null;
}

const ORDER_ID_RE = /^[A-Za-z0-9/_-]{1,50}$/;
const CARDS = ['VISA', 'MASTERCARD', 'MAESTRO', 'V PAY'];

export const DEMO_TERMINALS = [
  { id: 'DEMO0001', name: 'Counter 1' },
  { id: 'DEMO0002', name: 'Counter 2' },
  { id: 'DEMO0003', name: 'Mobile' },
];

export class Simulator {
  readonly config: SimulatorConfig;
  faults: Faults = { ...NO_FAULTS };
  readonly orders = new Map<string, SimOrder>();
  readonly terminals = new Map<string, Terminal>();
  /** Paths (with query) of every request received: lets tests prove no secret ever travels in a URL. */
  readonly requestLog: string[] = [];
  /** How many create requests each order_id received. */
  readonly createRequests = new Map<string, number>();
  /** How many stream connections were accepted, and with which Authorization reading. */
  readonly streamConnects: { orderId: string; auth: 'raw' | 'bearer' }[] = [];

  readonly #apiKey: string;
  #secret = randomBytes(32).toString('hex');
  readonly #statePath: string | undefined;
  readonly #server: Server;
  readonly #streams = new Set<StreamClient>();
  readonly #timers = new Map<string, Set<NodeJS.Timeout>>();
  #port: number;
  #url = '';

  constructor(opts: SimulatorOptions) {
    this.#apiKey = opts.apiKey;
    this.#port = opts.port ?? 0;
    this.config = {
      expiryMs: opts.expiryMs ?? 60_000,
      approvalDelayMs: opts.approvalDelayMs ?? 600,
      softDeclineRetryMs: opts.softDeclineRetryMs ?? 800,
      tokenTtlMs: opts.tokenTtlMs ?? 30 * 60_000,
      keepAliveMs: opts.keepAliveMs ?? 15_000,
      autoApproveMs: opts.autoApproveMs ?? null,
    };
    for (const t of opts.terminals ?? DEMO_TERMINALS) this.terminals.set(t.id, { ...t, busyOrderId: null });
    this.#statePath = opts.statePath;
    this.#load();
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) this.#json(res, 500, { success: false, error_code: 1000, error_info: 'Simulator error' });
        else res.destroy();
      });
    });
  }

  /** Starts listening on loopback. Returns the JSON API root, e.g. http://127.0.0.1:5123/v1/json */
  async start(): Promise<string> {
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(port, '127.0.0.1', () => {
          this.#server.off('error', reject);
          resolve();
        });
      });
    try {
      await listen(this.#port);
    } catch (err) {
      // A remembered demo port may be taken; any free port will do.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.#port === 0 || !this.#statePath) throw err;
      await listen(0);
    }
    for (const o of this.orders.values()) if (o.status === 'initialized' || o.status === 'declined') this.#armExpiry(o);
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#url = `http://127.0.0.1:${this.#port}`;
    return this.apiRoot;
  }

  #load(): void {
    if (!this.#statePath || !existsSync(this.#statePath)) return;
    try {
      const state = JSON.parse(readFileSync(this.#statePath, 'utf8')) as { secret: string; orders: SimOrder[] };
      this.#secret = state.secret;
      for (const o of state.orders) {
        this.orders.set(o.order_id, o);
        if (o.status === 'initialized' || o.status === 'declined') {
          let term = this.terminals.get(o.terminal_id);
          if (!term) this.terminals.set(o.terminal_id, (term = { id: o.terminal_id, name: o.terminal_id, busyOrderId: null }));
          term.busyOrderId = o.order_id;
        }
      }
    } catch {
      // A damaged demo state only loses demo orders.
    }
  }

  #save(): void {
    if (!this.#statePath) return;
    const tmp = `${this.#statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ secret: this.#secret, orders: [...this.orders.values()].slice(-500) }));
    renameSync(tmp, this.#statePath);
  }

  get origin(): string {
    return this.#url;
  }
  get apiRoot(): string {
    return `${this.#url}/v1/json`;
  }

  async stop(): Promise<void> {
    for (const set of this.#timers.values()) for (const t of set) clearTimeout(t);
    this.#timers.clear();
    this.dropStreams();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  /** Ends every open event stream (a network drop). */
  dropStreams(): void {
    for (const s of this.#streams) {
      if (s.keepAlive) clearInterval(s.keepAlive);
      s.res.destroy();
    }
    this.#streams.clear();
  }

  // ---------- terminal control ----------

  /** Acts on the terminal's current payment as a customer or cashier at the terminal would. */
  terminalAction(terminalId: string, action: TerminalActionName): boolean {
    const term = this.terminals.get(terminalId);
    const order = term?.busyOrderId ? this.orders.get(term.busyOrderId) : undefined;
    if (!order || (order.status !== 'initialized' && order.status !== 'declined')) return false;
    switch (action) {
      case 'approve':
        this.#later(order.order_id, this.config.approvalDelayMs, () => this.#complete(order));
        return true;
      case 'soft_decline':
        this.#setStatus(order, 'declined', 'soft_decline');
        this.#armExpiry(order);
        this.#later(order.order_id, this.config.softDeclineRetryMs, () => {
          if (order.status !== 'declined') return;
          order.transaction_id = newTransactionId();
          this.#setStatus(order, 'initialized');
        });
        return true;
      case 'decline':
        this.#setStatus(order, 'declined', 'declined');
        this.#later(order.order_id, 0, () => this.#finish(order, 'cancelled', 'declined'));
        return true;
      case 'cancel':
        this.#finish(order, 'cancelled', 'cancelled_on_terminal');
        return true;
    }
  }

  /** Completes an order directly, as if the customer paid (e.g. while the till was not looking). */
  completeOrder(orderId: string): void {
    const order = this.orders.get(orderId);
    if (order && (order.status === 'initialized' || order.status === 'declined')) this.#complete(order);
  }

  // ---------- HTTP ----------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    this.requestLog.push(req.url ?? '');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path.startsWith('/_sim/')) return this.#control(method, path, req, res);
    if (path === '/events/stream/' || path === '/events/stream') return this.#stream(req, res);
    if (!path.startsWith('/v1/json/')) return this.#json(res, 404, { success: false, error_code: 1000, error_info: 'Not found' });

    const key = (req.headers['api_key'] as string | undefined) ?? url.searchParams.get('api_key') ?? '';
    if (key !== this.#apiKey) return this.#json(res, 401, { success: false, data: {}, error_code: 1032, error_info: 'Invalid API key' });

    const rest = path.slice('/v1/json'.length);
    let m: RegExpExecArray | null;
    if (method === 'POST' && rest === '/orders') return this.#createOrder(await readJson(req), res);
    if (method === 'GET' && rest === '/terminals') return this.#ok(res, [...this.terminals.values()].map(terminalJson));
    if ((m = /^\/orders\/([^/]+)$/.exec(rest)) && method === 'GET') return this.#getOrder(decodeURIComponent(m[1]!), res);
    if ((m = /^\/orders\/([^/]+)\/cancel$/.exec(rest)) && method === 'POST') return this.#cancel(decodeURIComponent(m[1]!), res);
    if ((m = /^\/orders\/([^/]+)\/refunds$/.exec(rest)) && method === 'POST')
      return this.#refund(decodeURIComponent(m[1]!), await readJson(req), res);
    if ((m = /^\/pos\/receipt\/([^/]+)$/.exec(rest)) && method === 'GET') return this.#receipt(decodeURIComponent(m[1]!), res);
    return this.#json(res, 404, { success: false, error_code: 1000, error_info: 'Unknown endpoint' });
  }

  async #createOrder(body: unknown, res: ServerResponse): Promise<void> {
    if (this.faults.createDelayMs > 0) await new Promise((r) => setTimeout(r, this.faults.createDelayMs));
    const b = (body ?? {}) as Record<string, unknown>;
    const orderId = typeof b.order_id === 'string' ? b.order_id : '';
    this.createRequests.set(orderId, (this.createRequests.get(orderId) ?? 0) + 1);
    const fail = this.faults.createFail;
    if (fail && fail.times > 0) {
      fail.times--;
      return this.#json(res, fail.status, {
        success: false,
        data: {},
        error_code: fail.code ?? 1000,
        error_info: fail.info ?? 'Injected failure',
      });
    }
    const gi = (b.gateway_info ?? {}) as Record<string, unknown>;
    const terminalId = typeof gi.terminal_id === 'string' ? gi.terminal_id : '';
    const refuse = (code: number, info: string, status = 200) =>
      this.#json(res, status, { success: false, data: {}, error_code: code, error_info: info });
    if (!ORDER_ID_RE.test(orderId)) return refuse(1000, 'Invalid order_id');
    if (this.orders.has(orderId)) return refuse(1006, 'Order id not unique');
    if (typeof b.amount !== 'number' || !Number.isInteger(b.amount) || b.amount <= 0) return refuse(1001, 'Invalid amount');
    if (typeof b.currency !== 'string' || !/^[A-Z]{3}$/.test(b.currency)) return refuse(1002, 'Invalid currency');
    if (typeof b.description !== 'string' || b.description.length > 200) return refuse(1008, 'Invalid description');
    if (!/^[A-Za-z0-9_-]{1,50}$/.test(terminalId)) return refuse(1000, 'Invalid terminal_id');
    let term = this.terminals.get(terminalId);
    if (!term) {
      term = { id: terminalId, name: terminalId, busyOrderId: null };
      this.terminals.set(terminalId, term);
    }
    if (term.busyOrderId) return refuse(1000, 'Terminal is busy with another payment', 409);

    const now = new Date().toISOString();
    const order: SimOrder = {
      order_id: orderId,
      session_id: randomBytes(12).toString('base64url'),
      status: 'initialized',
      financial_status: 'initialized',
      transaction_id: newTransactionId(),
      amount: b.amount,
      currency: b.currency,
      description: b.description,
      terminal_id: terminalId,
      created: now,
      modified: now,
      completed: null,
      payment_details: { terminal_id: terminalId },
      refunds: [],
      history: ['initialized'],
    };
    this.orders.set(orderId, order);
    term.busyOrderId = orderId;
    this.#save();
    this.#armExpiry(order);
    if (this.config.autoApproveMs !== null) this.#later(orderId, this.config.autoApproveMs, () => this.#complete(order));

    if (this.faults.createLoseResponse > 0) {
      this.faults.createLoseResponse--;
      res.destroy();
      return;
    }
    const token = signJwt(
      {
        exp: Math.floor((Date.now() + this.config.tokenTtlMs) / 1000),
        sub: 'pr',
        oid: orderId,
        sid: order.session_id,
        grp: ['mbus:session.order', 'mbus:session.qr'],
      },
      this.#secret,
    );
    this.#ok(res, {
      order_id: orderId,
      session_id: order.session_id,
      payment_url: `${this.#url}/pay/${order.session_id}`,
      events_token: token,
      events_stream_url: `${this.#url}/events/stream/`,
    });
  }

  #getOrder(orderId: string, res: ServerResponse): void {
    if (this.faults.getFail > 0) {
      this.faults.getFail--;
      return this.#json(res, 503, { success: false, error_code: 1000, error_info: 'Service unavailable' });
    }
    const order = this.orders.get(orderId);
    if (!order) return this.#json(res, 404, { success: false, data: {}, error_code: 1006, error_info: 'Invalid transaction ID' });
    this.#ok(res, orderJson(order));
  }

  async #cancel(orderId: string, res: ServerResponse): Promise<void> {
    if (this.faults.cancelDelayMs > 0) await new Promise((r) => setTimeout(r, this.faults.cancelDelayMs));
    if (this.faults.cancelFail > 0) {
      this.faults.cancelFail--;
      return this.#json(res, 503, { success: false, error_code: 1000, error_info: 'Service unavailable' });
    }
    const order = this.orders.get(orderId);
    if (!order) return this.#json(res, 404, { success: false, data: {}, error_code: 1006, error_info: 'Invalid transaction ID' });
    // A customer who already paid wins: cancelling a completed order changes nothing.
    if (order.status === 'initialized' || order.status === 'declined') this.#finish(order, 'cancelled', 'cancelled_via_api');
    this.#ok(res, orderJson(order));
  }

  #refund(orderId: string, body: unknown, res: ServerResponse): void {
    const order = this.orders.get(orderId);
    if (!order) return this.#json(res, 404, { success: false, data: {}, error_code: 1006, error_info: 'Invalid transaction ID' });
    const b = (body ?? {}) as Record<string, unknown>;
    const refunded = order.refunds.reduce((s, r) => s + r.amount, 0);
    const left = order.amount - refunded;
    const amount = b.amount === undefined ? left : b.amount;
    const refuse = (info: string) => this.#json(res, 200, { success: false, data: {}, error_code: 1034, error_info: info });
    if (order.completed === null || left <= 0) return refuse('Cannot refund');
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || amount > left) return refuse('Invalid refund amount');
    if (b.currency !== order.currency)
      return this.#json(res, 200, { success: false, data: {}, error_code: 1002, error_info: 'Invalid currency' });
    if (order.refunds.some((r) => r.amount === amount && Date.now() - r.at < 5 * 60_000)) return refuse('Duplicate refund');
    const refund = { amount, at: Date.now(), transaction_id: newTransactionId() };
    order.refunds.push(refund);
    order.status = refunded + amount === order.amount ? 'refunded' : 'partial_refunded';
    order.modified = new Date().toISOString();
    this.#save();
    this.#ok(res, { order_id: orderId, transaction_id: refund.transaction_id });
  }

  #receipt(orderId: string, res: ServerResponse): void {
    const order = this.orders.get(orderId);
    if (!order || order.completed === null)
      return this.#json(res, 404, { success: false, data: {}, error_code: 1006, error_info: 'No receipt' });
    this.#ok(res, {
      merchant: { name: 'Demo shop', address: 'Demo street 1' },
      order: { amount: order.amount, currency: order.currency, transaction_id: order.transaction_id, completed: order.completed, tip: 0 },
      payment: { payment_method: order.payment_details.type, ...order.payment_details },
      printed_on: new Date().toISOString(),
    });
  }

  #stream(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers.authorization ?? '';
    const bearer = header.startsWith('Bearer ');
    const token = bearer ? header.slice(7) : header;
    const authOk = this.faults.streamAuth === 'both' || (this.faults.streamAuth === 'bearer') === bearer;
    const claims = authOk ? verifyJwt(token, this.#secret, Date.now()) : null;
    if (this.faults.streamsDown) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service unavailable');
      return;
    }
    if (this.faults.refuseStreams > 0) {
      this.faults.refuseStreams--;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
      return;
    }
    if (!claims || typeof claims.oid !== 'string') {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const client: StreamClient = { res, orderId: claims.oid, keepAlive: null };
    if (this.config.keepAliveMs > 0) {
      client.keepAlive = setInterval(() => {
        if (!this.faults.silent) res.write(': keep-alive\n\n');
      }, this.config.keepAliveMs);
    }
    this.#streams.add(client);
    this.streamConnects.push({ orderId: claims.oid, auth: bearer ? 'bearer' : 'raw' });
    // As in MultiSafepay's example, a new subscriber first hears the order's current status.
    const current = this.orders.get(claims.oid);
    if (current && !this.faults.silent) res.write(eventText(current, current.status));
    const done = () => {
      if (client.keepAlive) clearInterval(client.keepAlive);
      this.#streams.delete(client);
    };
    req.on('close', done);
    res.on('error', done);
  }

  async #control(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/_sim\/terminals\/([^/]+)\/(approve|decline|soft_decline|cancel)$/.exec(path))) {
      const ok = this.terminalAction(decodeURIComponent(m[1]!), m[2] as TerminalActionName);
      return this.#json(res, ok ? 200 : 409, { ok });
    }
    if (method === 'POST' && (m = /^\/_sim\/orders\/([^/]+)\/complete$/.exec(path))) {
      this.completeOrder(decodeURIComponent(m[1]!));
      return this.#json(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/faults') {
      const body = (await readJson(req)) as Partial<Faults> & { reset?: boolean };
      if (body.reset) this.faults = { ...NO_FAULTS };
      const { reset: _reset, ...rest } = body;
      Object.assign(this.faults, rest);
      if ((rest.refuseStreams as unknown) === -1) this.faults.refuseStreams = Infinity;
      return this.#json(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/config') {
      Object.assign(this.config, (await readJson(req)) as Partial<SimulatorConfig>);
      return this.#json(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/streams/drop') {
      this.dropStreams();
      return this.#json(res, 200, { ok: true });
    }
    if (method === 'GET' && path === '/_sim/orders') {
      return this.#json(res, 200, { orders: [...this.orders.values()], createRequests: Object.fromEntries(this.createRequests) });
    }
    if (method === 'GET' && path === '/_sim/terminals') {
      return this.#json(res, 200, { terminals: [...this.terminals.values()] });
    }
    this.#json(res, 404, { ok: false });
  }

  // ---------- lifecycle ----------

  #complete(order: SimOrder): void {
    if (order.status !== 'initialized' && order.status !== 'declined') return;
    order.payment_details = {
      terminal_id: order.terminal_id,
      type: CARDS[randomInt(CARDS.length)]!,
      last4: String(randomInt(10_000)).padStart(4, '0'),
      card_entry_mode: 'contactless',
      authorization_code: String(randomInt(1_000_000)).padStart(6, '0'),
      application_id: 'A0000000031010',
      cardholder_verification_method: 'none',
    };
    order.completed = new Date().toISOString();
    this.#finish(order, 'completed');
  }

  #finish(order: SimOrder, status: 'completed' | 'cancelled', reason?: string): void {
    if (order.status !== 'initialized' && order.status !== 'declined') return;
    this.#clearTimers(order.order_id);
    const term = this.terminals.get(order.terminal_id);
    if (term?.busyOrderId === order.order_id) term.busyOrderId = null;
    this.#setStatus(order, status, reason);
  }

  #setStatus(order: SimOrder, status: SimStatus, reason?: string): void {
    order.status = status;
    order.financial_status = status;
    order.modified = new Date().toISOString();
    if (reason) order.reason = reason;
    order.history.push(status);
    this.#save();
    this.#emit(order);
  }

  #armExpiry(order: SimOrder): void {
    this.#clearTimers(order.order_id);
    this.#later(order.order_id, this.config.expiryMs, () => this.#finish(order, 'cancelled', 'expired'));
  }

  #later(orderId: string, ms: number, fn: () => void): void {
    let set = this.#timers.get(orderId);
    if (!set) this.#timers.set(orderId, (set = new Set()));
    const t = setTimeout(() => {
      set.delete(t);
      fn();
    }, ms);
    set.add(t);
  }

  #clearTimers(orderId: string): void {
    const set = this.#timers.get(orderId);
    if (!set) return;
    for (const t of set) clearTimeout(t);
    this.#timers.delete(orderId);
  }

  #emit(order: SimOrder): void {
    if (this.faults.silent) return;
    const payload = (status: string) => eventText(order, status);
    for (const s of this.#streams) {
      if (s.orderId !== order.order_id) continue;
      let out = '';
      if (this.faults.hugeLines) out += `event: session.qr\ndata: ${'x'.repeat(256 * 1024)}\n\n`;
      if (this.faults.junkEvents) {
        out += ': a comment\n\n';
        out += 'event: session.qr\ndata: {"qr":"something"}\n\n';
        out += 'event: session.order\ndata: {not json\n\n';
        out += 'event: session.order\ndata: {"status":"completed"}\n\n';
        out += `event: session.order\ndata: ${JSON.stringify({ order_id: 'someone-else', status: 'completed' })}\n\n`;
        out += 'data: plain message\n\n';
      }
      out += payload(order.status);
      if (this.faults.duplicateEvents) out += payload(order.status);
      if (this.faults.reorderEvents && order.history.length > 1) out += payload(order.history[order.history.length - 2]!);
      s.res.write(out);
    }
  }

  #ok(res: ServerResponse, data: unknown): void {
    this.#json(res, 200, { success: true, data });
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}

function eventText(order: SimOrder, status: string): string {
  const data = {
    financial_status: status,
    order_id: order.order_id,
    session_id: order.session_id,
    status,
    transaction_id: order.transaction_id,
  };
  return `event: session.order\ndata: ${JSON.stringify(data)}\n\n`;
}

function newTransactionId(): string {
  return String(randomInt(100_000_000, 999_999_999));
}

function terminalJson(t: Terminal) {
  return {
    id: t.id,
    name: t.name,
    provider: 'SMARTPOS',
    active: true,
    group_id: 1,
    serial_number: `SN-${t.id}`,
    manufacturer_id: 'SIM',
    country: 'NL',
  };
}

function orderJson(o: SimOrder) {
  const { history: _h, refunds: _r, terminal_id: _t, description: _d, ...rest } = o;
  return { ...rest, description: o.description };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
