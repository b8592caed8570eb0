/**
 * Headless mode: serves the built UI and a WebSocket bridge to the till service on loopback, for its owner only.
 * The printed URL carries a per-launch secret; the page passes it to the WebSocket, which refuses connections
 * without it, from another origin, or for another Host. Every request that cannot be served is answered
 * (400/403/404/405), never thrown; connections and message rates are limited. Frames are the shared wire's.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { TillEvent } from '../../shared/contract';
import {
  type Dispatcher,
  eventFrame,
  HEADLESS_KEY_PARAM,
  parseRequestFrame,
  refuse,
  type Reply,
  responseFrame,
  UNREADABLE,
} from '../../shared/wire';
import { contentType, resolveStaticPath } from '../core/app-protocol';
import { CSP } from '../core/csp';
import { isAllowedHost, isAllowedOrigin, newSecret, RateLimit, secretMatches } from './access';

/** Largest accepted WebSocket message: a request is small; anything bigger is refused. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface HeadlessLimits {
  /** Open WebSocket connections at once (a counter has one or two pages open). */
  connections: number;
  /** Messages a connection may send at once, and per second after that; more closes it (1008). */
  burst: number;
  perSecond: number;
  /** Open HTTP connections at once. */
  httpConnections: number;
  /** After a connection is closed for sending too much, no new connection is taken for this long (ms). */
  floodPauseMs: number;
  /** Answers waiting to be sent to a connection that does not read them; past this it is closed (bytes). */
  maxBufferedBytes: number;
}
export const DEFAULT_LIMITS: HeadlessLimits = {
  connections: 16,
  burst: 200,
  perSecond: 100,
  httpConnections: 64,
  floodPauseMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
};

export interface HeadlessServer {
  /** The URL to open, exactly as printed: it carries this launch's secret. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** One cookie's value from a Cookie header. */
function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const INTERNAL: Reply = { ok: false, error: { code: 'internal', message: 'Something went wrong inside the till.' } };

export async function startHeadlessServer(opts: {
  service: Dispatcher & { on(listener: (e: TillEvent) => void): () => void };
  port: number;
  staticDir: string;
  /** This launch's secret (see access.ts); a new random one when not given. */
  secret?: string;
  limits?: Partial<HeadlessLimits>;
  /** Monotonic milliseconds, for the rate limit. */
  now?: () => number;
}): Promise<HeadlessServer> {
  const { service, staticDir } = opts;
  const secret = opts.secret ?? newSecret();
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const now = opts.now ?? (() => performance.now());
  let port = 0;
  /** The page's cookie, named for this port (cookies are kept per host, not per port). */
  let pageCookie = 'till_k';
  /** Until when new connections are refused, after one was closed for flooding (monotonic ms). */
  let floodedUntil = -Infinity;

  const plain = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...extra }).end(text);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, port)) return plain(res, 400, 'Unknown host.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.', { allow: 'GET, HEAD' });
    const raw = req.url ?? '';
    if (!raw.startsWith('/')) return plain(res, 400, 'Bad request.');
    const url = new URL(raw, `http://127.0.0.1:${port}`);
    const target = resolveStaticPath(staticDir, url.pathname);
    if (!target.ok) return plain(res, target.status, target.status === 400 ? 'Bad request.' : 'Not found.');
    const keyInUrl = secretMatches(url.searchParams.get(HEADLESS_KEY_PARAM), secret);
    if (target.isPage && !keyInUrl && !secretMatches(cookieOf(req.headers.cookie, pageCookie), secret)) {
      return plain(res, 403, 'Open the address the till printed when it started: it carries the key to this till.');
    }
    const info = await stat(target.file).catch(() => undefined);
    if (!info?.isFile()) return plain(res, 404, 'Not found.');
    res.writeHead(200, {
      'content-type': contentType(target.file),
      'content-length': String(info.size),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      // The page's address carries the secret: never send it on, never keep the page in a cache.
      'referrer-policy': 'no-referrer',
      'cache-control': target.isPage ? 'no-store' : 'max-age=3600',
      // The page takes the key out of its address; a reload then proves it with this cookie, which no script can read.
      ...(target.isPage && keyInUrl ? { 'set-cookie': `${pageCookie}=${secret}; Path=/; HttpOnly; SameSite=Strict` } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(target.file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const http: Server = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) plain(res, 400, 'Bad request.');
      else res.destroy();
    });
  });
  http.maxConnections = limits.httpConnections;
  http.requestTimeout = 30_000;
  http.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  pageCookie = `till_k_${port}`;

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuseUpgrade = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!isAllowedHost(req.headers.host, port)) return refuseUpgrade('400 Bad Request');
    let url: URL;
    try {
      url = new URL(req.url ?? '', `http://127.0.0.1:${port}`);
    } catch {
      return refuseUpgrade('400 Bad Request');
    }
    if (url.pathname !== '/ws') return refuseUpgrade('404 Not Found');
    if (!isAllowedOrigin(req.headers.origin, port) || !secretMatches(url.searchParams.get(HEADLESS_KEY_PARAM), secret)) {
      return refuseUpgrade('403 Forbidden');
    }
    if (wss.clients.size >= limits.connections) return refuseUpgrade('503 Service Unavailable');
    if (now() < floodedUntil) return refuseUpgrade('429 Too Many Requests');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const rate = new RateLimit(limits.burst, limits.perSecond, now);
    // A client that does not read its answers must not make the till hold them: past the limit it is cut off.
    const overBuffered = () => {
      if (ws.bufferedAmount <= limits.maxBufferedBytes) return false;
      ws.terminate();
      return true;
    };
    const send = (frame: unknown) => {
      if (ws.readyState === WebSocket.OPEN && !overBuffered()) ws.send(JSON.stringify(frame));
    };
    const off = service.on((event) => send(eventFrame(event)));
    ws.on('close', off);
    ws.on('error', () => ws.terminate());
    ws.on('message', async (data, isBinary) => {
      if (ws.readyState !== WebSocket.OPEN || overBuffered()) return;
      if (!rate.take()) {
        floodedUntil = now() + limits.floodPauseMs;
        return ws.close(1008, 'Too many requests');
      }
      const frame = isBinary ? undefined : parseRequestFrame(String(data));
      if (!frame) return send(responseFrame(null, refuse(UNREADABLE)));
      const reply = await service.dispatch(frame.method, frame.params).catch(() => INTERNAL);
      send(responseFrame(frame.id, reply));
    });
  });

  return {
    url: `http://127.0.0.1:${port}/?${HEADLESS_KEY_PARAM}=${secret}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
