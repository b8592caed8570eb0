/** Ledgers on fresh files for a test file, each closed after its test (`afterEach` registered by the caller's import). */
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Ledger } from '../../electron/core/ledger/ledger';
import { readStatus } from '../../electron/core/payments/multisafepay/statuses';
import { tempDir } from './engine';

const open: Ledger[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/**
 * A ledger at `path` (a new file by default), closed after the test; it reads the raw statuses it stores with
 * MultiSafepay's status reader, as the service gives it.
 */
export function ledger(path = join(tempDir(), 'ledger.sqlite')): Ledger {
  const l = new Ledger(path, { readStatus });
  open.push(l);
  return l;
}

/** Closes a ledger before the test ends (to read its file directly, or open it again). */
export function closeLedger(l: Ledger): void {
  l.close();
  open.splice(open.indexOf(l), 1);
}
