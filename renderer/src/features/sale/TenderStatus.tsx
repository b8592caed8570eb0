import { useTranslation } from 'react-i18next';
import { partPaidText } from '../../format';
import type { OpenSale } from './useOpenSale';

/**
 * Where the sale stands (being paid, part paid by card or store credit with the rest due, unpaid with the basket kept), the terminal to charge
 * on, and why Charge cannot be pressed.
 */
export function TenderStatus({ sale: s, terminals }: { sale: OpenSale; terminals: { id: string }[] }) {
  const { t } = useTranslation();
  const { current, currency, locked } = s;
  return (
    <>
      {locked && current && (
        <p className="paying" data-testid="basket-paying">
          {t('sale.paying', { terminal: s.label(current.terminalId) })}
        </p>
      )}
      {s.partPaid && (
        <p className="split-due" id="split-due" data-testid="split-due" data-paid={s.cardPaid} data-due={s.due}>
          <strong data-testid="amount-due" data-amount={s.due}>
            {partPaidText(s.cardPaid, s.creditPaid, s.due, currency)}
          </strong>{' '}
          {t('sale.partChoice')}
        </p>
      )}
      {s.unpaid && s.basket.length > 0 && (
        <p className="warn" data-testid="tender-choice">
          {t('sale.unpaid')}
        </p>
      )}
      <label className="terminal-select">
        {t('sale.terminal')}
        <select value={s.terminalId} disabled={locked} onChange={(e) => s.setTerminalId(e.target.value)}>
          {terminals.map((x) => (
            <option key={x.id} value={x.id}>
              {s.label(x.id)}
              {s.busy.has(x.id) ? ` (${t('sale.busyShort')})` : ''}
            </option>
          ))}
        </select>
      </label>
      {s.chargeDisabledReason && !locked && (
        <p className="warn" id="charge-why">
          {s.chargeDisabledReason}
        </p>
      )}
    </>
  );
}
