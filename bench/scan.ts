/**
 * Scan-to-line on screen: the till in headless mode with 100,000 products, Chromium on its sale screen, and a
 * scanner's bursts (keys 4 ms apart, then Enter) sent with a scanner's timing. Measured in the page: from the
 * scan's Enter to the basket total changing. By default into a fresh data folder with its own products; with
 * `catalogIn`, in a data folder whose catalog is there already (bench/catalog.ts imported it beside a ledger of
 * years of sales). `tsx bench/scan.ts` prints JSON; `npm run bench` adds it to the table.
 */
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { gs1CheckDigit } from '../shared/barcode';
import { IMPORT_PART_CHARS } from '../shared/contract';
import { launchBrowser, scanBarcode, startTill } from '../test/e2e/harness';
import { tempDir } from '../test/helpers/engine';
import { seeded } from '../test/helpers/seeded';
import { WsTill } from '../test/helpers/ws-till';

const ean = (n: number) => {
  const body = `873${String(n).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
};

export async function benchScanToLine(
  browser: Browser,
  products = Number(process.env.BENCH_PRODUCTS ?? 100_000),
  scans = 40,
  catalogIn?: { dataDir: string; code(n: number): string },
) {
  const till = await startTill({ TILL_DATA_DIR: catalogIn?.dataDir ?? tempDir('till-bench-scan-') });
  const ws = await WsTill.connect(till.url);
  const code = catalogIn?.code ?? ean;
  const lines = ['barcode,name,price,vat_rate,category'];
  if (!catalogIn)
    for (let i = 0; i < products; i++) lines.push(`${ean(i)},Item ${i},${(1 + (i % 900) / 100).toFixed(2)},21,Shelf ${i % 50}`);
  const text = catalogIn ? '' : `${lines.join('\n')}\n`;
  for (let index = 0, at = 0; at < text.length; index++, at += IMPORT_PART_CHARS) {
    const r = await ws.call('importProducts', {
      importId: 'scan',
      index,
      text: text.slice(at, at + IMPORT_PART_CHARS),
      last: at + IMPORT_PART_CHARS >= text.length,
    });
    if (!r.ok) throw new Error(r.error?.message);
  }
  const page = await browser.newPage();
  await page.goto(till.url);
  await page.getByRole('button', { name: 'Charge' }).waitFor();
  // In the page: when each scan's Enter arrived, and when the basket total changed after it (page clock).
  await page.evaluate(`(() => {
    window.__enter = [];
    window.__line = [];
    window.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__enter.push(performance.now()); }, true);
    new MutationObserver(() => window.__line.push(performance.now())).observe(document.body, {
      subtree: true, attributes: true, attributeFilter: ['data-amount'],
    });
  })()`);
  const rnd = seeded(7);
  const ms: number[] = [];
  const counts = () =>
    page.evaluate(() => {
      const w = window as unknown as { __enter: number[]; __line: number[] };
      return [w.__enter.length, w.__line.length] as const;
    });
  for (let i = 0; i < scans; i++) {
    const [e0, l0] = await counts();
    await scanBarcode(page, code(rnd(products)));
    await page.waitForFunction((n) => (window as unknown as { __line: number[] }).__line.length > n, l0, { polling: 5 });
    const [enter, line] = await page.evaluate(
      ([e, l]) => {
        const w = window as unknown as { __enter: number[]; __line: number[] };
        return [w.__enter[e!]!, w.__line[l!]!];
      },
      [e0, l0],
    );
    ms.push(line - enter);
    // A fresh sale now and then: the basket stays short, as at a counter.
    if (i % 10 === 9) await page.getByRole('button', { name: 'Clear', exact: true }).click();
  }
  await page.close();
  ws.close();
  await till.stop();
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { products, n: s.length, median: q(0.5), p99: q(0.99), max: s.at(-1)! };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const browser = await launchBrowser();
  try {
    console.log(JSON.stringify(await benchScanToLine(browser)));
  } finally {
    await browser.close();
  }
}
