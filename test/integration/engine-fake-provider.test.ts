/**
 * The payment engine against a provider written for the test (test/helpers/fake-provider.ts), through the
 * payment-provider port alone: no MultiSafepay client, stream, status word or simulator is involved. The same
 * behaviours as the engine suite against the simulator: create -> follow -> paid, soft declines, cancels, a lost
 * create answer, refusals and rate limits, refunds, and recovery after a restart on the same ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentEngine, type EngineEvent } from '../../electron/core/engine/engine';
import type { EngineTiming } from '../../electron/core/engine/types';
import { Ledger } from '../../electron/core/ledger/ledger';
import { silentLogger } from '../../electron/core/log';
import { ProviderError } from '../../electron/core/payments/provider';
import { SalesBook } from '../../electron/core/sales';
import { openConfStore } from '../../electron/core/storage/kv';
import type { PaymentView } from '../../shared/payment';
import type { RefundRecord, SaleRecord } from '../../shared/contract';
import { FAKE_CARD, FakeProvider } from '../helpers/fake-provider';
import { FAST_TIMING } from '../helpers/timing';

// The simulator suite's fast timings (test/helpers/timing.ts, free of MultiSafepay), no reads after a final answer.
const TIMING: Partial<EngineTiming> = { ...FAST_TIMING, finalWatchMs: 0 };
const LINES = [{ name: 'Coffee', unitPrice: 350, quantity: 2 }];
const T1 = 'TERM-1';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An engine on `dataDir` (a new one unless given: a restart reuses it) following the fake provider's payments. */
function engineOn(fake: FakeProvider, dataDir = mkdtempSync(join(tmpdir(), 'till-fake-')), timing: Partial<EngineTiming> = {}) {
  const opened = openConfStore(dataDir, 'till-state');
  const ledger = new Ledger(join(dataDir, 'ledger.sqlite'), { readStatus: fake.readStatus });
  const engine = new PaymentEngine({ provider: () => fake, store: opened.store, ledger, timing: { ...TIMING, ...timing } });
  const events: EngineEvent[] = [];
  const alarms: string[] = [];
  engine.on((e) => events.push(e));
  engine.onAlarm = (_level, _message, key) => alarms.push(key);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await engine.stop();
    ledger.close();
  };
  cleanups.push(stop);
  /** Resolves with the payment once `pred` holds, checked now and on every engine event (no polling, no sleeps). */
  const waitFor = (orderId: string, pred: (p: PaymentView) => boolean, what = 'payment state') =>
    new Promise<PaymentView>((resolve, reject) => {
      const now = engine.payment(orderId);
      if (now && pred(now)) return resolve(now);
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for ${what}; last ${JSON.stringify(engine.payment(orderId))}`));
      }, 5_000);
      const off = engine.on((e) => {
        if (e.type !== 'payment' || e.payment.orderId !== orderId || !pred(e.payment)) return;
        clearTimeout(timer);
        off();
        resolve(e.payment);
      });
    });
  const states = (orderId: string) =>
    events
      .filter((e) => e.type === 'payment' && e.payment.orderId === orderId)
      .map((e) => (e as { payment: PaymentView }).payment.state)
      .filter((s, i, a) => a[i - 1] !== s);
  return { engine, ledger, dataDir, events, alarms, waitFor, states, stop };
}

function started(fake = new FakeProvider(), timing: Partial<EngineTiming> = {}) {
  const t = engineOn(fake, undefined, timing);
  t.engine.start();
  return { fake, ...t };
}

const charge = (t: { engine: PaymentEngine }, terminalId = T1) => t.engine.charge({ terminalId, lines: LINES, currency: 'EUR' });

describe('the engine through the payment-provider port (a fake provider)', () => {
  it('create -> follow -> paid: the card is recorded, the terminal freed, the stream closed', async () => {
    const t = started();
    const p = await charge(t);
    expect(p.state).toBe('initialized');
    expect(t.fake.creates.get(p.orderId)).toBe(1);
    expect(t.engine.busyOrderId(T1)).toBe(p.orderId);
    await t.fake.streamOpened(p.orderId);
    expect(t.fake.openStreams).toBe(1);
    t.fake.play(p.orderId, 'approved');
    const done = await t.waitFor(p.orderId, (x) => x.state === 'completed' && !!x.card);
    expect(done.card).toEqual(FAKE_CARD);
    expect(done.mspStatus).toBe('approved');
    expect(done.reason).toBeUndefined();
    expect(t.states(p.orderId)).toEqual(['creating', 'initialized', 'completed']);
    expect(t.engine.busyOrderId(T1)).toBeUndefined();
    expect(t.ledger.attempt(p.orderId)).toMatchObject({ state: 'completed', card: FAKE_CARD });
    expect(t.fake.openStreams).toBe(0);
  });

  it('a double request for one terminal makes one payment; the second is refused as busy', async () => {
    const t = started();
    const [a, b] = await Promise.allSettled([charge(t), charge(t)]);
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'terminal_busy' } });
    expect(t.fake.calls.create).toBe(1);
  });

  it('a soft decline is not final: the terminal asks again and the payment ends paid', async () => {
    const t = started();
    const p = await charge(t);
    await t.fake.streamOpened(p.orderId);
    t.fake.play(p.orderId, 'pin_again');
    await t.waitFor(p.orderId, (x) => x.state === 'soft_declined');
    t.fake.play(p.orderId, 'pending', 'approved');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(t.states(p.orderId)).toEqual(['creating', 'initialized', 'soft_declined', 'initialized', 'completed']);
  });

  it('declined and then ended by the provider: cancelled, reason "declined"; ended unread for long: "expired"', async () => {
    const t = started();
    const p = await charge(t);
    await t.fake.streamOpened(p.orderId);
    t.fake.play(p.orderId, 'pin_again', 'voided');
    const end = await t.waitFor(p.orderId, (x) => x.state === 'cancelled');
    expect(end.reason).toBe('declined');

    const q = await charge(t);
    await t.fake.streamOpened(q.orderId);
    t.fake.play(q.orderId, 'timed_out');
    expect((await t.waitFor(q.orderId, (x) => x.state === 'cancelled')).reason).toBe('expired');
  });

  it('a status the till has no meaning for keeps the payment waiting and says what the provider reports', async () => {
    const t = started();
    const p = await charge(t);
    await t.fake.streamOpened(p.orderId);
    t.fake.play(p.orderId, 'on_hold');
    const w = await t.waitFor(p.orderId, (x) => x.mspStatus === 'on_hold');
    expect(w.state).toBe('initialized');
    expect(w.messageKey).toBe('msp_status');
    expect(t.engine.busyOrderId(T1)).toBe(p.orderId);
  });

  it('cancel: cancelled by the till; a cancel that loses to a customer who already paid ends paid', async () => {
    const t = started();
    const p = await charge(t);
    const c = await t.engine.cancel(p.orderId);
    expect(c).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_till' });
    expect(t.engine.busyOrderId(T1)).toBeUndefined();

    const q = await charge(t);
    t.fake.silent = true; // the till hears nothing of the payment
    t.fake.setStatus(q.orderId, 'approved');
    const r = await t.engine.cancel(q.orderId);
    expect(r.state).toBe('completed');
    expect(t.states(q.orderId)).toEqual(['creating', 'initialized', 'cancelling', 'completed']);
  });

  it('a cancel the provider refuses goes back to the state before, with the reason, the terminal still held', async () => {
    const t = started();
    const p = await charge(t);
    t.fake.failNext('cancel', new ProviderError({ kind: 'refused', cashierMessage: 'Not now.', code: 77 }));
    const r = await t.engine.cancel(p.orderId);
    expect(r.state).toBe('initialized');
    expect(r.message).toBe('The cancel did not go through: Not now.');
    expect(t.engine.busyOrderId(T1)).toBe(p.orderId);
    expect(t.fake.payments.get(p.orderId)!.status).toBe('pending');
  });

  it('a lost create answer: the payment is found with a read and adopted, never created twice', async () => {
    const t = started();
    t.fake.failNext('create', 'lose_answer');
    const p = await charge(t);
    expect(p.state).toBe('creating');
    expect(p.messageKey).toBe('checking');
    await t.waitFor(p.orderId, (x) => x.state === 'initialized');
    // No events token came back: followed by reads.
    t.fake.setStatus(p.orderId, 'approved');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(t.fake.creates.get(p.orderId)).toBe(1);
    expect(t.fake.follows).toEqual([]);
  });

  it('a create that never reached the provider: after the grace and repeated "not found", failed "not sent"', async () => {
    const t = started();
    t.fake.failNext('create', 'never_arrives');
    const p = await charge(t);
    const f = await t.waitFor(p.orderId, (x) => x.state === 'failed');
    expect(f.reason).toBe('not_sent');
    expect(f.messageKey).toBe('not_sent');
    expect(t.fake.calls.get).toBeGreaterThanOrEqual(3);
    expect(t.fake.payments.size).toBe(0);
    expect(t.engine.busyOrderId(T1)).toBeUndefined();
  });

  it('a create refused: failed at once with the provider code in the key, or "terminal busy"; the terminal is free', async () => {
    const t = started();
    t.fake.failNext('create', new ProviderError({ kind: 'refused', cashierMessage: 'Account closed.', code: 4711 }));
    const p = await charge(t);
    expect(p).toMatchObject({ state: 'failed', reason: 'refused', messageKey: 'refused_4711', message: 'Account closed.' });
    expect(t.engine.busyOrderId(T1)).toBeUndefined();
    t.fake.failNext('create', new ProviderError({ kind: 'refused', cashierMessage: 'Busy.', terminalBusy: true }));
    expect(await charge(t)).toMatchObject({ state: 'failed', messageKey: 'terminal_busy' });
  });

  it('rate limited (an error with Retry-After): a refused create charges nothing; limited reads leave the payment open until they pass', async () => {
    const t = started();
    const slowDown = (kind: 'refused' | 'unknown_outcome') => new ProviderError({ kind, cashierMessage: 'Slow down.', retryAfterMs: 50 });
    t.fake.failNext('create', slowDown('refused'));
    expect(await charge(t)).toMatchObject({ state: 'failed', messageKey: 'refused_other' });
    expect(t.fake.payments.size).toBe(0);

    t.fake.refuseStreams = true; // followed by reads alone
    const p = await charge(t);
    t.fake.failNext('get', slowDown('unknown_outcome'), 5);
    const readsBefore = t.fake.calls.get;
    t.fake.setStatus(p.orderId, 'approved');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    // The five limited reads came first; the payment was still open while they failed.
    expect(t.fake.calls.get - readsBefore).toBeGreaterThan(5);
  });

  it('a refused stream: the next variant is tried once, and with none left the payment is followed by reads', async () => {
    const two = new FakeProvider({ followVariants: 2 });
    two.refusedVariants.add(0);
    const t = started(two);
    const p = await charge(t);
    await two.streamOpened(p.orderId);
    expect(two.follows.map((f) => f.variant)).toEqual([0, 1]);
    expect(two.openStreams).toBe(1);
    two.play(p.orderId, 'approved');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');

    const one = started(new FakeProvider());
    one.fake.refuseStreams = true;
    const q = await charge(one);
    expect(one.fake.openStreams).toBe(0);
    one.fake.setStatus(q.orderId, 'approved');
    await one.waitFor(q.orderId, (x) => x.state === 'completed');
    expect(one.fake.follows).toHaveLength(1);
  });

  it('a dropped stream is reconnected, and what happened while it was down is read', async () => {
    const t = started();
    const p = await charge(t);
    await t.fake.streamOpened(p.orderId);
    t.fake.silent = true;
    t.fake.setStatus(p.orderId, 'approved');
    t.fake.silent = false;
    t.fake.dropStreams();
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(t.fake.follows.length).toBeGreaterThanOrEqual(1);
  });

  it('a tip added on the terminal: the charged amount is recorded and the cashier told', async () => {
    const t = started();
    const p = await charge(t);
    t.fake.silent = true;
    t.fake.setStatus(p.orderId, 'approved', { charged: 800 });
    await t.engine.cancel(p.orderId).catch(() => undefined); // the cancel's answer says paid; the read brings the amount
    const done = await t.waitFor(p.orderId, (x) => x.state === 'completed' && x.paidAmount !== undefined);
    expect(done.paidAmount).toBe(800);
    expect(t.alarms).toContain('paid_tip');
  });

  it('reconciliation finds a payment the provider reports paid that the till has as cancelled', async () => {
    const t = started();
    const p = await charge(t);
    await t.engine.cancel(p.orderId);
    t.fake.payments.get(p.orderId)!.status = 'approved';
    const rec = await t.engine.reconcile(0, Date.now() + 1);
    expect(rec.checked).toBe(1);
    expect(rec.mismatches).toEqual([
      expect.objectContaining({ orderId: p.orderId, kind: 'orphan_payment', till: 'cancelled', msp: 'approved' }),
    ]);
  });
});

describe('refunds through the provider port', () => {
  async function paidSale() {
    const t = started();
    const done: RefundRecord[] = [];
    const notices: string[] = [];
    let onDone: (() => void) | undefined;
    /** Resolves at the next refund the sales book reports done. */
    const nextRefundDone = () => new Promise<void>((resolve) => (onDone = resolve));
    const sales = new SalesBook({
      ledger: t.ledger,
      engine: t.engine,
      provider: () => t.fake,
      logger: silentLogger,
      now: Date.now,
      monotonic: () => performance.now(),
      currency: () => 'EUR',
      cashRounding: () => 0,
      refundGraceMs: 200,
      refundRecheckMaxMs: 50,
      notice: (_level, _message, extra) => notices.push(extra?.key ?? ''),
      onRefundDone: (_sale: SaleRecord, refund: RefundRecord) => {
        done.push(refund);
        onDone?.();
      },
    });
    cleanups.push(() => sales.stop());
    sales.start();
    const p = await charge(t);
    await t.fake.streamOpened(p.orderId);
    t.fake.play(p.orderId, 'approved');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    return { ...t, sales, orderId: p.orderId, done, notices, nextRefundDone };
  }

  it('a card refund is sent to the provider and recorded with its transaction id', async () => {
    const t = await paidSale();
    const sale = await t.sales.refunds.refund(t.orderId, 300);
    const tx = t.fake.payments.get(t.orderId)!.refunds[0]!.transactionId;
    expect(sale.refunds).toMatchObject([{ amount: 300, state: 'done', transactionId: tx }]);
    expect(sale.status).toBe('partially_refunded');
    expect(t.done).toHaveLength(1);
  });

  it('a lost refund answer: "may have gone through", no second refund meanwhile, settled from a re-read', async () => {
    const t = await paidSale();
    t.fake.failNext('refund', 'lose_answer');
    const settled = t.nextRefundDone();
    await expect(t.sales.refunds.refund(t.orderId, 300)).rejects.toMatchObject({ code: 'refund_unknown' });
    expect(t.ledger.refunds.ofOrder(t.orderId).map((r) => r.state)).toEqual(['pending']);
    await expect(t.sales.refunds.refund(t.orderId, 200)).rejects.toMatchObject({ code: 'refund_pending' });
    await settled;
    expect(t.ledger.refunds.ofOrder(t.orderId)).toMatchObject([
      { state: 'done', amount: 300, transaction_id: t.fake.payments.get(t.orderId)!.refunds[0]!.transactionId },
    ]);
    expect(t.fake.payments.get(t.orderId)!.refunds).toHaveLength(1);
    expect(t.notices).toContain('refund_went_through');
    expect(t.done).toHaveLength(1);
  });

  it('a refund the provider refuses is recorded as failed and nothing is refunded', async () => {
    const t = await paidSale();
    t.fake.failNext('refund', new ProviderError({ kind: 'refused', cashierMessage: 'Too much.', code: 9003 }));
    await expect(t.sales.refunds.refund(t.orderId, 300)).rejects.toMatchObject({ kind: 'refused', code: 9003 });
    expect(t.ledger.refunds.ofOrder(t.orderId).map((r) => r.state)).toEqual(['failed']);
    expect(t.fake.payments.get(t.orderId)!.refunds).toHaveLength(0);
  });
});

describe('recovery after a restart (a new engine on the same ledger)', () => {
  it('a payment open at the crash and paid meanwhile ends paid after the restart; the terminal is held until then', async () => {
    const fake = new FakeProvider();
    const first = engineOn(fake);
    first.engine.start();
    const p = await charge(first);
    await fake.streamOpened(p.orderId);
    await first.stop();
    expect(fake.openStreams).toBe(0);
    fake.setStatus(p.orderId, 'approved');

    const again = engineOn(fake, first.dataDir);
    expect(again.engine.busyOrderId(T1)).toBe(p.orderId);
    await expect(charge(again)).rejects.toMatchObject({ code: 'terminal_busy' });
    again.engine.start();
    expect(again.engine.payment(p.orderId)?.recovered).toBe(true);
    await again.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(again.engine.busyOrderId(T1)).toBeUndefined();
    expect(again.ledger.attempt(p.orderId)?.state).toBe('completed');
    expect(fake.creates.get(p.orderId)).toBe(1);
  });

  it('a create whose answer was lost before the crash: the order is adopted after the restart, not sent again', async () => {
    const fake = new FakeProvider();
    fake.failNext('create', 'lose_answer');
    fake.failNext('get', new ProviderError({ kind: 'unknown_outcome', cashierMessage: 'Offline.' }), 1_000);
    const first = engineOn(fake);
    first.engine.start();
    const p = await charge(first);
    expect(p.state).toBe('creating');
    await first.stop();
    fake.clearFailures(); // the provider is reachable again

    const again = engineOn(fake, first.dataDir);
    again.engine.start();
    expect(again.engine.payment(p.orderId)).toMatchObject({ state: 'creating', recovered: true });
    await again.waitFor(p.orderId, (x) => x.state === 'initialized');
    fake.setStatus(p.orderId, 'approved');
    await again.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(fake.calls.create).toBe(1);
  });

  it('a cancel in flight at the crash is sent again at the start, and its answer ends the payment', async () => {
    const fake = new FakeProvider();
    const first = engineOn(fake);
    first.engine.start();
    const p = await charge(first);
    fake.failNext('cancel', 'hang'); // the till stops before the cancel is answered
    void first.engine.cancel(p.orderId);
    await first.waitFor(p.orderId, (x) => x.state === 'cancelling');
    expect(first.ledger.attempt(p.orderId)?.state).toBe('cancelling');
    await first.stop();
    expect(fake.payments.get(p.orderId)!.status).toBe('pending');

    const again = engineOn(fake, first.dataDir);
    again.engine.start();
    const end = await again.waitFor(p.orderId, (x) => x.state === 'cancelled');
    expect(end.reason).toBe('cancelled_by_till');
    expect(fake.calls.cancel).toBe(2);
  });
});
