/**
 * Crash consistency of the drawer's durable steps on the real headless till: kill -9 right after a session is opened,
 * its float corrected, or it is closed (with its count sheet, and handed over), then a restart on the same data
 * folder. Each step is all there or not at all: no session half-closed, no hand-over without its next session, the
 * figures kept to the cent, and selling goes on in the right session.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DayState, DrawerSession, SaleRecord } from '../../shared/contract';
import { skipReason, startTill, type Till } from '../e2e/harness';
import { tempDir } from '../helpers/engine';
import { WsTill } from '../helpers/ws-till';

const reason = skipReason()?.includes('dist-electron') ? skipReason() : undefined;
if (reason) console.warn(`[session-crash] ${reason}`);

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const LINE = [{ name: 'Koffie', unitPrice: 350, quantity: 1, vatRate: 9 }];

async function start(dataDir: string, crashAt?: string): Promise<{ till: Till; ws: WsTill; died: Promise<void> }> {
  const till = await startTill({ TILL_DATA_DIR: dataDir, ...(crashAt ? { TILL_CRASH_AT: crashAt } : {}) });
  cleanups.push(() => till.stop('SIGKILL'));
  const died = new Promise<void>((resolve) => (till.proc.exitCode !== null ? resolve() : till.proc.once('exit', () => resolve())));
  const ws = await WsTill.connect(till.url);
  cleanups.push(() => ws.close());
  return { till, ws, died };
}

/** Sends a request the till is to die on: it never answers, and the process is gone. */
async function dieOn(t: { ws: WsTill; died: Promise<void> }, method: string, params: unknown): Promise<void> {
  void t.ws.call(method, params).catch(() => {});
  await t.died;
}

const result = <T>(r: { ok: boolean; result?: unknown; error?: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error?.message);
  return r.result as T;
};

/** What the ledger file holds of the drawer, read straight from SQLite after the till is gone. */
function drawerRows(dataDir: string) {
  const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'));
  try {
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    return {
      sessions: db.prepare('SELECT id, float, closed_at, counted, expected, counts FROM drawer_sessions ORDER BY id').all() as {
        id: number;
        float: number;
        closed_at: number | null;
        counted: number | null;
        expected: number | null;
        counts: string | null;
      }[],
      corrections: db.prepare('SELECT session_id, float, reason FROM float_corrections ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe.skipIf(Boolean(reason))('crash consistency of the drawer: kill -9 after each durable step', () => {
  it('session-opened: the session is open with its float after the restart, and the next sale goes into it', async () => {
    const dataDir = tempDir('till-session-crash-');
    await dieOn(await start(dataDir, 'session-opened:1'), 'openDay', { float: 12_500 });
    expect(drawerRows(dataDir).sessions).toEqual([{ id: 1, float: 12_500, closed_at: null, counted: null, expected: null, counts: null }]);
    const again = await start(dataDir);
    expect(result<DayState>(await again.ws.call('dayState', {}))).toMatchObject({ sessionId: 1, float: 12_500 });
    expect((await again.ws.call('openDay', { float: 12_500 })).error).toMatchObject({ key: 'day_open' });
    result<SaleRecord>(await again.ws.call('payCash', { lines: LINE, given: 350 }));
    const [s] = result<DrawerSession[]>(await again.ws.call('drawerSessions', {}));
    expect(s).toMatchObject({ id: 1, expectedNow: 12_850 });
  });

  it('float-corrected: the correction is recorded with its reason, the opening float kept, the expected cash follows', async () => {
    const dataDir = tempDir('till-session-crash-');
    const first = await start(dataDir, 'float-corrected:1');
    result(await first.ws.call('openDay', { float: 10_000 }));
    result(await first.ws.call('payCash', { lines: LINE, given: 350 }));
    await dieOn(first, 'correctFloat', { float: 11_000, reason: 'Counted the rolls again' });
    const rows = drawerRows(dataDir);
    expect(rows.sessions).toMatchObject([{ id: 1, float: 10_000, closed_at: null }]);
    expect(rows.corrections).toEqual([{ session_id: 1, float: 11_000, reason: 'Counted the rolls again' }]);
    const again = await start(dataDir);
    const [s] = result<DrawerSession[]>(await again.ws.call('drawerSessions', {}));
    expect(s).toMatchObject({ openingFloat: 10_000, float: 11_000, expectedNow: 11_350 });
  });

  it('session-closed with a count sheet and a hand-over: closed with its counts and figures, and the next session open with the counted float', async () => {
    const dataDir = tempDir('till-session-crash-');
    const first = await start(dataDir, 'session-closed:1');
    result(await first.ws.call('openDay', { float: 10_000 }));
    result(await first.ws.call('payCash', { lines: LINE, given: 500 }));
    const counts = { '5000': 2, '200': 1, '100': 1, '50': 1 };
    await dieOn(first, 'closeDay', { counted: 10_350, counts, handOver: true });
    const rows = drawerRows(dataDir);
    expect(rows.sessions).toHaveLength(2);
    expect(rows.sessions[0]).toMatchObject({ id: 1, counted: 10_350, expected: 10_350 });
    expect(rows.sessions[0]!.closed_at).not.toBeNull();
    expect(JSON.parse(rows.sessions[0]!.counts!)).toEqual(counts);
    expect(rows.sessions[1]).toMatchObject({ id: 2, float: 10_350, closed_at: null });
    const again = await start(dataDir);
    result<SaleRecord>(await again.ws.call('payCash', { lines: LINE, given: 350 }));
    const sessions = result<DrawerSession[]>(await again.ws.call('drawerSessions', {}));
    expect(sessions.map((s) => [s.id, s.expected ?? null, s.expectedNow])).toEqual([
      [1, 10_350, 10_350],
      [2, null, 10_700],
    ]);
  });

  it('session-closed without a hand-over: closed once, a second close refused, and a sale waits for a new session', async () => {
    const dataDir = tempDir('till-session-crash-');
    const first = await start(dataDir, 'session-closed:1');
    result(await first.ws.call('openDay', { float: 5000 }));
    await dieOn(first, 'closeDay', { counted: 4990 });
    expect(drawerRows(dataDir).sessions).toMatchObject([{ id: 1, counted: 4990, expected: 5000 }]);
    const again = await start(dataDir);
    expect((await again.ws.call('closeDay', { counted: 4990 })).ok).toBe(false);
    expect((await again.ws.call('payCash', { lines: LINE, given: 350 })).error).toMatchObject({ key: 'day_closed' });
    result(await again.ws.call('openDay', { float: 4990 }));
    result<SaleRecord>(await again.ws.call('payCash', { lines: LINE, given: 350 }));
    const sessions = result<DrawerSession[]>(await again.ws.call('drawerSessions', {}));
    expect(sessions.map((s) => [s.id, s.counted ?? null, s.expectedNow])).toEqual([
      [1, 4990, 5000],
      [2, null, 5340],
    ]);
  });
});
