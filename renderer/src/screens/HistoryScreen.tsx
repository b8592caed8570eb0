import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../errors';
import type { ReceiptlessReturn, SaleRecord, Snapshot, TillApi } from '../../../shared/contract';
import { isSplit } from '../../../shared/sale';
import { ReceiptlessReturnDialog } from '../components/ReceiptlessReturnDialog';
import { receiptlessAsSale } from '../../../shared/returns';
import { money, time } from '../format';
import { type Sale, terminalLabel } from '../sale';
import { isManager } from './DayScreen';
import { type OnReceipt, SaleDetail } from '../features/history/SaleDetail';

/** Sales history with search, a detail view, receipts and refunds. */
export function HistoryScreen({
  api,
  version,
  snapshot,
  initialQuery,
  focusSearch = 0,
  onReceipt,
  onCounter,
}: {
  api: TillApi;
  version: number;
  snapshot: Snapshot;
  /** Opened from a notice: the payment or sale it is about. */
  initialQuery?: string | undefined;
  /** Changes each time F9 is pressed: the search box gets the cursor (from a sale's details too). */
  focusSearch?: number;
  onReceipt: OnReceipt;
  /** A sale to charge at the counter (an exchange whose difference a card pays). */
  onCounter?(sale: Sale): void;
}) {
  const { t } = useTranslation();
  const terminals = snapshot.terminals;
  const [query, setQuery] = useState(initialQuery ?? '');
  const [sales, setSales] = useState<SaleRecord[]>([]);
  const [openId, setOpenId] = useState<string>();
  const [error, setError] = useState<string>();

  const [more, setMore] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusSearch === 0) return;
    setOpenId(undefined);
    requestAnimationFrame(() => searchRef.current?.focus());
  }, [focusSearch]);

  useEffect(() => {
    api.history({ query, limit: PAGE }).then(
      (page) => {
        setSales(page);
        setMore(page.length === PAGE);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [api, query, version]);

  const loadMore = () => {
    const before = sales.at(-1)?.createdAt;
    if (!before) return;
    api.history({ query, limit: PAGE, before }).then(
      (page) => {
        setSales((cur) => [...cur, ...page.filter((p) => !cur.some((c) => c.saleId === p.saleId))]);
        setMore(page.length === PAGE);
      },
      (e: unknown) => setError(errorText(e)),
    );
  };

  const [receiptless, setReceiptless] = useState(false);
  // The return without a receipt just made: said, and its refund receipt one click away.
  const [returned, setReturned] = useState<ReceiptlessReturn>();

  const open = sales.find((s) => s.saleId === openId);
  if (open)
    return (
      <SaleDetail
        api={api}
        sale={open}
        terminals={terminals}
        printer={Boolean(snapshot.settings.printerHost)}
        manager={isManager(snapshot)}
        onBack={() => setOpenId(undefined)}
        onReceipt={onReceipt}
        catalog={snapshot.catalog}
        cashRounding={snapshot.settings.cashRounding ?? 0}
        {...(onCounter ? { onCounter } : {})}
      />
    );

  return (
    <section className="history" aria-label={t('history.title')}>
      <h2>{t('history.title')}</h2>
      <label className="search">
        {t('history.search')}
        <input
          ref={searchRef}
          type="search"
          value={query}
          placeholder={t('history.searchPlaceholder')}
          aria-describedby="search-hint"
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      <p id="search-hint" className="hint">
        {t('history.searchHint')}
      </p>
      <div className="row">
        <button onClick={() => (setReturned(undefined), setReceiptless(true))}>{t('returns.noReceipt')}</button>
        {returned && (
          <>
            <p role="status" data-testid="receiptless-done">
              {returned.creditNote
                ? t('returns.noReceiptCredit', {
                    code: returned.creditNote.code,
                    amount: money(returned.creditNote.amount, returned.currency),
                    n: returned.receiptNumber,
                  })
                : t('returns.noReceiptDone', {
                    amount: money(returned.amount + (returned.rounding ?? 0), returned.currency),
                    n: returned.receiptNumber,
                  })}
            </p>
            <button onClick={() => onReceipt(receiptlessAsSale(returned), returned.returnId)}>
              {t('receipt.show')} <span className="sr-only">{t('receipt.refundNumber', { n: returned.receiptNumber })}</span>
            </button>
          </>
        )}
      </div>
      {receiptless && (
        <ReceiptlessReturnDialog
          api={api}
          catalog={snapshot.catalog}
          currency={snapshot.settings.currency}
          manager={isManager(snapshot)}
          onClose={() => setReceiptless(false)}
          onDone={(r) => {
            setReceiptless(false);
            setReturned(r);
            // A store credit note is the customer's to keep: its receipt (the note, with its code) is shown at once.
            if (r.creditNote) onReceipt(receiptlessAsSale(r), r.returnId);
          }}
        />
      )}
      {error && <p className="error">{error}</p>}
      {sales.length === 0 ? (
        <p className="muted">{t('history.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('history.time')}</th>
              <th>{t('history.amount')}</th>
              <th>{t('history.status')}</th>
              <th>{t('history.tender')}</th>
              <th>{t('history.terminal')}</th>
              <th>{t('history.card')}</th>
              <th>
                <span className="sr-only">{t('history.details')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sales.map((s) => {
              const last = s.attempts.at(-1);
              return (
                <tr key={s.saleId} data-testid="history-row" data-sale-id={s.saleId} data-status={s.status}>
                  <td>{time(s.createdAt)}</td>
                  <td className="num">{money(s.total, s.currency)}</td>
                  <td className={`sale-${s.status}`}>{t(`history.statuses.${s.status}`)}</td>
                  <td data-tender={isSplit(s) ? 'split' : s.tender}>
                    {isSplit(s) && s.cash ? `${t('report.card')} + ${t('report.cash').toLowerCase()}` : t(`report.${s.tender}`)}
                  </td>
                  <td>{last ? terminalLabel(last.terminalId, terminals) : ''}</td>
                  <td>{last?.card ? `${last.card.type ?? ''} ${last.card.last4 ?? ''}` : ''}</td>
                  <td>
                    <button onClick={() => setOpenId(s.saleId)}>
                      {t('history.details')} <span className="sr-only">{s.saleId}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {more && <button onClick={loadMore}>{t('history.more')}</button>}
    </section>
  );
}

const PAGE = 50;
