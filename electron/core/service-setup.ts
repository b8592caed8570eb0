/**
 * How the till service starts: the TILL_* environment, the ledger file (one kept aside when damaged), and the
 * booking clock that never goes back.
 */
import { existsSync, renameSync } from 'node:fs';
import { TillError } from '../../shared/errors';
import type { TillEnv } from './connection';
import { LedgerLockedError } from './ledger/db';
import { Ledger } from './ledger/ledger';
import { readStatus } from './payments/multisafepay/statuses';

export const LEDGER_FILE = 'ledger.sqlite';
/** Reads TILL_* variables (headless mode and the desktop app). */
export function envFromProcess(env: NodeJS.ProcessEnv = process.env): TillEnv {
  const out: TillEnv = {};
  if (env.TILL_MSP_BASE_URL?.trim()) out.baseUrl = env.TILL_MSP_BASE_URL.trim();
  if (env.TILL_MSP_API_KEY?.trim()) out.apiKey = env.TILL_MSP_API_KEY.trim();
  const ids = env.TILL_TERMINAL_IDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids?.length) out.terminalIds = ids;
  if (env.TILL_SHOP_DATABASE_URL?.trim()) out.shopDatabaseUrl = env.TILL_SHOP_DATABASE_URL.trim();
  if (env.TILL_NAME?.trim()) out.tillName = env.TILL_NAME.trim().slice(0, 40);
  return out;
}

/**
 * The time money is booked at: the wall clock, except that it never goes back. A clock set back (a flat CMOS battery,
 * a wrong time zone, by hand) would book sales into a day already past and number receipts out of time order; the
 * till then goes on from the newest time it knew (at start: the last receipt's), at the pace of the monotonic clock,
 * until the wall clock catches up. Sales are never refused for it.
 */
export function bookingClock(wall: () => number, monotonic: () => number, lastReceiptAt: number | undefined): () => number {
  let anchor = Math.max(wall(), lastReceiptAt ?? -Infinity);
  let anchorMono = monotonic();
  let last = anchor;
  return () => {
    const w = wall();
    const m = monotonic();
    if (w >= last) {
      anchor = last = w;
      anchorMono = m;
      return w;
    }
    // Behind what the till already used: carry on from there at the monotonic clock's pace.
    last = Math.max(last, Math.round(anchor + (m - anchorMono)));
    return last;
  };
}

/** Opens the ledger; one that cannot be opened (not a database, damaged) is kept aside and a new one started. */
export function openLedger(path: string, now = Date.now()): { ledger: Ledger; damagedCopy?: string } {
  try {
    return { ledger: new Ledger(path, { readStatus }) };
  } catch (err) {
    if (err instanceof LedgerLockedError) throw new TillError({ code: 'locked', message: err.message });
    if (!existsSync(path) || /newer version/.test(String((err as Error)?.message))) throw err;
    const damagedCopy = `${path}.damaged-${now}`;
    renameSync(path, damagedCopy);
    for (const side of ['-wal', '-shm']) if (existsSync(path + side)) renameSync(path + side, damagedCopy + side);
    return { ledger: new Ledger(path, { readStatus }), damagedCopy };
  }
}
