/**
 * The wire: what every transport moves between the UI and the till core, declared once. IPC (main + preload),
 * the headless server and the browser's WebSocket client only move these shapes; none of them defines its own.
 * Free of dependencies (no zod): the sandboxed preload and the renderer bundle import it.
 */
import type { Params, Result, TillApi, TillEvent } from './contract';
import { type TillErrorShape, TillError } from './errors';
import { METHOD_NAMES, type MethodName } from './methods';

export type { TillErrorShape } from './errors';

/** The query parameter of headless mode's WebSocket (and of its printed page URL) that carries the per-launch secret. */
export const HEADLESS_KEY_PARAM = 'k';

/** The answer to one request, from the core's dispatch, whatever the transport. */
export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: TillErrorShape };

/** Anything that answers requests with a Reply: the core service, or a transport's client side. */
export interface Dispatcher {
  dispatch(method: unknown, params: unknown): Promise<Reply>;
}

/** A request frame on the WebSocket. `id` matches the response; `method` and `params` are checked by dispatch. */
export interface RequestFrame {
  id: number | string;
  method: string;
  params?: unknown;
}

/** What the server sends on the WebSocket: a reply to one request (id null when the request had none), or an event. */
export type ServerFrame = ({ type: 'response'; id: number | string | null } & Reply) | { type: 'event'; event: TillEvent };

/** The error sent back for a request that cannot be read at all. */
export const UNREADABLE: TillErrorShape = { code: 'bad_request', message: 'The request could not be read.' };

/** The error sent back to a caller that is not the till's own page. */
export const REFUSED_SENDER: TillErrorShape = { code: 'not_allowed', message: 'Request refused: unknown sender.' };

/** A refusal reply. */
export const refuse = (error: TillErrorShape): Reply<never> => ({ ok: false, error });

/** The response frame for a reply. */
export const responseFrame = (id: number | string | null, reply: Reply): ServerFrame => ({ type: 'response', id, ...reply });

/** The event frame for a till event. */
export const eventFrame = (event: TillEvent): ServerFrame => ({ type: 'event', event });

/**
 * Reads a request frame from the socket's text. Returns undefined when it is not JSON or not an object; an object
 * with a missing or odd method still goes to dispatch, which answers it with a typed error.
 */
export function parseRequestFrame(text: string): { id: number | string | null; method: unknown; params: unknown } | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return undefined;
  const m = msg as { id?: unknown; method?: unknown; params?: unknown };
  const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : null;
  return { id, method: m.method, params: m.params };
}

/**
 * Reads a server frame on the client side. Returns undefined for anything that is not one (the client ignores it
 * rather than throwing inside a socket callback).
 */
export function parseServerFrame(text: string): ServerFrame | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!msg || typeof msg !== 'object') return undefined;
  const m = msg as { type?: unknown; ok?: unknown; event?: unknown };
  if (m.type === 'event' && m.event && typeof m.event === 'object') return msg as ServerFrame;
  if (m.type === 'response' && typeof m.ok === 'boolean') return msg as ServerFrame;
  return undefined;
}

/**
 * What the Electron preload exposes as `window.till`: each method answers with the Reply itself. A Reply is plain
 * data, which contextBridge copies whole; an Error thrown across the bridge would lose its code and field.
 */
export type TillBridge = { [M in MethodName]: (params: Params<M>) => Promise<Reply<Result<M>>> } & {
  onEvent(listener: (event: TillEvent) => void): () => void;
};

/**
 * The typed till API over any transport that can send one request and get its Reply: results are returned,
 * refusals are thrown as TillError (with code, field and MultiSafepay code).
 */
export function tillApiOver(
  send: (method: MethodName, params: unknown) => Promise<Reply>,
  onEvent: (listener: (event: TillEvent) => void) => () => void,
): TillApi {
  const api: Record<string, unknown> = { onEvent };
  for (const m of METHOD_NAMES) api[m] = async (params: unknown) => unwrap(await send(m, params));
  return api as TillApi;
}

/** A reply's result, or its error thrown as a TillError (what every client-side transport does with a reply). */
export function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.result;
  throw TillError.from(reply.error);
}
