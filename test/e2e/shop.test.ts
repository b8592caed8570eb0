/**
 * Several counters, one shop, end to end: two headless tills on one real PostgreSQL, the Shop button in Chromium
 * showing both by name with their totals, the offline banner while the shop database is stopped, and a till
 * killed (SIGKILL) while it catches up, whose rows still arrive exactly once after its restart.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Snapshot } from '../../shared/contract';
import { tempDir } from '../helpers/engine';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { WsTill } from '../helpers/ws-till';
import { launchBrowser, shot, skipReason, startTill, type Till } from './harness';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

describe.skipIf(Boolean(reason))('the shop across counters in Chromium', () => {
  let browser: Browser;
  let cluster: TestPostgres;
  const tills: Till[] = [];

  beforeAll(async () => {
    cluster = await startPostgres();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    while (tills.length) await tills.pop()!.stop();
    await browser?.close();
    cluster?.destroy();
  });

  it('Shop shows each till by name with its total, and a banner says when the shop database is away', async () => {
    const url = await cluster.database('e2e');
    const open = async (name: string, sales: number) => {
      const till = await startTill({ TILL_DATA_DIR: tempDir('till-shop-e2e-'), TILL_SHOP_DATABASE_URL: url, TILL_NAME: name });
      tills.push(till);
      const ws = await WsTill.connect(till.url);
      expect((await ws.call('openDay', { float: 5000 })).ok).toBe(true);
      for (let i = 0; i < sales; i++)
        expect((await ws.call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1, vatRate: 9 }], given: 275 })).ok).toBe(true);
      return { till, ws };
    };
    const front = await open('Front', 2);
    const back = await open('Back', 3);
    const page = await browser.newPage();
    await page.goto(front.till.url);
    await page.getByRole('button', { name: 'Shop', exact: true }).click();
    // The screen reads the day again as the other till's sales reach the shop database.
    const net = (name: string) => page.locator(`[data-testid="shop-till"][data-till="${name}"]`);
    await expect
      .poll(
        async () => [
          await net('Back')
            .getAttribute('data-net', { timeout: 200 })
            .catch(() => null),
          await net('Front')
            .getAttribute('data-net', { timeout: 200 })
            .catch(() => null),
        ],
        { timeout: 15_000 },
      )
      .toEqual(['825', '550']);
    // A sale on Back now reaches Front's open Shop screen by itself.
    expect((await back.ws.call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1, vatRate: 9 }], given: 275 })).ok).toBe(
      true,
    );
    await page.locator('[data-testid="shop-till"][data-till="Back"][data-net="1100"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByText('this till').count()).toBe(1);
    await shot(page, 'en-shop');

    cluster.stop();
    try {
      expect((await front.ws.call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1, vatRate: 9 }], given: 275 })).ok).toBe(
        true,
      );
      const banner = page.getByTestId('shop-offline');
      await banner.waitFor({ timeout: 15_000 });
      expect(await banner.textContent()).toMatch(/Shop database offline since .* queued/);
    } finally {
      cluster.start();
    }
    await page.getByTestId('shop-offline').waitFor({ state: 'detached', timeout: 15_000 });
  }, 90_000);

  it('a till killed while it catches up on a backlog sends every row exactly once after its restart', async () => {
    const url = await cluster.database('e2ekill');
    const dir = tempDir('till-shop-kill-');
    const env = { TILL_DATA_DIR: dir, TILL_SHOP_DATABASE_URL: url, TILL_NAME: 'Front' };
    let till = await startTill(env);
    let ws = await WsTill.connect(till.url);
    expect((await ws.call('openDay', { float: 0 })).ok).toBe(true);
    const queued = async () => (await ws.call<Snapshot>('snapshot')).result!.shop!;
    await expect.poll(async () => (await queued()).online, { timeout: 15_000 }).toBe(true);
    // A backlog: 1,440 sales made while the shop database is away (several batches to send), from 8 windows at once
    // (each within its own request budget).
    cluster.stop();
    try {
      const windows = await Promise.all(Array.from({ length: 8 }, () => WsTill.connect(till.url)));
      await Promise.all(
        windows.map(async (w) => {
          for (let i = 0; i < 180; i++)
            expect(
              (await w.call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1, vatRate: 9 }], given: 275 })).error,
            ).toBeUndefined();
        }),
      );
    } finally {
      cluster.start();
    }
    // Killed once some of it has arrived, wherever the shipper is.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const arrived = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM shop_outbox')).rows[0]!.n;
    const before = await arrived();
    await expect.poll(arrived, { timeout: 20_000, interval: 1 }).toBeGreaterThan(before);
    await till.stop('SIGKILL');
    const atKill = await arrived();
    till = await startTill(env);
    tills.push(till);
    ws = await WsTill.connect(till.url);
    await expect.poll(async () => (await queued()).queued, { timeout: 30_000 }).toBe(0);
    const { rows } = await db.query<{ n: number; seqs: number; max: number; sales: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs, max(seq)::int AS max,
              (SELECT count(*)::int FROM shop_rows WHERE tbl = 'sales') AS sales FROM shop_outbox`,
    );
    await db.end();
    expect(atKill).toBeLessThan(rows[0]!.n);
    expect(rows[0]).toEqual({ n: rows[0]!.max, seqs: rows[0]!.max, max: rows[0]!.max, sales: 1440 });
  }, 120_000);
});
