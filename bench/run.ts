/**
 * `npm run bench`: measures the till on this machine and prints a table (and writes bench/results/latest.json).
 * Numbers, not pass/fail. Everything runs over loopback: the simulator in this process, headless mode as a child
 * process with default timings, and Debian's Chromium driven by Playwright.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { Simulator } from '../electron/core/payments/multisafepay/simulator/simulator';
import { launchBrowser, ROOT, skipReason, startTill, type Till } from '../test/e2e/harness';
import { tempDir } from '../test/helpers/engine';
import { fillLedger } from './fill-ledger';
import { benchSignIn } from './sign-in';
import { benchCatalog, catalogEan } from './catalog';
import { benchScanToLine } from './scan';
import { benchShop } from './shop';
import { benchCorePayments } from './core-payments';
import { benchJournalImport } from './journal-import';
import { benchBooksProof } from './books-proof';
import { TEST_KEY, until } from '../test/helpers/sim';
import { WsTill } from '../test/helpers/ws-till';

const why = skipReason();
if (why) {
  console.error(why);
  process.exit(2);
}
const now = () => performance.timeOrigin + performance.now();
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p99: q(0.99), max: s.at(-1)! };
};
const results: Record<string, unknown> = {};
/** `BENCH_ONLY=6,10,11`: only these sections (numbers as in the comments below); all by default. */
const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const runs = (section: string) => !only || only.includes(section);
const rows: [string, string, string, string][] = [];
const row = (name: string, st: { median: number; p99: number; n: number }, unit: string, target: string) =>
  rows.push([
    name,
    `${st.median.toFixed(unit === 'ms' ? 2 : 0)} ${unit}`,
    `${st.p99.toFixed(unit === 'ms' ? 2 : 0)} ${unit}`,
    `${target} (n=${st.n})`,
  ]);

const terminals = Array.from({ length: 50 }, (_, i) => `BENCH${String(i).padStart(2, '0')}`);
const sim = new Simulator({
  apiKey: TEST_KEY,
  approvalDelayMs: 0,
  softDeclineRetryMs: 10,
  keepAliveMs: 15_000,
  terminals: terminals.map((id) => ({ id, name: id })),
});
await sim.start();
const browser = await launchBrowser();
const env = (dir: string) => ({
  TILL_DATA_DIR: dir,
  TILL_MSP_BASE_URL: sim.apiRoot,
  TILL_MSP_API_KEY: TEST_KEY,
  TILL_TERMINAL_IDS: terminals.join(','),
  TILL_TIMING: '',
});

/** Records, in the page, when each panel's data-status becomes a given value (MutationObserver, page clock). */
async function watchStatuses(page: Page) {
  // A string, so the page gets exactly this code (the TypeScript loader would add helpers the page lacks).
  await page.evaluate(`(() => {
    window.__seen = {};
    const note = (el) => {
      const id = el.getAttribute('data-order-id');
      const st = el.getAttribute('data-status');
      if (id && st && window.__seen[id + ':' + st] === undefined) window.__seen[id + ':' + st] = performance.timeOrigin + performance.now();
    };
    new MutationObserver((muts) => {
      for (const m of muts) {
        if (m.type === 'attributes') note(m.target);
        for (const n of m.addedNodes) if (n instanceof Element) n.querySelectorAll('[data-testid="payment"]').forEach(note);
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  })()`);
}
const seenAt = (page: Page, orderId: string, status: string) =>
  page.evaluate(([k]) => (window as unknown as { __seen: Record<string, number> }).__seen[k!], [`${orderId}:${status}`]);
