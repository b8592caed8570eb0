/**
 * The product catalog at shop scale: 100,000 products imported through the till API as the screen sends them
 * (total time, the longest event-loop block on the wall clock and the till's own CPU hold per turn), then barcode
 * look-ups and searches as a cashier makes them (median / p99). Into a fresh data folder, or one whose ledger
 * already holds the sales of years (`dataDir`, e.g. filled by fill-ledger.ts), so the catalog is measured beside
 * them. `tsx bench/catalog.ts [dataDir]` prints JSON; `npm run bench` adds it to the table.
 */
import { pathToFileURL } from 'node:url';
import { TillService } from '../electron/core/service';
import { gs1CheckDigit } from '../shared/barcode';
import { IMPORT_PART_CHARS } from '../shared/contract';
import { tempDir } from '../test/helpers/engine';
import { watchLoop } from '../test/helpers/loop-probe';
import { seeded } from '../test/helpers/seeded';

const WORDS = ['apple', 'bread', 'cheese', 'coffee', 'tea', 'milk', 'juice', 'cola', 'soap', 'paint', 'screw', 'nail', 'glue', 'tape'];
const KINDS = ['organic', 'fresh', 'large', 'small', 'white', 'red', 'green', 'classic', 'extra', 'light'];
const CATEGORIES = ['Drinks', 'Bakery', 'Dairy', 'Household', 'Tools', 'Paint', 'Garden', 'Snacks'];

/** The barcode of the n-th product the benchmark imports. */
export const catalogEan = (n: number) => {
  const body = `872${String(n).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
};

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p99: q(0.99), max: s.at(-1)! };
};

export async function benchCatalog(count = Number(process.env.BENCH_PRODUCTS ?? 100_000), dataDir = tempDir('till-bench-catalog-')) {
  const rnd = seeded(23);
  const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)]!;
  const lines = ['barcode;name;price;vat_rate;category'];
  for (let i = 0; i < count; i++)
    lines.push(
      `${catalogEan(i)};${pick(KINDS)} ${pick(WORDS)} ${1 + (i % 97)};${(0.5 + rnd(5000) / 100).toFixed(2).replace('.', ',')};${pick([21, 9])};${pick(CATEGORIES)}`,
    );
  const text = `${lines.join('\r\n')}\r\n`;

  const svc = await TillService.create({ dataDir });
  const sales = svc.ledger.counts();
  const call = async (m: string, p: unknown) => {
    const r = (await svc.dispatch(m, p)) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!r.ok) throw new Error(r.error?.message);
    return r.result;
  };
  const loop = watchLoop();
  const t0 = performance.now();
  const importId = 'bench';
  let out: unknown;
  for (let index = 0, at = 0; at < text.length; index++, at += IMPORT_PART_CHARS)
    out = await call('importProducts', {
      importId,
      index,
      text: text.slice(at, at + IMPORT_PART_CHARS),
      last: at + IMPORT_PART_CHARS >= text.length,
    });
  const importMs = performance.now() - t0;
  const { gaps, held } = loop.stop();
  if ((out as { state: string }).state !== 'imported') throw new Error(`import did not finish: ${JSON.stringify(out).slice(0, 300)}`);

  const time = async (fn: (i: number) => Promise<unknown>, n: number) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await fn(i);
      xs.push(performance.now() - s);
    }
    return stats(xs);
  };
  const lookup = await time(() => call('findBarcode', { code: catalogEan(rnd(count)) }), 2000);
  // What a cashier types, a letter at a time: "c", "co", "cof", ... of a word, a word and a number, a category, digits of a barcode.
  const typed: string[] = [];
  for (const w of [...WORDS, ...CATEGORIES.map((c) => c.toLowerCase()), 'red cola 1', 'fresh bread 42', catalogEan(4242).slice(0, 9)])
    for (let k = 1; k <= w.length; k++) typed.push(w.slice(0, k));
  const search = await time((i) => call('searchProducts', { query: typed[i % typed.length]!, limit: 20 }), typed.length * 3);
  await svc.close();
  return { products: count, ledger: sales, importMs, loopGapMs: stats(gaps), loopHeldMs: stats(held), lookupMs: lookup, searchMs: search };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  console.log(JSON.stringify(await benchCatalog(undefined, process.argv[2] || undefined)));
