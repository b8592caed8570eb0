import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OpenSales as Open, TillApi } from '../../../shared/contract';
import { lineTotal } from '../../../shared/money';
import { salePartOf } from '../../../shared/payment';
import { amountDue, paidCards } from '../../../shared/sale';
import { errorText } from '../errors';
import { money, time } from '../format';
import { creditKey, type Sale } from '../sale';
import type { SaleRecord } from '../../../shared/contract';
import { Modal } from './Modal';

/**
 * The basket of a sale taken up again: its lines, its id, what its cards and store credit notes paid, and a payment
 * still running.
 */
export function resumedSale(s: SaleRecord): Sale {
  const paid: Record<string, number> = Object.fromEntries(paidCards(s).map((a) => [a.orderId, salePartOf(a, s.total)]));
  for (const c of s.credit ?? []) paid[creditKey(c.code)] = (paid[creditKey(c.code)] ?? 0) + c.amount;
  const running = s.attempts.find((a) => !['completed', 'cancelled', 'failed'].includes(a.state));
  return {
    lines: s.lines,
    saleId: s.saleId,
    ...(running ? { orderId: running.orderId } : {}),
    ...(Object.keys(paid).length ? { paid } : {}),
  };
}

/**
 * Open sales: the parked baskets, and every sale of the last days not yet paid in full - partly paid, or still paying
 * on a terminal (left there by Start another sale) - each with Resume, which puts it back in the basket.
 */
export function OpenSales({ api, onResume, onClose }: { api: TillApi; onResume(sale: Sale): void; onClose(): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Open>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.openSales({}).then(setOpen, (e: unknown) => setError(errorText(e)));
  }, [api]);
  const sales = open?.sales;
  const parked = open?.parked ?? [];
  return (
    <Modal label={t('openSales.title')} onClose={onClose} testId="open-sales">
      <h2>{t('openSales.title')}</h2>
      {error && <p className="error">{error}</p>}
      {open && !open.sales.length && !parked.length && <p>{t('openSales.none')}</p>}
      {parked.length > 0 && (
        <ul className="open-sales">
          {parked.map((p) => (
            <li key={p.parkId} data-testid="parked-sale" data-park-id={p.parkId}>
              <span>
                {time(p.at)} · {money(lineTotal(p.lines), p.currency)} · {t('openSales.parked')}
                {p.note && ` · ${p.note}`}
              </span>{' '}
              <button
                className="primary small"
                onClick={() =>
                  api.resumeParked({ parkId: p.parkId }).then(
                    (back) => {
                      onResume({ lines: back.lines });
                      onClose();
                    },
                    (e: unknown) => setError(errorText(e)),
                  )
                }
              >
                {t('openSales.resume')} <span className="sr-only">{p.parkId}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
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
