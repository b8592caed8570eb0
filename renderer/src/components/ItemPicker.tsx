import { useTranslation } from 'react-i18next';
import type { CatalogItem, TillApi } from '../../../shared/contract';
import type { SaleLine } from '../../../shared/payment';
import { money } from '../format';
import { catalogLine, productLine } from '../sale';
import { ProductSearch } from './ProductSearch';

/** A product picked in a dialog, with how many of it as typed. */
export interface PickedRow {
  line: SaleLine;
  quantity: string;
}

/** The picked rows as lines (quantity as a number; check with `rowsValid`). */
export const pickedLines = (rows: readonly PickedRow[]): SaleLine[] => rows.map((r) => ({ ...r.line, quantity: Number(r.quantity) }));

/** Every row has a whole quantity from 1 to 999. */
export const rowsValid = (rows: readonly PickedRow[]): boolean =>
  pickedLines(rows).every((l) => Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 999);

/**
 * Picks products for a dialog (a return without a receipt, the new items of an exchange): the quick keys, Search
 * products, and the picked rows with how many of each. One more of a product already picked adds to its row.
 */
export function ItemPicker({
  api,
  catalog,
  currency,
  busy,
  rows,
  onRows,
  testId,
}: {
  api: TillApi;
  catalog: readonly CatalogItem[];
  currency: string;
  busy: boolean;
  rows: PickedRow[];
  onRows(rows: PickedRow[]): void;
  testId: string;
}) {
  const { t } = useTranslation();
  const add = (line: SaleLine) => {
    const i = rows.findIndex((r) => r.line.name === line.name && r.line.unitPrice === line.unitPrice);
    if (i < 0) return onRows([...rows, { line, quantity: '1' }]);
    onRows(rows.map((r, j) => (j === i ? { ...r, quantity: String(Math.min(999, (Number(r.quantity) || 0) + 1)) } : r)));
  };
  return (
    <>
      {catalog.length > 0 && (
        <section className="quick-keys" aria-label={t('sale.products')}>
          {catalog.map((item) => (
            <button key={item.id} type="button" className="key" onClick={() => add(catalogLine(item))}>
              <span>{item.name}</span> <small>{money(item.price, currency)}</small>
            </button>
          ))}
        </section>
      )}
      <ProductSearch api={api} currency={currency} disabled={busy} onPick={(p) => add(productLine(p))} />
      <ul className="return-lines">
        {rows.map(({ line: l, quantity }, i) => (
          <li key={`${l.name}-${l.unitPrice}`} data-testid={testId} data-index={i}>
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
              onChange={(e) => onRows(rows.map((r, j) => (j === i ? { ...r, quantity: e.target.value } : r)))}
            />
          </li>
        ))}
      </ul>
    </>
  );
}
