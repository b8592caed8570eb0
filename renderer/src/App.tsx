import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleRecord, TillApi } from '../../shared/contract';
import type { SaleLine } from '../../shared/payment';
import { Receipt } from './components/Receipt';
import i18n from './i18n';
import { HistoryScreen } from './screens/HistoryScreen';
import { ReportScreen } from './screens/ReportScreen';
import { SaleScreen } from './screens/SaleScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { useTill } from './useTill';

type View = 'sale' | 'history' | 'report' | 'settings';

export function App({ api, linkUp = true }: { api: TillApi; linkUp?: boolean }) {
  const { t } = useTranslation();
  const { snapshot, historyVersion } = useTill(api, linkUp);
  const [view, setView] = useState<View>('sale');
  const [basket, setBasket] = useState<SaleLine[]>([]);
  const [receipt, setReceipt] = useState<SaleRecord>();
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const announcement = useAnnouncement(snapshot?.payments ?? []);

  const language = snapshot?.settings.language;
  useEffect(() => {
    if (language && i18n.language !== language) void i18n.changeLanguage(language);
    if (language) document.documentElement.lang = language;
  }, [language]);

  const openReceipt = (saleId: string) => {
    void api.history({ query: saleId }).then((list) => setReceipt(list.find((s) => s.saleId === saleId)));
  };

  if (!snapshot) return <p className="loading">…</p>;
  const notices = snapshot.notices.filter((n) => !dismissed.has(n.id));
  const nav: View[] = ['sale', 'history', 'report', 'settings'];

  return (
    <div className="app">
      <header className="no-print">
        <h1>{t('app.title')}</h1>
        <span className={`mode mode-${snapshot.mode}`}>{snapshot.mode === 'demo' ? t('app.demo') : t(`app.${snapshot.mode}`)}</span>
        <nav>
          {nav.map((v) => (
            <button key={v} aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>
              {t(`nav.${v}`)}
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
      <main>
        {view === 'sale' && <SaleScreen api={api} snapshot={snapshot} basket={basket} setBasket={setBasket} onReceipt={openReceipt} />}
        {view === 'history' && <HistoryScreen api={api} version={historyVersion} onReceipt={openReceipt} />}
        {view === 'report' && <ReportScreen api={api} version={historyVersion} />}
        {view === 'settings' && <SettingsScreen api={api} snapshot={snapshot} />}
      </main>
      {receipt && <Receipt sale={receipt} settings={snapshot.settings} onClose={() => setReceipt(undefined)} />}
      <div className="sr-only" aria-live="assertive">
        {announcement}
      </div>
    </div>
  );
}

/** A sentence for screen readers whenever a payment's status changes. */
function useAnnouncement(payments: { orderId: string; terminalId: string; state: string }[]): string {
  const { t } = useTranslation();
  const last = useRef(new Map<string, string>());
  const [text, setText] = useState('');
  const key = useMemo(() => payments.map((p) => `${p.orderId}:${p.state}`).join('|'), [payments]);
  useEffect(() => {
    for (const p of payments) {
      if (last.current.get(p.orderId) !== p.state) {
        last.current.set(p.orderId, p.state);
        setText(`${t('payment.title', { terminal: p.terminalId })}: ${t(`payment.status.${p.state}`)}`);
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return text;
}
