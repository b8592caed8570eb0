/**
 * Headless mode: serves the built UI and a WebSocket bridge to the till service on loopback.
 * The WebSocket accepts only its own page's origin; every message is validated by the service's dispatch.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { TillService } from '../core/service';
import { CSP } from '../core/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Largest accepted WebSocket message: a request is small; anything bigger is refused. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface HeadlessServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHeadlessServer(opts: { service: TillService; port: number; staticDir: string }): Promise<HeadlessServer> {
  const { service, staticDir } = opts;
  const root = normalize(staticDir + sep);
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path === '/' || !extname(path)) path = '/index.html';
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': path === '/index.html' ? 'no-cache' : 'max-age=3600',
    });
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/ws' || !allowedOrigins.has(req.headers.origin ?? '')) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const off = service.on((event) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'event', event }));
    });
    ws.on('close', off);
    ws.on('error', () => ws.terminate());
    ws.on('message', async (data, isBinary) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(data.toString()) as typeof msg;
        if (!msg || typeof msg !== 'object') throw new Error('not an object');
      } catch {
        ws.send(
          JSON.stringify({
            type: 'response',
            id: null,
            ok: false,
            error: { code: 'bad_request', message: 'The request could not be read.' },
          }),
        );
        return;
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      const out = await service.dispatch(msg.method, msg.params);
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'response', id, ...out }));
    });
  });

  return {
    url: `http://127.0.0.1:${port}/`,
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
