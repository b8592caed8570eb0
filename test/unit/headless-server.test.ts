/**
 * Headless mode serves only its owner: attacks over real HTTP and WebSocket on loopback against the real server
 * (a stub core records what got through). Foreign Host, missing or wrong secret, foreign origin, malformed
 * requests, connection and message floods.
 */
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { launchSecret, RateLimit } from '../../electron/server/access';
import { type HeadlessLimits, startHeadlessServer } from '../../electron/server/server';
import { socketFor, WsTill } from '../helpers/ws-till';

/** A fresh folder (no shared helper: these tests need nothing of the core's storage). */
const tempDir = (prefix = 'till-') => mkdtempSync(join(tmpdir(), prefix));

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(limits: Partial<HeadlessLimits> = {}, now = () => 0) {
  const staticDir = tempDir('till-static-');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Till</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'export {}');
  const service = { dispatch: vi.fn(async (method: unknown) => ({ ok: true as const, result: method })), on: () => () => {} };
  const server = await startHeadlessServer({ service, port: 0, staticDir, limits, now });
  cleanups.push(() => server.close());
  return { server, service, key: new URL(server.url).searchParams.get('k')! };
}

/** Sends raw bytes as an HTTP request and resolves with the status code of the answer (0 if the socket closed silently). */
function rawHttp(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(request));
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('error', reject);
    sock.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    sock.setTimeout(5000, () => sock.destroy());
  });
}
const get = (port: number, path: string, host = `127.0.0.1:${port}`) =>
  rawHttp(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

/** Opens a WebSocket and resolves with 101 when it opened, else the HTTP status of the refusal. */
function upgrade(url: string, headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('open', () => {
      cleanups.push(() => ws.terminate());
      resolve({ status: 101, ws });
    });
    ws.on('error', () => resolve({ status: 0 }));
  });
}

describe('headless mode: the page', () => {
  it('prints a URL that carries a per-launch secret; the page needs it, its assets do not', async () => {
    const { server, key } = await serve();
    const other = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?k=[A-Za-z0-9_-]{43}$/);
    expect(key).not.toBe(other.key);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${server.port}/?k=${other.key}`)).status).toBe(403);
    expect((await fetch(`http://localhost:${server.port}/?k=${key}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/assets/app.js`)).status).toBe(200);
  });

  it('answers a foreign Host with 400 (DNS rebinding), even with the secret', async () => {
    const { server, key } = await serve();
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `127.0.0.1`, '']) {
      expect(await get(server.port, `/?k=${key}`, host), host).toBe(400);
    }
    expect(await rawHttp(server.port, `GET /?k=${key} HTTP/1.1\r\nConnection: close\r\n\r\n`)).toBe(400); // no Host at all
    expect(await get(server.port, `/?k=${key}`, `LOCALHOST:${server.port}`)).toBe(200);
  });

  it('answers every malformed request (400/404/405) and keeps serving', async () => {
    const { server, key } = await serve();
    const p = server.port;
    expect(await get(p, '/%E0%A4%A')).toBe(400);
    expect(await get(p, '/assets/%E0%A4%A.js')).toBe(400);
    expect(await get(p, '/a%00.js')).toBe(400);
    expect(await get(p, '/../../../../etc/passwd.txt')).toBe(404);
    expect(await get(p, '/../../../../etc/passwd')).toBe(403); // normalised to /etc/passwd: the page, which needs the key
    expect(await get(p, '/assets/..%2f..%2f..%2fetc%2fpasswd')).toBe(404);
    expect(await get(p, '/nope.js')).toBe(404);
    expect(await get(p, 'http://evil.example/')).toBe(400); // absolute-form request target
    expect(await get(p, '*')).toBe(400);
    expect(await rawHttp(p, `POST /?k=${key} HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).toBe(
      405,
    );
    expect(await rawHttp(p, 'NONSENSE\r\n\r\n')).toBe(400);
    expect(await rawHttp(p, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nBad Header\r\n\r\n`)).toBe(400);
    // A burst of bad requests at once: all answered, and the page is still served after.
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => get(p, i % 2 ? '/%E0%A4%A' : '/../x.js')));
    expect(new Set(answers)).toEqual(new Set([400, 404]));
    expect((await fetch(server.url)).status).toBe(200);
  });
});

