/**
 * MultiSafepay's documented answers (test/fixtures/msp, copied from MultiSafepay's docs and SDKs; see SOURCES.md)
 * fed byte for byte to the real client over loopback HTTP. Each must be read, nulls, numeric ids and all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/core/log';
import { MspClient } from '../../electron/core/payments/multisafepay/client';
import { MspError } from '../../electron/core/payments/multisafepay/errors';
import { OrderEventSchema } from '../../electron/core/payments/multisafepay/types';
import { cardOf } from '../../electron/core/payments/multisafepay/provider';
import { cannedServer } from '../helpers/canned';

const FIXTURES = join(__dirname, '../fixtures/msp');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

let server: Awaited<ReturnType<typeof cannedServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(...bodies: (string | [string, number])[]) {
  server = await cannedServer();
  for (const b of bodies) {
    if (typeof b === 'string') server.answer(b);
    else server.answer(b[0], b[1]);
  }
  const lines: { message: string; meta?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: (message, meta) => lines.push({ message, ...(meta ? { meta } : {}) }),
    warn: (message, meta) => lines.push({ message, ...(meta ? { meta } : {}) }),
    error: (message, meta) => lines.push({ message, ...(meta ? { meta } : {}) }),
  };
  const client = new MspClient({ baseUrl: server.root, apiKey: 'key_for_the_canned_server', readRetries: 0, logger });
  return { client, lines };
}

describe('documented create answers', () => {
  for (const name of [
    'create-order-cloud-pos.json',
    'create-order-cloud-pos-event-notifications.json',
    'create-order-unreferenced-refund-cloud.json',
  ]) {
    it(`${name}: the order, its events token and stream URL are read`, async () => {
      const doc = JSON.parse(fixture(name)).data;
      const { client } = await clientFor(fixture(name));
      const created = await client.createOrder({
        orderId: 'sale-1',
        amount: 100,
        currency: 'EUR',
        description: 'Sale 1',
        terminalId: 'T1',
      });
      expect(created.orderId).toBe(doc.order_id);
      expect(created.eventsToken).toBe(doc.events_token);
      expect(created.eventsStreamUrl).toBe(doc.events_stream_url);
    });
  }
});

describe('documented order answers', () => {
  const orders = [
    'get-order-pos-completed.json',
    'get-order-generic.json',
    'get-order-card-3ds.json',
    'get-order-card-declined-3ds.json',
    'sdk/php-sdk-credit-card-order.json',
  ];
  for (const name of orders) {
    it(`${name}: status, exact transaction id, reason and card are read`, async () => {
      const text = fixture(name);
      const doc = JSON.parse(text).data;
      const { client } = await clientFor(text);
      const o = await client.getOrder('any');
      expect(o.status).toBe(doc.status);
      expect(o.order_id).toBe(String(doc.order_id));
      // Read from the text, not from JSON.parse: ids beyond 2^53 must survive digit for digit.
      const inText = [...text.matchAll(/"transaction_id"\s*:\s*"?(\d+)/g)].map((m) => m[1]);
      expect(inText).toContain(o.transaction_id);
      expect(Number(o.transaction_id)).toBe(Number(doc.transaction_id));
      expect(o.reason).toBe(doc.reason || undefined);
      expect(o.amount).toBe(doc.amount);
      const card = cardOf(o);
      expect(card?.last4).toBe(doc.payment_details.last4 == null ? undefined : String(doc.payment_details.last4));
    });
  }

  it('the POS order: terminal, entry mode and authorization code are the documented ones', async () => {
    const { client } = await clientFor(fixture('get-order-pos-completed.json'));
    const o = await client.getOrder('TestGetOrder123123');
    expect(o.payment_details?.terminal_id).toBe('0000004d');
    expect(cardOf(o)).toEqual({ type: 'VISA', last4: '1234', authorizationCode: '705151', entryMode: 'ICC_CONTACTLESS' });
    expect(o.transaction_id).toBe('123412342341234');
  });

  it('the generic order: a transaction id above 2^53 is kept exactly', async () => {
    const { client } = await clientFor(fixture('get-order-generic.json'));
    expect((await client.getOrder('x')).transaction_id).toBe('17472052901237122');
  });

  it('an order answer without its envelope fields but a numeric order_id (PHP SDK fixture) is read', async () => {
    const data = fixture('sdk/php-sdk-order-data-only.json');
    const { client } = await clientFor(`{"success":true,"data":${data}}`);
    const o = await client.getOrder('1588947171');
    expect(o.order_id).toBe('1588947171');
    expect(o.status).toBe('uncleared');
  });
});

describe('documented cancel answers (no order_id, financial_status null, payment_details {})', () => {
  for (const name of ['cancel-order-pos.json', 'cancel-order-bancontact-qr.json']) {
    it(`${name}: read as cancelled`, async () => {
      const { client } = await clientFor(fixture(name));
      const o = await client.cancelOrder('sale-1');
      expect(o.status).toBe('cancelled');
      expect(o.order_id).toBeUndefined();
      expect(cardOf(o)).toBeUndefined();
    });
  }
});

describe('documented terminal lists', () => {
  for (const name of [
    'terminals-list.json',
    'terminal-group-terminals.json',
    'sdk/php-sdk-terminals.json',
    'sdk/php-sdk-terminals-by-group.json',
  ]) {
    it(`${name}: every terminal is read, group ids as strings, and paging stops`, async () => {
      const text = fixture(name);
      const doc = JSON.parse(text).data as { id: string; active: boolean }[];
      // Offered the same page again, the client stops instead of looping (the documented pager has no cursor).
      const { client } = await clientFor(text, text, text);
      const list = await client.listTerminals();
      expect(list.map((t) => t.id)).toEqual(doc.map((t) => t.id));
      expect(list.map((t) => t.active)).toEqual(doc.map((t) => t.active));
      expect(typeof list[0]!.group_id).toBe('string');
    });
  }
});

describe('documented refund and receipt answers', () => {
  for (const name of ['refund.json', 'sdk/node-wrapper-create-refund.json']) {
    it(`${name}: the refund's transaction id is read as a string`, async () => {
      const doc = JSON.parse(fixture(name)).data;
      const { client } = await clientFor(fixture(name));
      const r = await client.refund('sale-1', { currency: 'EUR', amount: 100, description: 'Refund' });
      expect(r.transaction_id).toBe(String(doc.transaction_id));
    });
  }
  for (const name of ['pos-receipt.json', 'pos-receipt-tip.json', 'pos-receipt-refund.json', 'pos-receipt-declined.json']) {
    it(`${name}: read`, async () => {
      const doc = JSON.parse(fixture(name)).data;
      const { client } = await clientFor(fixture(name));
      const r = await client.getReceipt('sale-1');
      expect(r.order?.amount).toBe(doc.order.amount);
      expect(r.order?.transaction_id).toBe(String(doc.order.transaction_id));
      expect(r.merchant?.name).toBe(doc.merchant.name);
    });
  }
});

describe('documented errors', () => {
  it('error 1032 (invalid key): refused, code kept, cashier sentence', async () => {
    const { client } = await clientFor([fixture('sdk/thirdparty-zenjoy-ruby-error-1032.json'), 200]);
    const err = (await client.getOrder('x').catch((e: unknown) => e)) as MspError;
    expect([err.kind, err.code, err.cashierMessage]).toEqual(['refused', 1032, 'The API key was refused - check Settings.']);
  });
  it('a generic failure with data as an array: refused with its code', async () => {
    const { client } = await clientFor([fixture('sdk/php-sdk-generic-fail.json'), 200]);
    const err = (await client.getOrder('x').catch((e: unknown) => e)) as MspError;
    expect(err.kind).toBe('refused');
    expect(err.code).toBe(JSON.parse(fixture('sdk/php-sdk-generic-fail.json')).error_code);
  });
  it('403 {"message":"Forbidden"} and {success:"false"}: refused, never read as success', async () => {
    const { client } = await clientFor(
      ['{"message":"Forbidden"}', 403],
      ['{"success":"false","data":"","error_code":"1006","error_info":"Not found"}', 200],
    );
    const e1 = (await client.cancelOrder('x').catch((e: unknown) => e)) as MspError;
    expect([e1.kind, e1.httpStatus, e1.info]).toEqual(['refused', 403, 'Forbidden']);
    const e2 = (await client.getOrder('x').catch((e: unknown) => e)) as MspError;
    expect([e2.kind, e2.code, e2.isNotFound]).toEqual(['refused', 1006, true]);
  });
  it('a bare 404 from another host is not "order not found"', async () => {
    const { client } = await clientFor(['<html>Not Found</html>', 404]);
    const err = (await client.getOrder('x').catch((e: unknown) => e)) as MspError;
    expect(err.isNotFound).toBe(false);
    expect(err.fromMsp).toBe(false);
  });
});

describe('documented stream events', () => {
  for (const name of ['event-session-order-initialized.json', 'event-session-order-completed.json']) {
    it(`${name}: read`, () => {
      const doc = JSON.parse(fixture(name));
      const e = OrderEventSchema.parse(doc);
      expect([e.order_id, e.status, e.transaction_id]).toEqual([doc.order_id, doc.status, doc.transaction_id]);
    });
  }
  it("a numeric transaction id (as MultiSafepay's message-bus types it) is read as a string", () => {
    expect(OrderEventSchema.parse({ order_id: 'a', status: 'completed', transaction_id: 890000000 }).transaction_id).toBe('890000000');
  });
});

describe('an answer that cannot be read', () => {
  it('is unknown outcome, logged with field names and types only - never values', async () => {
    const secretish = 'card-4111111111111111';
    const { client, lines } = await clientFor(JSON.stringify({ success: true, data: { status: { nested: secretish }, last4: secretish } }));
    const err = (await client.getOrder('x').catch((e: unknown) => e)) as MspError;
    expect(err.kind).toBe('unknown_outcome');
    const line = lines.find((l) => l.message === 'msp answer unreadable');
    expect(line?.meta?.shape).toBe(JSON.stringify({ status: { nested: 'string' }, last4: 'string' }));
    expect(JSON.stringify(lines)).not.toContain(secretish);
  });
});

describe('the events stream URL from a create answer', () => {
  it("is used only on MultiSafepay's hosts over https or on the API root's own host; anything else is dropped (the till polls)", async () => {
    const { client } = await clientFor(
      JSON.stringify({ success: true, data: { order_id: 'x', events_token: 'eyJ.t.s', events_stream_url: 'https://evil.example/steal' } }),
    );
    expect(client.streamUrlAllowed('https://api.multisafepay.com/events/stream/')).toBe(true);
    expect(client.streamUrlAllowed('https://events.multisafepay.com/stream')).toBe(true);
    expect(client.streamUrlAllowed('http://api.multisafepay.com/events/stream/')).toBe(false);
    expect(client.streamUrlAllowed('https://multisafepay.com.evil.example/stream')).toBe(false);
    expect(client.streamUrlAllowed('https://evil.example/events/stream/')).toBe(false);
    expect(client.streamUrlAllowed(`${server!.root.replace('/v1/json', '')}/events/stream/`)).toBe(true); // loopback API root
    expect(client.streamUrlAllowed('http://127.0.0.1:1/events/stream/')).toBe(false); // another port is another host
    const created = await client.createOrder({ orderId: 'x', amount: 100, currency: 'EUR', description: 'Sale x', terminalId: 'T1' });
    expect(created.eventsToken).toBe('eyJ.t.s');
    expect(created.eventsStreamUrl).toBeUndefined();
  });
});
