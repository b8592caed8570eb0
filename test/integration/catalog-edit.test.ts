/**
 * Changing the catalog at the till through the real service (TillService.create on a real SQLite ledger): a manager
 * adds the product of an unknown barcode, which is then found and recorded in the audit trail; a cashier may not; a
 * price changed mid-sale leaves the lines already in the basket as they were; a product taken off sale is no longer
 * found; the scale label layout set in Settings decides how a label is read, and a bad layout changes nothing.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import type { Product, PublicSettings, SaleRecord, Snapshot, TillEvent } from '../../shared/contract';
import { DEFAULT_SCALE_LAYOUT, gs1CheckDigit } from '../../shared/barcode';
import type { SaleLine } from '../../shared/payment';
import { tempDir } from '../helpers/engine';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string; field?: string; key?: string } };
const ok = <T>(r: Reply<T>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
};
const code = (body12: string) => body12 + gs1CheckDigit(body12);
const ean = (n: number) => code(`871${String(n).padStart(9, '0')}`);

/** A till with Ann (manager, signed in after setting up the staff) and Bob (cashier). */
async function till() {
  let t = Date.parse('2026-11-30T10:00:00Z');
  const dataDir = tempDir();
  const svc = await TillService.create({ dataDir, now: () => t });
  cleanups.push(() => svc.close());
  const call = <T>(m: string, p: unknown) => svc.dispatch(m, p) as Promise<Reply<T>>;
  ok(
    await call('saveStaff', {
      staff: [
        { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
        { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
      ],
    }),
  );
  const as = async (who: 'ann' | 'bob') => {
    await call('signOut', {});
    ok(await call('signIn', who === 'ann' ? { staffId: 'ann', pin: '4821' } : { staffId: 'bob', pin: '1234' }));
  };
  await as('ann');
  return { svc, call, as, dataDir, advance: (ms: number) => void (t += ms) };
}

const lineOf = (p: Product & { line?: SaleLine }): SaleLine =>
  p.line ?? { name: p.name, unitPrice: p.price, quantity: 1, vatRate: p.vatRate, productId: p.id };

describe('adding the product of an unknown barcode', () => {
  it('a manager adds it with its barcode; it is then scanned into the basket and the addition is in the audit trail', async () => {
    const { svc, call } = await till();
    expect(await call('findBarcode', { code: ean(7) })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const added = ok(
      await call<Product>('addProduct', { barcode: ean(7), name: 'Stroopwafels', price: 349, vatRate: 9, category: 'Koek' }),
    );
    expect(added).toMatchObject({ barcodes: [ean(7)], name: 'Stroopwafels', price: 349, vatRate: 9, category: 'Koek', active: true });
    expect(ok(await call<Product>('findBarcode', { code: ean(7) })).id).toBe(added.id);
    expect(ok(await call<Product[]>('searchProducts', { query: 'stroop' })).map((p) => p.id)).toEqual([added.id]);
    const [record, ...more] = svc.ledger.products.changes(added.id);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      change: 'added',
      staff: 'Ann',
      before: {},
      after: { name: 'Stroopwafels', price: 349, barcodes: [ean(7)] },
    });
    expect(record!.at).toBe(Date.parse('2026-11-30T10:00:00Z'));
    // A UPC-A is kept as its EAN-13, as an import keeps it.
    const upc = ok(await call<Product>('addProduct', { barcode: '036000291452', name: 'Gum', price: 99, vatRate: 21, category: '' }));
    expect(upc.barcodes).toEqual(['0036000291452']);
  });

  it('refuses a cashier, a barcode already on a product, a misread barcode and a VAT rate the till does not offer, changing nothing', async () => {
    const { svc, call, as } = await till();
    ok(await call('addProduct', { barcode: ean(1), name: 'Tea', price: 150, vatRate: 9, category: '' }));
    const count = () => svc.ledger.products.count();
    const before = count();
    const tries: [unknown, RegExp, string?][] = [
      [{ barcode: ean(1), name: 'Other', price: 100, vatRate: 9, category: '' }, /is on another product already/, 'barcode'],
      [{ barcode: `${ean(2).slice(0, 12)}0`, name: 'Misread', price: 100, vatRate: 9, category: '' }, /check digit is wrong/, 'barcode'],
      [
        { barcode: ean(3), name: 'Odd rate', price: 100, vatRate: 6, category: '' },
        /VAT rate 6 is not one of the till's VAT rates \(21, 9, 0\)/,
        'vatRate',
      ],
      [{ barcode: ean(4), name: 'Free', price: 0, vatRate: 9, category: '' }, /more than zero/],
    ];
    for (const [p, message, field] of tries) {
      const r = await call('addProduct', p);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.message).toMatch(message);
        if (field) expect(r.error.field).toBe(field);
      }
    }
    await as('bob');
    const refused = await call('addProduct', { barcode: ean(5), name: 'Cashier', price: 100, vatRate: 9, category: '' });
    expect(refused).toMatchObject({ ok: false, error: { key: 'needs_manager' } });
    expect(count()).toBe(before);
    expect(await call('findBarcode', { code: ean(5) })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it("a weighed item's scale label: the manager adds the item's own code at its price per kilogram, and the label then weighs it", async () => {
    const { call } = await till();
    const label = code('280045600512');
    expect(await call('findBarcode', { code: label })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    ok(await call('addProduct', { barcode: '2800456', name: 'Gouda', price: 1290, vatRate: 9, category: 'Kaas' }));
    const gouda = ok(await call<Product & { line?: SaleLine }>('findBarcode', { code: label }));
    expect(gouda.line).toEqual({ name: 'Gouda 0.512 kg x 12.90/kg', unitPrice: 660, quantity: 1, vatRate: 9, productId: gouda.id });
  });
});

describe('changing products', () => {
  it('a price changed mid-sale leaves the lines already in the basket at their price; the next scan takes the new one', async () => {
    const { svc, call, as } = await till();
    const tea = ok(await call<Product>('addProduct', { barcode: ean(1), name: 'Tea', price: 150, vatRate: 9, category: '' }));
    ok(await call('openDay', { float: 0 }));
    await as('bob');
    // The cashier scans tea: the basket holds it at 1.50.
    const basket = [lineOf(ok(await call<Product>('findBarcode', { code: ean(1) })))];
    // A manager changes the price meanwhile (on this till or another).
    await as('ann');
    ok(await call('updateProduct', { id: tea.id, price: 175 }));
    await as('bob');
    basket.push(lineOf(ok(await call<Product>('findBarcode', { code: ean(1) }))));
    expect(basket.map((l) => l.unitPrice)).toEqual([150, 175]);
    const sale = ok(await call<SaleRecord>('payCash', { lines: basket, given: 500 }));
    expect(sale.total).toBe(325);
    expect(sale.lines.map((l) => [l.name, l.unitPrice, l.productId])).toEqual([
      ['Tea', 150, tea.id],
      ['Tea', 175, tea.id],
    ]);
    const changes = svc.ledger.products.changes(tea.id);
    expect(changes.map((c) => [c.change, c.before.price, c.after.price, c.staff])).toEqual([
      ['added', undefined, 150, 'Ann'],
      ['changed', 150, 175, 'Ann'],
    ]);
  });

  it('a product taken off sale is no longer found by scan or search, and can be put back; a cashier may do neither', async () => {
    const { svc, call, as, dataDir } = await till();
    const tea = ok(await call<Product>('addProduct', { barcode: ean(1), name: 'Tea', price: 150, vatRate: 9, category: '' }));
    ok(await call('updateProduct', { id: tea.id, active: false }));
    expect(await call('findBarcode', { code: ean(1) })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(ok(await call<Product[]>('searchProducts', { query: 'tea' }))).toEqual([]);
    // Nothing changed: nothing recorded.
    ok(await call('updateProduct', { id: tea.id, active: false }));
    expect(svc.ledger.products.changes(tea.id)).toHaveLength(2);
    expect(await call('updateProduct', { id: 9999, price: 100 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('updateProduct', { id: tea.id, vatRate: 7 })).toMatchObject({ ok: false, error: { field: 'vatRate' } });
    await as('bob');
    expect(await call('updateProduct', { id: tea.id, active: true })).toMatchObject({ ok: false, error: { key: 'needs_manager' } });
    await as('ann');
    ok(await call('updateProduct', { id: tea.id, active: true, name: 'Green tea' }));
    expect(ok(await call<Product>('findBarcode', { code: ean(1) })).name).toBe('Green tea');
    expect(ok(await call<Product[]>('searchProducts', { query: 'green' })).map((p) => p.id)).toEqual([tea.id]);
    // The audit trail cannot be rewritten.
    await svc.close();
    cleanups.pop();
    const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'));
    cleanups.push(() => db.close());
    expect(() => db.exec('DELETE FROM product_changes')).toThrow(/audit trail cannot be changed/);
    expect(() => db.exec('UPDATE product_changes SET after = 1')).toThrow(/audit trail cannot be changed/);
    expect(db.prepare('SELECT count(*) AS n FROM product_changes').get()).toEqual({ n: 3 });
  });
});

describe('the scale label layout in Settings', () => {
  it('a layout set in Settings decides how a label reads; a bad layout is refused with a clear message and changes nothing', async () => {
    const { call } = await till();
    ok(await call('addProduct', { barcode: '220012', name: 'Kaas', price: 1500, vatRate: 9, category: '' }));
    ok(await call('addProduct', { barcode: '2200120', name: 'Other', price: 100, vatRate: 9, category: '' }));
    // The default: 22 is a price prefix with five digits of item, so 2200120 is the item and 09950 the price in cents.
    const label = code('220012009950');
    expect(ok(await call<Product & { line?: SaleLine }>('findBarcode', { code: label })).line).toMatchObject({
      name: 'Other',
      unitPrice: 9950,
    });
    // This shop's scale: 22 weighs, four digits of item, six of grams.
    const layout = { ...DEFAULT_SCALE_LAYOUT, price: [20, 21], weight: [22, 23], itemDigits: 4, valueDigits: 6 };
    expect(ok(await call<PublicSettings>('saveSettings', { scaleLayout: layout })).scaleLayout).toEqual(layout);
    // Now 220012 is the item and 009950 grams: 9.950 kg at 15.00 = 149.25.
    expect(ok(await call<Product & { line?: SaleLine }>('findBarcode', { code: label })).line).toMatchObject({
      name: 'Kaas 9.950 kg x 15.00/kg',
      unitPrice: 14925,
    });
    const bad = await call('saveSettings', { scaleLayout: { ...layout, price: [20, 22] } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/either a price or a weight/);
    const short = await call('saveSettings', { scaleLayout: { ...layout, valueDigits: 5 } });
    if (!short.ok) expect(short.error.message).toMatch(/ten digits between the prefix and the check digit/);
    expect(short.ok).toBe(false);
    expect(ok(await call<{ settings: PublicSettings }>('snapshot', {})).settings.scaleLayout).toEqual(layout);
  });
});

describe('scale items with a six-digit item code', () => {
  it("the item's own code, an EAN-8's length without a check digit of its own, is added as typed and weighs its labels", async () => {
    const { call } = await till();
    ok(await call('saveSettings', { scaleLayout: { ...DEFAULT_SCALE_LAYOUT, itemDigits: 6, valueDigits: 4 } }));
    ok(await call('addProduct', { barcode: '28000042', name: 'Ham', price: 2000, vatRate: 9, category: '' }));
    const ham = ok(await call<Product & { line?: SaleLine }>('findBarcode', { code: code('280000420750') }));
    // 0.750 kg at 20.00 = 15.00.
    expect(ham.line).toMatchObject({ name: 'Ham 0.750 kg x 20.00/kg', unitPrice: 1500 });
    // With the default layout the same eight digits are an EAN-8, and its check digit is wrong.
    ok(await call('saveSettings', { scaleLayout: DEFAULT_SCALE_LAYOUT }));
    const refused = await call('addProduct', { barcode: '28000043', name: 'Other', price: 100, vatRate: 9, category: '' });
    expect(refused).toMatchObject({ ok: false, error: { field: 'barcode' } });
  });
});

describe('favourites: the quick keys picked from the catalog', () => {
  it('the snapshot carries the favourites as quick keys, never the catalog; every screen hears of a change; a cashier may not pick', async () => {
    const { svc, call, as } = await till();
    const events: TillEvent[] = [];
    svc.on((e) => events.push(e));
    // Until one is picked: the quick keys of Settings.
    const before = ok(await call<Snapshot>('snapshot', {})).catalog;
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((k) => k.productId === undefined)).toBe(true);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(
        ok(
          await call<Product>('addProduct', {
            barcode: ean(i),
            name: `Item ${String(i).padStart(2, '0')}`,
            price: 100 + i,
            vatRate: 9,
            category: '',
          }),
        ).id,
      );
    ok(await call('updateProduct', { id: ids[3], favourite: true }));
    ok(await call('updateProduct', { id: ids[1], favourite: true }));
    const keys = ok(await call<Snapshot>('snapshot', {})).catalog;
    expect(keys).toEqual([
      { id: `product-${ids[1]}`, name: 'Item 01', price: 101, vatRate: 9, productId: ids[1] },
      { id: `product-${ids[3]}`, name: 'Item 03', price: 103, vatRate: 9, productId: ids[3] },
    ]);
    expect(events.filter((e) => e.type === 'catalog').at(-1)).toEqual({ type: 'catalog', catalog: keys });
    // A favourite's new price is on its key; one taken off sale leaves the keys.
    ok(await call('updateProduct', { id: ids[1], price: 150 }));
    ok(await call('updateProduct', { id: ids[3], active: false }));
    expect(ok(await call<Snapshot>('snapshot', {})).catalog).toEqual([
      { id: `product-${ids[1]}`, name: 'Item 01', price: 150, vatRate: 9, productId: ids[1] },
    ]);
    expect(svc.ledger.products.changes(ids[1]!).map((c) => c.after.favourite)).toEqual([false, true, true]);
    await as('bob');
    expect(await call('updateProduct', { id: ids[5], favourite: true })).toMatchObject({ ok: false, error: { key: 'needs_manager' } });
    expect(ok(await call<Snapshot>('snapshot', {})).catalog.map((k) => k.productId)).toEqual([ids[1]]);
  });

  it('at most 60 favourites: the 61st is refused and changes nothing', async () => {
    const { svc, call } = await till();
    for (let i = 0; i < 61; i++) {
      const p = ok(await call<Product>('addProduct', { barcode: ean(i), name: `Item ${i}`, price: 100, vatRate: 9, category: '' }));
      const r = await call('updateProduct', { id: p.id, favourite: true });
      if (i < 60) expect(r.ok).toBe(true);
      else {
        expect(r).toMatchObject({ ok: false, error: { field: 'favourite' } });
        if (!r.ok) expect(r.error.message).toMatch(/at most 60 favourites - take one off first/);
        expect(svc.ledger.products.byId(p.id)?.favourite).toBe(false);
      }
    }
    expect(ok(await call<Snapshot>('snapshot', {})).catalog).toHaveLength(60);
  });
});
