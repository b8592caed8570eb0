/**
 * The books add up, as part of `npm run bench`'s proof: runs the seeded day of `test/integration/books-add-up.test.ts`
 * (card, split, declined-then-cash and cash sales and refunds in parts on the headless till, killed with SIGKILL at
 * random moments, closed and checked against a recomputation) for `BENCH_BOOKS_SEEDS` seeds (default 21-25), and
 * reports how many days closed with every figure right, with the sales, kills and receipts they had.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/e2e/harness';
import { tempDir } from '../test/helpers/engine';

export interface BooksDay {
  seed: number;
  sales: number;
  kills: number;
  receipts: number;
  refunds: number;
  orders: number;
}

export async function benchBooksProof(): Promise<{ seeds: number[]; passed: BooksDay[]; ms: number; exitCode: number | null }> {
  const seeds = (process.env.BENCH_BOOKS_SEEDS ?? '21,22,23,24,25').split(',').map(Number);
  const out = join(tempDir('till-bench-books-'), 'days.jsonl');
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/integration/books-add-up.test.ts'], {
      cwd: ROOT,
      env: { ...process.env, BOOKS_SEEDS: seeds.join(','), BOOKS_PROOF_OUT: out },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    p.once('exit', (code) => resolve(code));
  });
  // A day is written only once every check of its close held.
  const passed = existsSync(out)
    ? readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as BooksDay)
    : [];
  return { seeds, passed, ms: performance.now() - started, exitCode };
}
