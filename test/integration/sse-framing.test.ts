/**
 * The event stream read as the HTML standard defines Server-Sent Events, over real HTTP on loopback: every line
 * ending the standard allows (CRLF, LF, a lone CR), a BOM, comments, `retry:`, `id:`, multi-line `data:`, a field
 * without a space after its colon, other event types - and the body cut into two chunks at every byte. An event
 * is delivered the moment its terminating blank line has arrived: the test waits for it before sending more.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderStream } from '../../electron/core/payments/multisafepay/stream';
import type { OrderEvent } from '../../electron/core/payments/multisafepay/types';
import { until } from '../helpers/sim';

const enc = (s: string) => Buffer.from(s, 'utf8');
/** Each part, and whether the stream's n-th session.order event is complete once it has arrived. */
const PARTS: { text: string; completes?: boolean }[] = [
  { text: '\uFEFF: a comment first\r\nretry: 1000\rid: 7\n' },
  // 1: CRLF line endings, data over two lines (joined with LF: still one JSON text).
  { text: 'event: session.order\r\ndata: {"order_id":"o-1",\r\ndata: "status":"initialized"}\r\n\r', completes: true },
  { text: '\n' },
  { text: 'event: session.qr\ndata: {"qr":"x"}\n\n: keep-alive\r\n' },
  // 2: lone CR line endings, a bare-number id beyond 2^53; the blank line is a CR and nothing follows it for now.
  {
    text: 'event: session.order\rdata: {"order_id":"o-1","status":"declined","transaction_id":17472052901237123}\r\r',
    completes: true,
  },
  // 3: LF, no space after the colons, multi-byte characters (cut inside them too).
  { text: 'id:8\nevent:session.order\ndata:{"order_id":"o-1","note":"Café 点心 🍵",\ndata:"status":"completed"}\n\n', completes: true },
  { text: 'data: a plain message\n\n' },
];
const BYTES = Buffer.concat(PARTS.map((p) => enc(p.text)));
/** Byte offsets at which the 1st, 2nd, 3rd order event is complete. */
const COMPLETE_AT: number[] = [];
{
  let at = 0;
  for (const p of PARTS) {
    at += enc(p.text).length;
    if (p.completes) COMPLETE_AT.push(at);
  }
}
const EXPECTED = [
  { order_id: 'o-1', status: 'initialized' },
  { order_id: 'o-1', status: 'declined', transaction_id: '17472052901237123' },
  { order_id: 'o-1', status: 'completed', note: 'Café 点心 🍵' },
];

const pending: ((res: ServerResponse) => void)[] = [];
let url = '';
let server: ReturnType<typeof createServer>;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.socket.setNoDelay(true);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    pending.shift()?.(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events/stream/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const retries: number[] = [];

async function readSplitAt(k: number): Promise<OrderEvent[]> {
  const got: OrderEvent[] = [];
  const response = new Promise<ServerResponse>((r) => pending.push(r));
  const stream = new OrderStream(
    { url, token: 't', auth: 'raw' },
    {
      onOpen: () => {},
      onRetry: (ms) => retries.push(ms),
      onOrderEvent: (e) => got.push(e),
      onError: (e) => got.push({ order_id: 'ERROR', status: e.message } as OrderEvent),
    },
  );
  try {
    const res = await response;
    res.write(BYTES.subarray(0, k));
    // Every event whose blank line is in the first chunk arrives without another byte being sent.
    const complete = COMPLETE_AT.filter((at) => at <= k).length;
    if (complete > 0) await until(() => got.length >= complete, `${complete} events from the first ${k} bytes`, 3_000);
    expect(got.length, `events after ${k} bytes`).toBe(complete);
    res.write(BYTES.subarray(k));
    await until(() => got.length >= 3, `all events, cut at ${k}`, 3_000);
    return got;
  } finally {
    stream.close();
  }
}

describe('Server-Sent Events framing', () => {
  it('the whole stream in one chunk: three order events, exactly', async () => {
    retries.length = 0;
    const got = await readSplitAt(BYTES.length);
    expect(got).toHaveLength(3);
    got.forEach((e, i) => expect(e).toMatchObject(EXPECTED[i]!));
    // The server's reconnection time (a line ended by a lone CR) reaches the till.
    expect(retries).toEqual([1000]);
  });

  it(`cut into two chunks at every one of its ${BYTES.length} bytes: the same three events, each as soon as its blank line is in`, async () => {
    for (let k = 0; k <= BYTES.length; k++) {
      const got = await readSplitAt(k);
      expect(got, `cut at ${k}`).toHaveLength(3);
      got.forEach((e, i) => expect(e, `cut at ${k}`).toMatchObject(EXPECTED[i]!));
    }
  }, 120_000);
});
