/**
 * Staff, keys and money against a hostile counter: each rule is driven through the real transports (IPC and the
 * headless WebSocket) against the real service, SQLite ledger and the simulator on loopback, and every refusal is
 * checked to have changed nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TillService, type TillServiceOptions } from '../../electron/core/service';
import { POLICY } from '../../electron/core/policy';
import { localDate } from '../../electron/core/ledger/ledger';
import { PIN_GUARD } from '../../electron/core/staff';
import { METHOD_NAMES, type Snapshot } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { FAST_TIMING, LINES, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { overWebSocket, TRANSPORTS } from '../helpers/transports';
import { WsTill } from '../helpers/ws-till';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const STAFF = [
  { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
  { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
  { id: 'carl', name: 'Carl', role: 'manager', pin: '5555' },
] as const;

/** A till on the simulator (key from the environment) with a clock the test moves, and staff set up. */
async function tillWithStaff(opts: { dataDir?: string; options?: Partial<TillServiceOptions> } = {}) {
  const s = await startSim();
  cleanups.push(() => s.sim.stop());
  let t = Date.parse('2026-11-30T10:00:00Z');
  const dataDir = opts.dataDir ?? tempDir();
  const open = async () => {
    const svc = await TillService.create({
      dataDir,
      env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
      timing: FAST_TIMING,
      now: () => t,
      ...opts.options,
    });
    cleanups.push(() => svc.close());
    return svc;
  };
  const svc = await open();
  if (!svc.staff.list().length) expect(await svc.dispatch('saveStaff', { staff: STAFF })).toMatchObject({ ok: true });
  await svc.dispatch('signOut', {});
  return { s, svc, dataDir, open, advance: (ms: number) => void (t += ms) };
}

