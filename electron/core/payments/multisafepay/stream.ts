/**
 * The MultiSafepay event stream (Server-Sent Events) for one order, on the `eventsource` package.
 * Authorization is the raw events_token (as the docs send it) or `Bearer <token>` (as the Python SDK does).
 * The stream never reconnects by itself: the follower decides when, so backoff and polling stay in one place.
 * Unknown event types, comments and malformed data are ignored without failing.
 *
 * The stream is read as the HTML standard defines Server-Sent Events, whatever the network's chunking: the
 * `eventsource` package (its parser, `eventsource-parser`) does the fields, comments, `id:`, `retry:`, multi-line
 * `data:` and the BOM; line endings are made LF on the bytes first, because that parser holds a CR that ends a
 * chunk until the next byte arrives (to see whether an LF follows) - the standard ends the line at the CR, so an
 * event whose blank line ends in a CR is delivered at once, not when the next keep-alive comes.
 */
import { EventSource } from 'eventsource';
import { createParser } from 'eventsource-parser';
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import { parseMspJson } from './json';
import { type OrderEvent, OrderEventSchema } from './types';

export type StreamAuth = 'raw' | 'bearer';
export type StreamState = 'connecting' | 'open' | 'closed';

export interface StreamCallbacks {
  onOpen(): void;
  /** Anything arrived on the stream (an event, a comment, a keep-alive): MultiSafepay is being heard now. */
  onActivity?(): void;
  onOrderEvent(event: OrderEvent): void;
  /** The server's `retry:` - how long it asks a client to wait before it reconnects, in ms. */
  onRetry?(ms: number): void;
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
        if (!res.body || !res.ok) return res;
        // Every chunk of the body, comments included, proves the link is alive (the parser hides comments).
        const onActivity = cb.onActivity;
        const tap = new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, ctl) => {
            if (onActivity && this.#state !== 'closed') onActivity();
            ctl.enqueue(chunk);
          },
        });
        let body = res.body.pipeThrough(tap).pipeThrough(lineEndsToLf());
        if (cb.onRetry) body = body.pipeThrough(retryWatch((ms) => this.#state !== 'closed' && cb.onRetry!(ms)));
        return new Response(body, {
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
        });
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

const CR = 0x0d;
const LF = 0x0a;

/**
 * CRLF, a lone CR and a lone LF all end a line (HTML standard, "Parsing an event stream"): every one becomes a
 * single LF, at once - a CR at the end of a chunk is an LF now, and an LF that starts the next chunk is then
 * dropped. CR and LF bytes never occur inside a UTF-8 sequence, so the bytes can be rewritten before decoding.
 */
export function lineEndsToLf(): TransformStream<Uint8Array, Uint8Array> {
  let afterCr = false;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      const out = new Uint8Array(chunk.length);
      let n = 0;
      for (const b of chunk) {
        if (afterCr && b === LF) {
          afterCr = false;
          continue;
        }
        afterCr = b === CR;
        out[n++] = afterCr ? LF : b;
      }
      if (n > 0) ctl.enqueue(out.subarray(0, n));
    },
  });
}

/**
 * Passes the bytes on unchanged and tells each `retry:` the server sends (the eventsource package keeps it to
 * itself, and the till reconnects on its own): read by the same parser, `eventsource-parser`.
 */
function retryWatch(onRetry: (ms: number) => void): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({ onRetry });
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      ctl.enqueue(chunk);
    },
  });
}
