/** A WebSocket client of headless mode for tests and benchmarks (what the browser page does, from Node). */
import WebSocket from 'ws';
import type { TillEvent } from '../../shared/contract';
import { HEADLESS_KEY_PARAM } from '../../shared/wire';

/**
 * The WebSocket address and Origin the page at `printedUrl` (headless mode's printed URL, secret included) uses:
 * what outside automation does after opening the URL exactly as printed.
 */
export function socketFor(printedUrl: string): { url: string; origin: string } {
  const page = new URL(printedUrl);
  const url = new URL('/ws', page);
  url.protocol = 'ws:';
  const key = page.searchParams.get(HEADLESS_KEY_PARAM);
  if (key) url.searchParams.set(HEADLESS_KEY_PARAM, key);
  return { url: url.href, origin: page.origin };
}

export class WsTill {
  readonly events: TillEvent[] = [];
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, (v: { ok: boolean; result?: unknown; error?: { code: string; message: string } }) => void>();
  #next = 1;
  onEvent: ((e: TillEvent) => void) | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('close', () => {
      for (const [id, done] of this.#pending) {
        this.#pending.delete(id);
        done({ ok: false, error: { code: 'closed', message: 'connection closed' } });
      }
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type === 'event') {
        this.events.push(msg.event);
        this.onEvent?.(msg.event);
      } else {
        this.#pending.get(msg.id)?.(msg);
        this.#pending.delete(msg.id);
      }
    });
  }

  /** Connects as the page at headless mode's printed URL would. */
  static async connect(printedUrl: string): Promise<WsTill> {
    const { url, origin } = socketFor(printedUrl);
    const ws = new WebSocket(url, { headers: { origin } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsTill(ws);
  }

  call<T = unknown>(method: string, params: unknown = {}): Promise<{ ok: boolean; result?: T; error?: { code: string; message: string } }> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) return reject(new Error('closed'));
      this.#pending.set(id, resolve as never);
      this.#ws.send(JSON.stringify({ id, method, params }), (err) => err && reject(err));
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}
