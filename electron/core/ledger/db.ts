/**
 * The sales ledger's SQLite database, through Node's built-in `node:sqlite` (Node 24, the Node of Electron's
 * main process: no native module to rebuild per platform). WAL with synchronous=FULL, so a committed
 * transaction survives a power cut; the schema is versioned with `PRAGMA user_version` and migrated forwards
 * in one transaction per step. The file is created readable by the till's user only.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations';

export { MIGRATIONS, SCHEMA_VERSION } from './migrations';

/** Who holds the ledger, as the till that holds it wrote down beside it (`ledger.sqlite.owner`). */
export interface LedgerHolder {
  pid: number;
  host: string;
  since: number;
}

/**
 * The ledger cannot be taken. `till`: another till holds it (named when it said who it is); `program`: something
 * else kept it locked past the wait (a backup tool, a database browser), or a till that did not say who it is.
 */
export class LedgerLockedError extends Error {
  readonly holder: 'till' | 'program';
  readonly owner: LedgerHolder | undefined;
  constructor(holder: 'till' | 'program', owner?: LedgerHolder, waitedMs = 0) {
    const who = owner ? ` (process ${owner.pid} on ${owner.host === hostname() ? 'this computer' : `computer ${owner.host}`})` : '';
    super(
      holder === 'till'
        ? `Another till is already running on this data folder${who}. Close it first, or give this one its own data folder.`
        : `The sales ledger is in use by another program (a backup tool or a database browser?), or by a till that did not say who it is; it stayed locked for ${Math.round(waitedMs / 1000)} s. Close that program and start the till again.`,
    );
    this.name = 'LedgerLockedError';
    this.holder = holder;
    this.owner = owner;
  }
}

/** How long a start waits for a ledger another program holds for a moment (a backup tool reading it). */
export const LEDGER_BUSY_WAIT_MS = 10_000;

const ownerPath = (path: string) => `${path}.owner`;

/** The till that last wrote down it holds the ledger, if that till is still running (or runs elsewhere). */
export function liveHolder(path: string): LedgerHolder | undefined {
  let owner: LedgerHolder;
  try {
    owner = JSON.parse(readFileSync(ownerPath(path), 'utf8')) as LedgerHolder;
  } catch {
    return undefined;
  }
  if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return undefined;
  // On another computer (a shared folder) it cannot be asked: it holds the lock, so take it at its word.
  if (owner.host !== hostname()) return owner;
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch (err) {
    // EPERM: the process lives, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? owner : undefined;
  }
}

/** Forgets the note that this process holds the ledger (when it closes it). */
export function releaseHolder(path: string): void {
  try {
    const owner = JSON.parse(readFileSync(ownerPath(path), 'utf8')) as LedgerHolder;
    if (owner.pid === process.pid && owner.host === hostname()) rmSync(ownerPath(path), { force: true });
  } catch {
    // no note, or not ours
  }
}

const isBusy = (err: unknown) => /locked|busy/i.test(String((err as Error)?.message));

/**
 * Opens the ledger and takes it for this process alone: `locking_mode = EXCLUSIVE` makes SQLite hold its file
 * lock for as long as the connection lives, so a second till on the same data folder is refused. The operating
 * system drops the lock when a process dies, so a till that crashed never blocks the next start.
 *
 * A lock held for a moment by another program (a backup tool, a database browser reading the file) is not a
 * second till: when no running till says it holds the ledger, the start waits up to `busyWaitMs` for it. The till
 * that holds the ledger writes down who it is beside it, so a second till is refused at once, by name.
 */
export function openDatabase(path: string, busyWaitMs = LEDGER_BUSY_WAIT_MS): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fresh = !existsSync(path);
  const db = new DatabaseSync(path);
  const started = performance.now();
  try {
    if (fresh) chmodSync(path, 0o600);
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    try {
      takeLock(db);
    } catch (err) {
      if (!isBusy(err)) throw err;
      const till = liveHolder(path);
      if (till) throw new LedgerLockedError('till', till);
      // Nobody says it is a till: wait for the lock to be let go.
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(busyWaitMs))}`);
      try {
        takeLock(db);
      } catch (again) {
        if (!isBusy(again)) throw again;
        const late = liveHolder(path);
        throw late ? new LedgerLockedError('till', late) : new LedgerLockedError('program', undefined, performance.now() - started);
      }
      db.exec('PRAGMA busy_timeout = 0');
    }
    writeFileSync(ownerPath(path), JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies LedgerHolder), {
      mode: 0o600,
    });
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof LedgerLockedError) throw err;
    if (isBusy(err)) throw new LedgerLockedError('program', undefined, performance.now() - started);
    throw err;
  }
  return db;
}

/** WAL, durable commits, and a first write that takes the exclusive lock, which is then kept. */
function takeLock(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  // Smaller, more frequent checkpoints: no single commit has to copy megabytes back into the database file.
  db.exec('PRAGMA wal_autocheckpoint = 200');
  transaction(db, () => db.exec(`CREATE TABLE IF NOT EXISTS lock_probe (x); DROP TABLE lock_probe;`));
}

function migrate(db: DatabaseSync): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version > MIGRATIONS.length)
    throw new Error(`The sales ledger was written by a newer version of the till (schema ${version}); update the till.`);
  for (let v = version; v < MIGRATIONS.length; v++) {
    transaction(db, () => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
    // A step may rewrite much of the file (the outbox copies the books once): its write-ahead log is copied into the
    // database and emptied after each step, so the log never holds more than one step and keeps no disk space after.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
}

/** Runs `fn` in one transaction: all of it is durable, or none of it. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // the failed statement may have rolled back already
    }
    throw err;
  }
}
