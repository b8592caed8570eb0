import { afterEach, describe, expect, it } from 'vitest';
import { MspClient } from '../../electron/core/payments/multisafepay/client';
import { MspError } from '../../electron/core/payments/multisafepay/errors';
import { OrderStream } from '../../electron/core/payments/multisafepay/stream';
import type { OrderEvent } from '../../electron/core/payments/multisafepay/types';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { startSim, TEST_KEY, until } from '../helpers/sim';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const order = (orderId: string, terminalId = 'DEMO0001', amount = 1234) => ({
  orderId,
  amount,
  currency: 'EUR',
  description: `Sale ${orderId}`,
  terminalId,
});

async function refused(p: Promise<unknown>): Promise<MspError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MspError);
    return e as MspError;
  }
  throw new Error('expected a refusal');
}

describe('MultiSafepay client against the simulator', () => {
  it('creates a cloud POS order and reads it back with payment details after approval', async () => {
    const s = await startSim();
    sim = s.sim;
    const created = await s.client.createOrder(order('t1-1-1'));
    expect(created.orderId).toBe('t1-1-1');
    expect(created.eventsToken).toMatch(/^ey/);
    expect(created.eventsStreamUrl).toBe(`${s.sim.origin}/events/stream/`);
    expect((await s.client.getOrder('t1-1-1')).status).toBe('initialized');
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => s.sim.orders.get('t1-1-1')?.status === 'completed', 'completion');
    // As at MultiSafepay, the order says completed before its card fields are filled in: null until then.
    const first = await s.client.getOrder('t1-1-1');
    expect(first.status).toBe('completed');
    expect(first.payment_details?.last4).toBeUndefined();
    expect(first.payment_details?.terminal_id).toBe('DEMO0001');
    let o = first;
    while (!o.payment_details?.last4) o = await s.client.getOrder('t1-1-1');
    expect(o.payment_details?.last4).toMatch(/^\d{4}$/);
    expect(o.payment_details?.authorization_code).toMatch(/^\d{6}$/);
    expect(o.payment_details?.type).toBeTruthy();
  });

  it('maps every refusal to a typed error with the MultiSafepay code and a cashier sentence', async () => {
    const s = await startSim();
    sim = s.sim;
    const bad = new MspClient({ baseUrl: s.root, apiKey: 'wrong-key-123456' });
    const e1032 = await refused(bad.createOrder(order('x-1')));
    expect(e1032.code).toBe(1032);
    expect(e1032.kind).toBe('refused');
    expect(e1032.cashierMessage).toBe('The API key was refused - check Settings.');

    expect((await refused(s.client.createOrder({ ...order('x-2'), amount: 0 }))).code).toBe(1001);
    expect((await refused(s.client.createOrder({ ...order('x-3'), currency: 'eu' }))).code).toBe(1002);
    expect((await refused(s.client.createOrder({ ...order('x-4'), description: 'x'.repeat(300) }))).code).toBe(1008);
    await s.client.createOrder(order('x-5'));
    const dup = await refused(s.client.createOrder(order('x-5', 'DEMO0002')));
    expect(dup.code).toBe(1006);
    // A busy terminal: MultiSafepay documents no code. Default reading: a plain refusal (1000) - shown, never retried.
    const busy = await refused(s.client.createOrder(order('x-6')));
    expect([busy.httpStatus, busy.code, busy.kind]).toEqual([200, 1000, 'refused']);
    s.sim.dialect.busyTerminal = 'http409';
    const busy409 = await refused(s.client.createOrder(order('x-6b')));
    expect(busy409.httpStatus).toBe(409);
    expect(busy409.cashierMessage).toMatch(/busy/);
    // An unknown terminal id is refused, never created.
    expect((await refused(s.client.createOrder(order('x-6c', 'NOSUCH01')))).code).toBe(1000);
    expect(s.sim.terminals.has('NOSUCH01')).toBe(false);
    const missing = await refused(s.client.getOrder('nope'));
    expect(missing.code).toBe(1006);
    expect(missing.isNotFound).toBe(true);
    s.sim.faults.createFail = { times: 1, status: 200, code: 1019, info: 'Site inactive' };
    expect((await refused(s.client.createOrder(order('x-7', 'DEMO0003')))).cashierMessage).toMatch(/not active/);
    s.sim.faults.createFail = { times: 1, status: 200, code: 1023 };
    expect((await refused(s.client.createOrder(order('x-8', 'DEMO0003')))).code).toBe(1023);
  });

  it('treats 5xx, timeouts and lost responses on create as unknown outcome, and never retries a create', async () => {
    const s = await startSim();
    sim = s.sim;
    s.sim.faults.createFail = { times: 1, status: 503 };
    expect((await refused(s.client.createOrder(order('u-1')))).kind).toBe('unknown_outcome');
    s.sim.faults.createLoseResponse = 1;
    const lost = await refused(s.client.createOrder(order('u-2')));
    expect(lost.kind).toBe('unknown_outcome');
    expect(s.sim.createRequests.get('u-2')).toBe(1);
    expect(s.sim.orders.get('u-2')?.status).toBe('initialized');
    const slow = new MspClient({ baseUrl: s.root, apiKey: TEST_KEY, timeoutMs: 50 });
    s.sim.faults.createDelayMs = 400;
    const t = await refused(slow.createOrder(order('u-3', 'DEMO0002')));
    expect(t.kind).toBe('unknown_outcome');
    expect(t.cashierMessage).toMatch(/in time/);
  });

  it('retries reads: a GET that fails twice with 503 still succeeds', async () => {
    const s = await startSim();
    sim = s.sim;
    await s.client.createOrder(order('r-1'));
    s.sim.faults.getFail = 2;
    expect((await s.client.getOrder('r-1')).status).toBe('initialized');
    s.sim.faults.getFail = 5;
    expect((await refused(s.client.getOrder('r-1'))).kind).toBe('unknown_outcome');
  });

  it('cancels with POST /cancel; a cancel after payment leaves it completed', async () => {
    const s = await startSim();
    sim = s.sim;
    await s.client.createOrder(order('c-1'));
    expect((await s.client.cancelOrder('c-1')).status).toBe('cancelled');
    await s.client.createOrder(order('c-2'));
    s.sim.completeOrder('c-2');
    expect((await s.client.cancelOrder('c-2')).status).toBe('completed');
  });

  it('lists terminals, refunds (full, partial, duplicate) and reads POS receipts', async () => {
    const s = await startSim();
    sim = s.sim;
    const terminals = await s.client.listTerminals();
    expect(terminals.map((t) => t.id)).toEqual(['DEMO0001', 'DEMO0002', 'DEMO0003']);
    await s.client.createOrder(order('f-1'));
    expect((await refused(s.client.refund('f-1', { currency: 'EUR', description: 'r' }))).code).toBe(1034);
    s.sim.completeOrder('f-1');
    await s.client.refund('f-1', { currency: 'EUR', amount: 200, description: 'r' });
    expect((await refused(s.client.refund('f-1', { currency: 'EUR', amount: 200, description: 'r' }))).code).toBe(1034);
    expect((await s.client.getOrder('f-1')).status).toBe('partial_refunded');
    await s.client.refund('f-1', { currency: 'EUR', description: 'rest' });
    expect((await s.client.getOrder('f-1')).status).toBe('refunded');
    const receipt = await s.client.getReceipt('f-1');
    expect(receipt.order?.amount).toBe(1234);
  });

  it('follows a soft decline: declined -> initialized with a new transaction id -> completed', async () => {
    const s = await startSim();
    sim = s.sim;
    const created = await s.client.createOrder(order('sd-1'));
    const events: OrderEvent[] = [];
    const stream = new OrderStream(
      { url: created.eventsStreamUrl!, token: created.eventsToken!, auth: 'raw' },
      { onOpen() {}, onOrderEvent: (e) => events.push(e), onError() {} },
    );
    await until(() => s.sim.openStreams === 1, 'stream open');
    const firstTx = s.sim.orders.get('sd-1')!.transaction_id;
    s.sim.terminalAction('DEMO0001', 'soft_decline');
    await until(() => events.some((e) => e.status === 'initialized'), 'retry');
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => events.some((e) => e.status === 'completed'), 'completed');
    stream.close();
    // A new subscriber first hears the current status, then every change.
    expect(events.map((e) => e.status)).toEqual(['initialized', 'declined', 'initialized', 'completed']);
    expect(String(events[0]!.transaction_id)).toBe(firstTx);
    expect(String(events[2]!.transaction_id)).not.toBe(firstTx);
  });

  it('expires a waiting payment to cancelled after inactivity and frees the terminal', async () => {
    const s = await startSim({ expiryMs: 30 });
    sim = s.sim;
    await s.client.createOrder(order('e-1'));
    await until(() => s.sim.orders.get('e-1')?.status === 'cancelled', 'expiry');
    const expired = await s.client.getOrder('e-1');
    expect([expired.status, expired.reason, expired.financial_status]).toEqual(['cancelled', undefined, 'cancelled']);
    await s.client.createOrder(order('e-2'));
  });

  it('accepts the stream token raw and as Bearer, refuses bad or expired tokens with 401', async () => {
    const s = await startSim({ tokenTtlMs: 1500 });
    sim = s.sim;
    const created = await s.client.createOrder(order('a-1'));
    for (const auth of ['raw', 'bearer'] as const) {
      let opened = false;
      const st = new OrderStream(
        { url: created.eventsStreamUrl!, token: created.eventsToken!, auth },
        { onOpen: () => (opened = true), onOrderEvent() {}, onError() {} },
      );
      await until(() => opened, `open ${auth}`);
      st.close();
    }
    expect(s.sim.streamConnects.map((c) => c.auth)).toEqual(['raw', 'bearer']);
    s.sim.faults.streamAuth = 'bearer';
    let status: number | undefined;
    const st = new OrderStream(
      { url: created.eventsStreamUrl!, token: created.eventsToken!, auth: 'raw' },
      { onOpen() {}, onOrderEvent() {}, onError: (e) => (status = e.status) },
    );
    await until(() => status, '401');
    expect(status).toBe(401);
    expect(st.state).toBe('closed');
    status = undefined;
    new OrderStream(
      { url: created.eventsStreamUrl!, token: 'not.a.token', auth: 'bearer' },
      { onOpen() {}, onOrderEvent() {}, onError: (e) => (status = e.status) },
    );
    await until(() => status, '401 bad token');
    expect(status).toBe(401);
  });

  it('ignores junk, unknown types, malformed data and huge lines; passes duplicates through for the engine', async () => {
    const s = await startSim();
    sim = s.sim;
    Object.assign(s.sim.faults, { junkEvents: true, hugeLines: true, duplicateEvents: true });
    const created = await s.client.createOrder(order('j-1'));
    const events: OrderEvent[] = [];
    let errors = 0;
    const st = new OrderStream(
      { url: created.eventsStreamUrl!, token: created.eventsToken!, auth: 'raw' },
      { onOpen() {}, onOrderEvent: (e) => events.push(e), onError: () => errors++ },
    );
    await until(() => s.sim.openStreams === 1, 'open');
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => events.filter((e) => e.order_id === 'j-1').length >= 3, 'events');
    st.close();
    expect(errors).toBe(0);
    expect(events.filter((e) => e.order_id === 'j-1').map((e) => e.status)).toEqual(['initialized', 'completed', 'completed']);
    expect(events.filter((e) => e.order_id !== 'j-1').map((e) => e.order_id)).toEqual(['someone-else']);
  });

  it('never puts the API key in a URL, an error message or a log line', async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string, meta?: object) => lines.push(m + JSON.stringify(meta ?? {})),
      warn: (m: string, meta?: object) => lines.push(m + JSON.stringify(meta ?? {})),
      error: (m: string, meta?: object) => lines.push(m + JSON.stringify(meta ?? {})),
    };
    const s = await startSim();
    sim = s.sim;
    const client = new MspClient({ baseUrl: s.root, apiKey: TEST_KEY, logger, retryDelayMs: 1 });
    await client.createOrder(order('k-1'));
    await client.getOrder('k-1');
    await client.listTerminals();
    s.sim.faults.getFail = 10;
    const err = await refused(client.getOrder('k-1'));
    const wrong = new MspClient({ baseUrl: s.root, apiKey: `${TEST_KEY}x`, logger });
    const err2 = await refused(wrong.getOrder('k-1'));
    expect(s.sim.requestLog.length).toBeGreaterThan(4);
    for (const url of s.sim.requestLog) expect(url).not.toContain(TEST_KEY);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l).not.toContain(TEST_KEY);
    for (const e of [err, err2]) {
      expect(e.message).not.toContain(TEST_KEY);
      expect(JSON.stringify(e)).not.toContain(TEST_KEY);
    }
  });
});