describe('PIN guessing', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: wrong PINs are slowed, then lock the member until another manager unlocks them; each is recorded with time and till`, async () => {
      const { svc, advance } = await tillWithStaff();
      const t = await connect(svc, cleanups);
      const wrong = () => t.call('signIn', { staffId: 'ann', pin: '0000' });
      for (let i = 0; i < PIN_GUARD.freeTries; i++) expect((await wrong()).error?.message).toMatch(/not right/);
      // The next try must wait, even with the right PIN; it is refused before the PIN is checked, so not counted.
      expect((await wrong()).error?.message).toMatch(/wait 5 seconds/);
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).error?.message).toMatch(/wait 5 seconds/);
      expect(svc.ledger.staffEvents.pinFailures('ann').failures).toBe(3);
      advance(5_000);
      expect((await wrong()).error?.message).toMatch(/not right/);
      expect((await wrong()).error?.message).toMatch(/wait 15 seconds/);
      advance(15_000);
      expect((await wrong()).error?.message).toMatch(/not right/);
      advance(45_000);
      expect((await wrong()).error?.message).toMatch(/Ann is locked/);
      // A day later the right PIN still does not sign in: nothing changed, nobody is signed in.
      advance(24 * 3600_000);
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).error?.message).toMatch(/locked/);
      const snap = (await t.call<Snapshot>('snapshot')).result!;
      expect(snap.user).toBeUndefined();
      expect(snap.staff?.find((m) => m.id === 'ann')).toMatchObject({ locked: true });
      const log = svc.ledger.staffEvents.recent().reverse();
      expect(log.filter((e) => e.staffId === 'ann').map((e) => e.event)).toEqual([
        'pin_reset', // the PIN set with the staff list
        'signed_in', // whoever sets up the first manager stays signed in as that manager
        ...Array(6).fill('pin_failed'),
        'locked',
      ]);
      expect(new Set(log.filter((e) => e.staffId === 'ann').map((e) => e.till))).toEqual(new Set([svc.engine.installId]));
      expect(log.find((e) => e.event === 'locked')!.at).toBe(Date.parse('2026-11-30T10:00:00Z') + 65_000);
      // A cashier cannot unlock, nor can a wrong key; another manager can.
      expect((await t.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
      expect((await t.call('unlockStaff', { staffId: 'ann' })).error?.message).toMatch(/needs a manager/);
      expect((await t.call('unlockStaff', { staffId: 'ann', apiKey: 'not-the-key-at-all' })).error?.field).toBe('apiKey');
      expect(svc.ledger.staffEvents.pinFailures('ann').locked).toBe(true);
      expect((await t.call('signIn', { staffId: 'carl', pin: '5555' })).ok).toBe(true);
      expect((await t.call('unlockStaff', { staffId: 'carl' })).error?.message).toMatch(/Another manager/);
      expect((await t.call('unlockStaff', { staffId: 'ann' })).ok).toBe(true);
      expect(svc.ledger.staffEvents.recent()[0]).toMatchObject({
        staffId: 'ann',
        event: 'unlocked',
        by: 'Carl',
        till: svc.engine.installId,
      });
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).result).toMatchObject({ id: 'ann', role: 'manager' });
    });
  }

  it('the count and the lockout survive a restart; the API key typed again unlocks', async () => {
    const first = await tillWithStaff();
    for (let i = 0; i < PIN_GUARD.lockAfter; i++) {
      first.advance(60_000);
      await first.svc.dispatch('signIn', { staffId: 'ann', pin: '0000' });
    }
    expect(first.svc.ledger.staffEvents.pinFailures('ann')).toMatchObject({ failures: 6, locked: true });
    await first.svc.close();
    const again = await first.open();
    expect(await again.dispatch('signIn', { staffId: 'ann', pin: '4821' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/locked/) },
    });
    expect(await again.dispatch('unlockStaff', { staffId: 'ann', apiKey: TEST_KEY })).toMatchObject({ ok: true });
    expect(again.ledger.staffEvents.recent()[0]).toMatchObject({ event: 'unlocked', by: 'api key' });
    expect(await again.dispatch('signIn', { staffId: 'ann', pin: '4821' })).toMatchObject({ ok: true });
  });

  it('200 sign-ins at once do not stall another window: its request is answered while PINs are still being checked', async () => {
    const { svc } = await tillWithStaff();
    expect(await svc.dispatch('signIn', { staffId: 'carl', pin: '5555' })).toMatchObject({ ok: true });
    const flood = await overWebSocket(svc, cleanups);
    const other = await WsTill.connect(flood.url);
    cleanups.push(() => other.close());
    const order: string[] = [];
    const signIns = Array.from({ length: 200 }, () =>
      flood.call('signIn', { staffId: 'bob', pin: '1234' }).then((r) => {
        order.push(r.ok ? 'signed in' : 'refused');
        return r;
      }),
    );
    const answered = other.call('dayState', {}).then((r) => (order.push('other window'), r));
    const replies = await Promise.all(signIns);
    expect((await answered).ok).toBe(true);
    // PINs are checked one at a time off the event loop; more than a few waiting are refused at once.
    expect(replies.filter((r) => r.ok)).toHaveLength(PIN_GUARD.maxWaiting);
    expect(replies.filter((r) => !r.ok).every((r) => /busy checking PINs/.test(r.error!.message))).toBe(true);
    expect(order.indexOf('other window')).toBeLessThan(order.lastIndexOf('signed in'));
  });
});

/** A stand-in for someone else's server: records every request and the key it carried. */
async function foreignHost() {
  const { createServer } = await import('node:http');
  const seen: { url: string; key: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', key: req.headers['api_key'] as string | undefined });
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"success":false,"error_code":1006}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as { port: number };
  return { root: `http://127.0.0.1:${port}/v1/json`, seen };
}

/** A till whose key was typed in Settings for the simulator's address (a custom connection), no staff yet. */
async function tillWithTypedKey() {
  const s = await startSim();
  cleanups.push(() => s.sim.stop());
  const dataDir = tempDir();
  const svc = await TillService.create({ dataDir, timing: FAST_TIMING });
  cleanups.push(() => svc.close());
  expect(await svc.dispatch('saveSettings', { mode: 'custom', baseUrl: s.root, apiKey: TEST_KEY })).toMatchObject({ ok: true });
  return { s, svc, dataDir };
}

