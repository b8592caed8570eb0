/**
 * The MultiSafepay client: every MultiSafepay call of the till goes through here.
 * - The API key goes in the `api_key` header only: never in a URL, a log line or an error message.
 * - Every call has a timeout; only reads are retried (a retried create could charge twice).
 * - Responses are validated; refusals become {@link MspError}s that keep MultiSafepay's error_code.
 */
import type { z } from 'zod';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { MspError } from './errors';
import {
  type CreateOrderRequest,
  type CreatedOrder,
  CreateOrderResponseSchema,
  type MspOrder,
  type MspTerminal,
  OrderSchema,
  ReceiptSchema,
  RefundResponseSchema,
  TerminalSchema,
} from './types';

export const LIVE_API_ROOT = 'https://api.multisafepay.com/v1/json';
export const TEST_API_ROOT = 'https://testapi.multisafepay.com/v1/json';

export interface MspClientOptions {
  /** JSON API root, e.g. https://api.multisafepay.com/v1/json (no trailing slash needed). */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Extra attempts for reads after a failure with unknown outcome. */
  readRetries?: number;
  retryDelayMs?: number;
  logger?: Logger;
}

type Method = 'GET' | 'POST';

export class MspClient {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #readRetries: number;
  readonly #retryDelayMs: number;
  readonly #log: Logger;

  constructor(opts: MspClientOptions) {
    const url = new URL(opts.baseUrl); // throws on a bad URL
    if (url.search || url.username || url.password) throw new Error('The API URL must not contain a query or credentials.');
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.#apiKey = opts.apiKey;
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
    this.#readRetries = opts.readRetries ?? 2;
    this.#retryDelayMs = opts.retryDelayMs ?? 300;
    this.#log = opts.logger ?? silentLogger;
  }

  /** Starts a cloud POS payment on a terminal. Never retried. */
  async createOrder(req: CreateOrderRequest): Promise<CreatedOrder> {
    const body = {
      type: 'redirect',
      order_id: req.orderId,
      gateway: '',
      currency: req.currency,
      amount: req.amount,
      description: req.description,
      gateway_info: { terminal_id: req.terminalId },
      ...(req.locale ? { customer: { locale: req.locale } } : {}),
    };
    const data = await this.#call('POST', '/orders', CreateOrderResponseSchema, body, false);
    const created: CreatedOrder = { orderId: data.order_id };
    if (data.session_id) created.sessionId = data.session_id;
    const token = data.events_token ?? data.event_token;
    if (token) created.eventsToken = token;
    const streamUrl = data.events_stream_url ?? data.event_stream_url;
    if (streamUrl) created.eventsStreamUrl = streamUrl;
    return created;
  }

  getOrder(orderId: string): Promise<MspOrder> {
    return this.#call('GET', `/orders/${encodeURIComponent(orderId)}`, OrderSchema, undefined, true);
  }

  /** POST /cancel (never PATCH: PATCH can leave a POS order stuck at declined). Not retried. */
  cancelOrder(orderId: string): Promise<MspOrder> {
    return this.#call('POST', `/orders/${encodeURIComponent(orderId)}/cancel`, OrderSchema, undefined, false);
  }

  async listTerminals(): Promise<MspTerminal[]> {
    const schema = TerminalSchema.array();
    return this.#call('GET', '/terminals?page=1&limit=100', schema, undefined, true);
  }

  refund(orderId: string, req: { currency: string; amount?: number; description: string }) {
    return this.#call('POST', `/orders/${encodeURIComponent(orderId)}/refunds`, RefundResponseSchema, req, false);
  }

  getReceipt(orderId: string) {
    return this.#call('GET', `/pos/receipt/${encodeURIComponent(orderId)}`, ReceiptSchema, undefined, true);
  }

  async #call<S extends z.ZodType>(method: Method, path: string, schema: S, body: unknown, retry: boolean): Promise<z.infer<S>> {
    const attempts = retry ? this.#readRetries + 1 : 1;
    let lastError: MspError | undefined;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, this.#retryDelayMs * i));
      try {
        return await this.#once(method, path, schema, body);
      } catch (err) {
        if (!(err instanceof MspError) || err.kind === 'refused') throw err;
        lastError = err;
      }
    }
    throw lastError!;
  }

  async #once<S extends z.ZodType>(method: Method, path: string, schema: S, body: unknown): Promise<z.infer<S>> {
    const url = this.baseUrl + path;
    const logPath = path.split('?')[0];
    const started = Date.now();
    const headers: Record<string, string> = { api_key: this.#apiKey, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    // A timer cleared as soon as the answer is in (AbortSignal.timeout would live on until it fires).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('MultiSafepay did not answer in time', 'TimeoutError')), this.#timeoutMs);
    try {
      res = await this.#fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: abort.signal,
      });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      this.#log.warn('msp request failed', { method, path: logPath, reason: timedOut ? 'timeout' : 'network', ms: Date.now() - started });
      throw new MspError({
        kind: 'unknown_outcome',
        cashierMessage: timedOut ? 'MultiSafepay did not answer in time.' : 'Cannot reach MultiSafepay - check the internet connection.',
      });
    } finally {
      clearTimeout(timer);
    }
    this.#log.info('msp request', { method, path: logPath, status: res.status, ms: Date.now() - started });

    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const obj = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
    const code = typeof obj.error_code === 'number' ? obj.error_code : undefined;
    const info = typeof obj.error_info === 'string' ? obj.error_info : typeof obj.message === 'string' ? obj.message : undefined;

    if (res.status >= 500) {
      throw new MspError({
        kind: 'unknown_outcome',
        httpStatus: res.status,
        ...(code !== undefined ? { code } : {}),
        cashierMessage: 'MultiSafepay had a problem answering - the outcome is not known yet.',
      });
    }
    if (res.status >= 400 || obj.success === false) {
      throw new MspError({ kind: 'refused', httpStatus: res.status, ...(code !== undefined ? { code } : {}), ...(info ? { info } : {}) });
    }
    if (obj.success !== true) {
      throw new MspError({
        kind: 'unknown_outcome',
        httpStatus: res.status,
        cashierMessage: 'MultiSafepay sent an answer the till cannot read.',
      });
    }
    const parsed = schema.safeParse(obj.data);
    if (!parsed.success) {
      throw new MspError({
        kind: 'unknown_outcome',
        httpStatus: res.status,
        cashierMessage: 'MultiSafepay sent an answer the till cannot read.',
      });
    }
    return parsed.data;
  }
}