async function waitSeen(page: Page, orderId: string, status: string, timeout = 30_000): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const t = await seenAt(page, orderId, status);
    if (t) return t;
    if (Date.now() > deadline) throw new Error(`${orderId} never showed ${status}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
async function openTill(dir = tempDir('till-bench-')): Promise<{ till: Till; page: Page; ws: WsTill; dir: string }> {
  const till = await startTill(env(dir));
  const page = await browser.newPage();
  await page.goto(till.url);
  await page.getByRole('button', { name: 'Charge' }).waitFor();
  await watchStatuses(page);
  const ws = await WsTill.connect(till.url);
  return { till, page, ws, dir };
}
const lines = [{ name: 'Bench', unitPrice: 995, quantity: 1 }];
async function startPayment(ws: WsTill, page: Page, terminalId: string): Promise<string> {
  const r = await ws.call<{ orderId: string }>('charge', { terminalId, lines });
  if (!r.ok) throw new Error(r.error!.message);
  const orderId = r.result!.orderId;
  await waitSeen(page, orderId, 'initialized');
  await until(() => sim.streamConnects.some((c) => c.orderId === orderId) && sim.openStreams > 0, 'stream open', 10_000);
  return orderId;
}

// 1. Event-to-screen latency.
if (runs('1')) {
  const { till, page, ws } = await openTill();
  const lat: number[] = [];
  for (let i = 0; i < 150; i++) {
    const orderId = await startPayment(ws, page, terminals[0]!);
    const t0 = now();
    sim.completeOrder(orderId); // writes the SSE event now
    lat.push((await waitSeen(page, orderId, 'completed')) - t0);
    await ws.call('dismissPayment', { orderId });
  }
  const st = stats(lat);
  results.eventToScreenMs = st;
  row('event-to-screen latency', st, 'ms', 'median < 5 ms, p99 < 15 ms');
  ws.close();
  await page.close();
  await till.stop();
}

// 2. Stream-drop recovery, and polling with the stream refused.
if (runs('2')) {
  const { till, page, ws } = await openTill();
  const rec: number[] = [];
  for (let i = 0; i < 12; i++) {
    const orderId = await startPayment(ws, page, terminals[1]!);
    sim.faults.streamsDown = true;
    sim.faults.getFail = Infinity; // the whole network is down
    sim.dropStreams();
    await new Promise((r) => setTimeout(r, 1500 + (i % 4) * 500)); // an outage of 1.5-3 s
    sim.faults.silent = true;
    sim.completeOrder(orderId);
    sim.faults.silent = false;
    const t0 = now();
    sim.faults.streamsDown = false;
    sim.faults.getFail = 0;
    rec.push((await waitSeen(page, orderId, 'completed')) - t0);
    await ws.call('dismissPayment', { orderId });
  }
  const st = stats(rec);
  results.streamRecoveryMs = st;
  row('stream-drop recovery (network back -> final on screen)', st, 'ms', '< 2000 ms');
  const pol: number[] = [];
  sim.faults.refuseStreams = Infinity;
  for (let i = 0; i < 10; i++) {
    const r = await ws.call<{ orderId: string }>('charge', { terminalId: terminals[2]!, lines });
    const orderId = r.result!.orderId;
    await waitSeen(page, orderId, 'initialized');
    await new Promise((r2) => setTimeout(r2, 200 + i * 97));
    const t0 = now();
    sim.completeOrder(orderId);
    pol.push((await waitSeen(page, orderId, 'completed')) - t0);
    await ws.call('dismissPayment', { orderId });
  }
  sim.faults.refuseStreams = 0;
  const sp = stats(pol);
  results.refusedStreamPollingMs = sp;
  row('stream refused: order final -> on screen (polling)', sp, 'ms', '< 5000 ms');
  ws.close();
  await page.close();
  await till.stop();
}

// 3. Reopen: process start -> recovered payment reconciled on screen.
if (runs('3')) {
  const reopen: number[] = [];
  for (let i = 0; i < 8; i++) {
    const dir = tempDir('till-bench-');
    const first = await startTill(env(dir));
    const ws = await WsTill.connect(first.url);
    const r = await ws.call<{ orderId: string }>('charge', { terminalId: terminals[3]!, lines });
    const orderId = r.result!.orderId;
    ws.close();
    await first.stop('SIGKILL');
    sim.completeOrder(orderId);
    const t0 = now();
    const till = await startTill(env(dir), first.port);
    const page = await browser.newPage();
    await page.goto(till.url);
    await page.locator(`[data-order-id="${orderId}"][data-status="completed"]`).waitFor();
    reopen.push(now() - t0);
    await page.close();
    await till.stop();
  }
  const st = stats(reopen);
  results.reopenMs = st;
  row('reopen: start -> recovered payment reconciled on screen', st, 'ms', '< 1500 ms');
}

// 4a. Scale: 50 terminals with payments at once.
if (runs('4a')) {
  const { till, page, ws } = await openTill();
  const ids: string[] = [];
  for (const t of terminals) {
    const r = await ws.call<{ orderId: string }>('charge', { terminalId: t, lines });
    ids.push(r.result!.orderId);
  }
  for (const id of ids) await waitSeen(page, id, 'initialized');
  await until(() => sim.openStreams >= 50, '50 streams', 20_000);
  const t0: Record<string, number> = {};
  const outcome: Record<string, string> = {};
  ids.forEach((id, i) => {
    t0[id] = now();
    if (i % 5 === 4) {
      sim.terminalAction(terminals[i]!, 'cancel');
      outcome[id] = 'cancelled';
    } else {
      sim.completeOrder(id);
      outcome[id] = 'completed';
    }
  });
  const lat: number[] = [];
  for (const id of ids) lat.push((await waitSeen(page, id, outcome[id]!)) - t0[id]!);
  const snap = await ws.call<{ payments: { orderId: string; state: string }[] }>('snapshot');
  const correct = snap.result!.payments.filter((p) => outcome[p.orderId] === p.state).length;
  const st = stats(lat);
  results.fiftyTerminals = { ...st, correct, total: ids.length };
  row(`50 terminals at once (${correct}/50 outcomes correct): event-to-screen`, st, 'ms', 'all correct');
  ws.close();
  await page.close();
  await till.stop();
}

// 4b. 1,000 payments in a row through the core: memory growth and leaked handles.
if (runs('4b')) {
  const r = await benchCorePayments(lines);
  results.thousandPayments = r.results;
  rows.push(r.row);
}

// 5. Size and cold start.
if (runs('5')) {
  const assets = join(ROOT, 'dist/assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const gz = js.reduce((s, f) => s + gzipSync(readFileSync(join(assets, f))).length, 0);
  results.rendererJsGzipBytes = gz;
  rows.push(['renderer JavaScript, gzipped', `${(gz / 1024).toFixed(1)} KiB`, '', `${js.length} file(s)`]);
  const cold: number[] = [];
  for (let i = 0; i < 6; i++) {
    const dir = tempDir('till-bench-');
    const t0 = now();
    const till = await startTill({ TILL_DATA_DIR: dir });
    const page = await browser.newPage();
    await page.goto(till.url);
    await page.getByRole('button', { name: 'Charge' }).waitFor();
    cold.push(now() - t0);
    await page.close();
    await till.stop();
  }
  const st = stats(cold);
  results.coldStartToFirstRenderMs = st;
  row('cold start of headless mode (demo) -> first render', st, 'ms', '');
}

// 6. The sales ledger at shop scale: 1,000 / 100,000 / 1,000,000 sales (about 300 a day: ten years at the top).
const ledgerDirs: Record<number, string> = {};
if (runs('6')) {
  const sizes = (process.env.BENCH_LEDGER_SIZES ?? '1000,100000,1000000').split(',').map(Number);
  const scale: Record<string, unknown> = {};
  for (const n of sizes) {
    const dir = tempDir('till-bench-ledger-');
    const fill = fillLedger(dir, n);
    ledgerDirs[n] = dir;
    // Measured in a process of its own, so memory and timings are the till's alone.
    const probe = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ledger-probe.ts'), dir], { cwd: ROOT });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => process.stderr.write(d));
      p.once('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').at(-1)!) : reject(new Error(`probe exited ${code}`))));
    });
    const r = JSON.parse(probe) as Record<string, { median: number; p99: number }> & { startMs: number; rssMb: number };
    scale[n] = { fillMs: fill.ms, ...r, fileMb: statSync(join(dir, 'ledger.sqlite')).size / 1e6 };
    const f = (x: { median: number; p99: number }) => `${x.median.toFixed(1)} / ${x.p99.toFixed(1)}`;
    rows.push([
      `ledger, ${n.toLocaleString('en')} sales: start / history page / last4 / product / amount / day report / cash sale (median / p99 ms), RSS`,
      `${r.startMs.toFixed(0)} ms start`,
      `${f(r.historyPage!)} | ${f(r.searchLast4!)} | ${f(r.searchProduct!)} | ${f(r.searchAmount!)} | ${f(r.dayReport!)} | ${f(r.cashSale!)}`,
      `RSS ${r.rssMb.toFixed(0)} MB (< 200 MB at 1M; requests < 50 ms; start < 1 s)`,
    ]);
  }
  results.ledgerScale = scale;
}

// 7. Event-to-screen on the biggest ledger while History and the day report are reloaded every 100 ms.
if (runs('7') && Object.keys(ledgerDirs).length) {
  const biggest = Math.max(...Object.keys(ledgerDirs).map(Number));
  const { till, page, ws } = await openTill(ledgerDirs[biggest]);
  const reader = await WsTill.connect(till.url);
  let reloads = 0;
  let loading = true;
  const load = (async () => {
    while (loading) {
      const t0 = now();
      await reader.call('history', { limit: 50 });
      await reader.call('dayReport', {});
      reloads++;
      const wait = 100 - (now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  const lat: number[] = [];
  for (let i = 0; i < 150; i++) {
    const orderId = await startPayment(ws, page, terminals[1]!);
    const t0 = now();
    sim.completeOrder(orderId);
    lat.push((await waitSeen(page, orderId, 'completed')) - t0);
    await ws.call('dismissPayment', { orderId });
  }
  loading = false;
  await load;
  const st = stats(lat);
  results.eventToScreenUnderLoadMs = { ...st, ledgerSales: biggest, reloads };
  row(`event-to-screen, ${biggest.toLocaleString('en')}-sale ledger, History + day report every 100 ms`, st, 'ms', 'p99 < 15 ms');
  reader.close();
  ws.close();
  await page.close();
  await till.stop();
}

// 8. Importing a journal.jsonl of an earlier version (300,000 lines): total time and the longest event-loop block.
if (runs('8')) {
  const r = await benchJournalImport();
  results.journalImport = r.results;
  rows.push(r.row);
}

// 9. Sign-in: one PIN check, and another window's requests while 200 sign-ins arrive at once.
if (runs('9')) {
  const r = await benchSignIn();
  results.signIn = r;
  row('sign-in over the WebSocket (PIN checked with scrypt off the event loop)', r.signInMs, 'ms', '');
  row("another window's request, no sign-ins", r.otherAloneMs, 'ms', '');
  row(
    `another window's request during 200 sign-ins at once (${r.flood.checked} checked, ${r.flood.refusedAtOnce} refused at once)`,
    r.otherDuringFloodMs,
    'ms',
    `max ${r.otherDuringFloodMs.max.toFixed(1)} ms`,
  );
}