describe('the key goes only to the host it was typed for', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: custom A -> Demo -> custom B, or A -> B, needs the key typed again; B hears nothing`, async () => {
      const { s, svc } = await tillWithTypedKey();
      const b = await foreignHost();
      const t = await connect(svc, cleanups);
      expect(await t.call('saveSettings', { mode: 'custom', baseUrl: b.root })).toMatchObject({ ok: false, error: { field: 'apiKey' } });
      expect((await t.call('saveSettings', { mode: 'demo' })).ok).toBe(true);
      for (const hop of [{ mode: 'custom', baseUrl: b.root }, { mode: 'live' }, { mode: 'custom', baseUrl: s.root }]) {
        const refused = await t.call('saveSettings', hop);
        expect(refused).toMatchObject({ ok: false, error: { field: 'apiKey', message: expect.stringMatching(/API key again/) } });
      }
      expect((await t.call('testConnection', { mode: 'custom', baseUrl: b.root })).result).toMatchObject({ ok: false });
      expect(svc.mode).toBe('demo');
      // Typed for B, the new key goes to B (and only that one).
      expect((await t.call('saveSettings', { mode: 'custom', baseUrl: b.root, apiKey: 'key_typed_for_b_1234' })).ok).toBe(true);
      expect(b.seen.length).toBeGreaterThan(0);
      expect(new Set(b.seen.map((r) => r.key))).toEqual(new Set(['key_typed_for_b_1234']));
    });
  }

  it('a key bound to A stays unused after a restart on another address set by hand in the file', async () => {
    const { s, svc, dataDir } = await tillWithTypedKey();
    const b = await foreignHost();
    await svc.dispatch('saveSettings', { mode: 'demo' });
    await svc.close();
    cleanups.pop();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(dataDir, 'settings.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...stored, settings: { ...stored.settings, mode: 'custom', baseUrl: b.root } }));
    const again = await TillService.create({ dataDir, timing: FAST_TIMING });
    cleanups.push(() => again.close());
    expect(await again.dispatch('refreshTerminals', {})).toMatchObject({ ok: true });
    expect(await again.dispatch('testConnection', {})).toMatchObject({ ok: true, result: { ok: false } });
    expect(b.seen.filter((r) => r.key)).toEqual([]);
    expect(s.sim.openStreams).toBe(0);
  });
});

describe('demo mode does not hand out the manager', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: with a key stored, a demo-mode PIN reset needs the key, and leaving demo asks for it`, async () => {
      const { s, svc } = await tillWithTypedKey();
      expect((await svc.dispatch('saveStaff', { staff: STAFF })).ok).toBe(true);
      expect((await svc.dispatch('signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
      expect((await svc.dispatch('saveSettings', { mode: 'demo' })).ok).toBe(true);
      await svc.dispatch('signOut', {});
      const t = await connect(svc, cleanups);
      // The cashier tries the demo-mode reset of the manager's PIN.
      expect((await t.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
      const refused = await t.call('resetManagerPin', { staffId: 'ann', pin: '1111' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'not_allowed', field: 'apiKey' } });
      expect(svc.ledger.staffEvents.recent().some((e) => e.event === 'pin_reset' && e.staffId === 'ann' && e.by)).toBe(false);
      // The manager's PIN is unchanged; even the manager must type the key to leave demo mode.
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
      expect(await t.call('saveSettings', { mode: 'custom', baseUrl: s.root })).toMatchObject({
        ok: false,
        error: { field: 'apiKey', message: expect.stringMatching(/leave demo mode/) },
      });
      expect(svc.mode).toBe('demo');
      expect((await t.call('saveSettings', { mode: 'custom', baseUrl: s.root, apiKey: TEST_KEY })).ok).toBe(true);
      expect(svc.mode).toBe('custom');
      // With the key typed, the reset goes through.
      expect((await t.call('resetManagerPin', { staffId: 'ann', pin: '1111', apiKey: TEST_KEY })).ok).toBe(true);
    });
  }

  it('a demo till with no key stored has no key to type: its manager PIN reset needs none', async () => {
    const svc = await TillService.create({ dataDir: tempDir(), timing: FAST_TIMING });
    cleanups.push(() => svc.close());
    expect((await svc.dispatch('saveStaff', { staff: STAFF })).ok).toBe(true);
    await svc.dispatch('signOut', {});
    expect(await svc.dispatch('resetManagerPin', { staffId: 'ann', pin: '1111' })).toMatchObject({ ok: true });
    expect(await svc.dispatch('signIn', { staffId: 'ann', pin: '1111' })).toMatchObject({ ok: true });
  });
});

describe('inline manager approval', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: a cashier's paid out runs with a manager's PIN typed on the cashier's screen; the cashier stays signed in`, async () => {
      const { svc } = await tillWithStaff();
      const t = await connect(svc, cleanups);
      expect((await t.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
      expect((await t.call('openDay', { float: 10_000 })).ok).toBe(true);
      const move = { amount: 1250, reason: 'Window cleaner' };
      const paidOut = () => svc.ledger.cashMoves(svc.sales.drawer.today()!.day).filter((m) => m.kind === 'paid_out').length;

      // Without approval, with a wrong PIN, with a cashier's own PIN, or with a malformed approval: refused, nothing moved.
      expect((await t.call('paidOut', move)).error).toMatchObject({ key: 'needs_manager' });
      expect((await t.call('paidOut', { ...move, approval: { staffId: 'ann', pin: '0000' } })).error).toMatchObject({ field: 'pin' });
      expect(svc.ledger.staffEvents.pinFailures('ann').failures).toBe(1);
      expect((await t.call('paidOut', { ...move, approval: { staffId: 'bob', pin: '1234' } })).error?.message).toMatch(
        /Bob is not a manager/,
      );
      expect((await t.call('paidOut', { ...move, approval: { staffId: 'ann' } })).error).toMatchObject({
        code: 'bad_request',
        field: 'approval',
      });
      expect(paidOut()).toBe(0);

      // With Ann's PIN it goes through; her run of wrong PINs ends; Bob is still the one signed in.
      expect((await t.call('paidOut', { ...move, approval: { staffId: 'ann', pin: '4821' } })).ok).toBe(true);
      expect(paidOut()).toBe(1);
      expect(svc.ledger.staffEvents.pinFailures('ann').failures).toBe(0);
      expect(svc.staff.current).toMatchObject({ id: 'bob', role: 'cashier' });
      expect(svc.ledger.staffEvents.recent()[0]).toMatchObject({ staffId: 'ann', event: 'approved', by: 'A paid out' });
      // The approval was for that one action: the next paid out needs one again.
      expect((await t.call('paidOut', move)).error).toMatchObject({ key: 'needs_manager' });
    });
  }

  it('an approval needs someone signed in: it is not a way to sign in', async () => {
    const { svc } = await tillWithStaff();
    const refused = await svc.dispatch('closeDay', { counted: 0, approval: { staffId: 'ann', pin: '4821' } });
    expect(refused).toMatchObject({ ok: false, error: { key: 'sign_in' } });
    expect(svc.ledger.staffEvents.recent().some((e) => e.event === 'approved')).toBe(false);
  });
});

