/** A WebSocket client of headless mode for tests and benchmarks (what the browser page does, from Node). */
import WebSocket from 'ws';
import type { TillEvent } from '../../shared/contract';

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

  static async connect(port: number): Promise<WsTill> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}` } });
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