// 10 and 11 measure the catalog in the same ledger as years of sales: the biggest ledger of 6 (1,000,000 sales),
// or, when 6 did not run, one filled here with BENCH_CATALOG_SALES sales (1,000,000 unless set).
let catalogDir: string | undefined;
const shopLedger = () => {
  const biggest = Math.max(0, ...Object.keys(ledgerDirs).map(Number));
  if (biggest) return ledgerDirs[biggest]!;
  catalogDir ??= tempDir('till-bench-shop-');
  fillLedger(catalogDir, Number(process.env.BENCH_CATALOG_SALES ?? 1_000_000));
  return catalogDir;
};

// 10. The product catalog: 100,000 products imported through the till API, then barcode look-ups and searches.
const shopDir = runs('10') ? shopLedger() : '';
if (runs('10')) {
  const c = await benchCatalog(undefined, shopDir);
  results.catalog = c;
  const beside = `${c.products.toLocaleString('en')} products beside ${c.ledger.sales.toLocaleString('en')} sales`;
  rows.push([
    `import of ${beside} (CSV through the till API)`,
    `${(c.importMs / 1000).toFixed(1)} s`,
    `event loop held p99 ${c.loopHeldMs.p99.toFixed(1)} ms CPU (max ${c.loopHeldMs.max.toFixed(1)}; longest wall-clock gap ${c.loopGapMs.max.toFixed(1)} ms)`,
    '< 30 s; hold < ~20 ms',
  ]);
  row(`barcode look-up, ${beside}`, c.lookupMs, 'ms', 'p99 < 5 ms');
  row(`Search products as typed, ${beside}`, c.searchMs, 'ms', 'p99 < 30 ms');
}