/** A till on the simulator with two terminals, and a card sale that ended unpaid (cancelled on the terminal). */
async function unpaidCardSale() {
  const s = await startSim();
  cleanups.push(() => s.sim.stop());
  const svc = await TillService.create({
    dataDir: tempDir(),
    env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001', 'DEMO0002'] },
    timing: FAST_TIMING,
  });
  cleanups.push(() => svc.close());
  const first = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
  await until(() => s.sim.openStreams === 1, 'stream');
  s.sim.terminalAction('DEMO0001', 'cancel');
  await until(() => svc.engine.payment(first.result.orderId)?.state === 'cancelled', 'ended unpaid');
  return { s, svc, saleId: first.result.saleId };
}

describe('one sale is paid once at a time', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: card and cash, or two cards, sent together for one sale: the second is refused and nothing of it is done`, async () => {
      const { s, svc, saleId } = await unpaidCardSale();
      const t = await connect(svc, cleanups);
      const [card, cash] = await Promise.all([
        t.call<PaymentView>('charge', { terminalId: 'DEMO0002', lines: LINES, saleId }),
        t.call('payCash', { lines: LINES, given: 700, saleId }),
      ]);
      expect(card.ok).toBe(true);
      expect(cash).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/being paid right now/) } });
      // Two cards at once: the same.
      const again = await t.call('charge', { terminalId: 'DEMO0001', lines: LINES, saleId });
      expect(again).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
      expect(s.sim.createRequests.size).toBe(2); // the first attempt and the one card accepted
      await until(() => s.sim.openStreams >= 1, 'stream');
      s.sim.terminalAction('DEMO0002', 'approve');
      await until(() => svc.engine.payment(card.result!.orderId)?.state === 'completed', 'paid');
      const sale = svc.sales.sale(saleId)!;
      expect(sale).toMatchObject({ status: 'paid', total: 700 });
      expect(sale.cash).toBeUndefined();
      expect(sale.attempts.filter((a) => a.state === 'completed')).toHaveLength(1);
    });
  }

  it('two cards for one sale sent together: one terminal is asked, the other is refused', async () => {
    const { s, svc, saleId } = await unpaidCardSale();
    const replies = await Promise.all([
      svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES, saleId }),
      svc.dispatch('charge', { terminalId: 'DEMO0002', lines: LINES, saleId }),
    ]);
    expect(replies.map((r) => r.ok)).toEqual([true, false]);
    expect(s.sim.createRequests.size).toBe(2);
    expect(svc.engine.busyOrderId('DEMO0002')).toBeUndefined();
  });
});

describe('the currency is the sale’s', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: the rest of a EUR sale cannot be charged in JPY, nor a new sale in another currency; nothing is sent`, async () => {
      const { s, svc } = await tillWithStaff();
      const t = await connect(svc, cleanups);
      expect((await t.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
      const lines = [{ name: 'Cake', unitPrice: 1000, quantity: 1 }];
      const part = (await t.call<PaymentView>('charge', { terminalId: 'DEMO0001', lines, amount: 400 })).result!;
      await until(() => s.sim.openStreams === 1, 'stream');
      s.sim.terminalAction('DEMO0001', 'approve');
      await until(() => svc.engine.payment(part.orderId)?.state === 'completed', 'card part paid');
      const sent = s.sim.createRequests.size;
      expect(await t.call('charge', { terminalId: 'DEMO0001', lines, saleId: part.saleId, currency: 'JPY' })).toMatchObject({
        ok: false,
        error: { code: 'bad_request', field: 'currency', message: expect.stringMatching(/in EUR/) },
      });
      expect(await t.call('charge', { terminalId: 'DEMO0001', lines, currency: 'GBP' })).toMatchObject({
        ok: false,
        error: { field: 'currency' },
      });
      expect(await t.call('charge', { terminalId: 'DEMO0001', lines, currency: 'BHD' })).toMatchObject({ ok: false });
      expect(s.sim.createRequests.size).toBe(sent);
      expect(svc.sales.sale(part.saleId)).toMatchObject({ status: 'partly_paid', currency: 'EUR' });
      // In its own currency the rest is charged.
      const rest = await t.call<PaymentView>('charge', { terminalId: 'DEMO0001', lines, saleId: part.saleId, currency: 'EUR' });
      expect(rest.ok).toBe(true);
      expect(s.sim.orders.get(rest.result!.orderId)).toMatchObject({ amount: 600, currency: 'EUR' });
    });
  }
});

