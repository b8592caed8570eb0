import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleRecord, TillApi } from '../../../../shared/contract';
import type { SaleLine } from '../../../../shared/payment';
import { errorText } from '../../errors';
import { money } from '../../format';
import { DialogActions, Modal } from '../../components/Modal';

interface Props {
  api: TillApi;
  lines: SaleLine[];
  currency: string;
  /** What is to pay: the basket's total, or what is due of a sale paid in part. */
  due: number;
  /** The sale this basket already is (paid in part, or unpaid on a card): the credit note pays what is due of it. */
  saleId?: string | undefined;
  onClose(): void;
  /** The core took the credit note: the sale paid in full, or in part with the rest still due. */
  onPaid(sale: SaleRecord): void;
}

/**
 * Store credit tender: the code on the customer's credit note, typed or scanned (read leniently by the core). The note
 * pays what is left on it, up to what is due; a refusal (an unknown code, nothing left) is said here and changes nothing.
 */
export function CreditDialog({ api, lines, currency, due, saleId, onClose, onPaid }: Props) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const apply = () => {
    if (!code.trim()) return setError(t('credit.noCode'));
    setBusy(true);
    setError(undefined);
    api.payCredit({ lines, code, ...(saleId ? { saleId } : {}) }).then(onPaid, (e: unknown) => {
      setBusy(false);
      setError(errorText(e));
    });
  };

  return (
    <Modal label={t('credit.title')} onClose={onClose} testId="credit-dialog">
      <h2>{t('credit.title')}</h2>
      <p className="cash-total" data-testid="credit-due" data-amount={due}>
        {t('credit.toPay')}: <strong>{money(due, currency)}</strong>
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label>
          {t('credit.codeField')}
          <input
            autoFocus
            type="text"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={20}
            value={code}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'credit-error' : undefined}
            onChange={(e) => (setCode(e.target.value), setError(undefined))}
          />
        </label>
        <p className="hint">{t('credit.hint')}</p>
        <DialogActions error={error} errorId="credit-error" submit={t('credit.apply')} busy={busy} onBack={onClose} />
      </form>
    </Modal>
  );
}
