/** The sale on the counter, kept by the core: every change is saved there and every window follows it. */
import { useCallback, useEffect, useState } from 'react';
import type { Snapshot, TillApi } from '../../shared/contract';
import { EMPTY_SALE, type Sale } from './sale';

/** This window, so it can tell its own basket changes from another window's. */
export const WINDOW_ID = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The sale on the counter. Changes show at once and are saved in the core (`saveBasket`), so a reload, a second
 * window or a restart shows the same basket; a newer basket from another window, or one found after a reload or a
 * restart, replaces this window's.
 */
export function useCounterBasket(api: TillApi, core: Snapshot['basket']): [Sale, (sale: Sale) => void] {
  const [local, setLocal] = useState<{ sale: Sale; rev: number }>({ sale: EMPTY_SALE, rev: 0 });
  useEffect(() => {
    if (core && core.client !== WINDOW_ID) setLocal((l) => (core.rev > l.rev ? { sale: core.basket, rev: core.rev } : l));
  }, [core]);
  const set = useCallback(
    (sale: Sale) => {
      setLocal((l) => ({ sale, rev: l.rev }));
      api.saveBasket({ basket: sale, client: WINDOW_ID }).then(
        ({ rev }) => setLocal((l) => ({ ...l, rev: Math.max(l.rev, rev) })),
        () => {},
      );
    },
    [api],
  );
  return [local.sale, set];
}
