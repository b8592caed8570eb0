import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleRecord, TillApi } from '../../../shared/contract';
import { salePartOf } from '../../../shared/payment';
import { amountDue, paidCards } from '../../../shared/sale';
import { errorText } from '../errors';
import { money, time } from '../format';
import type { Sale } from '../sale';
import { Modal } from './Modal';

/** The basket of a sale taken up again: its lines, its id, what its cards paid, and a payment still running. */
export function resumedSale(s: SaleRecord): Sale {
  const paid = Object.fromEntries(paidCards(s).map((a) => [a.orderId, salePartOf(a, s.total)]));
  const running = s.attempts.find((a) => !['completed', 'cancelled', 'failed'].includes(a.state));
  return {
    lines: s.lines,
    saleId: s.saleId,
    ...(running ? { orderId: running.orderId } : {}),
    ...(Object.keys(paid).length ? { paid } : {}),
  };
}

/**
 * Open sales: every sale of the last days not yet paid in full - partly paid, or still paying on a terminal (left
 * there by Start another sale) - each with Resume, which puts it back in the basket so Cash or Charge takes the rest.
 */
export function OpenSales({ api, onResume, onClose }: { api: TillApi; onResume(sale: Sale): void; onClose(): void }) {
  const { t } = useTranslation();
  const [sales, setSales] = useState<SaleRecord[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.openSales({}).then(setSales, (e: unknown) => setError(errorText(e)));
  }, [api]);
  return (
    <Modal label={t('openSales.title')} onClose={onClose} testId="open-sales">
      <h2>{t('openSales.title')}</h2>
      {error && <p className="error">{error}</p>}
      {sales && !sales.length && <p>{t('openSales.none')}</p>}
      {sales && sales.length > 0 && (
        <ul className="open-sales">
          {sales.map((s) => (
            <li key={s.saleId} data-testid="open-sale" data-sale-id={s.saleId} data-due={amountDue(s)}>
              <span>
                {time(s.createdAt)} · {money(s.total, s.currency)} ·{' '}
                {s.status === 'pending' ? t('openSales.paying') : t('openSales.due', { due: money(amountDue(s), s.currency) })}
              </span>{' '}
              <button
                className="primary small"
                onClick={() => {
                  onResume(resumedSale(s));
                  onClose();
                }}
              >
                {t('openSales.resume')} <span className="sr-only">{s.saleId}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button onClick={onClose}>{t('cash.cancel')}</button>
      </div>
    </Modal>
  );
}
