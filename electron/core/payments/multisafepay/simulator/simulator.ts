/**
 * A simulator of MultiSafepay's cloud POS endpoints and of SmartPOS terminals, over real HTTP + SSE.
 * MultiSafepay has no test environment for POS payments, so demo mode, training and every test run on this.
 * It answers in MultiSafepay's documented dialect (null fields, the documented cancel body, paged terminal
 * lists, refunds as linked records) and is never kinder than MultiSafepay: see faults.ts for every fault and
 * every reading of what the documentation leaves open.
 *
 * Split along its concerns: orders.ts (the account and the terminals' behaviour, answer shapes), lifecycle.ts
 * (how an order moves on: timers, completing, finishing, refunds), streams.ts (the event stream), faults.ts
 * (faults and dialect), http.ts (routing and the control API).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOCUMENTED_DIALECT, type Dialect, type Faults, NO_FAULTS } from './faults';
import { createSimServer, ok, refuse, type SimAnswer } from './http';
import { signJwt } from './jwt';
import {
  cancelJson,
  checkCreate,
  DEMO_TERMINALS,
  isWaiting,
  mspTime,
  newOrder,
  newTransactionId,
  rawNumber,
  orderJson,
  readCard,
  type SimOrder,
  type SimStatus,
  type SimTerminal,
  type TerminalActionName,
  terminalJson,
} from './orders';
import { StreamHub } from './streams';
import { OrderLifecycle } from './lifecycle';

export { DEMO_TERMINALS, NO_FAULTS, DOCUMENTED_DIALECT };
export type { Dialect, Faults, SimOrder, SimStatus, TerminalActionName };

export interface SimulatorConfig {
  /** Inactivity before a waiting payment ends as cancelled (MultiSafepay: 60 s). */
  expiryMs: number;
  /** Time the terminal takes from "card presented" to "completed". */
  approvalDelayMs: number;
  /** Time from a soft decline to the terminal asking again (declined -> initialized). */
  softDeclineRetryMs: number;
  /** Lifetime of an events_token. */
  tokenTtlMs: number;
  /** SSE keep-alive comment interval (undocumented at MultiSafepay; 0: none). */
  keepAliveMs: number;
  /** When set, every new payment is approved automatically after this many ms (autopilot for load runs). */
  autoApproveMs: number | null;
}

export interface SimulatorOptions extends Partial<SimulatorConfig> {
  apiKey: string;
  port?: number;
  terminals?: { id: string; name: string }[];
  dialect?: Partial<Dialect>;
  /** Demo mode: keep orders in this file so a payment survives a restart of the till, as it would at MultiSafepay. */
  statePath?: string;
  /**
   * When set (the till's embedded demo simulator), the control API under /_sim/ answers only requests that carry
   * it (header `x-sim-token`), name this simulator's loopback address as their Host and come from no web page.
   */
  controlToken?: string;
}

export class Simulator {
  readonly config: SimulatorConfig;
  readonly dialect: Dialect;
  faults: Faults = { ...NO_FAULTS };
  readonly orders = new Map<string, SimOrder>();
  readonly terminals = new Map<string, SimTerminal>();
  /** Paths (with query) of every request received: lets tests prove no secret ever travels in a URL. */
  readonly requestLog: string[] = [];
  /** How many create requests each order_id received. */
  readonly createRequests = new Map<string, number>();
  readonly streams: StreamHub;

  #secret = randomBytes(32).toString('hex');
  readonly #statePath: string | undefined;
  readonly controlToken: string | undefined;
  readonly #server: Server;
  /** How its orders move on: timers, completing, finishing, status changes, refunds. */
  readonly #life: OrderLifecycle;
  #port: number;
  #url = '';

