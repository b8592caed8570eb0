/** Holds the till's snapshot and keeps it current from pushed events. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Snapshot, TillApi } from '../../shared/contract';

export interface TillState {
  snapshot: Snapshot | undefined;
  /** Bumped whenever history changed, so lists re-read. */
  historyVersion: number;
  /** Bumped when another till of the shop sent rows, so Shop reads the day again. */
  shopVersion: number;
  reload(): void;
}

export function useTill(api: TillApi, linkUp = true): TillState {
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [historyVersion, setHistoryVersion] = useState(0);
  const [shopVersion, setShopVersion] = useState(0);
  const signedIn = useRef<string | undefined>(undefined);
  const reload = useCallback(() => {
    api.snapshot({}).then(
      (s) => {
        signedIn.current = s.user?.id;
        setSnapshot(s);
      },
      () => {},
    );
  }, [api]);

  useEffect(() => {
    const off = api.onEvent((e) => {
      switch (e.type) {
        case 'payment':
          setSnapshot((s) => {
            if (!s) return s;
            const others = s.payments.filter((p) => p.orderId !== e.payment.orderId);
            return { ...s, payments: [...others, e.payment].sort((a, b) => a.createdAt - b.createdAt) };
          });
          break;
        case 'payment_removed':
          setSnapshot((s) => s && { ...s, payments: s.payments.filter((p) => p.orderId !== e.orderId) });
          break;
        case 'terminals':
          setSnapshot((s) => s && { ...s, terminals: e.terminals });
          break;
        case 'settings':
          setSnapshot((s) => s && { ...s, settings: e.settings, mode: e.mode });
          break;
        case 'basket':
          setSnapshot((s) => s && { ...s, basket: { basket: e.basket, rev: e.rev, client: e.client } });
          break;
        case 'notice':
          setSnapshot((s) => s && { ...s, notices: [...s.notices, e.notice] });
          break;
        case 'catalog':
          // The quick keys changed (favourites), in this window or another; a signed-out screen shows none.
          setSnapshot((s) => s && { ...s, catalog: s.user || !s.staff?.length ? e.catalog : [] });
          break;
        case 'staff':
          setSnapshot((s) => s && { ...s, user: e.user ?? undefined, staff: e.staff });
          // Someone signed in: the till now sends what it kept from the sign-in screen (sales, payments, notices).
          if (e.user && e.user.id !== signedIn.current) reload();
          signedIn.current = e.user?.id;
          break;
        case 'history_changed':
          setHistoryVersion((v) => v + 1);
          break;
        case 'shop_changed':
          setShopVersion((v) => v + 1);
          break;
        case 'shop':
          setSnapshot((s) => s && { ...s, shop: e.shop ?? undefined });
          break;
        case 'day':
          // Today was opened or closed, in this window or another.
          setSnapshot((s) => s && { ...s, today: e.today ?? undefined });
          setHistoryVersion((v) => v + 1);
          break;
      }
    });
    reload();
    return off;
  }, [api, reload]);

  // After the link to the till comes back, re-read everything that may have been missed.
  const wasUp = useRef(linkUp);
  useEffect(() => {
    if (linkUp && !wasUp.current) reload();
    wasUp.current = linkUp;
  }, [linkUp, reload]);

  return { snapshot, historyVersion, shopVersion, reload };
}
