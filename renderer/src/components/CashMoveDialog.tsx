import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CashMove, TillApi } from '../../../shared/contract';
import { errorText } from '../errors';
import { money, time } from '../format';
import { AmountField } from './AmountField';
import { DialogActions, Modal } from './Modal';

interface Props {
  api: TillApi;
  kind: 'paid_in' | 'paid_out';
  currency: string;
  onClose(): void;
  onDone(move: CashMove): void;
}

/** Paid in or paid out: cash into or out of the drawer without a sale, with an amount and a reason. */
export function CashMoveDialog({ api, kind, currency, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState<number | null>(0);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const title = t(kind === 'paid_in' ? 'cashMove.paidIn' : 'cashMove.paidOut');

  const submit = () => {
    if (amount === null || amount <= 0) return setError(t('cashMove.noAmount'));
    if (reason.trim().length < 3) return setError(t('cashMove.noReason'));
    setBusy(true);
    setError(undefined);
    (kind === 'paid_in' ? api.paidIn({ amount, reason }) : api.paidOut({ amount, reason })).then(onDone, (e: unknown) => {
      setBusy(false);
      setError(errorText(e));
    });
  };

  return (
    <Modal label={title} onClose={onClose} testId="cash-move-dialog" className="cash-move">
      <h2>{title}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <AmountField
          label={t('cashMove.amount')}
          keypadLabel={t('cashMove.keypad')}
          currency={currency}
          autoFocus
          describedBy={error ? 'cash-move-error' : undefined}
          onChange={(m) => (setAmount(m), setError(undefined))}
        />
        <label>
          {t('cashMove.reason')}
          <input
            type="text"
            autoComplete="off"
            maxLength={200}
            value={reason}
            aria-describedby={error ? 'cash-move-error' : undefined}
            onChange={(e) => (setReason(e.target.value), setError(undefined))}
          />
        </label>
        <DialogActions error={error} errorId="cash-move-error" submit={t('cashMove.save')} busy={busy} onBack={onClose} />
      </form>
    </Modal>
  );
}

/** The day's paid in, paid out and drawer opens without a sale, with who and when. */
export function CashMovesTable({ moves }: { moves: readonly CashMove[] }) {
  const { t } = useTranslation();
  if (!moves.length) return null;
  return (
    <table className="figures cash-moves" data-testid="cash-moves">
      <caption>{t('cashMove.list')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('cashMove.time')}</th>
          <th scope="col">{t('cashMove.kind')}</th>
          <th scope="col">{t('report.amount')}</th>
          <th scope="col">{t('cashMove.reason')}</th>
          <th scope="col">{t('cashMove.by')}</th>
        </tr>
      </thead>
      <tbody>
        {moves.map((m) => (
          <tr key={m.id} data-kind={m.kind} data-amount={m.amount}>
            <td>{time(m.at)}</td>
            <td>{t(`cashMove.kinds.${m.kind}`)}</td>
            <td className="num">{m.kind === 'no_sale' ? '' : money(m.kind === 'paid_out' ? -m.amount : m.amount, m.currency)}</td>
            <td>{m.reason ?? ''}</td>
            <td>{m.staff ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
