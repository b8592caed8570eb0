/**
 * Staff, keys and money against a hostile counter: each rule is driven through the real transports (IPC and the
 * headless WebSocket) against the real service, SQLite ledger and the simulator on loopback, and every refusal is
 * checked to have changed nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TillService, type TillServiceOptions } from '../../electron/core/service';
import { PIN_GUARD } from '../../electron/core/staff';
import type { Snapshot } from '../../shared/contract';
import { FAST_TIMING, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY } from '../helpers/sim';
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
      expect(svc.ledger.pinFailures('ann').failures).toBe(3);
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
      const log = svc.ledger.staffLog().reverse();
      expect(log.filter((e) => e.staffId === 'ann').map((e) => e.event)).toEqual([
        'pin_reset', // the PIN set with the staff list
        ...Array(6).fill('pin_failed'),
        'locked',
      ]);
      expect(new Set(log.filter((e) => e.staffId === 'ann').map((e) => e.till))).toEqual(new Set([svc.engine.installId]));
      expect(log.find((e) => e.event === 'locked')!.at).toBe(Date.parse('2026-11-30T10:00:00Z') + 65_000);
      // A cashier cannot unlock, nor can a wrong key; another manager can.
      expect((await t.call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
      expect((await t.call('unlockStaff', { staffId: 'ann' })).error?.message).toMatch(/needs a manager/);
      expect((await t.call('unlockStaff', { staffId: 'ann', apiKey: 'not-the-key-at-all' })).error?.field).toBe('apiKey');
      expect(svc.ledger.pinFailures('ann').locked).toBe(true);
      expect((await t.call('signIn', { staffId: 'carl', pin: '5555' })).ok).toBe(true);
      expect((await t.call('unlockStaff', { staffId: 'ann' })).ok).toBe(true);
      expect(svc.ledger.staffLog()[0]).toMatchObject({ staffId: 'ann', event: 'unlocked', by: 'Carl', till: svc.engine.installId });
      expect((await t.call('signIn', { staffId: 'ann', pin: '4821' })).result).toMatchObject({ id: 'ann', role: 'manager' });
    });
  }

  it('the count and the lockout survive a restart; the API key typed again unlocks', async () => {
    const first = await tillWithStaff();
    for (let i = 0; i < PIN_GUARD.lockAfter; i++) {
      first.advance(60_000);
      await first.svc.dispatch('signIn', { staffId: 'ann', pin: '0000' });
    }
    expect(first.svc.ledger.pinFailures('ann')).toMatchObject({ failures: 6, locked: true });
    await first.svc.close();
    const again = await first.open();
    expect(await again.dispatch('signIn', { staffId: 'ann', pin: '4821' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/locked/) },
    });
    expect(await again.dispatch('unlockStaff', { staffId: 'ann', apiKey: TEST_KEY })).toMatchObject({ ok: true });
    expect(again.ledger.staffLog()[0]).toMatchObject({ event: 'unlocked', by: 'api key' });
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