describe('a damaged settings file does not switch staff roles off', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: the staff list is unreadable after a restart: the till starts locked until the API key is typed`, async () => {
      const { svc, dataDir } = await tillWithTypedKey();
      expect((await svc.dispatch('saveStaff', { staff: STAFF })).ok).toBe(true);
      await svc.close();
      cleanups.pop();
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const file = join(dataDir, 'settings.json');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.slice(0, text.length / 2));
      const b = await foreignHost();
      const again = await TillService.create({ dataDir, timing: FAST_TIMING });
      cleanups.push(() => again.close());
      const t = await connect(again, cleanups);
      const snap = (await t.call<Snapshot>('snapshot')).result!;
      expect(snap).toMatchObject({ locked: true, staff: [], payments: [] });
      const before = again.ledger.counts();
      for (const [method, params] of [
        ['saveSettings', { mode: 'custom', baseUrl: b.root }],
        ['saveStaff', { staff: [{ id: 'eve', name: 'Eve', role: 'manager', pin: '0000' }] }],
        ['payCash', { lines: LINES, given: 700 }],
        ['history', {}],
        ['testConnection', { mode: 'custom', baseUrl: b.root }],
      ] as const) {
        const r = await t.call(method, params);
        expect([method, r.error?.key]).toEqual([method, 'till_locked']);
      }
      expect(await t.call('unlockTill', { apiKey: 'not-the-key-at-all' })).toMatchObject({ ok: false, error: { field: 'apiKey' } });
      expect(await t.call('unlockTill', {})).toMatchObject({ ok: false, error: { field: 'apiKey' } });
      expect(b.seen).toEqual([]);
      expect(again.ledger.counts()).toEqual(before);
      expect(again.staff.list()).toEqual([]);
      // The key typed: the till opens, and the staff are set up again.
      expect((await t.call('unlockTill', { apiKey: TEST_KEY })).ok).toBe(true);
      expect((await t.call<Snapshot>('snapshot')).result!.locked).toBeUndefined();
      expect((await t.call('saveStaff', { staff: STAFF })).ok).toBe(true);
      expect(again.ledger.staffEvents.recent().some((e) => e.staffId === '*' && e.event === 'unlocked')).toBe(true);
    });
  }
});

describe('who may do what', () => {
  it('one rule for every method of the till API', () => {
    expect(POLICY).toEqual({
      snapshot: { access: 'anyone' },
      signIn: { access: 'anyone' },
      signOut: { access: 'anyone' },
      resetManagerPin: { access: 'api_key', what: 'Resetting a manager PIN' },
      unlockTill: { access: 'api_key', what: 'Opening the locked till' },
      unlockStaff: { access: 'manager_or_api_key', what: 'Unlocking a PIN' },
      charge: { access: 'signed_in' },
      cancelPayment: { access: 'signed_in' },
      dismissPayment: { access: 'signed_in' },
      payCash: { access: 'signed_in' },
      payCredit: { access: 'signed_in' },
      creditNote: { access: 'signed_in' },
      history: { access: 'signed_in' },
      openSales: { access: 'signed_in' },
      parkSale: { access: 'signed_in' },
      saveBasket: { access: 'signed_in' },
      authorizeDiscount: { access: 'signed_in', what: 'A discount over the limit' },
      resumeParked: { access: 'signed_in' },
      dayReport: { access: 'signed_in' },
      dayState: { access: 'signed_in' },
      drawerSessions: { access: 'signed_in' },
      shopDay: { access: 'signed_in' },
      openDay: { access: 'signed_in' },
      paidIn: { access: 'signed_in' },
      openDrawer: { access: 'signed_in' },
      recordAudit: { access: 'signed_in' },
      refreshTerminals: { access: 'signed_in' },
      simulateTerminal: { access: 'signed_in' },
      printReceipt: { access: 'signed_in' },
      printers: { access: 'signed_in' },
      findBarcode: { access: 'signed_in' },
      searchProducts: { access: 'signed_in' },
      productCategories: { access: 'signed_in' },
      resolvePayment: { access: 'manager', what: 'Releasing a terminal' },
      refund: { access: 'manager', what: 'A refund' },
      returnItems: { access: 'manager', what: 'A return' },
      exchangeItems: { access: 'manager', what: 'An exchange' },
      returnWithoutReceipt: { access: 'manager', what: 'A return without a receipt' },
      closeDay: { access: 'manager', what: 'Closing the day' },
      correctFloat: { access: 'manager', what: 'Correcting a float' },
      exportJournal: { access: 'manager', what: 'Exporting the journal' },
      exportAudit: { access: 'manager', what: 'Exporting the audit trail' },
      paidOut: { access: 'manager', what: 'A paid out' },
      saveSettings: { access: 'manager', what: 'Changing settings' },
      testConnection: { access: 'manager', what: 'Testing the connection' },
      saveCatalog: { access: 'manager', what: 'Changing products and prices' },
      saveStaff: { access: 'manager', what: 'Changing the staff list' },
      exportBackup: { access: 'manager', what: 'A backup' },
      exportTransactions: { access: 'manager', what: 'Exporting transactions' },
      importProducts: { access: 'manager', what: 'Importing products' },
      exportProducts: { access: 'manager', what: 'Exporting products' },
      addProduct: { access: 'manager', what: 'Adding a product' },
      updateProduct: { access: 'manager', what: 'Changing a product' },
    });
    expect(Object.keys(POLICY).sort()).toEqual([...METHOD_NAMES].sort());
  });

  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: every method is refused as its rule says, signed out and as a cashier, and nothing changes`, async () => {
      const { s, svc } = await tillWithStaff();
      const t = await connect(svc, cleanups);
      const before = { counts: svc.ledger.counts(), settings: JSON.stringify((await svc.dispatch('snapshot', {})) as object) };
      const refusal = (access: string, signedIn: boolean) =>
        ({
          anyone: undefined,
          signed_in: signedIn ? undefined : 'sign_in',
          manager: 'needs_manager',
          api_key: 'apiKey',
          manager_or_api_key: 'needs_manager',
        })[access];
      for (const signedIn of [false, true]) {
        if (signedIn) expect((await t.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
        // Signing out last: the cashier stays signed in for every other method.
        for (const method of [...METHOD_NAMES].sort((a, b) => Number(a === 'signOut') - Number(b === 'signOut'))) {
          const r = await t.call(method, {});
          const got =
            r.error?.key === 'needs_manager' || r.error?.key === 'sign_in'
              ? r.error.key
              : r.error?.field === 'apiKey'
                ? 'apiKey'
                : undefined;
          expect([signedIn, method, got]).toEqual([signedIn, method, refusal(POLICY[method].access, signedIn)]);
        }
      }
      expect(svc.ledger.counts()).toEqual(before.counts);
      expect(s.sim.createRequests.size).toBe(0);
      // Nobody signed in: the sign-in screen gets who may sign in, and nothing of the sales.
      const snap = (await t.call<Snapshot>('snapshot')).result!;
      expect(snap).toMatchObject({ payments: [], catalog: [], terminals: [], notices: [] });
      expect(snap.staff?.map((m) => m.id)).toEqual(['ann', 'bob', 'carl']);
    });

    it(`${name}: a manager demoted or removed loses the role at once; a session ends after the idle time set in Settings`, async () => {
      const { svc, advance } = await tillWithStaff();
      const t = await connect(svc, cleanups);
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
      const demoted = STAFF.map(({ id, name, role }) => ({ id, name, role: id === 'ann' ? 'cashier' : role }));
      expect((await t.call('saveStaff', { staff: demoted })).ok).toBe(true);
      expect((await t.call('saveSettings', { merchantName: 'Mine now' })).error?.key).toBe('needs_manager');
      expect((await t.call('saveStaff', { staff: STAFF.map(({ id, name, role }) => ({ id, name, role })) })).error?.key).toBe(
        'needs_manager',
      );
      expect(svc.staff.list().find((m) => m.id === 'ann')?.role).toBe('cashier');
      expect((await t.call<Snapshot>('snapshot')).result!.user).toMatchObject({ id: 'ann', role: 'cashier' });
      // Carl removes himself: his session is gone.
      expect((await t.call('signIn', { staffId: 'carl', pin: '5555' })).ok).toBe(true);
      expect(
        (
          await t.call('saveStaff', {
            staff: demoted.filter((m) => m.id !== 'carl').map((m) => (m.id === 'ann' ? { ...m, role: 'manager' } : m)),
          })
        ).ok,
      ).toBe(true);
      expect((await t.call('history', {})).error?.key).toBe('sign_in');
      // Idle: one minute, set by a manager.
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
      expect((await t.call('saveSettings', { idleMinutes: 1 })).result).toMatchObject({ idleMinutes: 1 });
      advance(59_000);
      expect((await t.call('history', {})).ok).toBe(true); // active again: the minute starts anew
      advance(60_000);
      expect((await t.call('history', {})).error?.key).toBe('sign_in');
      expect(svc.staff.current).toBeUndefined();
    });
  }
});

