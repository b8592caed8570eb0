/**
 * The till API over the headless WebSocket bridge. Requests are matched to responses by id; events are pushed.
 * The socket reconnects by itself; requests made while it is down wait for it.
 */
import { METHOD_NAMES, type MethodName, type Params, type Result, type TillApi, type TillEvent } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

export function createWsTillApi(url: string, onLink?: (up: boolean) => void): TillApi {
  const listeners = new Set<(e: TillEvent) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ws: WebSocket | undefined;
  let ready: Promise<WebSocket> | undefined;
  let retry = 0;

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise<WebSocket>((resolve) => {
      const open = () => {
        const sock = new WebSocket(url);
        sock.onopen = () => {
          retry = 0;
          ws = sock;
          onLink?.(true);
          resolve(sock);
        };
        sock.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data)) as
            { type: 'event'; event: TillEvent } | { type: 'response'; id: number | null; ok: boolean; result?: unknown; error?: unknown };
          if (msg.type === 'event') for (const l of listeners) l(msg.event);
          else if (msg.id !== null) {
            const p = pending.get(msg.id);
            pending.delete(msg.id);
            if (p && msg.ok) p.resolve(msg.result);
            else if (p) p.reject(TillError.from(msg.error));
          }
        };
        sock.onclose = () => {
          const wasOpen = ws === sock;
          ws = undefined;
          if (wasOpen) {
            onLink?.(false);
            ready = undefined;
            for (const [id, p] of pending) {
              pending.delete(id);
              p.reject(new TillError({ code: 'internal', message: 'The connection to the till was lost - try again.' }));
            }
            void connect();
          } else {
            setTimeout(open, Math.min(2000, 100 * 2 ** retry++));
          }
        };
      };
      open();
    });
    return ready;
  };

  const call = async <M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> => {
    const sock = await connect();
    const id = nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      sock.send(JSON.stringify({ id, method, params }));
    });
  };

  const api: Record<string, unknown> = {
    onEvent(listener: (e: TillEvent) => void) {
      listeners.add(listener);
      void connect();
      return () => {
        listeners.delete(listener);
      };
    },
  };
  for (const m of METHOD_NAMES) api[m] = (params: unknown) => call(m, params as never);
  return api as TillApi;
}
