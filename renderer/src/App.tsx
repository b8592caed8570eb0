import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleRecord, TillApi } from '../../shared/contract';
import { lineTotal } from '../../shared/money';
import { isFinal, type PaymentView, salePartOf } from '../../shared/payment';
import { OpenSales } from './components/OpenSales';
import { partPaidText, time } from './format';
import { Receipt } from './components/Receipt';
import { LockedTill } from './components/LockedTill';
import { useManagerApproval } from './components/ManagerApproval';
import { SignIn } from './components/SignIn';
import i18n from './i18n';
import { noticeTarget, noticeText } from './notices';
import { reasonText } from './outcome';
import { EMPTY_SALE, paidByCard, paidByCreditNotes, type Sale, terminalLabel } from './sale';
import { DayScreen } from './screens/DayScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { ReportScreen } from './screens/ReportScreen';
import { SaleScreen } from './screens/SaleScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { ShopScreen } from './screens/ShopScreen';
import { SHORTCUTS } from './shortcuts';
import { localDay } from './day';
import { useTill } from './useTill';
import { useCounterBasket } from './useCounterBasket';

/**
 * A card part of a split sale, paid: "Paid by card €10.00 - due €5.84", its store credit counted (nothing when it paid
 * the rest).
 */
function partText(p: PaymentView, onCounter: Sale): string | undefined {
  const earlier = onCounter.saleId === p.saleId ? Object.entries(onCounter.paid ?? {}).filter(([id]) => id !== p.orderId) : [];
  const byCard = earlier.reduce((s, [, a]) => s + a, p.amount);
  const due = lineTotal(p.lines) - byCard;
  const credit = onCounter.saleId === p.saleId ? paidByCreditNotes(onCounter) : 0;
  return due > 0 ? partPaidText(byCard, credit, due, p.currency) : undefined;
}

type View = 'sale' | 'history' | 'report' | 'day' | 'shop' | 'settings';

