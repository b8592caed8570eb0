/**
 * The MultiSafepay client: every MultiSafepay call of the till goes through here.
 * - The API key goes in the `api_key` header only: never in a URL, a log line or an error message.
 * - Every call has a timeout; only reads are retried (a retried create could charge twice).
 * - Responses are validated; refusals become {@link MspError}s that keep MultiSafepay's error_code.
 * - MultiSafepay publishes no rate limits: reads of all payments together are kept to `readsPerSecond` (a small
 *   burst allowed), and a 429 answer (or a 503 with Retry-After) pauses every call until its Retry-After has passed.
 */
import type { z } from 'zod';
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import { MspError } from './errors';
import { parseMspJson } from './json';
import {
  type CreateOrderRequest,
  type CreatedOrder,
  CreateOrderResponseSchema,
  type MspOrder,
  type MspTerminal,
  OrderSchema,
  ReceiptSchema,
  RefundResponseSchema,
  CancelResponseSchema,
  describeShape,
  PagerSchema,
  TerminalListSchema,
} from './types';

const TERMINAL_PAGE = 100;

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
  /** Reads (GET) of all payments together, per second on average; a burst of as many is allowed. */
  readsPerSecond?: number;
  logger?: Logger;
}

/** How long a 429 without a usable Retry-After pauses the calls, and the longest pause a Retry-After may ask. */
const DEFAULT_PAUSE_MS = 2_000;
const MAX_PAUSE_MS = 60_000;

type Method = 'GET' | 'POST';

