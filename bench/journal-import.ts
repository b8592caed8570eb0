/**
 * Importing a journal.jsonl of an earlier version at the first start (300,000 lines unless `BENCH_IMPORT_LINES`
 * says otherwise): the total time and the longest the event loop was blocked meanwhile.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TillService } from '../electron/core/service';
import { tempDir } from '../test/helpers/engine';

const now = () => performance.timeOrigin + performance.now();

/** Writes the journal, starts a till on it and times the import; returns the figures and the table's row. */
export async function benchJournalImport() {
  const dir = tempDir('till-bench-import-');
  const n = Number(process.env.BENCH_IMPORT_LINES ?? 300_000);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = Date.now() - (n - i) * 60_000;
    const attempt = {
      attemptId: `imp-${i}-${i}`,
      saleId: `imp-${i}`,
      orderId: `imp-${i}-${i}`,
      terminalId: 'T1',
      amount: 995,
      currency: 'EUR',
      lines: [{ name: 'Latte', unitPrice: 995, quantity: 1 }],
      state: 'completed',
      card: { type: 'VISA', last4: String(i % 10_000).padStart(4, '0') },
      createdAt: at,
      updatedAt: at,
      finalAt: at,
    };
    lines.push(JSON.stringify({ k: 'attempt', at, attempt }));
  }
  writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n`);
  let last = now();
  let longest = 0;
  let ticking = true;
  const tick = () => {
    const t = now();
    longest = Math.max(longest, t - last);
    last = t;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const t0 = now();
  const svc = await TillService.create({ dataDir: dir });
  const ms = now() - t0;
  ticking = false;
  await svc.close();
  const results = { lines: n, ms, longestBlockMs: longest };
  const row: [string, string, string, string] = [
    `import of a ${n.toLocaleString('en')}-line journal at first start`,
    `${(ms / 1000).toFixed(1)} s`,
    `longest block ${longest.toFixed(1)} ms`,
    'block < ~20 ms',
  ];
  return { results, row };
}
