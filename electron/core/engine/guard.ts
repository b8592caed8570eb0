/**
 * The per-terminal guard at start: the install id, the sale counter and the `active` map (terminal id -> its one open
 * attempt, with its events token) read from the store, and made to agree with the ledger.
 */
import { randomBytes } from 'node:crypto';
import { isFinal } from '../../../shared/payment';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import { keepCopy, type KeyValueStore } from '../storage/kv';
import { GuardSchema, snapshot } from './attempt';
import type { AttemptRecord } from './types';

export interface LoadedGuard {
  installId: string;
  seq: number;
  active: Record<string, AttemptRecord>;
  /** Open attempts in the ledger beyond the one per terminal the guard holds (followed to their end too). */
  extraOpen: AttemptRecord[];
  /** Set when the guard file held something that is not a guard map: where the copy was kept. */
  damagedCopy?: string;
}

/** Reads the guard from the store (a damaged one is kept aside and rebuilt from the ledger) and reconciles it. */
export function loadGuard(store: KeyValueStore, ledger: Ledger, log: Logger, now: number): LoadedGuard {
  let installId = store.get('installId');
  if (typeof installId !== 'string' || !/^[a-z0-9]{8}$/.test(installId)) {
    installId = randomBytes(8).toString('hex').slice(0, 8);
    store.set({ installId });
  }
  const storedSeq = store.get('seq');
  const seq = typeof storedSeq === 'number' && Number.isInteger(storedSeq) && storedSeq >= 0 ? storedSeq : 0;
  const guard = GuardSchema.safeParse(store.get('active') ?? {});
  const active = guard.success ? (guard.data as Record<string, AttemptRecord>) : {};
  const damagedCopy = guard.success ? undefined : keepCopy(store.path, now);
  return {
    installId: installId as string,
    ...reconcileGuard(store, ledger, log, active, seq),
    ...(damagedCopy !== undefined ? { damagedCopy } : {}),
  };
}

/**
 * Guard and ledger agree at every start, both ways: an open attempt in the ledger holds its terminal again;
 * an attempt the guard holds that the ledger lacks (a crash right after the guard was written) is written to
 * the ledger; a newer state in the ledger wins; one the ledger has as final releases its terminal. The sale
 * counter is never lower than the ledger's.
 */
function reconcileGuard(
  store: KeyValueStore,
  ledger: Ledger,
  log: Logger,
  stored: Record<string, AttemptRecord>,
  storedSeq: number,
): Pick<LoadedGuard, 'active' | 'seq' | 'extraOpen'> {
  const active: Record<string, AttemptRecord> = { ...stored };
  const extraOpen: AttemptRecord[] = [];
  for (const [terminalId, rec] of Object.entries(active)) {
    const inLedger = ledger.attempt(rec.orderId);
    if (!inLedger) ledger.recordAttempt(snapshot(rec));
    else if (isFinal(inLedger.state)) delete active[terminalId];
    else if (inLedger.updatedAt > rec.updatedAt)
      active[terminalId] = {
        ...inLedger,
        ...(rec.eventsToken ? { eventsToken: rec.eventsToken } : {}),
        ...(rec.eventsStreamUrl ? { eventsStreamUrl: rec.eventsStreamUrl } : {}),
      };
  }
  for (const a of ledger.history.openAttempts()) {
    const held = active[a.terminalId];
    if (!held) active[a.terminalId] = a;
    else if (held.orderId !== a.orderId) extraOpen.push(a);
  }
  const seq = Math.max(storedSeq, ledger.maxSeq());
  if (seq !== storedSeq || JSON.stringify(active) !== JSON.stringify(stored)) {
    store.set({ active, seq });
    log.warn('guard reconciled with the ledger', { held: Object.keys(active).length, seq });
  }
  return { active, seq, extraOpen };
}
