/**
 * Every MultiSafepay status row (docs/multisafepay.md) through the real engine, client and simulator in the
 * documented dialect; the supervisor's release; a stalled link; card details that arrive late.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineWithSim, LINES } from '../helpers/engine';
import { startSim, until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const setup = (simOpts: Parameters<typeof startSim>[0] = {}) => engineWithSim(cleanups, simOpts);
const charge = (t: Awaited<ReturnType<typeof setup>>, terminalId = 'DEMO0001') =>
  t.engine.charge({ terminalId, lines: LINES, currency: 'EUR' });

// status MultiSafepay reports -> the attempt's state, and whether the terminal is then free
const ROWS: [string, 'completed' | 'cancelled' | 'initialized' | 'soft_declined', boolean][] = [
  ['completed', 'completed', true],
  ['COMPLETED', 'completed', true],
  ['shipped', 'completed', true],
  ['refunded', 'completed', true],
  ['partial_refunded', 'completed', true],
  ['chargedback', 'completed', true],
  ['cancelled', 'cancelled', true],
  ['Void', 'cancelled', true],
  ['expired', 'cancelled', true],
  ['declined', 'soft_declined', false],
  ['uncleared', 'initialized', false],
  ['reserved', 'initialized', false],
  ['some_new_status', 'initialized', false],
];

describe('every status has a meaning', () => {
  for (const [status, state, free] of ROWS) {
    it(`"${status}" -> ${state}${free ? ', terminal free' : ', terminal held'}`, async () => {
      const t = await setup();
      const p = await charge(t);
      await until(() => t.sim.openStreams === 1, 'stream');
      if (state !== 'initialized') t.sim.forceStatus(p.orderId, status);
      else {
        // Waiting statuses: go via a soft decline so a change of state is visible.
        t.sim.terminalAction('DEMO0001', 'decline');
        await t.waitFor(p.orderId, (x) => x.state === 'soft_declined');
        t.sim.forceStatus(p.orderId, status);
      }
      const seen = await t.waitFor(p.orderId, (x) => x.state === state && x.mspStatus === status);
      expect(t.engine.busyOrderId('DEMO0001') === undefined).toBe(free);
      if (status === 'some_new_status') expect(seen.message).toContain('"some_new_status"');
      expect(t.ledger.attempt(p.orderId)?.mspStatus).toBe(status);
    });
  }

  it('a waiting status is never cancelled by the till on its own', async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.forceStatus(p.orderId, 'uncleared');
    await t.waitFor(p.orderId, (x) => x.mspStatus === 'uncleared');
    // Several polls later it is still waiting, and MultiSafepay received no cancel.
    const polls = t.sim.requestLog.length;
    await until(() => t.sim.requestLog.length > polls + 3, 'more polls');
    expect(t.engine.payment(p.orderId)?.state).toBe('initialized');
    expect(t.sim.requestLog.some((r) => r.endsWith('/cancel'))).toBe(false);
  });
});

describe('a declined card as documented', () => {
  it('the customer may try again after a decline and pay; the panel never showed a final state in between', async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'decline');
    await t.waitFor(p.orderId, (x) => x.state === 'soft_declined');
    expect(t.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });
  it('after a decline, 60 s of inactivity at the terminal ends it as cancelled', async () => {
    const t = await setup({ expiryMs: 150 });
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'decline');
    const ended = await t.waitFor(p.orderId, (x) => x.state === 'cancelled');
    expect(ended.reason).toBe('declined');
    expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();
  });
});

describe('supervisor release', () => {
  it('an order MultiSafepay still reports as waiting and will not cancel: released after the re-read, status and reason recorded', async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.forceStatus(p.orderId, 'uncleared');
    await t.waitFor(p.orderId, (x) => x.mspStatus === 'uncleared');
    t.sim.faults.cancelFail = 1;
    const r = await t.engine.resolve(p.orderId, 'terminal broken, customer left');
    expect(r.state).toBe('failed');
    expect(r.messageKey).toBe('released');
    expect(r.message).toContain('"uncleared"');
    expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();
    expect(t.ledger.history.resolutionsOf(p.orderId)).toMatchObject([
      { orderId: p.orderId, mspStatus: 'uncleared', reason: 'terminal broken, customer left' },
    ]);
    expect(t.ledger.attempt(p.orderId)?.resolvedReason).toBe('terminal broken, customer left');
  });

  it('a released payment is still watched: if MultiSafepay then reports it paid, it is recorded paid and the cashier alarmed', async () => {
    const t = await setup();
    const alarms: string[] = [];
    t.engine.onAlarm = (_level, _message, key) => alarms.push(key);
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.forceStatus(p.orderId, 'uncleared');
    await t.waitFor(p.orderId, (x) => x.mspStatus === 'uncleared');
    t.sim.faults.cancelFail = 1;
    expect((await t.engine.resolve(p.orderId, 'terminal frozen')).state).toBe('failed');
    t.sim.forceStatus(p.orderId, 'completed'); // the customer paid after all
    await until(() => t.ledger.attempt(p.orderId)?.state === 'completed', 'recorded paid after all');
    expect(t.engine.payment(p.orderId)?.messageKey).toBe('late_paid');
    expect(alarms).toContain('late_paid');
  });

  it('a waiting order is cancelled first, reading the documented cancel answer (no order_id)', async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    const r = await t.engine.resolve(p.orderId, 'customer walked away');
    expect(r.state).toBe('cancelled');
    expect(t.sim.orders.get(p.orderId)?.status).toBe('cancelled');
  });

  it('the cashier cancel reads the documented cancel answer as cancelled', async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    const r = await t.engine.cancel(p.orderId);
    expect(r.state).toBe('cancelled');
    expect(r.reason).toBe('cancelled_by_till');
    expect(r.message ?? '').not.toMatch(/did not go through/);
    expect(t.ledger.attempt(p.orderId)?.reason).toBe('cancelled_by_till');
  });
});

describe('an honest status line', () => {
  it('a link that stalls silently (no events, no keep-alives, no answers): the panel leaves live and says offline, then finds the payment', async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    t.sim.faults.stalled = true;
    t.sim.completeOrder(p.orderId); // the customer pays while the till hears nothing
    await until(() => t.engine.payment(p.orderId)?.connection === 'offline', 'offline while stalled', 30_000);
    expect(t.engine.payment(p.orderId)?.state).toBe('initialized');
    t.sim.faults.stalled = false;
    await t.waitFor(p.orderId, (x) => x.state === 'completed', 'outcome after the link is back');
  });
});

describe('a stream that goes quiet while the link is up', () => {
  it('MultiSafepay sends no keep-alives: the silent stream is reopened after the silence window, and the order polled meanwhile', async () => {
    const t = await setup({ keepAliveMs: 0 });
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    const connects = t.sim.streamConnects.length;
    t.sim.faults.silent = true; // open, but nothing more on it
    await until(() => t.sim.streamConnects.length > connects, 'reopened after the silence window', 10_000);
    t.sim.faults.silent = false;
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });
});

describe('card details', () => {
  it('arrive after completion and are recorded even when the cashier started a new sale', async () => {
    const t = await setup({ dialect: { cardDetailsDelayMs: 400 } });
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'approve');
    const done = await t.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(done.card).toBeUndefined();
    t.engine.dismiss(p.orderId); // New sale
    await until(() => t.ledger.attempt(p.orderId)?.card?.last4, 'card recorded');
    const card = t.ledger.attempt(p.orderId)!.card!;
    const order = t.sim.orders.get(p.orderId)!;
    expect(card).toMatchObject({ last4: order.card!.last4, type: order.card!.type, entryMode: order.card!.card_entry_mode });
    expect(t.ledger.attempt(p.orderId)?.state).toBe('completed');
    await until(() => t.engine.openHandles === 0, 'watch ended');
  });
});

describe('a decline', () => {
  it("keeps MultiSafepay's own reason and code for the panel, and drops them once the order no longer carries them", async () => {
    const t = await setup();
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'decline');
    const declined = await t.waitFor(p.orderId, (x) => x.state === 'soft_declined' && x.mspReasonCode !== undefined, 'reason read');
    expect(declined).toMatchObject({ mspReason: 'Declined', mspReasonCode: '1001' });
    // The customer tries again: the order waits for the card, with no reason any more.
    t.sim.forceStatus(p.orderId, 'initialized');
    // The safety poll reads the order again: the old reason goes.
    await t.waitFor(p.orderId, (x) => x.state === 'initialized' && x.mspReason === undefined && x.mspReasonCode === undefined, 'no reason');
  });
});