/** Reads CSV as a spreadsheet would (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) cell += c;
    else if (c === ',') endCell();
    else if (c === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe('exports and backups', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: a link planted at the export's or the backup's name is replaced, never followed; both files are 0600 from their first byte`, async () => {
      const { readFileSync, symlinkSync, writeFileSync, lstatSync, statSync, watch } = await import('node:fs');
      const { join } = await import('node:path');
      const clock = Date.parse('2026-11-30T10:00:00Z');
      const { svc } = await tillWithStaff({ options: { now: () => clock } });
      const t = await connect(svc, cleanups);
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
      expect((await t.call('payCash', { lines: LINES, given: 700 })).ok).toBe(true);
      const folder = tempDir('till-export-');
      const precious = join(tempDir('till-precious-'), 'precious.txt');
      writeFileSync(precious, 'precious');
      const localDay = `${new Date(clock).getFullYear()}-${String(new Date(clock).getMonth() + 1).padStart(2, '0')}-${String(new Date(clock).getDate()).padStart(2, '0')}`;
      const csvName = join(folder, `transactions-${localDay}-to-${localDay}.csv`);
      const backupName = join(folder, `ledger-${new Date(clock).toISOString().replace(/[:.]/g, '-')}.sqlite`);
      symlinkSync(precious, csvName);
      symlinkSync(precious, backupName);
      // Every file that appears in the folder is looked at as soon as it is seen.
      const modes: number[] = [];
      const watcher = watch(folder, (_event, file) => {
        try {
          if (file) modes.push(statSync(join(folder, file)).mode & 0o777);
        } catch {
          // already renamed away
        }
      });
      cleanups.push(() => watcher.close());
      const csv = await t.call<{ path: string; rows: number }>('exportTransactions', { from: localDay, to: localDay, folder });
      const backup = await t.call<{ path: string }>('exportBackup', { folder });
      expect([csv.ok, backup.ok]).toEqual([true, true]);
      expect(readFileSync(precious, 'utf8')).toBe('precious');
      for (const path of [csv.result!.path, backup.result!.path]) {
        expect(lstatSync(path).isSymbolicLink()).toBe(false);
        expect(lstatSync(path).mode & 0o777).toBe(0o600);
      }
      expect(modes.filter((m) => m !== 0o600)).toEqual([]);
    });
  }

  it('card fields from MultiSafepay can neither become a spreadsheet formula nor forge a row in the CSV', async () => {
    const { readFileSync } = await import('node:fs');
    const { s, svc } = await tillWithStaff();
    expect((await svc.dispatch('signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
    const paid = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
    await until(() => s.sim.openStreams === 1, 'stream');
    s.sim.terminalAction('DEMO0001', 'approve');
    // What a hostile or broken answer could carry in the card fields (set before MultiSafepay shows the card).
    const card = await until(() => s.sim.orders.get(paid.result.orderId)?.card, 'card read on the terminal');
    card.type = '=HYPERLINK("http://evil.example","Click")';
    card.last4 = '1234,=1+2\nforged-sale,card,paid,999.00';
    await until(() => svc.ledger.attempt(paid.result.orderId)?.card?.last4 === card.last4, 'card recorded');
    // The day of the till's own clock (the sale's), not of the machine running the test.
    const day = localDate(svc.ledger.attempt(paid.result.orderId)!.createdAt);
    const r = (await svc.dispatch('exportTransactions', { from: day, to: day })) as { ok: true; result: { path: string } };
    const rows = parseCsv(readFileSync(r.result.path, 'utf8'));
    expect(rows).toHaveLength(2); // the header and the one sale: no forged row
    const [header, sale] = rows as [string[], string[]];
    expect(sale).toHaveLength(header.length);
    expect(sale[header.indexOf('card_type')]).toBe(`'=HYPERLINK("http://evil.example","Click")`);
    expect(sale[header.indexOf('card_last4')]).toBe('1234,=1+2\nforged-sale,card,paid,999.00');
    for (const cell of sale) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
  });
});

/** One HTTP request with the headers given as they are (Host included); resolves with the status. */
async function rawRequest(port: number, method: string, path: string, headers: Record<string, string>): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the demo simulator obeys only the till', () => {
  for (const [name, connect] of TRANSPORTS) {
    it(`${name}: its control API refuses other processes and web pages; the till's own virtual terminal works`, async () => {
      const { readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const dataDir = tempDir();
      const svc = await TillService.create({ dataDir, timing: FAST_TIMING });
      cleanups.push(() => svc.close());
      const t = await connect(svc, cleanups);
      const port = JSON.parse(readFileSync(join(dataDir, 'till-state.json'), 'utf8')).demoPort as number;
      const sale = (await t.call<PaymentView>('charge', { terminalId: 'DEMO0001', lines: LINES })).result!;
      const local = `127.0.0.1:${port}`;
      for (const [method, path, headers] of [
        ['GET', '/_sim/orders', { host: local }],
        ['GET', '/_sim/orders', { host: 'evil.example' }],
        ['POST', '/_sim/terminals/DEMO0001/approve', { host: local }],
        ['POST', '/_sim/terminals/DEMO0001/approve', { host: local, origin: 'http://evil.example' }],
        ['POST', `/_sim/orders/${sale.orderId}/complete`, { host: local, 'x-sim-token': 'guessed' }],
      ] as const)
        expect([method, path, headers, await rawRequest(port, method, path, headers)]).toEqual([method, path, headers, 403]);
      expect(svc.engine.payment(sale.orderId)?.state).toBe('initialized');
      // The till's own virtual terminal (in-process) still works.
      expect((await t.call('simulateTerminal', { terminalId: 'DEMO0001', action: 'approve' })).ok).toBe(true);
      await until(() => svc.engine.payment(sale.orderId)?.state === 'completed', 'paid on the virtual terminal');
    });
  }
});
