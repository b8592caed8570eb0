import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleRecord, TillApi } from '../../../../shared/contract';
import { cashTaken } from '../../../../shared/cash';
import { lineTotal, parseAmount } from '../../../../shared/money';
import type { SaleLine } from '../../../../shared/payment';
import { paidByCredit as creditOf } from '../../../../shared/sale';
import { errorText } from '../../errors';
import { money } from '../../format';
import { nextNotes } from '../../sale';
import { DialogActions, Modal } from '../../components/Modal';

interface Props {
  api: TillApi;
  lines: SaleLine[];
  currency: string;
  /** A card sale that ended unpaid with this basket: the cash pays that same sale. */
  unpaidSaleId?: string | undefined;
  /**
   * Split tender: what is left to pay after the card parts (`paidByCard`) and store credit (`paidByCredit`); the cash
   * pays that, for the same sale.
   */
  due?: number;
  paidByCard?: number;
  paidByCredit?: number;
  /** The till's cash rounding step (minor units, 0: off): what the cash takes is rounded, the card part never. */
  rounding?: number;
  onClose(): void;
  onPaid(sale: SaleRecord): void;
  onReceipt(sale: SaleRecord): void;
}

/** Cash tender: exact and next-note buttons take the cash at once; the change due is shown large, then a receipt. */
export function CashDialog({
  api,
  lines,
  currency,
  unpaidSaleId,
  due,
  paidByCard = 0,
  paidByCredit = 0,
  rounding = 0,
  onClose,
  onPaid,
  onReceipt,
}: Props) {
  const { t } = useTranslation();
  // What the cash pays: the whole basket, or the rest of a split sale, rounded to the till's cash rounding.
  const value = due ?? lineTotal(lines);
  const { taken: total, rounding: difference } = cashTaken(value, rounding);
  const [given, setGiven] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sale, setSale] = useState<SaleRecord>();
  const givenMinor = parseAmount(given, currency);
  const change = givenMinor !== null && givenMinor >= total ? givenMinor - total : null;

  const take = (amount: number | null) => {
    if (amount === null || amount < total) return setError(t(due !== undefined ? 'cash.tooLittleDue' : 'cash.tooLittle'));
    setBusy(true);
    api.payCash({ lines, given: amount, ...(unpaidSaleId ? { saleId: unpaidSaleId } : {}) }).then(
      (record) => {
        setSale(record);
        onPaid(record);
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      },
    );
  };

  if (sale) {
    const cur = sale.currency;
    const change = money(sale.cash?.change ?? 0, cur);
    const split = sale.tender === 'card' && sale.cash;
    // A split sale's other parts: its cards, and its store credit.
    const credit = creditOf(sale);
    const byCard = sale.total - (sale.cash?.amount ?? 0) - credit;
    return (
      <Modal label={t('cash.title')} onClose={onClose} testId="cash-dialog">
        <h2>{t('receipt.cash')}</h2>
        <p className="cash-total">
          {t('sale.total')}: <strong data-testid="cash-sale-total">{money(sale.total, cur)}</strong> · {t('receipt.given')}{' '}
          {money(sale.cash?.given ?? 0, cur)}
        </p>
        {sale.cash?.rounding ? (
          <p data-testid="cash-rounded">
            {t('receipt.rounding')} {money(sale.cash.rounding, cur)} · {t('cash.toPay')}{' '}
            {money((sale.cash.amount ?? sale.total) + sale.cash.rounding, cur)}
          </p>
        ) : null}
        <p className="change-due">
          {t('cash.change')} <strong data-testid="change-due">{money(sale.cash?.change ?? 0, cur)}</strong>
        </p>
        {split && (
          <p data-testid="cash-split">
            {byCard > 0 && `${t('receipt.paidBy')} ${money(byCard, cur)} · `}
            {credit > 0 && `${t('credit.tender')} ${money(credit, cur)} · `}
            {t('receipt.cash')} {money(sale.cash?.amount ?? 0, cur)}
          </p>
        )}
        <p role="status">{split ? t(credit > 0 ? 'cash.doneCredit' : 'cash.doneSplit', { change }) : t('cash.done', { change })}</p>
        <div className="row">
          <button className="primary big" autoFocus onClick={onClose}>
            {t('payment.newSale')}
          </button>
          <button className="big" onClick={() => onReceipt(sale)}>
            {t('payment.print')}
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal label={t('cash.title')} onClose={onClose} testId="cash-dialog">
      <h2>{t('cash.title')}</h2>
      {due !== undefined ? (
        <p className="cash-total" data-testid="cash-due" data-amount={due}>
          {t('sale.total')} {money(lineTotal(lines), currency)} ·{' '}
          {paidByCard > 0 && `${t('receipt.paidBy')} ${money(paidByCard, currency)} · `}
          {paidByCredit > 0 && `${t('credit.tender')} ${money(paidByCredit, currency)} · `}
          {t('cash.due')}: <strong>{money(due, currency)}</strong>
        </p>
      ) : (
        <p className="cash-total">
          {t('sale.total')}: <strong>{money(value, currency)}</strong>
        </p>
      )}
      {difference !== 0 && (
        <p className="cash-total" data-testid="cash-to-pay" data-amount={total}>
          {t('receipt.rounding')} {money(difference, currency)} · {t('cash.toPay')}: <strong>{money(total, currency)}</strong>
        </p>
      )}
      <div className="row cash-quick" role="group" aria-label={t('cash.quick')}>
        <button type="button" className="big" disabled={busy} onClick={() => take(total)}>
          {t('cash.exact')}
        </button>
        {nextNotes(total, currency).map((n) => (
          <button key={n} type="button" className="big" disabled={busy} onClick={() => take(n)}>
            {money(n, currency)}
          </button>
        ))}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          take(givenMinor);
        }}
      >
        <label>
          {t('cash.given')}
          <input
            autoFocus
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={given}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'cash-error' : undefined}
            onChange={(e) => (setGiven(e.target.value), setError(undefined))}
          />
        </label>
        <p className="change-due">
          {t('cash.change')} <strong data-testid="change-due">{change === null ? '-' : money(change, currency)}</strong>
        </p>
        <DialogActions error={error} errorId="cash-error" submit={t('cash.confirm')} busy={busy} onBack={onClose} />
      </form>
    </Modal>
  );
}
