import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that answers every request with the next canned answer (status and raw body text):
 * lets a test feed the real MultiSafepay client exactly the bytes MultiSafepay documents.
 */
export async function cannedServer() {
  const answers: { status: number; body: string }[] = [];
  const requests: { method: string; url: string; headers: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    const a = answers.shift() ?? { status: 500, body: '{"success":false,"error_code":1000}' };
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/json`;
  return {
    root,
    requests,
    answer: (body: string, status = 200) => answers.push({ status, body }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