// 11. Scan-to-line: a scanner's burst on the sale screen in Chromium until the basket total changes, in the ledger
// of 10 (its products beside the sales); without 10, in a fresh folder with products of its own.
if (runs('11')) {
  const st = await benchScanToLine(browser, undefined, 40, runs('10') ? { dataDir: shopDir, code: catalogEan } : undefined);
  results.scanToLineMs = { ...st, inShopLedger: runs('10') };
  row(
    `scan-to-line on screen: Enter of a scan -> basket total changes, ${st.products.toLocaleString('en')} products${runs('10') ? ' beside the sales of 10' : ''}`,
    st,
    'ms',
    'p99 < 100 ms',
  );
}

// 12. Several counters, one shop: shipping lag, catching up on a backlog, the shop's day at three tills.
{
  const sh = await benchShop();
  results.shop = sh;
  row('shipping lag: cash sale on a till -> its row in the shop database (PostgreSQL, loopback)', sh.lagMs, 'ms', 'p99 < 2 s');
  rows.push([
    `catch-up of ${sh.catchUp.sales.toLocaleString('en')} sales made offline (${sh.catchUp.rows.toLocaleString('en')} outbox rows)`,
    `${(sh.catchUp.ms / 1000).toFixed(1)} s`,
    `event loop held max ${sh.catchUp.loop.maxHeldMs.toFixed(1)} ms CPU (gap max ${sh.catchUp.loop.maxGapMs.toFixed(1)} ms)`,
    '< 60 s; hold <= ~20 ms',
  ]);
  row(
    `Shop's day at ${sh.shopView.tills} tills x ${sh.shopView.salesPerTill.toLocaleString('en')} sales over ${sh.shopView.days} days`,
    sh.shopView.ms,
    'ms',
    '< 200 ms',
  );
}

// 13. The books add up to the cent after seeded days with kill -9 at random moments (the books-add-up test's day).
if (runs('13')) {
  const b = await benchBooksProof();
  results.booksProof = b;
  const sum = (k: 'sales' | 'kills' | 'receipts') => b.passed.reduce((s, d) => s + d[k], 0);
  rows.push([
    'books add up: seeded days of card, split, cash and refunds, kill -9 at random, checked at the close',
    `${b.passed.length} of ${b.seeds.length} days exact`,
    `${sum('sales')} sales, ${sum('kills')} kills, ${sum('receipts')} receipts, ${(b.ms / 1000).toFixed(0)} s`,
    'every day exact',
  ]);
}

await browser.close();
await sim.stop();
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
results.machine = machine;
results.at = new Date().toISOString();
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify(results, null, 2));
const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'median', 'p99', 'target'][i]!.length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
console.log(`\nMachine: ${machine}\n`);
console.log(line(['measure', 'median', 'p99', 'target']));
console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log('\nWritten to bench/results/latest.json');
