import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TillApi } from '../../../../shared/contract';
import { parseAmount } from '../../../../shared/money';
import type { SaleLine } from '../../../../shared/payment';
import { errorText } from '../../errors';
import { money } from '../../format';
import { discountable, withDiscount } from '../../sale';
import { ActionResult } from '../../components/ActionResult';
import { Modal } from '../../components/Modal';

/**
 * Discount: percent or amount off the whole basket or one line, with a reason. The core checks it against the
 * cashier's limit (over it, a manager approves on this screen) and records it; the lines then carry it.
 */
export function DiscountDialog({
  api,
  lines,
  currency,
  onApplied,
  onClose,
}: {
  api: TillApi;
  lines: SaleLine[];
  currency: string;
  onApplied(lines: SaleLine[]): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [target, setTarget] = useState('basket');
  const [percent, setPercent] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const open = discountable(lines);
  const line = target === 'basket' ? undefined : Number(target);
  const base =
    line === undefined
      ? open.reduce((s, i) => s + lines[i]!.unitPrice * lines[i]!.quantity, 0)
      : lines[line]!.unitPrice * lines[line]!.quantity;

  const apply = () => {
    const pct = percent.trim() ? Number(percent.trim().replace(',', '.')) : undefined;
    const off = amount.trim() ? parseAmount(amount, currency) : undefined;
    if (pct === undefined && off === undefined) return setError(t('discount.needValue'));
    if ((pct !== undefined && !(pct > 0 && pct <= 100)) || off === null) return setError(t('discount.badValue'));
    if (reason.trim().length < 3) return setError(t('discount.needReason'));
    setBusy(true);
    api
      .authorizeDiscount({
        base,
        ...(pct !== undefined ? { percent: Math.round(pct * 100) / 100 } : { amount: off! }),
        reason: reason.trim(),
        scope: line === undefined ? 'basket' : 'line',
      })
      .then((d) => {
        onApplied(withDiscount(lines, line === undefined ? open : [line], d));
        onClose();
      })
      .catch((e: unknown) => {
        setError(errorText(e));
        setBusy(false);
      });
  };
  return (
    <Modal label={t('discount.title')} onClose={onClose} testId="discount-dialog">
      <h2>{t('discount.title')}</h2>
      <label>
        {t('discount.target')}{' '}
        <select value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="basket">{t('discount.basket', { amount: money(base, currency) })}</option>
          {open.map((i) => (
            <option key={i} value={String(i)}>
              {lines[i]!.name} ({money(lines[i]!.unitPrice * lines[i]!.quantity, currency)})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('discount.percent')}{' '}
        <input autoFocus inputMode="decimal" value={percent} maxLength={6} onChange={(e) => (setPercent(e.target.value), setAmount(''))} />
      </label>
      <label>
        {t('discount.amount')}{' '}
        <input inputMode="decimal" value={amount} maxLength={12} onChange={(e) => (setAmount(e.target.value), setPercent(''))} />
      </label>
      <label>
        {t('discount.reason')}{' '}
        <input
          value={reason}
          maxLength={80}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && !busy && apply()}
        />
      </label>
      <ActionResult error={error} />
      <div className="row">
        <button className="primary" disabled={busy || !open.length} onClick={apply}>
          {t('discount.apply')}
        </button>
        <button onClick={onClose}>{t('cash.cancel')}</button>
      </div>
    </Modal>
  );
}
