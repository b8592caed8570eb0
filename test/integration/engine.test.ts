import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { TillError } from '../../shared/errors';
import { engineWithSim, LINES, makeEngine, tempDir } from '../helpers/engine';
import { startSim, until } from '../helpers/sim';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const setup = (simOpts: Parameters<typeof startSim>[0] = {}) => engineWithSim(cleanups, simOpts);
const ordersOf = (sim: Simulator) => [...sim.orders.values()];
const states = (events: { type: string; payment?: { orderId: string; state: string } }[], orderId: string) =>
  events
    .filter((e) => e.payment?.orderId === orderId)
    .map((e) => e.payment!.state)
    .filter((s, i, a) => a[i - 1] !== s);

describe('payment engine against the simulator', () => {
  it('happy path: creating -> initialized -> completed with card details, guard released, ledger written', async () => {
    const t = await setup();
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    expect(p.state).toBe('initialized');
    expect(p.amount).toBe(700);
    expect(p.orderId).toMatch(/^[A-Za-z0-9_-]{1,50}$/);
    expect(p.orderId.startsWith(t.engine.installId)).toBe(true);
    expect(t.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
    await until(() => t.sim.openStreams === 1, 'stream');
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    t.sim.terminalAction('DEMO0001', 'approve');
    const done = await t.waitFor(p.orderId, (x) => x.state === 'completed' && !!x.card);
    expect(done.card?.last4).toMatch(/^\d{4}$/);
    expect(done.card?.authorizationCode).toMatch(/^\d{6}$/);
    expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();
    expect(states(t.events, p.orderId)).toEqual(['creating', 'initialized', 'completed']);
    expect(t.ledger.attempt(p.orderId)?.state).toBe('completed');
    expect(t.ledger.attempt(p.orderId)?.card?.last4).toBe(done.card?.last4);
  });

  it('leaves no streams or timers behind once a payment is final', async () => {
    const t = await setup();
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await until(() => t.sim.openStreams === 1, 'stream');
    expect(t.engine.openHandles).toBeGreaterThan(0);
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed' && !!x.card);
    await until(() => t.engine.openHandles === 0, 'handles released');
    await until(() => t.sim.openStreams === 0, 'stream closed at the server');
    await until(() => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length <= baseline, 'timers cleared');
  });

  it('runs two terminals in parallel, and a double request for one terminal makes exactly one order', async () => {
    const t = await setup();
    const req = { terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' };
    const results = await Promise.allSettled([
      t.engine.charge(req),
      t.engine.charge(req),
      t.engine.charge({ ...req, terminalId: 'DEMO0002' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (results[1] as PromiseRejectedResult).reason as TillError;
    expect(err.code).toBe('terminal_busy');
    expect(err.message).toMatch(/busy/);
    expect(
      ordersOf(t.sim)
        .map((o) => o.terminal_id)
        .sort(),
    ).toEqual(['DEMO0001', 'DEMO0002']);
    await expect(t.engine.charge(req)).rejects.toMatchObject({ code: 'terminal_busy' });
    t.sim.terminalAction('DEMO0002', 'approve');
    t.sim.terminalAction('DEMO0001', 'cancel');
    const [a, b] = [
      (results[0] as PromiseFulfilledResult<{ orderId: string }>).value,
      (results[2] as PromiseFulfilledResult<{ orderId: string }>).value,
    ];
    await t.waitFor(a.orderId, (x) => x.state === 'cancelled');
    await t.waitFor(b.orderId, (x) => x.state === 'completed');
    expect(t.sim.orders.size).toBe(2);
    const again = await t.engine.charge(req);
    expect(again.state).toBe('initialized');
  });

  it('cancels a payment; a cancel that loses to a customer who already paid ends completed', async () => {
    const t = await setup();
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    const c = await t.engine.cancel(p.orderId);
    expect(c.state).toBe('cancelled');
    expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();

    const q = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    t.sim.faults.silent = true; // the till hears nothing about the payment
    t.sim.completeOrder(q.orderId);
    const r = await t.engine.cancel(q.orderId);
    expect(r.state).toBe('completed');
    expect(states(t.events, q.orderId)).toEqual(['creating', 'initialized', 'cancelling', 'completed']);
  });

  it('a failed cancel returns to the previous state with a clear message', async () => {
    const t = await setup();
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    t.sim.faults.cancelFail = 1;
    const r = await t.engine.cancel(p.orderId);
    expect(r.state).toBe('initialized');
    expect(r.message).toMatch(/cancel did not go through/);
    expect(t.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
  });

  it('follows a soft decline through to completion', async () => {
    const t = await setup();
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'soft_decline');
    // The terminal asks for the PIN: declined, then initialized again with a new transaction id.
    await until(() => t.sim.orders.get(p.orderId)!.history.length === 3, 'terminal retry');
    await until(() => states(t.events, p.orderId).length === 4, 'engine saw the retry');
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(states(t.events, p.orderId)).toEqual(['creating', 'initialized', 'soft_declined', 'initialized', 'completed']);
  });

  it('catches a completion that happened while the stream was down', async () => {
    const t = await setup();
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.faults.refuseStreams = 3; // stays down for a few reconnects
    t.sim.faults.getFail = 1000; // and reads fail too: the till cannot know
    t.sim.dropStreams();
    await t.waitFor(p.orderId, (x) => x.connection === 'offline');
    t.sim.faults.silent = true;
    t.sim.completeOrder(p.orderId);
    t.sim.faults.silent = false;
    expect(t.engine.payment(p.orderId)?.state).toBe('initialized');
    t.sim.faults.getFail = 0;
    t.sim.faults.refuseStreams = 0;
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });

  it('stream refused (401) from the start: polling reaches the final status', async () => {
    const t = await setup();
    t.sim.faults.refuseStreams = Infinity;
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    expect(t.sim.openStreams).toBe(0);
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });

  it('uses Bearer when the raw token is refused', async () => {
    const t = await setup();
    t.sim.faults.streamAuth = 'bearer';
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await until(() => t.sim.openStreams === 1, 'bearer stream');
    expect(t.sim.streamConnects.at(-1)?.auth).toBe('bearer');
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });

  it('lost create response: finds the order with GET and follows it, without a second create', async () => {
    const t = await setup();
    t.sim.faults.createLoseResponse = 1;
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    expect(p.state).toBe('creating');
    await t.waitFor(p.orderId, (x) => x.state === 'initialized');
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(t.sim.createRequests.get(p.orderId)).toBe(1);
  });

  it('create refused with an error code: failed with the cashier message, terminal free; 5xx before creating -> failed "not sent"', async () => {
    const t = await setup();
    t.sim.faults.createFail = { times: 1, status: 200, code: 1032 };
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    expect(p.state).toBe('failed');
    expect(p.message).toMatch(/API key was refused/);
    expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();
    t.sim.faults.createFail = { times: 1, status: 503 };
    const q = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    const f = await t.waitFor(q.orderId, (x) => x.state === 'failed');
    expect(f.message).toMatch(/never reached MultiSafepay/);
    expect(t.sim.orders.has(q.orderId)).toBe(false);
    expect(t.sim.createRequests.get(q.orderId)).toBe(1);
  });

  it('ignores junk, duplicate and reordered events', async () => {
    const t = await setup();
    Object.assign(t.sim.faults, { junkEvents: true, duplicateEvents: true, reorderEvents: true, hugeLines: true });
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed' && !!x.card);
    expect(states(t.events, p.orderId)).toEqual(['creating', 'initialized', 'completed']);
  });

  it('reconciliation finds an orphan payment completed behind the till', async () => {
    const t = await setup();
    const p = await t.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    t.sim.faults.cancelFail = 1; // the cancel "fails"...
    await t.engine.cancel(p.orderId);
    t.sim.faults.silent = true;
    await t.engine.resolve(p.orderId, 'supervisor: terminal frozen'); // resolve cancels it properly
    expect(t.engine.payment(p.orderId)?.state).toBe('cancelled');
    // ...but now pretend the payment went through behind the till's back.
    const o = t.sim.orders.get(p.orderId)!;
    o.status = 'completed';
    const rec = await t.engine.reconcile(0, Date.now() + 1);
    expect(rec.checked).toBe(1);
    expect(rec.mismatches).toEqual([
      expect.objectContaining({ orderId: p.orderId, kind: 'orphan_payment', till: 'cancelled', msp: 'completed' }),
    ]);
    expect(t.ledger.history.resolutionsOf(p.orderId).map((r) => r.reason)).toContain('supervisor: terminal frozen');
  });
});

describe('restart recovery (new engine, same data dir)', () => {
  async function restartCase(prepare: (ctx: Awaited<ReturnType<typeof startSim>>, dir: string) => Promise<string>) {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const dir = tempDir();
    const orderId = await prepare(s, dir);
    const e2 = makeEngine(s.client, dir);
    cleanups.push(e2.stop);
    e2.engine.start();
    expect(e2.engine.payment(orderId)?.recovered).toBe(true);
    return { ...s, ...e2, orderId };
  }

  it('creating, never sent -> failed "not sent", not re-sent', async () => {
    const t = await restartCase(async (s, dir) => {
      s.sim.faults.createDelayMs = 10_000;
      const e1 = makeEngine(s.client, dir);
      void e1.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' }).catch(() => {});
      const id = e1.engine.payments()[0]!.orderId;
      await e1.engine.stop();
      e1.ledger.close();
      return id;
    });
    // The create is still "in flight" at the simulator and has not created anything.
    const f = await t.waitFor(t.orderId, (x) => x.state === 'failed');
    expect(f.message).toMatch(/never reached/);
    expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();
  });

  it('creating but the order exists -> follows it to completion, no second order', async () => {
    const t = await restartCase(async (s, dir) => {
      s.sim.faults.createLoseResponse = 1;
      s.sim.faults.getFail = 10_000; // the first run never learns
      const e1 = makeEngine(s.client, dir);
      const p = await e1.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
      await e1.stop();
      s.sim.faults.getFail = 0;
      return p.orderId;
    });
    await t.waitFor(t.orderId, (x) => x.state === 'initialized');
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(t.orderId, (x) => x.state === 'completed');
    expect(t.sim.orders.size).toBe(1);
    expect(t.sim.createRequests.get(t.orderId)).toBe(1);
  });

  for (const at of ['initialized', 'soft_declined', 'cancelling'] as const) {
    it(`${at} at crash, completed meanwhile -> completed after restart`, async () => {
      const t = await restartCase(async (s, dir) => {
        const e1 = makeEngine(s.client, dir);
        const p = await e1.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
        await until(() => s.sim.openStreams === 1, 'stream');
        if (at === 'soft_declined') {
          s.sim.config.softDeclineRetryMs = 60_000;
          s.sim.terminalAction('DEMO0001', 'soft_decline');
          await e1.waitFor(p.orderId, (x) => x.state === 'soft_declined');
        }
        if (at === 'cancelling') {
          s.sim.faults.cancelFail = 1;
          s.sim.faults.createDelayMs = 0;
          // Freeze the engine in 'cancelling' by stopping before the cancel answer is applied.
          const pending = e1.engine.cancel(p.orderId);
          await e1.waitFor(p.orderId, (x) => x.state === 'cancelling');
          await e1.stop();
          await pending.catch(() => {});
        } else await e1.stop();
        s.sim.faults.cancelFail = 0;
        s.sim.completeOrder(p.orderId);
        return p.orderId;
      });
      await t.waitFor(t.orderId, (x) => x.state === 'completed');
      expect(t.sim.orders.size).toBe(1);
      expect(t.ledger.attempt(t.orderId)?.state).toBe('completed');
    });
  }

  it('a damaged store file: the guard is rebuilt from the ledger and the damaged file kept aside', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const dir = tempDir();
    const e1 = makeEngine(s.client, dir);
    const p = await e1.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    await e1.stop();
    writeFileSync(join(dir, 'till-state.json'), '{"active": {"DEMO0001": {"ord');
    const e2 = makeEngine(s.client, dir);
    cleanups.push(e2.stop);
    expect(e2.opened.damagedCopy).toMatch(/till-state\.json\.damaged-/);
    e2.engine.start();
    expect(e2.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
    await expect(e2.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' })).rejects.toMatchObject({
      code: 'terminal_busy',
    });
    s.sim.terminalAction('DEMO0001', 'approve');
    await e2.waitFor(p.orderId, (x) => x.state === 'completed');
  });

  it('offline at start: shows recovered payments offline and keeps trying', async () => {
    const t = await restartCase(async (s, dir) => {
      const e1 = makeEngine(s.client, dir);
      const p = await e1.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
      await e1.stop();
      s.sim.faults.getFail = 10_000;
      s.sim.faults.refuseStreams = 10_000;
      return p.orderId;
    });
    await t.waitFor(t.orderId, (x) => x.connection === 'offline');
    t.sim.completeOrder(t.orderId);
    t.sim.faults.getFail = 0;
    await t.waitFor(t.orderId, (x) => x.state === 'completed');
  });
});
