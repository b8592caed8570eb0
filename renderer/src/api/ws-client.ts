/**
 * The till API over the headless WebSocket bridge. Requests are matched to responses by id; events are pushed.
 * The socket reconnects by itself; requests made while it is down wait for it. Frames are the shared wire's.
 */
import type { TillApi, TillEvent } from '../../../shared/contract';
import type { MethodName } from '../../../shared/methods';
import { parseServerFrame, type Reply, type RequestFrame, tillApiOver } from '../../../shared/wire';

const LINK_LOST: Reply = { ok: false, error: { code: 'internal', message: 'The connection to the till was lost - try again.' } };

export function createWsTillApi(url: string, onLink?: (up: boolean) => void): TillApi {
  const listeners = new Set<(e: TillEvent) => void>();
  const pending = new Map<number, (reply: Reply) => void>();
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
          const frame = parseServerFrame(String(ev.data));
          if (!frame) return;
          if (frame.type === 'event') {
            for (const l of listeners) l(frame.event);
          } else if (typeof frame.id === 'number') {
            const done = pending.get(frame.id);
            pending.delete(frame.id);
            done?.(frame);
          }
        };
        sock.onclose = () => {
          const wasOpen = ws === sock;
          ws = undefined;
          if (wasOpen) {
            onLink?.(false);
            ready = undefined;
            for (const [id, done] of pending) {
              pending.delete(id);
              done(LINK_LOST);
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

  const send = async (method: MethodName, params: unknown): Promise<Reply> => {
    const sock = await connect();
    const id = nextId++;
    return new Promise<Reply>((resolve) => {
      pending.set(id, resolve);
      const frame: RequestFrame = { id, method, params };
      sock.send(JSON.stringify(frame));
    });
  };

  return tillApiOver(send, (listener) => {
    listeners.add(listener);
    void connect();
    return () => {
      listeners.delete(listener);
    };
  });
}
