/**
 * The simulator's HTTP face: MultiSafepay's JSON API under /v1/json, the event stream, and the control API under
 * /_sim/ (terminal actions, faults, dialect, inspection) that demo mode and tests use.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Dialect, Faults } from './faults';
import { NO_FAULTS } from './faults';
import type { SimulatorConfig, Simulator } from './simulator';
import type { TerminalActionName } from './orders';

/** What an API handler answers: a JSON body with its status, or `drop` (the connection dies, no answer). */
export type SimAnswer = { status: number; body: unknown } | 'drop';

export const ok = (data: unknown, extra: Record<string, unknown> = {}): SimAnswer => ({
  status: 200,
  body: { success: true, data, ...extra },
});
export const refuse = (code: number, info: string, status = 200): SimAnswer => ({
  status,
  body: { success: false, data: {}, error_code: code, error_info: info },
});

/**
 * Whether a request may use the control API: always for a standalone simulator; for the till's embedded one only
 * with its token, for its own loopback Host, and from no web page (a browser sends an Origin).
 */
function controlAllowed(sim: Simulator, req: IncomingMessage): boolean {
  const token = sim.controlToken;
  if (token === undefined) return true;
  const given = req.headers['x-sim-token'];
  const port = (req.socket.localPort ?? 0).toString();
  const host = req.headers.host?.toLowerCase();
  return (
    typeof given === 'string' &&
    given.length === token.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(token)) &&
    (host === `127.0.0.1:${port}` || host === `localhost:${port}`) &&
    req.headers.origin === undefined
  );
}

export function createSimServer(sim: Simulator, apiKey: string): Server {
  const stalled = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { success: false, error_code: 1000, error_info: 'Simulator error' } });
      else res.destroy();
    });
  });
  server.on('close', () => {
    for (const res of stalled) res.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (sim.requestLog.length >= 10_000) sim.requestLog.splice(0, 1_000); // a log for tests, not a growing store
    sim.requestLog.push(req.url ?? '');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path.startsWith('/_sim/')) {
      if (!controlAllowed(sim, req)) return send(res, refuse(1000, 'Not allowed', 403));
      return control(method, path, req, res);
    }
    if (sim.faults.stalled) {
      // A stalled link: the request is taken and never answered.
      stalled.add(res);
      res.on('close', () => stalled.delete(res));
      return;
    }
    if (path === '/events/stream/' || path === '/events/stream') return sim.streams.accept(req, res);
    if (!path.startsWith('/v1/json/')) return send(res, refuse(1000, 'Not found', 404));

    const key = (req.headers['api_key'] as string | undefined) ?? url.searchParams.get('api_key') ?? '';
    if (key !== apiKey) return send(res, refuse(1032, 'Invalid API key', 401));

    const rest = path.slice('/v1/json'.length);
    let m: RegExpExecArray | null;
    let answer: SimAnswer;
    if (method === 'POST' && rest === '/orders') answer = await sim.apiCreateOrder(await readJson(req));
    else if (method === 'GET' && rest === '/terminals')
      answer = sim.apiTerminals(Number(url.searchParams.get('page') ?? 1), Number(url.searchParams.get('limit') ?? 0));
    else if ((m = /^\/terminal-groups\/([^/]+)\/terminals$/.exec(rest)) && method === 'GET')
      answer = sim.apiTerminals(Number(url.searchParams.get('page') ?? 1), Number(url.searchParams.get('limit') ?? 0), true);
    else if ((m = /^\/orders\/([^/]+)$/.exec(rest)) && method === 'GET') answer = sim.apiGetOrder(decodeURIComponent(m[1]!));
    else if ((m = /^\/orders\/([^/]+)\/cancel$/.exec(rest)) && method === 'POST') answer = await sim.apiCancel(decodeURIComponent(m[1]!));
    else if ((m = /^\/orders\/([^/]+)\/refunds$/.exec(rest)) && method === 'POST')
      answer = await sim.apiRefund(decodeURIComponent(m[1]!), await readJson(req));
    else if ((m = /^\/pos\/receipt\/([^/]+)$/.exec(rest)) && method === 'GET') answer = sim.apiReceipt(decodeURIComponent(m[1]!));
    else answer = refuse(1000, 'Unknown endpoint', 404);
    send(res, answer);
  }

  async function control(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let m: RegExpExecArray | null;
    const json = (status: number, body: unknown) => send(res, { status, body });
    if (method === 'POST' && (m = /^\/_sim\/terminals\/([^/]+)\/(approve|decline|soft_decline|cancel)$/.exec(path))) {
      // An approve may carry {"amount": n}: the customer paid another amount (a tip on the terminal, or less).
      const body = m[2] === 'approve' ? ((await readJson(req)) as { amount?: unknown } | undefined) : undefined;
      const charged = typeof body?.amount === 'number' && Number.isInteger(body.amount) && body.amount > 0 ? body.amount : undefined;
      const done = sim.terminalAction(decodeURIComponent(m[1]!), m[2] as TerminalActionName, charged);
      return json(done ? 200 : 409, { ok: done });
    }
    if (method === 'POST' && (m = /^\/_sim\/orders\/([^/]+)\/complete$/.exec(path))) {
      sim.completeOrder(decodeURIComponent(m[1]!));
      return json(200, { ok: true });
    }
    if (method === 'POST' && (m = /^\/_sim\/orders\/([^/]+)\/status\/([A-Za-z_ ]{1,40})$/.exec(path))) {
      sim.forceStatus(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/faults') {
      const body = ((await readJson(req)) ?? {}) as Partial<Faults> & { reset?: boolean };
      if (body.reset) sim.faults = { ...NO_FAULTS };
      const { reset: _reset, ...rest } = body;
      Object.assign(sim.faults, rest);
      if ((rest.refuseStreams as unknown) === -1) sim.faults.refuseStreams = Infinity;
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/config') {
      Object.assign(sim.config, (await readJson(req)) as Partial<SimulatorConfig>);
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/dialect') {
      Object.assign(sim.dialect, (await readJson(req)) as Partial<Dialect>);
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/_sim/streams/drop') {
      sim.dropStreams();
      return json(200, { ok: true });
    }
    if (method === 'GET' && path === '/_sim/orders') {
      return json(200, { orders: [...sim.orders.values()], createRequests: Object.fromEntries(sim.createRequests) });
    }
    if (method === 'GET' && path === '/_sim/terminals') return json(200, { terminals: [...sim.terminals.values()] });
    json(404, { ok: false });
  }

  return server;
}

function send(res: ServerResponse, answer: SimAnswer): void {
  if (answer === 'drop') {
    res.destroy();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