export function App({ api: tillApi, linkUp = true }: { api: TillApi; linkUp?: boolean }) {
  const { t } = useTranslation();
  const { snapshot, historyVersion, shopVersion, reload } = useTill(tillApi, linkUp);
  // Every screen's requests go through inline manager approval: a manager-only action asks a manager's PIN here.
  const managers = snapshot?.staff?.filter((m) => m.role === 'manager') ?? [];
  const { api, dialog: approvalDialog } = useManagerApproval(tillApi, managers, Boolean(snapshot?.user));
  const [view, setView] = useState<View>('sale');
  const [sale, setSale] = useCounterBasket(api, snapshot?.basket);
  const [receipt, setReceipt] = useState<{ sale: SaleRecord; refundId?: string | undefined }>();
  /** History opened from a notice: searched for the payment or sale it is about. */
  const [historyQuery, setHistoryQuery] = useState<{ query: string; at: number }>();
  /** Counts F9 presses: each one puts the cursor in History's search box. */
  const [historyKey, setHistoryKey] = useState(0);
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [newSaleAt, setNewSaleAt] = useState(0);
  const [outcomes, setOutcomes] = useState<PaymentView[]>([]);
  const [openSalesShown, setOpenSalesShown] = useState(false);
  /** Counts the sales put on the counter to be charged there: each time, Charge gets the focus once it shows. */
  const [chargeNext, setChargeNext] = useState(0);
  useEffect(() => {
    // After the sale screen's own first focus (its effects run before this one).
    if (chargeNext) document.getElementById('charge')?.focus();
  }, [chargeNext]);
  const payments = snapshot?.payments;
  const terminals = snapshot?.terminals;
  const viewRef = useRef(view);
  useEffect(() => {
    viewRef.current = view;
  }, [view]);

  const language = snapshot?.settings.language;
  useEffect(() => {
    if (language && i18n.language !== language) void i18n.changeLanguage(language);
    if (language) document.documentElement.lang = language;
  }, [language]);

  // Whoever signs in on the sign-in screen starts at the counter. Setting up the first manager in Settings keeps
  // that person where they are, with whatever they have not saved yet.
  const userId = snapshot?.user?.id;
  const signingIn = Boolean(snapshot?.staff?.length) && !snapshot?.user;
  const wasSigningIn = useRef(signingIn);
  useEffect(() => {
    if (userId && wasSigningIn.current) setView('sale');
    wasSigningIn.current = signingIn;
  }, [userId, signingIn]);

  // The basket's sale is done once paid: the counter is ready for the next customer.
  // A card that paid only part of it (split tender) keeps the basket, with that part counted, until the rest is paid.
  const paidNow = payments?.find((p) => p.orderId === sale.orderId && p.state === 'completed');
  const saleRef = useRef(sale);
  useEffect(() => {
    saleRef.current = sale;
  }, [sale]);
  useEffect(() => {
    if (!paidNow) return;
    const cur = saleRef.current;
    // What the card paid of the sale: what MultiSafepay charged (a tip apart), once it said; else what was asked.
    const part = salePartOf(paidNow, lineTotal(cur.lines));
    const parts = { ...cur.paid, [paidNow.orderId]: part };
    if (paidByCard({ lines: cur.lines, paid: parts }) < lineTotal(cur.lines)) {
      if (cur.paid?.[paidNow.orderId] !== part) setSale({ ...cur, paid: parts });
      return;
    }
    setSale(EMPTY_SALE);
    const a = document.activeElement;
    if (viewRef.current === 'sale' && (a === document.body || a?.closest('.payments, .basket'))) document.getElementById('amount')?.focus();
  }, [paidNow, setSale]);

  // One polite sentence per status change; outcomes that arrive while another screen is open also become a notice.
  const last = useRef(new Map<string, string>());
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    for (const p of payments ?? []) {
      const seen = last.current.get(p.orderId);
      if (seen === p.state) continue;
      last.current.set(p.orderId, p.state);
      const title = t('payment.title', { terminal: terminalLabel(p.terminalId, terminals ?? []) });
      const why =
        isFinal(p.state) && p.state !== 'completed' ? reasonText(p) : p.state === 'completed' ? partText(p, saleRef.current) : undefined;
      setAnnouncement(`${title}: ${t(`payment.status.${p.state}`)}${why ? `. ${why}` : ''}`);
      if (seen !== undefined && isFinal(p.state) && viewRef.current !== 'sale')
        setOutcomes((cur) => [...cur.filter((o) => o.orderId !== p.orderId), p]);
    }
  }, [payments, terminals, t]);

  // F9 opens History from anywhere; the sale screen's own keys bring you back to it.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      if (e.key === SHORTCUTS.history) {
        e.preventDefault();
        setView('history');
        setHistoryKey((n) => n + 1);
      } else if (
        viewRef.current !== 'sale' &&
        (e.key === SHORTCUTS.newSale || e.key === SHORTCUTS.charge || e.key === SHORTCUTS.cash || e.key === SHORTCUTS.split)
      ) {
        e.preventDefault();
        setView('sale');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (view === 'sale') setOutcomes([]);
  }, [view]);

  const openReceipt = (of: string | SaleRecord, refundId?: string) => {
    if (typeof of !== 'string') return setReceipt({ sale: of, refundId });
    void api.history({ query: of }).then((list) => {
      const found = list.find((s) => s.saleId === of);
      setReceipt(found && { sale: found, refundId });
    });
  };
  /** A sale taken up again (Resume) or to charge (`charge`: an exchange whose difference a card pays) on the counter. */
  const toCounter = (next: Sale, charge = false) => {
    setSale(next);
    setView('sale');
    if (charge) setChargeNext((n) => n + 1);
  };
  const showPayment = (orderId: string) => {
    setView('sale');
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-panel-order="${orderId}"]`)?.focus());
  };
  /** A notice leads to its payment: its live panel when it is on the sale screen, else the sale in History. */
  const showTarget = (target: { orderId: string } | { saleId: string }) => {
    if ('orderId' in target && snapshot?.payments.some((p) => p.orderId === target.orderId)) return showPayment(target.orderId);
    const query = 'orderId' in target ? target.orderId : target.saleId;
    setHistoryQuery((q) => ({ query, at: (q?.at ?? 0) + 1 }));
    setView('history');
  };

  if (!snapshot) return <p className="loading">…</p>;
  const notices = snapshot.notices.filter((n) => !dismissed.has(n.id));
  // Once staff are set up, nobody uses the till without signing in.
  // A till whose staff list was lost opens only with the API key.
  const locked = Boolean(snapshot.locked);
  const mustSignIn = locked || (Boolean(snapshot.staff?.length) && !snapshot.user);
  // Today is the drawer session in use, or the last one closed today: closed (today) means a new session must be opened.
  const closedAt = snapshot.today?.closedAt;
  const dayClosed = closedAt !== undefined && (snapshot.today?.day === localDay() || localDay(new Date(closedAt)) === localDay());
  const nav: View[] = ['sale', 'history', 'report', 'day', 'shop', 'settings'];
  const navKey: Partial<Record<View, string>> = { history: SHORTCUTS.history };

  return (
    <div className="app">
      <header className="no-print">
        <h1>{t('app.title')}</h1>
        <span className={`mode mode-${snapshot.mode}`}>{snapshot.mode === 'demo' ? t('app.demo') : t(`app.${snapshot.mode}`)}</span>
        {!mustSignIn && (
          <nav aria-label={t('nav.label')}>
            {nav.map((v) => (
              <button key={v} aria-current={view === v ? 'page' : undefined} aria-keyshortcuts={navKey[v]} onClick={() => setView(v)}>
                {t(`nav.${v}`)}
                {navKey[v] && (
                  <kbd className="shortcut" aria-hidden="true">
                    {navKey[v]}
                  </kbd>
                )}
              </button>
            ))}
          </nav>
        )}
        {!mustSignIn && (
          <button className="small" data-testid="open-sales-button" onClick={() => setOpenSalesShown(true)}>
            {t('openSales.open')}
          </button>
        )}
        {snapshot.user && (
          <p className="user" data-testid="signed-in" data-role={snapshot.user.role}>
            <span>{t('app.signedIn', { name: snapshot.user.name, role: t(`app.roles.${snapshot.user.role}`) })}</span>
            <button className="small" onClick={() => void api.signOut({}).then(() => setView('sale'))}>
              {t('app.signOut')}
            </button>
          </p>
        )}
      </header>
      {!linkUp && (
        <p className="banner error" role="alert">
          {t('app.linkDown')}
        </p>
      )}
      {snapshot.shop && !snapshot.shop.online && snapshot.shop.offlineSince !== undefined && (
        <p className="banner warning" role="status" data-testid="shop-offline" data-queued={snapshot.shop.queued}>
          {t('shop.offline', { since: time(snapshot.shop.offlineSince), count: snapshot.shop.queued })}
        </p>
      )}
      {notices.map((n) => {
        const target = noticeTarget(n);
        return (
          <p key={n.id} className={`banner ${n.level}`} role="alert" data-testid="notice" data-key={n.key}>
            {noticeText(n)}{' '}
            {target && !mustSignIn && (
              <button className="small" onClick={() => showTarget(target)}>
                {'orderId' in target ? t('notices.show') : t('notices.showSale')}{' '}
                <span className="sr-only">{'orderId' in target ? target.orderId : target.saleId}</span>
              </button>
            )}{' '}
            <button className="small" onClick={() => setDismissed(new Set([...dismissed, n.id]))}>
              {t('notices.dismiss')}
            </button>
          </p>
        );
      })}
      {view !== 'sale' &&
        outcomes.map((p) => (
          <p key={p.orderId} className={`banner outcome state-${p.state}`} data-testid="outcome-notice" data-order-id={p.orderId}>
            {t('payment.title', { terminal: terminalLabel(p.terminalId, snapshot.terminals) })}: {t(`payment.status.${p.state}`)}{' '}
            <button className="small" onClick={() => showPayment(p.orderId)}>
              {t('notices.show')} <span className="sr-only">{p.orderId}</span>
            </button>
          </p>
        ))}
      <main>
        {locked && <LockedTill api={api} onOpened={reload} />}
        {mustSignIn && !locked && (
          <SignIn api={api} staff={snapshot.staff ?? []} keyNeeded={snapshot.mode !== 'demo' || snapshot.settings.apiKeySet} />
        )}
        {!mustSignIn && view === 'sale' && !dayClosed && (!snapshot.today || snapshot.today.implicit) && (
          <p className="banner no-print" role="status" data-testid="no-session-banner">
            {t('session.none')}{' '}
            <button type="button" className="small" onClick={() => setView('day')}>
              {t('session.open')}
            </button>
          </p>
        )}
        {!mustSignIn && view === 'sale' && (
          <SaleScreen
            api={api}
            snapshot={snapshot}
            sale={sale}
            setSale={setSale}
            onReceipt={openReceipt}
            newSaleAt={newSaleAt}
            onNewSale={() => setNewSaleAt(Date.now())}
            dayClosed={dayClosed}
          />
        )}
        {!mustSignIn && view === 'history' && (
          <HistoryScreen
            key={historyQuery?.at ?? 0}
            api={api}
            version={historyVersion}
            snapshot={snapshot}
            initialQuery={historyQuery?.query}
            focusSearch={historyKey}
            onReceipt={openReceipt}
            onCounter={(next) => toCounter(next, true)}
          />
        )}
        {!mustSignIn && view === 'report' && <ReportScreen api={api} version={historyVersion} />}
        {!mustSignIn && view === 'day' && <DayScreen api={api} snapshot={snapshot} version={historyVersion} onChanged={reload} />}
        {!mustSignIn && view === 'shop' && <ShopScreen api={api} snapshot={snapshot} version={historyVersion + shopVersion} />}
        {!mustSignIn && view === 'settings' && <SettingsScreen api={api} snapshot={snapshot} />}
      </main>
      {openSalesShown && <OpenSales api={api} onResume={(resumed) => toCounter(resumed)} onClose={() => setOpenSalesShown(false)} />}
      {receipt && (
        <Receipt
          api={api}
          sale={receipt.sale}
          refundId={receipt.refundId}
          settings={snapshot.settings}
          terminals={snapshot.terminals}
          onClose={() => setReceipt(undefined)}
        />
      )}
      {approvalDialog}
      <div className="sr-only" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
    </div>
  );
}