describe('headless mode: the WebSocket', () => {
  it('opens only with the secret, from its own origin, on its own Host', async () => {
    const { server, service } = await serve();
    const { url, origin } = socketFor(server.url);
    const bare = url.replace(/\?.*$/, '');
    expect((await upgrade(bare, { origin })).status).toBe(403);
    expect((await upgrade(`${bare}?k=${'A'.repeat(43)}`, { origin })).status).toBe(403);
    expect((await upgrade(url, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await upgrade(url, {})).status).toBe(403);
    expect((await upgrade(url, { origin, host: 'evil.example' })).status).toBe(400);
    expect((await upgrade(url.replace('/ws?', '/other?'), { origin })).status).toBe(404);
    expect(service.dispatch).not.toHaveBeenCalled();
    const till = await WsTill.connect(server.url);
    cleanups.push(() => till.close());
    expect(await till.call('snapshot')).toMatchObject({ ok: true, result: 'snapshot' });
  });

  it('limits open connections; a closed one frees its place', async () => {
    const { server } = await serve({ connections: 2 });
    const { url, origin } = socketFor(server.url);
    const a = await upgrade(url, { origin });
    expect(a.status).toBe(101);
    expect((await upgrade(url, { origin })).status).toBe(101);
    expect((await upgrade(url, { origin })).status).toBe(503);
    const closed = new Promise((r) => a.ws!.once('close', r));
    a.ws!.close();
    await closed;
    expect((await upgrade(url, { origin })).status).toBe(101);
  });

  it('closes a connection that floods it (1008) without dispatching the flood, refuses to reconnect at once (429), and stays up', async () => {
    let t = 0;
    const { server, service } = await serve({ burst: 5, perSecond: 1 }, () => t);
    const { url, origin } = socketFor(server.url);
    const { ws } = await upgrade(url, { origin });
    const replies: unknown[] = [];
    ws!.on('message', (d) => replies.push(JSON.parse(String(d))));
    const closed = new Promise<number>((r) => ws!.once('close', (code) => r(code)));
    for (let i = 1; i <= 50; i++) ws!.send(JSON.stringify({ id: i, method: 'snapshot', params: {} }));
    expect(await closed).toBe(1008);
    expect(service.dispatch).toHaveBeenCalledTimes(5);
    expect(replies.length).toBeLessThanOrEqual(5);
    // The flooder comes straight back: refused until the pause is over, and nothing of it is dispatched.
    expect((await upgrade(url, { origin })).status).toBe(429);
    t += 9_999;
    expect((await upgrade(url, { origin })).status).toBe(429);
    expect(service.dispatch).toHaveBeenCalledTimes(5);
    t += 1;
    const again = await WsTill.connect(server.url);
    cleanups.push(() => again.close());
    expect(await again.call('snapshot')).toMatchObject({ ok: true });
  });

  it('answers unreadable frames with the wire error, never throwing', async () => {
    const { server, service } = await serve();
    const { url, origin } = socketFor(server.url);
    const { ws } = await upgrade(url, { origin });
    const replies: unknown[] = [];
    ws!.on('message', (d) => replies.push(JSON.parse(String(d))));
    for (const bad of ['{', '[]', 'null', '42']) ws!.send(bad);
    ws!.send(Buffer.from([1, 2, 3]), { binary: true });
    await vi.waitFor(() => expect(replies).toHaveLength(5));
    for (const r of replies)
      expect(r).toEqual({
        type: 'response',
        id: null,
        ok: false,
        error: { code: 'bad_request', message: 'The request could not be read.' },
      });
    expect(service.dispatch).not.toHaveBeenCalled();
  });
});

describe('access rules', () => {
  it('a pinned secret must be strong; none means a fresh random one', () => {
    expect(launchSecret(undefined)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(launchSecret(undefined)).not.toBe(launchSecret(undefined));
    const pinned = 'x'.repeat(43);
    expect(launchSecret(pinned)).toBe(pinned);
    for (const weak of ['short', 'x'.repeat(42), `${'x'.repeat(42)}!`]) expect(() => launchSecret(weak)).toThrow(/TILL_HEADLESS_SECRET/);
  });
  it('the rate limit refills with time', () => {
    let t = 0;
    const r = new RateLimit(2, 1, () => t);
    expect([r.take(), r.take(), r.take()]).toEqual([true, true, false]);
    t = 999;
    expect(r.take()).toBe(false);
    t = 1000;
    expect(r.take()).toBe(true);
  });
});

describe('headless mode: the key out of the address, and clients that do not read', () => {
  it('the page loaded with its key sets an HttpOnly, same-site cookie for this port, so a reload without the key in the address works', async () => {
    const { server, key } = await serve();
    const res = await fetch(server.url);
    expect(res.headers.get('set-cookie')).toBe(`till_k_${server.port}=${key}; Path=/; HttpOnly; SameSite=Strict`);
    const page = (cookie: string) =>
      rawHttp(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    expect(await page(`other=1; till_k_${server.port}=${key}`)).toBe(200);
    expect(await page(`till_k_${server.port}=${key.slice(1)}`)).toBe(403);
    expect(await page(`till_k_1=${key}`)).toBe(403);
    // The asset needs no key and sets no cookie.
    expect((await fetch(`http://127.0.0.1:${server.port}/assets/app.js`)).headers.get('set-cookie')).toBeNull();
  });

  it('a connection that never reads its answers is cut off once they pile up, freeing its place', async () => {
    const staticDir = tempDir('till-static-');
    const big = 'x'.repeat(256 * 1024);
    const service = { dispatch: vi.fn(async () => ({ ok: true as const, result: big })), on: () => () => {} };
    // One connection at a time: the place frees up only once the reader-less one is cut off.
    const server = await startHeadlessServer({ service, port: 0, staticDir, limits: { maxBufferedBytes: 1024 * 1024, connections: 1 } });
    cleanups.push(() => server.close());
    const { url, origin } = socketFor(server.url);
    const path = new URL(url).pathname + new URL(url).search;
    const sock = connect(server.port, '127.0.0.1');
    cleanups.push(() => sock.destroy());
    sock.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await new Promise<void>((resolve) => sock.once('data', (d) => (String(d).startsWith('HTTP/1.1 101') ? resolve() : undefined)));
    sock.pause(); // from now on nothing is read
    const frame = (text: string) => {
      const payload = Buffer.from(text);
      const mask = Buffer.from([1, 2, 3, 4]);
      return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4]!)]);
    };
    expect((await upgrade(url, { origin })).status).toBe(503); // its place is taken
    for (let i = 1; i <= 190; i++) sock.write(frame(JSON.stringify({ id: i, method: 'history', params: {} })));
    // Cut off: its place is free again, long before all 190 answers (47 MB) were held for it.
    let status = 0;
    while (status !== 101) status = (await upgrade(url, { origin })).status;
    expect(status).toBe(101);
  });
});
