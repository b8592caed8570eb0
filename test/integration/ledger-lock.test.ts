/**
 * A busy ledger at start is not a second till: another program (a backup tool, a database browser) holding a read
 * transaction on ledger.sqlite for 3 s is waited for; a second till is refused at once, by its process and host.
 * Real processes on real SQLite files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerLockedError } from '../../electron/core/ledger/db';
import { Ledger } from '../../electron/core/ledger/ledger';
import { tempDir } from '../helpers/engine';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Runs a script in its own Node process; resolves once it prints `ready`. */
async function holder(script: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before it was ready`)));
  });
  return child;
}

function existingLedger(): string {
  const path = join(tempDir(), 'ledger.sqlite');
  const first = new Ledger(path);
  first.recordCashSale({
    saleId: 'c-1',
    at: Date.now(),
    lines: [{ name: 'Tea', unitPrice: 250, quantity: 1, vatRate: 9 }],
    total: 250,
    currency: 'EUR',
    given: 250,
    change: 0,
  });
  first.close();
  return path;
}

describe('a busy ledger at start', () => {
  it('another program reading the ledger for 3 s: the till waits for it and starts, with its sales', async () => {
    const path = existingLedger();
    const reader = await holder(`
      import { DatabaseSync } from 'node:sqlite';
      const db = new DatabaseSync(${JSON.stringify(path)});
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sales').get();
      console.log('ready');
      setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, 3000);
    `);
    const started = performance.now();
    const ledger = new Ledger(path);
    const waited = performance.now() - started;
    try {
      expect(ledger.counts().sales).toBe(1);
      // It really was held: the open waited for the reader (the old open gave up after ~190 ms).
      expect(waited).toBeGreaterThan(1_000);
    } finally {
      ledger.close();
    }
    expect(reader.exitCode === null || reader.exitCode === 0).toBe(true);
  });

  it('a program that keeps it locked past the wait is named as a program, not as a till', async () => {
    const path = existingLedger();
    await holder(`
      import { DatabaseSync } from 'node:sqlite';
      const db = new DatabaseSync(${JSON.stringify(path)});
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sales').get();
      console.log('ready');
      setInterval(() => {}, 1000);
    `);
    const err = (() => {
      try {
        new Ledger(path, { busyWaitMs: 500 }).close();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(LedgerLockedError);
    expect(err).toMatchObject({ holder: 'program' });
    expect((err as Error).message).toMatch(/in use by another program/);
    expect((err as Error).message).not.toMatch(/Another till/);
  });

  it('a second till is refused at once, named by its process and computer', async () => {
    const path = existingLedger();
    const till = await holder(`
      import { Ledger } from ${JSON.stringify(join(__dirname, '../../electron/core/ledger/ledger.ts'))};
      const ledger = new Ledger(${JSON.stringify(path)});
      console.log('ready');
      setInterval(() => {}, 1000);
    `);
    const started = performance.now();
    let err: unknown;
    try {
      new Ledger(path).close();
    } catch (e) {
      err = e;
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(LedgerLockedError);
    expect(err).toMatchObject({ holder: 'till', owner: { pid: till.pid, host: hostname() } });
    expect((err as Error).message).toContain(`Another till is already running on this data folder (process ${till.pid} on this computer)`);
    // Once that till is gone (killed: its note stays behind), the folder is free again.
    till.kill('SIGKILL');
    await new Promise((r) => till.once('exit', r));
    const next = new Ledger(path);
    expect(next.counts().sales).toBe(1);
    next.close();
  });
});
