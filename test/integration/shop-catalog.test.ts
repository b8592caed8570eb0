/**
 * What belongs to the shop - the quick keys, the merchant's details and VAT rates - is shared through the shop's
 * PostgreSQL (a real throwaway cluster): a change on one till reaches the others within seconds (LISTEN/NOTIFY), one
 * made while the database is away arrives once it is back, and a new till takes the shop's.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogItem, PublicSettings, ShopStatus, Snapshot, TillEvent } from '../../shared/contract';
import { TillService } from '../../electron/core/service';
import { tempDir } from '../helpers/engine';
import { postgresPerFile } from '../helpers/postgres';
import { ok } from '../helpers/reply';

const pgs = postgresPerFile();
const cleanups = pgs.cleanups;

async function till(name: string, url: string) {
  const svc = await TillService.create({
    dataDir: tempDir(),
    env: { shopDatabaseUrl: url, tillName: name },
    shopShipping: { batchSize: 100, idleMs: 1000, maxRetryMs: 200 },
  });
  cleanups.push(() => svc.close());
  return svc;
}

/** The first event `pick` accepts. */
function next<T>(svc: TillService, pick: (e: TillEvent) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const off = svc.on((e) => {
      const v = pick(e);
      if (v !== undefined) {
        off();
        resolve(v);
      }
    });
  });
}

async function settled(svc: TillService): Promise<void> {
  const look = async () => ok<Snapshot>(await svc.dispatch('snapshot', {})).shop;
  const done = (s: ShopStatus | undefined) => s?.online && s.queued === 0;
  if (done(await look())) return;
  await next(svc, (e) => (e.type === 'shop' && done(e.shop ?? undefined) ? true : undefined));
}

/** Two tills of one shop, each online with nothing queued. */
async function frontAndBack(url: string): Promise<[TillService, TillService]> {
  const a = await till('Front', url);
  await settled(a);
  const b = await till('Back', url);
  await settled(b);
  return [a, b];
}

const keys: CatalogItem[] = [
  { id: 'bread', name: 'Bread', price: 325, vatRate: 9 },
  { id: 'wine', name: 'Wine', price: 1250, vatRate: 21 },
];

describe('shop data shared by the tills', () => {
  it('quick keys and merchant details changed on one till reach the others within seconds', async () => {
    const url = await pgs.fresh();
    const [a, b] = await frontAndBack(url);
    const arrived = next(b, (e) => (e.type === 'catalog' ? e.catalog : undefined));
    const sent = performance.now();
    ok(await a.dispatch('saveCatalog', { items: keys }));
    expect(await arrived).toEqual(keys);
    // Idle tills look only every second; NOTIFY brings it sooner.
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(ok<Snapshot>(await b.dispatch('snapshot', {})).catalog).toEqual(keys);

    const renamed = next(a, (e) => (e.type === 'settings' && e.settings.merchantName === 'Bakkerij Jansen' ? e.settings : undefined));
    ok(await b.dispatch('saveSettings', { merchantName: 'Bakkerij Jansen', vatRates: [21, 9, 0] }));
    const s: PublicSettings = await renamed;
    expect(s).toMatchObject({ merchantName: 'Bakkerij Jansen', vatRates: [21, 9, 0] });
    // The till's own things stay its own.
    expect(s.tillName).toBe('Front');
  });

  it('the staff list is shared (PIN hashes, never PINs): a manager set up on one till signs in on another', async () => {
    const url = await pgs.fresh();
    const [a, b] = await frontAndBack(url);
    const staffed = next(b, (e) => (e.type === 'staff' && e.staff.length === 2 ? e.staff : undefined));
    ok(
      await a.dispatch('saveStaff', {
        staff: [
          { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
          { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
        ],
      }),
    );
    expect((await staffed).map((m) => m.id)).toEqual(['ann', 'bob']);
    expect(await b.dispatch('signIn', { staffId: 'bob', pin: '9999' })).toMatchObject({ ok: false });
    expect(await b.dispatch('signIn', { staffId: 'ann', pin: '4821' })).toMatchObject({ ok: true, result: { id: 'ann', role: 'manager' } });
    const { readFileSync } = await import('node:fs');
    expect(JSON.stringify(ok<Snapshot>(await b.dispatch('snapshot', {})))).not.toContain('scrypt');
    expect(readFileSync(`${b.dataDir}/settings.json`, 'utf8')).not.toContain('4821');
  });

  it('a change made while the database is away reaches the others once it is back; a new till takes the shop catalog', async () => {
    const url = await pgs.fresh();
    const [a, b] = await frontAndBack(url);
    pgs.cluster.stop();
    try {
      ok(await a.dispatch('saveCatalog', { items: keys }));
      await next(a, (e) => (e.type === 'shop' && e.shop && !e.shop.online ? true : undefined));
    } finally {
      pgs.cluster.start();
    }
    const arrived = next(b, (e) => (e.type === 'catalog' ? e.catalog : undefined));
    expect(await arrived).toEqual(keys);
    const c = await till('Terrace', url);
    await settled(c);
    expect(ok<Snapshot>(await c.dispatch('snapshot', {})).catalog).toEqual(keys);
  }, 30_000);
});
