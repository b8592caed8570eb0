import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleRecord, TillApi } from '../../shared/contract';
import { isFinal, type PaymentView } from '../../shared/payment';
import { Receipt } from './components/Receipt';
import i18n from './i18n';
import { reasonText } from './outcome';
import { EMPTY_SALE, type Sale, terminalLabel } from './sale';
import { HistoryScreen } from './screens/HistoryScreen';
import { ReportScreen } from './screens/ReportScreen';
import { SaleScreen } from './screens/SaleScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { SHORTCUTS } from './shortcuts';
import { useTill } from './useTill';

type View = 'sale' | 'history' | 'report' | 'settings';

export function App({ api, linkUp = true }: { api: TillApi; linkUp?: boolean }) {
  const { t } = useTranslation();
  const { snapshot, historyVersion } = useTill(api, linkUp);
  const [view, setView] = useState<View>('sale');
  const [sale, setSale] = useState<Sale>(EMPTY_SALE);
  const [receipt, setReceipt] = useState<SaleRecord>();
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [newSaleAt, setNewSaleAt] = useState(0);
  const [outcomes, setOutcomes] = useState<PaymentView[]>([]);
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

  // The basket's sale is done once paid: the counter is ready for the next customer.
  const paidNow = payments?.find((p) => p.orderId === sale.orderId && p.state === 'completed');
  useEffect(() => {
    if (!paidNow) return;
    setSale(EMPTY_SALE);
    const a = document.activeElement;
    if (viewRef.current === 'sale' && (a === document.body || a?.closest('.payments, .basket'))) document.getElementById('amount')?.focus();
  }, [paidNow]);

  // One polite sentence per status change; outcomes that arrive while another screen is open also become a notice.
  const last = useRef(new Map<string, string>());
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    for (const p of payments ?? []) {
      const seen = last.current.get(p.orderId);
      if (seen === p.state) continue;
      last.current.set(p.orderId, p.state);
      const title = t('payment.title', { terminal: terminalLabel(p.terminalId, terminals ?? []) });
      const why = isFinal(p.state) && p.state !== 'completed' ? reasonText(p) : undefined;
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
      } else if (viewRef.current !== 'sale' && (e.key === SHORTCUTS.newSale || e.key === SHORTCUTS.charge || e.key === SHORTCUTS.cash)) {
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

  const openReceipt = (of: string | SaleRecord) => {
    if (typeof of !== 'string') return setReceipt(of);
    void api.history({ query: of }).then((list) => setReceipt(list.find((s) => s.saleId === of)));
  };

  if (!snapshot) return <p className="loading">…</p>;
  const notices = snapshot.notices.filter((n) => !dismissed.has(n.id));
  const nav: View[] = ['sale', 'history', 'report', 'settings'];
  const navKey: Partial<Record<View, string>> = { history: SHORTCUTS.history };

  return (
    <div className="app">
      <header className="no-print">
        <h1>{t('app.title')}</h1>
        <span className={`mode mode-${snapshot.mode}`}>{snapshot.mode === 'demo' ? t('app.demo') : t(`app.${snapshot.mode}`)}</span>
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
      </header>
      {!linkUp && (
        <p className="banner error" role="alert">
          {t('app.linkDown')}
        </p>
      )}
      {notices.map((n) => (
        <p key={n.id} className={`banner ${n.level}`} role="alert">
          {n.message}{' '}
          <button className="small" onClick={() => setDismissed(new Set([...dismissed, n.id]))}>
            {t('notices.dismiss')}
          </button>
        </p>
      ))}
      {view !== 'sale' &&
        outcomes.map((p) => (
          <p key={p.orderId} className={`banner outcome state-${p.state}`} data-testid="outcome-notice" data-order-id={p.orderId}>
            {t('payment.title', { terminal: terminalLabel(p.terminalId, snapshot.terminals) })}: {t(`payment.status.${p.state}`)}{' '}
            <button
              className="small"
              onClick={() => {
                setView('sale');
                requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-panel-order="${p.orderId}"]`)?.focus());
              }}
            >
              {t('notices.show')} <span className="sr-only">{p.orderId}</span>
            </button>
          </p>
        ))}
      <main>
        {view === 'sale' && (
          <SaleScreen
            api={api}
            snapshot={snapshot}
            sale={sale}
            setSale={setSale}
            onReceipt={openReceipt}
            newSaleAt={newSaleAt}
            onNewSale={() => setNewSaleAt(Date.now())}
          />
        )}
        {view === 'history' && <HistoryScreen api={api} version={historyVersion} terminals={snapshot.terminals} onReceipt={openReceipt} />}
        {view === 'report' && <ReportScreen api={api} version={historyVersion} />}
        {view === 'settings' && <SettingsScreen api={api} snapshot={snapshot} />}
      </main>
      {receipt && (
        <Receipt sale={receipt} settings={snapshot.settings} terminals={snapshot.terminals} onClose={() => setReceipt(undefined)} />
      )}
      <div className="sr-only" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
    </div>
  );
}
