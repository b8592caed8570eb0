/**
 * The MultiSafepay event stream (Server-Sent Events) for one order, on the `eventsource` package.
 * Authorization is the raw events_token (as the docs send it) or `Bearer <token>` (as the Python SDK does).
 * The stream never reconnects by itself: the follower decides when, so backoff and polling stay in one place.
 * Unknown event types, comments and malformed data are ignored without failing.
 */
import { EventSource } from 'eventsource';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { parseMspJson } from './json';
import { type OrderEvent, OrderEventSchema } from './types';

export type StreamAuth = 'raw' | 'bearer';
export type StreamState = 'connecting' | 'open' | 'closed';

export interface StreamCallbacks {
  onOpen(): void;
  /** Anything arrived on the stream (an event, a comment, a keep-alive): MultiSafepay is being heard now. */
  onActivity?(): void;
  onOrderEvent(event: OrderEvent): void;
  /** The stream ended or could not open. `status` is the HTTP status when the server answered with one. */
  onError(error: { status?: number; message: string }): void;
}

export interface OrderStreamOptions {
  url: string;
  token: string;
  auth: StreamAuth;
  fetch?: typeof fetch;
  logger?: Logger;
}

export class OrderStream {
  #source: EventSource | undefined;
  #state: StreamState = 'connecting';
  readonly #log: Logger;

  constructor(opts: OrderStreamOptions, cb: StreamCallbacks) {
    this.#log = opts.logger ?? silentLogger;
    const baseFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    const authorization = opts.auth === 'bearer' ? `Bearer ${opts.token}` : opts.token;
    const source = new EventSource(opts.url, {
      fetch: async (input, init) => {
        const res = await baseFetch(input, {
          ...init,
          // The token travels in a header: never follow a redirect with it.
          redirect: 'error',
          headers: { ...(init?.headers as Record<string, string>), Authorization: authorization },
        });
        if (!res.body || !cb.onActivity || !res.ok) return res;
        // Every chunk of the body, comments included, proves the link is alive (the parser hides comments).
        const onActivity = cb.onActivity;
        const tap = new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, ctl) => {
            if (this.#state !== 'closed') onActivity();
            ctl.enqueue(chunk);
          },
        });
        return new Response(res.body.pipeThrough(tap), { status: res.status, statusText: res.statusText, headers: res.headers });
      },
    });
    this.#source = source;
    source.onopen = () => {
      if (this.#state === 'closed') return;
      this.#state = 'open';
      cb.onOpen();
    };
    source.addEventListener('session.order', (ev: MessageEvent<string>) => {
      if (this.#state === 'closed') return;
      let data: unknown;
      try {
        data = parseMspJson(ev.data);
      } catch {
        this.#log.warn('stream: ignored malformed event data');
        return;
      }
      const parsed = OrderEventSchema.safeParse(data);
      if (!parsed.success) {
        this.#log.warn('stream: ignored event without order_id/status');
        return;
      }
      cb.onOrderEvent(parsed.data);
    });
    source.onerror = (ev) => {
      if (this.#state === 'closed') return;
      this.close();
      const status = (ev as { code?: number }).code;
      cb.onError({ ...(status !== undefined ? { status } : {}), message: (ev as { message?: string }).message ?? 'stream error' });
    };
  }

  get state(): StreamState {
    return this.#state;
  }

  close(): void {
    this.#state = 'closed';
    this.#source?.close();
    this.#source = undefined;
  }
}
