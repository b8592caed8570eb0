import { useTranslation } from 'react-i18next';
import type { PublicSettings, SaleRecord, Terminal } from '../../../shared/contract';
import type { SaleLine } from '../../../shared/payment';
import { money, time } from '../format';
import { isCustomLine, terminalLabel } from '../sale';
import { Modal } from './Modal';

/** A line as the customer reads it: "2 × Espresso", or one custom amount as "Other item" in their language. */
export function useLineName() {
  const { t } = useTranslation();
  return (l: SaleLine) => {
    const name = isCustomLine(l.name) ? t('sale.customLine') : l.name;
    return l.quantity > 1 ? `${l.quantity} × ${name}` : name;
  };
}

/** The printable customer receipt, in a modal dialog. */
export function Receipt({
  sale,
  settings,
  terminals,
  onClose,
}: {
  sale: SaleRecord;
  settings: PublicSettings;
  terminals: readonly Terminal[];
  onClose(): void;
}) {
  const { t } = useTranslation();
  const lineName = useLineName();
  const paid = sale.attempts.find((a) => a.state === 'completed');
  return (
    <Modal label={t('receipt.title')} onClose={onClose} className="receipt-dialog">
      <article className="receipt printable" data-testid="receipt">
        <h2>{settings.merchantName}</h2>
        <p>{settings.merchantAddress}</p>
        <p>{time(paid?.finalAt ?? sale.createdAt)}</p>
        <table>
          <tbody>
            {sale.lines.map((l, i) => (
              <tr key={i}>
                <td>{lineName(l)}</td>
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
                {t('history.terminal')}: {terminalLabel(paid.terminalId, terminals)}
              </p>
            </>
          )
        )}
        <p>{t('receipt.thanks')}</p>
      </article>
      <div className="no-print row">
        <button className="primary" onClick={() => window.print()}>
          {t('payment.print')}
        </button>
        <button onClick={onClose}>{t('cash.cancel')}</button>
      </div>
    </Modal>
  );
}
