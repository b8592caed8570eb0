import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogItem, ReceiptlessReturn, TillApi } from '../../../shared/contract';
import { lineTotal } from '../../../shared/money';
import { errorText } from '../errors';
import { Modal } from './Modal';
import { ReturnEnd } from './ReturnDialog';
import { ItemPicker, type PickedRow, pickedLines, rowsValid } from './ItemPicker';

interface Props {
  api: TillApi;
  catalog: readonly CatalogItem[];
  currency: string;
  /** This person may do it (a manager, or nobody set up); else the core refuses and says so. */
  manager: boolean;
  onClose(): void;
  onDone(ret: ReceiptlessReturn): void;
}

/**
 * Return without receipt (a manager): the products coming back, from the quick keys or a search, how many of each,
 * and the reason; their amount is given back in cash from the drawer, or as a store credit note.
 */
export function ReceiptlessReturnDialog({ api, catalog, currency, manager, onClose, onDone }: Props) {
  const { t } = useTranslation();
  // Each product coming back, with how many as typed.
  const [rows, setRows] = useState<PickedRow[]>([]);
  const [reason, setReason] = useState('');
  const [tender, setTender] = useState<'cash' | 'credit'>('cash');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const counted = pickedLines(rows);
  const valid = rowsValid(rows);
  const amount = valid ? lineTotal(counted) : 0;

  const submit = () => {
    if (!rows.length) return setError(t('returns.none'));
    const bad = counted.find((l) => !(Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 999));
    if (bad) return setError(t('returns.badQuantity', { n: 999, name: bad.name }));
    if (reason.trim().length < 3) return setError(t('returns.noReason'));
    setBusy(true);
    setError(undefined);
    api.returnWithoutReceipt({ lines: counted, reason, tender }).then(onDone, (e: unknown) => {
      setBusy(false);
      setError(errorText(e));
    });
  };

  return (
    <Modal label={t('returns.noReceipt')} onClose={onClose} testId="receiptless-return-dialog" className="return-items">
      <h2>{t('returns.noReceipt')}</h2>
      <ItemPicker
        api={api}
        catalog={catalog}
        currency={currency}
        busy={busy}
        rows={rows}
        onRows={(r) => (setRows(r), setError(undefined))}
        testId="return-line"
      />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <fieldset className="choice" role="radiogroup" disabled={busy}>
          <legend>{t('returns.giveAs')}</legend>
          {(['cash', 'credit'] as const).map((k) => (
            <label key={k} className="check">
              <input type="radio" name="receiptless-tender" value={k} checked={tender === k} onChange={() => setTender(k)} />
              {t(k === 'cash' ? 'returns.asCash' : 'returns.asCredit')}
            </label>
          ))}
        </fieldset>
        <ReturnEnd
          reason={reason}
          onReason={(r) => (setReason(r), setError(undefined))}
          amount={amount}
          currency={currency}
          tender={tender}
          manager={manager}
          error={error}
          errorId="receiptless-error"
          busy={busy}
          onClose={onClose}
        />
      </form>
    </Modal>
  );
}
