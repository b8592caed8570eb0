/**
 * What a failed write means for the cashier. The till writes through the file system (stores, exports) and
 * SQLite (the ledger); a full disk shows up as ENOSPC from the one and SQLITE_FULL from the other.
 */
import { TillError } from '../../../shared/errors';

/** SQLite's result code for "database or disk is full". */
const SQLITE_FULL = 13;

export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: string; errcode?: number; message?: string } | undefined;
  return (
    e?.code === 'ENOSPC' || (e?.errcode !== undefined && (e.errcode & 0xff) === SQLITE_FULL) || /disk is full/i.test(String(e?.message))
  );
}

/** A write that failed, as a sentence: the disk is full, or it refused the write; `outcome` says what that means. */
export function storageFailure(err: unknown, outcome = 'nothing was saved'): TillError {
  if (err instanceof TillError) return err;
  return new TillError({
    code: 'storage_error',
    message: isDiskFull(err)
      ? `The disk is full - ${outcome}. Free some space and try again.`
      : `The till could not save to disk - ${outcome}.`,
  });
}

/** Runs a write; a failure becomes a sentence for the cashier. */
export function storage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw storageFailure(err);
  }
}

export async function storageAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw storageFailure(err);
  }
}
