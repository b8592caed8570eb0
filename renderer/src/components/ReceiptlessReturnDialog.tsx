import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogItem, ReceiptlessReturn, TillApi } from '../../../shared/contract';
import { lineTotal } from '../../../shared/money';
import type { SaleLine } from '../../../shared/payment';
import { errorText } from '../errors';
import { money } from '../format';
import { Modal } from './Modal';
import { ReturnEnd } from './ReturnDialog';
import { ProductSearch } from './ProductSearch';

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
 * and the reason; their amount is given back in cash from the drawer.
 */
export function ReceiptlessReturnDialog({ api, catalog, currency, manager, onClose, onDone }: Props) {
  const { t } = useTranslation();
  // Each product coming back, with how many as typed.
  const [rows, setRows] = useState<{ line: SaleLine; quantity: string }[]>([]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const add = (line: SaleLine) => {
    setError(undefined);
    setRows((cur) => {
      const i = cur.findIndex((r) => r.line.name === line.name && r.line.unitPrice === line.unitPrice);
      if (i < 0) return [...cur, { line, quantity: '1' }];
      return cur.map((r, j) => (j === i ? { ...r, quantity: String(Math.min(999, (Number(r.quantity) || 0) + 1)) } : r));
    });
  };
  const counted = rows.map((r) => ({ ...r.line, quantity: Number(r.quantity) }));
  const valid = counted.every((l) => Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 999);
  const amount = valid ? lineTotal(counted) : 0;

  const submit = () => {
    if (!rows.length) return setError(t('returns.none'));
    const bad = counted.find((l) => !(Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 999));
    if (bad) return setError(t('returns.badQuantity', { n: 999, name: bad.name }));
    if (reason.trim().length < 3) return setError(t('returns.noReason'));
    setBusy(true);
    setError(undefined);
    api.returnWithoutReceipt({ lines: counted, reason }).then(onDone, (e: unknown) => {
      setBusy(false);
      setError(errorText(e));
    });
  };

  return (
    <Modal label={t('returns.noReceipt')} onClose={onClose} testId="receiptless-return-dialog" className="return-items">
      <h2>{t('returns.noReceipt')}</h2>
      {catalog.length > 0 && (
        <section className="quick-keys" aria-label={t('sale.products')}>
          {catalog.map((item) => (
            <button
              key={item.id}
              type="button"
              className="key"
              onClick={() =>
                add({
                  name: item.name,
                  unitPrice: item.price,
                  quantity: 1,
                  ...(item.vatRate !== undefined ? { vatRate: item.vatRate } : {}),
                })
              }
            >
              <span>{item.name}</span> <small>{money(item.price, currency)}</small>
            </button>
          ))}
        </section>
      )}
      <ProductSearch
        api={api}
        currency={currency}
        disabled={busy}
        onPick={(p) => add({ name: p.name, unitPrice: p.price, quantity: 1, vatRate: p.vatRate, productId: p.id })}
      />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <ul className="return-lines">
          {rows.map(({ line: l, quantity }, i) => (
            <li key={`${l.name}-${l.unitPrice}`} data-testid="return-line" data-index={i}>
              <span>{l.name}</span>
              <span className="muted">{money(l.unitPrice, currency)}</span>
              <input
                type="number"
                inputMode="numeric"
                min={1}
                max={999}
                step={1}
                aria-label={t('returns.quantity', { name: l.name })}
                value={quantity}
                onChange={(e) => {
                  setError(undefined);
                  setRows((cur) => cur.map((r, j) => (j === i ? { ...r, quantity: e.target.value } : r)));
                }}
              />
            </li>
          ))}
        </ul>
        <ReturnEnd
          reason={reason}
          onReason={(r) => (setReason(r), setError(undefined))}
          amount={amount}
          currency={currency}
          tender="cash"
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
