/**
 * A stream URL that answers 200 and ends the body at once, every time, must not turn into a storm of streams and
 * order reads; and all the till's reads together keep to a pace MultiSafepay can take, pausing when it says 429.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MspClient } from '../../electron/core/payments/multisafepay/client';
import { MspError } from '../../electron/core/payments/multisafepay/errors';
import { engineWithSim, FAST_TIMING, LINES } from '../helpers/engine';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A fixed observation window: the test counts what the till does in it (it waits for nothing to happen). */
const observe = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a stream that ends at once, every time', () => {
  it('opens streams on a growing backoff and reads the order at most once per read gap, and still learns the outcome', async () => {
    const timing = { ...FAST_TIMING, backoffBaseMs: 10, backoffMaxMs: 160, readGapMs: 100, downPollMs: 50, streamStableMs: 1_000 };
    const e = await engineWithSim(cleanups);
    const { engine, sim } = e;
    // The engine of engineWithSim runs FAST_TIMING; this one is timed for the window below.
    Object.assign(engine.timing, timing);
    sim.faults.streamsEndAtOnce = true;
    const p = await engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    const reads = () => sim.requestLog.filter((u) => u === `/v1/json/orders/${p.orderId}`).length;
    const streams = () => sim.streamConnects.filter((c) => c.orderId === p.orderId).length;
    await until(() => streams() >= 1, 'first stream');
    const [streams0, reads0] = [streams(), reads()];
    await observe(2_000);
    const opened = streams() - streams0;
    const read = reads() - reads0;
    // With the backoff reset on every open, this stream was reopened every ~10 ms (about 200 streams and 400
    // reads in the window). Growing to 160 ms: some 16 streams; reads at least 100 ms apart: at most 21.
    expect(opened).toBeGreaterThan(3);
    expect(opened).toBeLessThanOrEqual(25);
    expect(read).toBeLessThanOrEqual(21);
    // Still following: the outcome comes by reading the order.
    sim.terminalAction('DEMO0001', 'approve');
    await e.waitFor(p.orderId, (x) => x.state === 'completed', 'paid');
  });

  it("the server's retry: is the least the till waits before it reconnects", async () => {
    const e = await engineWithSim(cleanups);
    const { engine, sim } = e;
    Object.assign(engine.timing, { backoffBaseMs: 10, backoffMaxMs: 5_000, readGapMs: 10 });
    sim.faults.streamRetryMs = 600;
    sim.faults.streamsEndAtOnce = true;
    await engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await until(() => sim.streamConnects.length >= 1, 'first stream');
    const first = performance.now();
    await until(() => sim.streamConnects.length >= 3, 'two reconnects', 10_000);
    // Two reconnects at 600 ms at least each; on the backoff alone they would come after some 15 and 30 ms.
    expect(performance.now() - first).toBeGreaterThanOrEqual(1_150);
  });

  it('a stream that brings news starts the backoff again', async () => {
    const e = await engineWithSim(cleanups);
    const { engine, sim } = e;
    Object.assign(engine.timing, { backoffBaseMs: 50, backoffMaxMs: 5_000, readGapMs: 10, downPollMs: 5_000, streamStableMs: 60_000 });
    const p = await engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await until(() => sim.openStreams === 1, 'stream');
    // The stream ends three times without news: the next opens are due after 25-50, 50-100, 100-200 ms.
    sim.faults.streamsEndAtOnce = true;
    const before = sim.streamConnects.length;
    sim.streams.dropAll();
    await until(() => sim.streamConnects.length >= before + 3, 'three empty streams');
    // A stream that brings a status the till did not have yet: the backoff starts from its first step again.
    sim.faults.streamsEndAtOnce = false;
    await until(() => sim.openStreams === 1, 'stream again', 10_000);
    sim.terminalAction('DEMO0001', 'soft_decline');
    await e.waitFor(p.orderId, (x) => x.mspStatus === 'declined', 'declined');
    const opens = sim.streamConnects.length;
    const dropped = performance.now();
    sim.streams.dropAll();
    await until(() => sim.streamConnects.length > opens, 'reopened');
    // The first step is 25-50 ms; without the reset the next step would be 400-800 ms.
    expect(performance.now() - dropped).toBeLessThan(300);
  });
});

describe('reads of all payments together', () => {
  async function server(answer: (n: number) => { status: number; headers?: Record<string, string> }) {
    const at: number[] = [];
    const srv = createServer((req, res) => {
      req.resume();
      at.push(performance.now());
      const a = answer(at.length);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.status === 200 ? '{"success":true,"data":{"status":"initialized"}}' : '{"success":false,"error_code":1000}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
    return { at, root: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1/json` };
  }

  it('keep to the read pace however many payments ask at once', async () => {
    const s = await server(() => ({ status: 200 }));
    const client = new MspClient({ baseUrl: s.root, apiKey: 'k', readsPerSecond: 20 });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.getOrder(`o-${i}`)));
    expect(s.at).toHaveLength(30);
    // A burst of 20, then one every 50 ms: the 30th cannot be sent before 500 ms have passed since the first asked
    // (counted from the client's start, so a slow first arrival under load does not shorten it).
    expect(s.at[29]! - t0).toBeGreaterThanOrEqual(495);
  });

  it('a 429 pauses every call for its Retry-After; a read is then tried again, a create is refused as it stands', async () => {
    const s = await server((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const client = new MspClient({ baseUrl: s.root, apiKey: 'k', retryDelayMs: 10 });
    await expect(client.getOrder('o-1')).resolves.toMatchObject({ status: 'initialized' });
    expect(s.at).toHaveLength(2);
    expect(s.at[1]! - s.at[0]!).toBeGreaterThanOrEqual(990);
    const s2 = await server(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const writer = new MspClient({ baseUrl: s2.root, apiKey: 'k' });
    const err = await writer
      .createOrder({ orderId: 'o-2', amount: 100, currency: 'EUR', description: 'd', terminalId: 'T' })
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(MspError);
    expect(err).toMatchObject({ kind: 'refused', httpStatus: 429 });
    expect(s2.at).toHaveLength(1);
  });

  it('a 503 with Retry-After (an outage) pauses every call until then, not a request a moment', async () => {
    const s = await server((n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    const client = new MspClient({ baseUrl: s.root, apiKey: 'k', retryDelayMs: 10 });
    await expect(client.getOrder('o-1')).resolves.toMatchObject({ status: 'initialized' });
    // The read's own retry, and another payment's read meanwhile, both wait for the Retry-After.
    await client.getOrder('o-2');
    expect(s.at).toHaveLength(3);
    expect(s.at[1]! - s.at[0]!).toBeGreaterThanOrEqual(990);
  });
});