export class MspClient {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #readRetries: number;
  readonly #retryDelayMs: number;
  readonly #log: Logger;
  readonly #readsPerSecond: number;
  #tokens: number;
  #refilledAt = performance.now();
  /** Until when MultiSafepay asked the till to wait (a 429). */
  #pausedUntil = 0;

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
    this.#readsPerSecond = opts.readsPerSecond ?? 5;
    this.#tokens = this.#readsPerSecond;
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
    const created: CreatedOrder = { orderId: data.order_id ?? req.orderId };
    if (data.session_id) created.sessionId = data.session_id;
    const token = data.events_token ?? data.event_token;
    if (token) created.eventsToken = token;
    const streamUrl = data.events_stream_url ?? data.event_stream_url;
    if (streamUrl && this.streamUrlAllowed(streamUrl)) created.eventsStreamUrl = streamUrl;
    else if (streamUrl) this.#log.warn('events stream URL refused; following by polling', { host: safeHost(streamUrl) });
    return created;
  }

  /**
   * Whether an events_stream_url from a create answer may receive the events token: https on MultiSafepay's own
   * hosts, or the host of the configured API root (http only when that root is on this computer).
   */
  streamUrlAllowed(text: string): boolean {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    const base = new URL(this.baseUrl);
    const host = url.hostname.toLowerCase();
    if (url.protocol === 'https:' && (host === 'multisafepay.com' || host.endsWith('.multisafepay.com'))) return true;
    if (url.host.toLowerCase() !== base.host.toLowerCase()) return false;
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && base.protocol === 'http:' && /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(base.hostname))
    );
  }

  getOrder(orderId: string): Promise<MspOrder> {
    return this.#call('GET', `/orders/${encodeURIComponent(orderId)}`, OrderSchema, undefined, true);
  }

  /** POST /cancel (never PATCH: PATCH can leave a POS order stuck at declined). Not retried. */
  cancelOrder(orderId: string): Promise<MspOrder> {
    return this.#call('POST', `/orders/${encodeURIComponent(orderId)}/cancel`, CancelResponseSchema, undefined, false);
  }

  /**
   * Every terminal the key may list, page by page (MultiSafepay pages the list; which key may list terminals is
   * not settled in its docs, so a refusal here is normal and the caller falls back to ids entered by hand).
   */
  async listTerminals(maxPages = 20): Promise<MspTerminal[]> {
    const out: MspTerminal[] = [];
    const seen = new Set<string>();
    for (let page = 1; page <= maxPages; page++) {
      const { data, pager } = await this.#callWithPager('GET', `/terminals?page=${page}&limit=${TERMINAL_PAGE}`, TerminalListSchema);
      let added = 0;
      for (const t of data) {
        if (seen.has(t.id)) continue;
        seen.add(t.id);
        out.push(t);
        added++;
      }
      // The last page: fewer than asked for, nothing new, or a pager that says there is no more.
      const total = pager?.total;
      if (data.length < TERMINAL_PAGE || added === 0 || (total !== undefined && out.length >= total)) break;
    }
    return out;
  }

  refund(orderId: string, req: { currency: string; amount?: number; description: string }) {
    return this.#call('POST', `/orders/${encodeURIComponent(orderId)}/refunds`, RefundResponseSchema, req, false);
  }

  getReceipt(orderId: string) {
    return this.#call('GET', `/pos/receipt/${encodeURIComponent(orderId)}`, ReceiptSchema, undefined, true);
  }

  async #call<S extends z.ZodType>(method: Method, path: string, schema: S, body: unknown, retry: boolean): Promise<z.infer<S>> {
    return (await this.#attempts(method, path, schema, body, retry)).data;
  }

  #callWithPager<S extends z.ZodType>(method: Method, path: string, schema: S) {
    return this.#attempts(method, path, schema, undefined, true);
  }

  async #attempts<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body: unknown,
    retry: boolean,
  ): Promise<{ data: z.infer<S>; pager: z.infer<typeof PagerSchema> }> {
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

  async #once<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body: unknown,
  ): Promise<{ data: z.infer<S>; pager: z.infer<typeof PagerSchema> }> {
    const url = this.baseUrl + path;
    const logPath = path.split('?')[0];
    await this.#pace(method === 'GET');
    const started = performance.now();
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
        // The key travels in a header: a redirect must never carry it to another place.
        redirect: 'error',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: abort.signal,
      });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      this.#log.warn('msp request failed', { method, path: logPath, reason: timedOut ? 'timeout' : 'network', ms: elapsed(started) });
      throw new MspError({
        kind: 'unknown_outcome',
        cashierMessage: timedOut ? 'MultiSafepay did not answer in time.' : 'Cannot reach MultiSafepay - check the internet connection.',
      });
    } finally {
      clearTimeout(timer);
    }
    this.#log.info('msp request', { method, path: logPath, status: res.status, ms: elapsed(started) });
    if (res.status === 429) {
      const pause = retryAfterMs(res.headers.get('retry-after'));
      this.#pausedUntil = Math.max(this.#pausedUntil, performance.now() + pause);
      this.#log.warn('msp asks the till to slow down', { method, path: logPath, pauseMs: pause });
      // Nothing was done: a read is tried again after the pause, anything else is refused as it stands.
      throw new MspError({
        kind: method === 'GET' ? 'unknown_outcome' : 'refused',
        httpStatus: 429,
        retryAfterMs: pause,
        cashierMessage: 'MultiSafepay asks the till to slow down - try again in a moment.',
      });
    }

    let json: unknown;
    try {
      json = text ? parseMspJson(text) : undefined;
    } catch {
      json = undefined;
    }
    const isObject = Boolean(json) && typeof json === 'object' && !Array.isArray(json);
    const obj = (isObject ? json : {}) as Record<string, unknown>;
    const code = readCode(obj.error_code);
    const nested = obj.error && typeof obj.error === 'object' ? (obj.error as Record<string, unknown>) : {};
    const info = [obj.error_info, obj.message, nested.message].find((v): v is string => typeof v === 'string');
    // Documented examples spell success as a boolean and, once, as a string.
    const success =
      obj.success === true || obj.success === 'true' ? true : obj.success === false || obj.success === 'false' ? false : undefined;
    // Whether the body is MultiSafepay's own JSON (not a proxy's or another host's page).
    const fromMsp = isObject && ('success' in obj || code !== undefined);

    if (res.status >= 500) {
      // A 503 that says when to come back (an outage, maintenance): every call waits until then.
      const retryAfter = res.headers.get('retry-after');
      let pause: number | undefined;
      if (res.status === 503 && retryAfter) {
        pause = retryAfterMs(retryAfter);
        this.#pausedUntil = Math.max(this.#pausedUntil, performance.now() + pause);
        this.#log.warn('msp is unavailable for a while', { method, path: logPath, pauseMs: pause });
      }
      throw new MspError({
        kind: 'unknown_outcome',
        httpStatus: res.status,
        ...(code !== undefined ? { code } : {}),
        ...(pause !== undefined ? { retryAfterMs: pause } : {}),
        fromMsp,
        cashierMessage: 'MultiSafepay had a problem answering - the outcome is not known yet.',
      });
    }
    if (res.status >= 400 || success === false) {
      throw new MspError({
        kind: 'refused',
        httpStatus: res.status,
        fromMsp,
        ...(code !== undefined ? { code } : {}),
        ...(info ? { info } : {}),
      });
    }
    if (success !== true) {
      this.#unreadable(method, logPath, res.status, json);
      throw new MspError({
        kind: 'unknown_outcome',
        httpStatus: res.status,
        cashierMessage: 'MultiSafepay sent an answer the till cannot read.',
      });
    }
    const parsed = schema.safeParse(obj.data);
    if (!parsed.success) {
      this.#unreadable(method, logPath, res.status, obj.data, parsed.error.issues[0]?.path.map(String).join('.'));
      throw new MspError({
        kind: 'unknown_outcome',
        httpStatus: res.status,
        cashierMessage: 'MultiSafepay sent an answer the till cannot read.',
      });
    }
    const pager = PagerSchema.safeParse(obj.pager);
    return { data: parsed.data, pager: pager.success ? pager.data : undefined };
  }

  /** Waits while MultiSafepay asked for a pause, and (reads) until the shared read allowance has room. */
  async #pace(read: boolean): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(this.#readsPerSecond, this.#tokens + ((now - this.#refilledAt) * this.#readsPerSecond) / 1000);
      this.#refilledAt = now;
      const wait = Math.max(this.#pausedUntil - now, read && this.#tokens < 1 ? ((1 - this.#tokens) * 1000) / this.#readsPerSecond : 0);
      if (wait <= 0) {
        if (read) this.#tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(wait)));
    }
  }

  /** Logs the shape of an answer that could not be read: field names and types, never values. */
  #unreadable(method: Method, path: string | undefined, status: number, data: unknown, field?: string): void {
    this.#log.warn('msp answer unreadable', {
      method,
      path,
      status,
      ...(field ? { field } : {}),
      shape: JSON.stringify(describeShape(data)),
    });
  }
}

/** A Retry-After header (seconds or an HTTP date) as milliseconds, within sane bounds. */
function retryAfterMs(header: string | null): number {
  if (!header) return DEFAULT_PAUSE_MS;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(seconds) ? Math.min(MAX_PAUSE_MS, Math.max(0, seconds)) : DEFAULT_PAUSE_MS;
}

function safeHost(text: string): string {
  try {
    return new URL(text).host;
  } catch {
    return 'unreadable';
  }
}

function readCode(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,6}$/.test(v)) return Number(v);
  return undefined;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
