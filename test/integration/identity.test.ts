/**
 * Order identity and time: a restored or copied data folder, two tills on one folder, a create MultiSafepay
 * processes late, clocks that jump, and a guard file lost or rolled back - against the simulator in
 * MultiSafepay's documented dialect.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import type { PaymentView } from '../../shared/payment';
import { engineWithSim, FAST_TIMING, LINES, makeEngine, tempDir, serviceWithSim } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { skipReason, startTill } from '../e2e/harness';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const req = (terminalId = 'DEMO0001', lines = LINES) => ({ terminalId, lines, currency: 'EUR' });

describe('order identity', () => {
  it('every attempt gets an order id of its own: a data folder restored from a backup makes new ids, never a repeat', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const dir = tempDir();
    const a = makeEngine(s.client, dir);
    a.engine.start();
    const backup = tempDir();
    cpSync(dir, backup, { recursive: true }); // yesterday's backup, before this sale
    const first = await a.engine.charge(req());
    s.sim.terminalAction('DEMO0001', 'approve');
    await a.waitFor(first.orderId, (x) => x.state === 'completed');
    await a.stop();
    // The folder is restored: the sale counter is where it was, the order id must still be new.
    rmSync(dir, { recursive: true });
    const b = makeEngine(s.client, backup);
    cleanups.push(b.stop);
    b.engine.start();
    const second = await b.engine.charge(req('DEMO0001', [{ name: 'Tea', unitPrice: 275, quantity: 1 }]));
    expect(second.saleId).toBe(first.saleId); // the same sale number...
    expect(second.orderId).not.toBe(first.orderId); // ...but its own order
    expect(second.orderId).toMatch(/^[A-Za-z0-9/_-]{1,50}$/);
    expect(second.state).toBe('initialized');
    expect(s.sim.orders.get(second.orderId)?.amount).toBe(275);
  });

  it('an order id already used by another order (1006): never adopted - nothing charged, an alarm, nothing of the other order recorded', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const fixed = () => 'SAMEPART';
    const dirA = tempDir();
    const a = makeEngine(s.client, dirA, { randomId: fixed });
    a.engine.start();
    const paid = await a.engine.charge(req());
    s.sim.terminalAction('DEMO0001', 'approve');
    await a.waitFor(paid.orderId, (x) => x.state === 'completed');
    await a.stop();
    // A copy of the folder from before that sale, on a second counter whose random part happens to repeat.
    const dirB = tempDir();
    const b = makeEngine(s.client, dirB, { randomId: fixed });
    cleanups.push(b.stop);
    b.engine.start();
    const alarms: string[] = [];
    b.engine.onAlarm = (_level, message) => alarms.push(message);
    // The same sale number and the same random part: the same order id as A's paid order.
    const p = await b.engine.charge({ ...req('DEMO0002', [{ name: 'Other', unitPrice: 999, quantity: 1 }]), saleId: paid.saleId });
    expect(p.orderId).toBe(paid.orderId);
    const failed = await b.waitFor(p.orderId, (x) => x.state === 'failed');
    expect(failed.messageKey).toBe('order_id_used');
    expect(failed.message).toMatch(/Nothing was charged/);
    expect(failed.card).toBeUndefined();
    expect(failed.transactionId).toBeUndefined();
    expect(failed.mspStatus).toBeUndefined();
    expect(alarms.join(' ')).toMatch(/already exists at MultiSafepay with a different terminal/);
    expect(b.ledger.attempt(p.orderId)).toMatchObject({ state: 'failed', amount: 999 });
    expect(b.ledger.attempt(p.orderId)?.card).toBeUndefined();
    expect(b.engine.busyOrderId('DEMO0002')).toBeUndefined();
    // The other till's order is untouched.
    expect(s.sim.orders.get(paid.orderId)).toMatchObject({ status: 'completed', amount: 700 });
  });
});

describe('one till per data folder', () => {
  it('a second till on the same folder gets a clear error; once the first is gone the folder can be used', async () => {
    const dir = tempDir();
    const first = await TillService.create({ dataDir: dir });
    await expect(TillService.create({ dataDir: dir })).rejects.toMatchObject({
      code: 'locked',
      message: expect.stringMatching(/Another till/),
    });
    // The first one is untouched and keeps working.
    expect((await first.dispatch('payCash', { lines: LINES, given: 700 })).ok).toBe(true);
    await first.close();
    const second = await TillService.create({ dataDir: dir });
    cleanups.push(() => second.close());
    expect(second.ledger.counts().sales).toBe(1);
  });
});

describe('"nothing was charged" only when certain', () => {
  const timing = { ...FAST_TIMING, createGraceMs: 600, notFoundAnswers: 3, lateWatchMs: 20_000, lateWatchPollMs: 50 };

  it('a create MultiSafepay processes late, within the payment window: found and followed, not declared not sent', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const e = makeEngine(s.client, tempDir(), { timing });
    cleanups.push(e.stop);
    e.engine.start();
    Object.assign(s.sim.faults, { createProcessLate: 1, createProcessLateMs: 300 });
    const p = await e.engine.charge(req());
    expect(p.state).toBe('creating');
    expect(e.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
    await e.waitFor(p.orderId, (x) => x.state === 'initialized');
    s.sim.terminalAction('DEMO0001', 'approve');
    await e.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(e.events.some((ev) => ev.type === 'payment' && ev.payment.state === 'failed')).toBe(false);
    expect(s.sim.createRequests.get(p.orderId)).toBe(1); // one request, processed late - never sent again
  });

  it('a create processed after the till gave up, then paid: recorded as paid after all with an alarm; Try again is refused', async () => {
    const { s, svc } = await serviceWithSim(cleanups, {}, { timing });
    Object.assign(s.sim.faults, { createProcessLate: 1, createProcessLateMs: 1500 });
    const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
    const orderId = charged.result.orderId;
    // Not found, asked repeatedly past the window: declared not sent, the terminal free again.
    await until(() => svc.engine.payment(orderId)?.state === 'failed', 'declared not sent');
    expect(svc.engine.payment(orderId)?.messageKey).toBe('not_sent');
    // ...and then MultiSafepay processes it after all, and the customer pays on the terminal.
    await until(() => s.sim.orders.has(orderId), 'late order at MultiSafepay');
    s.sim.completeOrder(orderId);
    await until(() => svc.ledger.attempt(orderId)?.state === 'completed', 'the real outcome recorded');
    const snap = (await svc.dispatch('snapshot', {})) as { ok: true; result: { notices: { message: string }[]; payments: PaymentView[] } };
    expect(snap.result.notices.map((n) => n.message).join(' ')).toMatch(/went through after all/);
    expect(snap.result.payments.find((x) => x.orderId === orderId)?.messageKey).toBe('late_paid');
    const again = await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES, saleId: charged.result.saleId });
    expect(again).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(s.sim.createRequests.size).toBe(1); // no second order: the customer pays once
  });

  it('Try again re-reads the earlier attempt: refused while MultiSafepay still has it open, allowed once it is cancelled', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const svc = await TillService.create({
      dataDir: tempDir(),
      env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001', 'DEMO0002'] },
      timing,
    });
    cleanups.push(() => svc.close());
    Object.assign(s.sim.faults, { createProcessLate: 1, createProcessLateMs: 1500 });
    const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
    const orderId = charged.result.orderId;
    await until(() => svc.engine.payment(orderId)?.state === 'failed', 'declared not sent');
    await until(() => s.sim.orders.get(orderId)?.status === 'initialized', 'late order waiting at the terminal');
    const refused = await svc.dispatch('charge', { terminalId: 'DEMO0002', lines: LINES, saleId: charged.result.saleId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/still open/) } });
    s.sim.terminalAction('DEMO0001', 'cancel');
    const allowed = await svc.dispatch('charge', { terminalId: 'DEMO0002', lines: LINES, saleId: charged.result.saleId });
    expect(allowed.ok).toBe(true);
  });
});

describe('Try again when MultiSafepay cannot be asked', () => {
  it('is refused, and nothing new is sent, while an earlier attempt cannot be checked', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
    await until(() => s.sim.openStreams === 1, 'stream');
    s.sim.terminalAction('DEMO0001', 'cancel');
    await until(() => svc.engine.payment(charged.result.orderId)?.state === 'cancelled', 'unpaid');
    s.sim.faults.getFail = 10; // MultiSafepay answers 503 for a while
    const refused = await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES, saleId: charged.result.saleId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/cannot be checked/) } });
    expect(s.sim.createRequests.size).toBe(1);
    s.sim.faults.getFail = 0;
    expect((await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES, saleId: charged.result.saleId })).ok).toBe(true);
  });
});

describe('a total too large for one sale', () => {
  it('is refused before anything is sent, card or cash', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const huge = [{ name: 'Typo', unitPrice: 60_000_00, quantity: 2 }];
    expect(await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: huge })).toMatchObject({ ok: false, error: { field: 'lines' } });
    expect(await svc.dispatch('payCash', { lines: huge, given: 120_000_00 })).toMatchObject({ ok: false, error: { field: 'lines' } });
    expect(s.sim.createRequests.size).toBe(0);
    expect(svc.ledger.counts().sales).toBe(0);
  });
});

describe('clocks that jump', () => {
  for (const [label, jump] of [
    ['forward by two hours', 2 * 3600_000],
    ['backward by an hour', -3600_000],
  ] as const) {
    it(`wall clock ${label} during a create: "not sent" comes after the window on the monotonic clock, not earlier or an hour later`, async () => {
      const s = await startSim();
      cleanups.push(() => s.sim.stop());
      let offset = 0;
      const timing = { ...FAST_TIMING, createGraceMs: 800, notFoundAnswers: 3 };
      const e = makeEngine(s.client, tempDir(), { timing, now: () => Date.now() + offset });
      cleanups.push(e.stop);
      e.engine.start();
      s.sim.faults.createFail = { times: 1, status: 503 }; // no answer we can trust, nothing created
      const started = performance.now();
      const p = await e.engine.charge(req());
      offset = jump; // NTP or a corrected BIOS clock
      const failed = await e.waitFor(p.orderId, (x) => x.state === 'failed', 'declared not sent');
      const elapsed = performance.now() - started;
      expect(failed.messageKey).toBe('not_sent');
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(8000);
      expect(e.engine.busyOrderId('DEMO0001')).toBeUndefined();
    });
  }
});

describe('guard and ledger agree at every start', () => {
  it('the guard file deleted mid-payment: the open payment comes back from the ledger and is followed to its outcome', async () => {
    const t = await engineWithSim(cleanups);
    const p = await t.engine.charge(req());
    await until(() => t.sim.openStreams === 1, 'stream');
    await t.engine.stop();
    t.ledger.close();
    rmSync(join(t.dataDir, 'till-state.json'));
    t.sim.terminalAction('DEMO0001', 'approve'); // the customer pays while the till is down
    const again = makeEngine(t.client, t.dataDir);
    cleanups.push(again.stop);
    expect(again.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
    again.engine.start();
    expect(again.engine.payment(p.orderId)?.recovered).toBe(true);
    await again.waitFor(p.orderId, (x) => x.state === 'completed');
    expect(again.ledger.attempt(p.orderId)?.state).toBe('completed');
  });

  it("a guard file rolled back to an older copy: the open payment is restored, and the sale counter is not lower than the ledger's", async () => {
    const t = await engineWithSim(cleanups);
    const old = tempDir();
    cpSync(join(t.dataDir, 'till-state.json'), join(old, 'till-state.json'));
    const p1 = await t.engine.charge(req('DEMO0001'));
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p1.orderId, (x) => x.state === 'completed');
    const p2 = await t.engine.charge(req('DEMO0002'));
    await t.engine.stop();
    t.ledger.close();
    cpSync(join(old, 'till-state.json'), join(t.dataDir, 'till-state.json')); // the restored, older guard
    const again = makeEngine(t.client, t.dataDir);
    cleanups.push(again.stop);
    again.engine.start();
    expect(again.engine.busyOrderId('DEMO0002')).toBe(p2.orderId);
    const p3 = await again.engine.charge(req('DEMO0003'));
    expect(Number(p3.saleId.split('-').pop())).toBeGreaterThan(Number(p2.saleId.split('-').pop()));
  });

  it('a guard file that parses but is not a guard map: kept aside, open payments restored from the ledger', async () => {
    const t = await engineWithSim(cleanups);
    const p = await t.engine.charge(req());
    await t.engine.stop();
    t.ledger.close();
    const { writeFileSync, readdirSync } = await import('node:fs');
    writeFileSync(join(t.dataDir, 'till-state.json'), JSON.stringify({ active: { DEMO0001: { orderId: 42 } }, seq: 'x' }));
    const again = makeEngine(t.client, t.dataDir);
    cleanups.push(again.stop);
    expect(again.engine.guardDamagedCopy).toBeTruthy();
    expect(readdirSync(t.dataDir).some((f) => f.startsWith('till-state.json.damaged-'))).toBe(true);
    expect(again.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
  });
});

describe('two tills on one data folder, as processes', () => {
  const why = skipReason()?.includes('dist-electron') ? skipReason() : undefined;
  if (why) console.warn(`[identity] ${why}`);
  it.skipIf(Boolean(why))(
    'a second headless till on the same folder stops with a clear message; after kill -9 of the first, the folder is taken over',
    async () => {
      const dir = tempDir();
      const first = await startTill({ TILL_DATA_DIR: dir });
      await expect(startTill({ TILL_DATA_DIR: dir })).rejects.toThrow(/Another till is already running on this data folder/);
      await first.stop('SIGKILL');
      const again = await startTill({ TILL_DATA_DIR: dir });
      cleanups.push(async () => void (await again.stop('SIGTERM')));
      expect(again.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    },
  );
});

describe('cash after a card that did not pay', () => {
  it('the same sale is paid in cash, after MultiSafepay confirms the card attempt ended unpaid; refused while it is open', async () => {
    const { s, svc } = await serviceWithSim(cleanups, { expiryMs: 60_000 });
    const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
    await until(() => s.sim.openStreams === 1, 'stream');
    s.sim.terminalAction('DEMO0001', 'decline');
    await until(() => svc.engine.payment(charged.result.orderId)?.state === 'soft_declined', 'declined');
    // Still open at the terminal: no cash yet.
    expect(await svc.dispatch('payCash', { lines: LINES, given: 1000, saleId: charged.result.saleId })).toMatchObject({ ok: false });
    s.sim.terminalAction('DEMO0001', 'cancel');
    await until(() => svc.engine.payment(charged.result.orderId)?.state === 'cancelled', 'ended unpaid');
    const paid = (await svc.dispatch('payCash', { lines: LINES, given: 1000, saleId: charged.result.saleId })) as {
      ok: true;
      result: { saleId: string; status: string; tender: string; cash: { change: number }; attempts: unknown[]; receiptNumber: number };
    };
    expect(paid.result).toMatchObject({
      saleId: charged.result.saleId,
      status: 'paid',
      tender: 'cash',
      cash: { change: 300 },
      receiptNumber: 1,
    });
    expect(paid.result.attempts).toHaveLength(1);
    expect(svc.ledger.counts().sales).toBe(1);
    expect(await svc.dispatch('payCash', { lines: LINES, given: 1000, saleId: charged.result.saleId })).toMatchObject({ ok: false });
  });
});

describe('cash while MultiSafepay cannot be read', () => {
  it('cash for a sale whose card ended unpaid is taken with a warning, and a later "paid" of that card raises the alarm', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const notices: string[] = [];
    svc.on((e) => void (e.type === 'notice' && e.notice.key && notices.push(e.notice.key)));
    const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
    const { orderId, saleId } = charged.result;
    await until(() => s.sim.openStreams === 1, 'stream');
    s.sim.faults.cancelFail = 1; // the release's cancel does not reach MultiSafepay: the order stays waiting there
    await svc.engine.resolve(orderId, 'terminal frozen');
    expect(svc.engine.payment(orderId)?.state).toBe('failed');
    s.sim.faults.getFail = 1_000_000; // MultiSafepay cannot be read
    const cash = await svc.dispatch('payCash', { lines: LINES, given: 1000, saleId });
    expect(cash).toMatchObject({ ok: true, result: { status: 'paid', tender: 'cash' } });
    expect(notices).toContain('cash_unchecked');
    // MultiSafepay comes back, and the card turns out paid on the terminal: the alarm, nothing lost.
    s.sim.completeOrder(orderId);
    s.sim.faults.getFail = 0;
    await until(() => (notices.includes('late_paid') ? true : undefined), 'paid after all');
    expect(svc.ledger.attempt(orderId)?.state).toBe('completed');
  });
});

describe('split tender', () => {
  it('part by card, the rest in cash: one sale, one receipt, counted per tender; each part refunded within what it paid', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const lines = [{ name: 'Cake', unitPrice: 700, quantity: 1, vatRate: 9 }];
    expect(await svc.dispatch('charge', { terminalId: 'DEMO0001', lines, amount: 701 })).toMatchObject({
      ok: false,
      error: { field: 'amount' },
    });
    const card = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines, amount: 400 })) as { ok: true; result: PaymentView };
    expect(card.result.amount).toBe(400);
    expect(s.sim.orders.get(card.result.orderId)?.amount).toBe(400);
    await until(() => s.sim.openStreams === 1, 'stream');
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => svc.engine.payment(card.result.orderId)?.state === 'completed', 'card part paid');
    expect(svc.sales.sale(card.result.saleId)!.status).toBe('partly_paid');
    const paid = (await svc.dispatch('payCash', { lines, given: 500, saleId: card.result.saleId })) as {
      ok: true;
      result: { status: string; tender: string; total: number; cash: { amount: number; change: number }; receiptNumber: number };
    };
    expect(paid.result).toMatchObject({ status: 'paid', tender: 'card', total: 700, cash: { amount: 300, change: 200 }, receiptNumber: 1 });
    expect(svc.ledger.counts().sales).toBe(1);
    const day = (await svc.dispatch('dayReport', {})) as {
      ok: true;
      result: { totals: { tenders: Record<string, { amount: number }> }[] };
    };
    expect(day.result.totals[0]!.tenders.card!.amount).toBe(400);
    expect(day.result.totals[0]!.tenders.cash!.amount).toBe(300);
    // The card part is refunded at most 4.00 through MultiSafepay, the cash part at most 3.00 from the drawer.
    expect(await svc.dispatch('refund', { orderId: card.result.orderId, amount: 500 })).toMatchObject({
      ok: false,
      error: { field: 'amount' },
    });
    expect(await svc.dispatch('refund', { orderId: card.result.saleId, amount: 301 })).toMatchObject({
      ok: false,
      error: { field: 'amount' },
    });
    expect(await svc.dispatch('refund', { orderId: card.result.orderId })).toMatchObject({ ok: true });
    expect(await svc.dispatch('refund', { orderId: card.result.saleId })).toMatchObject({ ok: true, result: { status: 'refunded' } });
    expect(s.sim.orders.get(card.result.orderId)!.refunds.map((r) => r.amount)).toEqual([400]);
  });
});
