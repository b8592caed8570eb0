import { useTranslation } from 'react-i18next';
import type { SaleLine } from '../../../../shared/payment';
import { money } from '../../format';

interface Props {
  lines: SaleLine[];
  currency: string;
  /** The basket cannot change (being paid, or part paid). */
  frozen: boolean;
  /** An amount typed but not added yet, counted in the total shown. */
  pending: number | undefined;
  total: number;
  onQuantity(i: number, delta: number): void;
  onRemove(i: number, line: SaleLine): void;
}

/** The basket's lines with their quantity buttons and discounts, the amount typed but not added, and the total. */
export function Basket({ lines, currency, frozen, pending, total, onQuantity, onRemove }: Props) {
  const { t } = useTranslation();
  const lineLabel = (l: SaleLine) => `${l.name} ${money(l.unitPrice, currency)}`;
  return (
    <>
      <h2>{t('sale.basket')}</h2>
      {lines.length === 0 ? (
        <p className="muted">{t('sale.empty')}</p>
      ) : (
        <ul>
          {lines.map((l, i) => (
            <li key={`${l.name}-${l.unitPrice}`}>
              <span className="line-name">{l.name}</span>
              <button
                className="qty"
                disabled={frozen}
                aria-label={t('sale.decrease', { name: lineLabel(l) })}
                onClick={() => (l.quantity === 1 ? onRemove(i, l) : onQuantity(i, -1))}
              >
                −
              </button>
              <span className="line-qty">{l.quantity}</span>
              <button
                className="qty"
                disabled={frozen}
                aria-label={t('sale.increase', { name: lineLabel(l) })}
                onClick={() => onQuantity(i, 1)}
              >
                +
              </button>
              <span className="line-total">{money(l.unitPrice * l.quantity, currency)}</span>
              {l.discount && (
                <span className="line-discount" data-testid="line-discount" data-amount={l.discount.amount}>
                  −{money(l.discount.amount, currency)} {l.discount.reason}
                  {l.discount.percent !== undefined ? ` (${l.discount.percent}%)` : ''}
                </span>
              )}
              <button
                className="qty"
                disabled={frozen}
                aria-label={t('sale.remove', { name: lineLabel(l) })}
                onClick={() => onRemove(i, l)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {pending !== undefined && (
        <p className="muted" data-testid="pending-amount" data-amount={pending}>
          {t('sale.pendingAmount', { amount: money(pending, currency) })}
        </p>
      )}
      <p className="total" data-testid="total">
        {t('sale.total')}:{' '}
        <strong data-testid="basket-total" data-amount={total + (pending ?? 0)}>
          {money(total + (pending ?? 0), currency)}
        </strong>
      </p>
    </>
  );
}
