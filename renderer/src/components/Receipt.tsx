import { useTranslation } from 'react-i18next';
import type { PublicSettings, SaleRecord } from '../../../shared/contract';
import { money, time } from '../format';

/** The printable customer receipt. */
export function Receipt({ sale, settings, onClose }: { sale: SaleRecord; settings: PublicSettings; onClose(): void }) {
  const { t } = useTranslation();
  const paid = sale.attempts.find((a) => a.state === 'completed');
  return (
    <div className="dialog receipt-dialog" role="dialog" aria-label={t('receipt.title')}>
      <article className="receipt printable" data-testid="receipt">
        <h2>{settings.merchantName}</h2>
        <p>{settings.merchantAddress}</p>
        <p>{time(paid?.finalAt ?? sale.createdAt)}</p>
        <table>
          <tbody>
            {sale.lines.map((l, i) => (
              <tr key={i}>
                <td>
                  {l.quantity} × {l.name}
                </td>
                <td className="num">{money(l.unitPrice * l.quantity, sale.currency)}</td>
              </tr>
            ))}
            <tr className="receipt-total">
              <td>{t('sale.total')}</td>
              <td className="num">{money(sale.total, sale.currency)}</td>
            </tr>
          </tbody>
        </table>
        {sale.tender === 'cash' && sale.cash ? (
          <p>
            {t('receipt.cash')} · {t('receipt.given')} {money(sale.cash.given, sale.currency)} · {t('receipt.change')}{' '}
            {money(sale.cash.change, sale.currency)}
          </p>
        ) : (
          paid && (
            <>
              <p>
                {t('receipt.paidBy')}: {paid.card?.type} **** {paid.card?.last4}
              </p>
              {paid.card?.authorizationCode && <p>{t('payment.auth', { code: paid.card.authorizationCode })}</p>}
              <p>
                {t('receipt.order')}: {paid.orderId}
              </p>
              <p>
                {t('history.terminal')}: {paid.terminalId}
              </p>
            </>
          )
        )}
        <p>{t('receipt.thanks')}</p>
      </article>
      <div className="no-print">
        <button className="primary" onClick={() => window.print()}>
          {t('payment.print')}
        </button>
        <button onClick={onClose}>{t('cash.cancel')}</button>
      </div>
    </div>
  );
}