  constructor(opts: SimulatorOptions) {
    this.#port = opts.port ?? 0;
    this.config = {
      expiryMs: opts.expiryMs ?? 60_000,
      approvalDelayMs: opts.approvalDelayMs ?? 600,
      softDeclineRetryMs: opts.softDeclineRetryMs ?? 800,
      tokenTtlMs: opts.tokenTtlMs ?? 30 * 60_000,
      keepAliveMs: opts.keepAliveMs ?? 15_000,
      autoApproveMs: opts.autoApproveMs ?? null,
    };
    this.dialect = { ...DOCUMENTED_DIALECT, ...opts.dialect };
    for (const t of opts.terminals ?? DEMO_TERMINALS) this.terminals.set(t.id, { ...t, busyOrderId: null });
    this.#statePath = opts.statePath;
    this.controlToken = opts.controlToken;
    this.#load();
    this.streams = new StreamHub({
      faults: () => this.faults,
      dialect: () => this.dialect,
      keepAliveMs: () => this.config.keepAliveMs,
      secret: () => this.#secret,
      order: (id) => this.orders.get(id),
    });
    this.#life = new OrderLifecycle({
      terminals: this.terminals,
      config: this.config,
      dialect: this.dialect,
      emit: (order) => this.streams.emit(order),
      save: () => this.#save(),
    });
    this.#server = createSimServer(this, opts.apiKey);
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
    for (const o of this.orders.values()) if (isWaiting(o)) this.#life.armExpiry(o);
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#url = `http://127.0.0.1:${this.#port}`;
    return this.apiRoot;
  }

  get origin(): string {
    return this.#url;
  }
  get apiRoot(): string {
    return `${this.#url}/v1/json`;
  }
  get openStreams(): number {
    return this.streams.open;
  }
  get streamConnects() {
    return this.streams.connects;
  }

  async stop(): Promise<void> {
    this.#life.clearAll();
    this.dropStreams();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Ends every open event stream (a network drop). */
  dropStreams(): void {
    this.streams.dropAll();
  }

  /** Registers a terminal with the account, as a merchant does in MultiSafepay's dashboard. */
  addTerminal(id: string, name = id): void {
    if (!this.terminals.has(id)) this.terminals.set(id, { id, name, busyOrderId: null });
  }

  // ---------- the terminal ----------

  /**
   * Acts on the terminal's current payment as a customer or cashier at the terminal would. `charged` (minor units)
   * approves another amount than asked: a tip the customer added on the terminal, or less.
   */
  terminalAction(terminalId: string, action: TerminalActionName, charged?: number): boolean {
    const term = this.terminals.get(terminalId);
    const order = term?.busyOrderId ? this.orders.get(term.busyOrderId) : undefined;
    if (!order || !isWaiting(order)) return false;
    switch (action) {
      case 'approve':
        this.#life.later(order.order_id, this.config.approvalDelayMs, () => this.#life.complete(order, charged));
        return true;
      case 'soft_decline':
        // The card needs a PIN: declined, then the terminal asks again (a new transaction).
        this.#life.setStatus(order, 'declined', ['Declined', '1001']);
        this.#life.armExpiry(order);
        this.#life.later(order.order_id, this.config.softDeclineRetryMs, () => {
          if (order.status !== 'declined') return;
          order.transaction_id = newTransactionId(this.dialect.longIds);
          this.#life.setStatus(order, 'initialized');
        });
        return true;
      case 'decline':
        // Declined is never final on POS: the customer may present another card until someone cancels or the
        // terminal gives up after its inactivity window.
        this.#life.setStatus(order, 'declined', ['Declined', '1001']);
        this.#life.armExpiry(order);
        return true;
      case 'cancel':
        this.#life.finish(order, 'cancelled');
        return true;
    }
  }

  /** Completes an order directly, as if the customer paid (e.g. while the till was not looking). */
  completeOrder(orderId: string, charged?: number): void {
    const order = this.orders.get(orderId);
    if (order && isWaiting(order)) this.#life.complete(order, charged);
  }

  /** A refund made in MultiSafepay's dashboard, outside the till (minor units). False when it cannot be made. */
  dashboardRefund(orderId: string, amount: number): boolean {
    const order = this.orders.get(orderId);
    if (!order || order.completed === null) return false;
    const left = order.amount - order.refunds.reduce((s, r) => s + r.amount, 0);
    if (!Number.isInteger(amount) || amount <= 0 || amount > left) return false;
    this.#life.addRefund(order, amount, 'Refund from the dashboard');
    return true;
  }

  /**
   * Sets any status MultiSafepay may report (shipped, chargedback, void, an unknown one...), as a back office or
   * MultiSafepay itself would. A status that ends the payment frees the terminal.
   */
  forceStatus(orderId: string, status: string): void {
    const order = this.orders.get(orderId);
    if (!order) return;
    const lower = status.toLowerCase();
    const paid = ['completed', 'shipped', 'refunded', 'partial_refunded', 'chargedback'].includes(lower);
    if (paid && !order.card) {
      order.card = readCard();
      order.cardVisibleAt = Date.now();
      order.completed = mspTime();
    }
    if (paid || ['cancelled', 'void', 'expired'].includes(lower)) {
      this.#life.clearTimers(orderId);
      const term = this.terminals.get(order.terminal_id);
      if (term?.busyOrderId === orderId) term.busyOrderId = null;
    }
    this.#life.setStatus(order, status as SimStatus);
  }

  // ---------- the API (http.ts routes here) ----------

  async apiCreateOrder(body: unknown): Promise<SimAnswer> {
    if (this.faults.createDelayMs > 0) await new Promise((r) => setTimeout(r, this.faults.createDelayMs));
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const requestedId = typeof b.order_id === 'string' ? b.order_id : String(b.order_id ?? '');
    this.createRequests.set(requestedId, (this.createRequests.get(requestedId) ?? 0) + 1);
    const fail = this.faults.createFail;
    if (fail && fail.times > 0) {
      fail.times--;
      return refuse(fail.code ?? 1000, fail.info ?? 'Injected failure', fail.status);
    }
    if (this.faults.createProcessLate > 0) {
      // The request is taken, the answer never comes, and the order appears only later (once: it is one request).
      this.faults.createProcessLate--;
      this.#life.later(requestedId, this.faults.createProcessLateMs, () => void this.#processCreate(b));
      return 'drop';
    }
    return this.#processCreate(b);
  }

  /** Checks and makes a create request's order, as MultiSafepay does once it processes the request. */
  #processCreate(b: Record<string, unknown>): SimAnswer {
    const checked = checkCreate(b);
    if ('error' in checked) return refuse(...checked.error);
    const c = checked.order;
    if (this.orders.has(c.orderId)) return refuse(1006, 'Order id not unique');
    const term = this.terminals.get(c.terminalId);
    // MultiSafepay knows only the account's terminals: an unknown id is refused, never created.
    if (!term) return refuse(1000, 'Invalid terminal_id');
    if (term.busyOrderId)
      return this.dialect.busyTerminal === 'http409'
        ? refuse(1000, 'Terminal is busy with another payment', 409)
        : refuse(1000, 'Unknown error');

    const order = newOrder({ ...c, longIds: this.dialect.longIds });
    this.orders.set(c.orderId, order);
    term.busyOrderId = c.orderId;
    this.#save();
    this.#life.armExpiry(order);
    if (this.config.autoApproveMs !== null) this.#life.later(c.orderId, this.config.autoApproveMs, () => this.#life.complete(order));

    if (this.faults.createLoseResponse > 0) {
      this.faults.createLoseResponse--;
      return 'drop';
    }
    const token = signJwt(
      {
        exp: Math.floor((Date.now() + this.config.tokenTtlMs) / 1000),
        sub: 'pr',
        oid: c.orderId,
        pid: order.session_id,
        grt: ['mbus:session.order', 'mbus:session.qr'],
      },
      this.#secret,
    );
    return ok({
      order_id: c.orderId,
      session_id: order.session_id,
      payment_url: `${this.#url}/pay/${order.session_id}`,
      events_token: token,
      events_stream_url: `${this.#url}/events/stream/`,
    });
  }

  apiGetOrder(orderId: string): SimAnswer {
    if (this.faults.getFail > 0) {
      this.faults.getFail--;
      return refuse(1000, 'Service unavailable', 503);
    }
    const order = this.orders.get(orderId);
    if (!order) return refuse(1006, 'Invalid transaction ID', 404);
    return ok(orderJson(order, this.dialect));
  }

  async apiCancel(orderId: string): Promise<SimAnswer> {
    if (this.faults.cancelDelayMs > 0) await new Promise((r) => setTimeout(r, this.faults.cancelDelayMs));
    if (this.faults.cancelFail > 0) {
      this.faults.cancelFail--;
      return refuse(1000, 'Service unavailable', 503);
    }
    const order = this.orders.get(orderId);
    if (!order) return refuse(1006, 'Invalid transaction ID', 404);
    // A customer who already paid wins: cancelling a completed order changes nothing.
    if (isWaiting(order)) this.#life.finish(order, 'cancelled');
    return ok(cancelJson(order));
  }

  apiTerminals(page: number, limit: number, byGroup = false): SimAnswer {
    if (this.dialect.terminalListKey === 'account' && !byGroup)
      return { status: 403, body: { success: false, error: { message: 'Forbidden' } } };
    const size = Math.min(this.dialect.terminalPageSize, limit > 0 ? limit : Infinity);
    const all = [...this.terminals.values()];
    const p = Number.isInteger(page) && page > 0 ? page : 1;
    const slice = all.slice((p - 1) * size, p * size).map(terminalJson);
    return ok(slice, { pager: { total_items: all.length } });
  }

  async apiRefund(orderId: string, body: unknown): Promise<SimAnswer> {
    if (this.faults.refundDelayMs > 0) await new Promise((r) => setTimeout(r, this.faults.refundDelayMs));
    if (this.faults.refundDropRequest > 0) {
      this.faults.refundDropRequest--;
      return 'drop';
    }
    const order = this.orders.get(orderId);
    if (!order) return refuse(1006, 'Invalid transaction ID', 404);
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const refunded = order.refunds.reduce((s, r) => s + r.amount, 0);
    const left = order.amount - refunded;
    const amount = b.amount === undefined ? left : b.amount;
    if (order.completed === null || left <= 0) return refuse(1034, 'Cannot refund');
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || amount > left)
      return refuse(1034, 'Invalid refund amount');
    if (b.currency !== order.currency) return refuse(1002, 'Invalid currency');
    if (order.refunds.some((r) => r.amount === amount && Date.now() - r.at < 5 * 60_000)) return refuse(1034, 'Duplicate refund');
    const refund = this.#life.addRefund(order, amount, typeof b.description === 'string' ? b.description : '');
    if (this.faults.refundLoseResponse > 0) {
      this.faults.refundLoseResponse--;
      return 'drop';
    }
    const num = (v: string) => (this.dialect.numericIds ? rawNumber(v) : v);
    return ok(
      this.dialect.refundAnswer === 'example'
        ? { order_id: orderId, transaction_id: num(refund.transaction_id) }
        : { transaction_id: num(refund.transaction_id), refund_id: num(newTransactionId(this.dialect.longIds)) },
    );
  }

  apiReceipt(orderId: string): SimAnswer {
    const order = this.orders.get(orderId);
    if (!order || order.completed === null) return refuse(1006, 'No receipt', 404);
    const o = orderJson(order, this.dialect);
    const card = o.payment_details;
    return ok({
      merchant: { address: 'Damrak 1, 1012 LG Amsterdam', name: 'Demo shop' },
      order: {
        amount: order.amount,
        amountrefunded: o.amount_refunded,
        completed: order.completed,
        currency: order.currency,
        items: null,
        tip: null,
        transaction_id: this.dialect.numericIds ? rawNumber(order.transaction_id) : order.transaction_id,
      },
      payment: {
        application_id: card.application_id,
        authorization_code: card.authorization_code,
        card_entry_mode: card.card_entry_mode,
        card_expiry_date: card.card_expiry_date,
        cardholder_verification_method: card.cardholder_verification_method,
        issuer_country_code: card.issuer_country_code,
        last4: card.last4,
        payment_method: card.type,
        response_code: card.response_code,
        terminal_id: order.terminal_id,
      },
      printed_on: mspTime(),
      related_transactions: o.related_transactions,
    });
  }

  #load(): void {
    if (!this.#statePath || !existsSync(this.#statePath)) return;
    try {
      const state = JSON.parse(readFileSync(this.#statePath, 'utf8')) as { secret: string; orders: SimOrder[] };
      this.#secret = state.secret;
      for (const o of state.orders) {
        if (!Array.isArray(o.refunds) || !Array.isArray(o.history)) continue;
        this.orders.set(o.order_id, o);
        const term = this.terminals.get(o.terminal_id);
        if (term && isWaiting(o)) term.busyOrderId = o.order_id;
      }
    } catch {
      // A damaged demo state only loses demo orders.
    }
  }

  #save(): void {
    if (!this.#statePath) return;
    const tmp = `${this.#statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ secret: this.#secret, orders: [...this.orders.values()].slice(-500) }), { mode: 0o600 });
    renameSync(tmp, this.#statePath);
  }
}
