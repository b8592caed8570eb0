/**
 * Shipping the till's outbox to the shop's PostgreSQL (a real throwaway cluster): every row arrives exactly once
 * through kill -9 at each step and at a moment nobody chose, through the database stopped and started mid-sale,
 * with three tills shipping at once and two of them claiming the same name.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../electron/core/ledger/ledger';
import { Shipper, type ShipperStatus } from '../../electron/core/shop/shipper';
import { tempDir } from '../helpers/engine';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let cluster: TestPostgres;
let dbs = 0;
const opened: Ledger[] = [];
const shippers: Shipper[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const s of shippers) await s.stop();
  for (const l of opened) l.close();
  cluster?.destroy();
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

function newLedger(): Ledger {
  const l = new Ledger(join(tempDir('till-shop-'), 'ledger.sqlite'));
  opened.push(l);
  return l;
}

function sell(ledger: Ledger, n: number, from = 0, at = Date.now()): void {
  for (let i = from; i < from + n; i++)
    ledger.recordCashSale({
      saleId: `s${i}`,
      at: at + i,
      lines: [{ name: 'Tea', unitPrice: 250, quantity: 1, vatRate: 9 }],
      total: 250,
      currency: 'EUR',
      given: 500,
      change: 250,
    });
}

/** The shop database holds each of the till's outbox rows once, as the till wrote it, and its sales as they are. */
async function expectExactlyOnce(url: string, ledger: Ledger, tillId: string, sales: number): Promise<void> {
  const local = ledger.outbox.after(0, 1_000_000);
  const [sent] = await query<{ n: number; distinct_seq: number; max: string | null }>(
    url,
    'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct_seq, max(seq) AS max FROM shop_outbox WHERE till_id = $1',
    [tillId],
  );
  expect(sent).toEqual({ n: local.length, distinct_seq: local.length, max: String(local.at(-1)!.seq) });
  const remote = await query<{ seq: string; tbl: string; row_key: string }>(
    url,
    'SELECT seq, tbl, row_key FROM shop_outbox WHERE till_id = $1 ORDER BY seq',
    [tillId],
  );
  expect(remote.map((r) => `${r.seq}:${r.tbl}:${r.row_key}`)).toEqual(local.map((r) => `${r.seq}:${r.tbl}:${r.rowKey}`));
  const [rows] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM shop_rows WHERE till_id = $1 AND tbl = 'sales'`, [tillId]);
  expect(rows!.n).toBe(sales);
  expect(ledger.outbox.queued()).toBe(0);
}

function shipper(ledger: Ledger, url: string, name: string, onStatus?: (s: ShipperStatus) => void): Shipper {
  const s = new Shipper({
    outbox: ledger.outbox,
    url,
    tillName: () => name,
    batchSize: 50,
    idleMs: 50,
    maxRetryMs: 200,
    ...(onStatus ? { onStatus } : {}),
  });
  shippers.push(s);
  s.start();
  return s;
}

/** Runs the shipping child process on a closed ledger; resolves with how it ended. */
function shipChild(
  path: string,
  url: string,
  crashAt?: string,
  onShipping?: (kill: () => void) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/ship-child.ts', path, url, 'Counter', '20'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(crashAt ? { SHOP_CRASH_AT: crashAt } : {}) },
  });
  child.stdout!.once('data', () => onShipping?.(() => child.kill('SIGKILL')));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

describe('shipping the outbox to the shop database', () => {
  it('three tills selling at once each arrive complete, once, told apart by their own id', async () => {
    const url = await cluster.database(`three${++dbs}`);
    const tills = [newLedger(), newLedger(), newLedger()];
    const ships = tills.map((l, i) => shipper(l, url, `Counter ${i + 1}`));
    for (let round = 0; round < 5; round++) tills.forEach((l, i) => sell(l, 20 + i, round * 100));
    await Promise.all(ships.map((s) => s.shipped()));
    for (const [i, l] of tills.entries()) await expectExactlyOnce(url, l, ships[i]!.tillId, 5 * (20 + i));
    const names = await query<{ name: string }>(url, 'SELECT name FROM tills ORDER BY name');
    expect(names.map((r) => r.name)).toEqual(['Counter 1', 'Counter 2', 'Counter 3']);
    expect(new Set(ships.map((s) => s.tillId)).size).toBe(3);
  });

  it.each(['shop-sent:2', 'shop-committed:2', 'shop-recorded:3'])(
    'a till killed at %s ships every row exactly once after its restart',
    async (point) => {
      const url = await cluster.database(`kill${++dbs}`);
      const ledger = newLedger();
      sell(ledger, 150);
      const tillId = ledger.outbox.tillId();
      ledger.close();
      const crashed = await shipChild(ledger.path, url, point);
      expect(crashed.signal).toBe('SIGKILL');
      const [partial] = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM shop_outbox');
      expect(partial!.n).toBeLessThan(300);
      const done = await shipChild(ledger.path, url);
      expect(done.code).toBe(0);
      const reopened = new Ledger(ledger.path);
      opened.push(reopened);
      await expectExactlyOnce(url, reopened, tillId, 150);
    },
  );

  it('a till killed at a moment nobody chose, again and again, ships every row exactly once', async () => {
    const url = await cluster.database(`kill${++dbs}`);
    const ledger = newLedger();
    sell(ledger, 1500);
    const tillId = ledger.outbox.tillId();
    ledger.close();
    let kills = 0;
    for (let i = 0; i < 4; i++) {
      // Killed once the shop database holds more than it did: part way through, wherever it was.
      const [before] = await query<{ n: number }>(
        url,
        `SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE tablename = 'shop_outbox'`,
      );
      const base = before!.n ? (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM shop_outbox'))[0]!.n : 0;
      const end = await shipChild(ledger.path, url, undefined, (kill) => {
        const watch = async () => {
          for (;;) {
            const exists = await query<{ n: number }>(
              url,
              `SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE tablename = 'shop_outbox'`,
            );
            if (
              exists[0]!.n &&
              (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM shop_outbox'))[0]!.n > base + 100 * (i + 1)
            )
              return kill();
            await new Promise((r) => setImmediate(r));
          }
        };
        void watch();
      });
      if (end.signal === 'SIGKILL') kills++;
    }
    expect(kills).toBeGreaterThan(0);
    expect((await shipChild(ledger.path, url)).code).toBe(0);
    const reopened = new Ledger(ledger.path);
    opened.push(reopened);
    await expectExactlyOnce(url, reopened, tillId, 1500);
  }, 60_000);

  it('with the database stopped mid-sale the till sells on, says since when and how much is queued, and catches up', async () => {
    const url = await cluster.database(`stop${++dbs}`);
    const ledger = newLedger();
    const seen: ShipperStatus[] = [];
    let waiting: ((s: ShipperStatus) => void) | undefined;
    const s = shipper(ledger, url, 'Counter', (st) => {
      seen.push(st);
      waiting?.(st);
    });
    const next = (ok: (st: ShipperStatus) => boolean) =>
      new Promise<ShipperStatus>((resolve) => {
        const last = s.status();
        if (ok(last)) return resolve(last);
        waiting = (st) => ok(st) && resolve(st);
      });
    sell(ledger, 30);
    await s.shipped();
    const stoppedAt = Date.now();
    cluster.stop();
    try {
      sell(ledger, 40, 30);
      s.kick();
      const offline = await next((st) => !st.online);
      expect(offline.offlineSince).toBeGreaterThanOrEqual(stoppedAt);
      expect(offline.problem).toMatch(/shop database/);
      expect(offline.problem).not.toContain('postgres://');
      // The till keeps selling and the queue grows.
      sell(ledger, 30, 70);
      expect(s.status().queued).toBeGreaterThanOrEqual(70 * 2);
    } finally {
      cluster.start();
    }
    await next((st) => st.online);
    await s.shipped();
    expect(s.status()).toMatchObject({ online: true, queued: 0 });
    expect(s.status().offlineSince).toBeUndefined();
    await expectExactlyOnce(url, ledger, s.tillId, 100);
  }, 60_000);

  it('a shop database restored from an older copy is sent what it lost, once', async () => {
    const url = await cluster.database(`restore${++dbs}`);
    const ledger = newLedger();
    sell(ledger, 60);
    const first = shipper(ledger, url, 'Counter');
    await first.shipped();
    await first.stop();
    // As if the database came back from a copy taken after the till's 40th row.
    await query(url, `DELETE FROM shop_outbox WHERE seq > 40`);
    await query(url, `DELETE FROM shop_rows WHERE seq > 40`);
    await query(url, `UPDATE tills SET shipped_seq = 40`);
    sell(ledger, 10, 60);
    const again = shipper(ledger, url, 'Counter');
    await again.shipped();
    await expectExactlyOnce(url, ledger, again.tillId, 70);
  });

  it('two tills claiming the same name are kept apart by id, and the second is told', async () => {
    const url = await cluster.database(`name${++dbs}`);
    const [a, b] = [newLedger(), newLedger()];
    sell(a, 3);
    sell(b, 5);
    const first = shipper(a, url, 'Front');
    await first.shipped();
    const second = shipper(b, url, 'Front');
    await second.shipped();
    expect(first.status().nameTaken).toBe(false);
    expect(second.status().nameTaken).toBe(true);
    const rows = await query<{ till_id: string; n: number }>(
      url,
      `SELECT till_id, count(*)::int AS n FROM shop_rows WHERE tbl = 'sales' GROUP BY till_id ORDER BY n`,
    );
    expect(rows).toEqual([
      { till_id: first.tillId, n: 3 },
      { till_id: second.tillId, n: 5 },
    ]);
  });
});

describe('the shop database over TLS', () => {
  it('ships over TLS to a server whose certificate checks out, and refuses one that does not or a link without TLS', async () => {
    const tls = await startPostgres({ tls: true });
    try {
      const url = await tls.database('tls');
      const ledger = newLedger();
      sell(ledger, 20);
      const s = shipper(ledger, url, 'Counter');
      await s.shipped();
      await expectExactlyOnce(url, ledger, s.tillId, 20);
      await s.stop();
      const plain = url.split('?')[0]!;
      for (const [wrong, problem] of [
        [`${plain}?sslmode=verify-full`, /certificate could not be checked/],
        [`${plain}?sslmode=disable`, /refused this till/],
      ] as const) {
        const other = newLedger();
        sell(other, 1);
        let seen: ShipperStatus | undefined;
        const refused = new Promise<ShipperStatus>((resolve) => {
          const t = shipper(other, wrong, 'Other', (st) => {
            seen = st;
            if (!st.online && st.problem) resolve(st);
          });
          void t;
        });
        // The sale, its cash tender, its receipt, and the drawer session the sale opened.
        expect(await refused).toMatchObject({ online: false, queued: 4 });
        expect(seen!.problem).toMatch(problem);
      }
    } finally {
      tls.destroy();
    }
  }, 60_000);
});
