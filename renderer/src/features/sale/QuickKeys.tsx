import { useTranslation } from 'react-i18next';
import type { CatalogItem } from '../../../../shared/contract';
import type { SaleLine } from '../../../../shared/payment';
import { money } from '../../format';
import { catalogLine } from '../../sale';

/** The quick keys (Settings or the catalog's favourites): one press adds one of the item. */
export function QuickKeys({
  items,
  currency,
  disabled,
  onAdd,
}: {
  items: CatalogItem[];
  currency: string;
  disabled: boolean;
  onAdd(line: SaleLine): void;
}) {
  const { t } = useTranslation();
  if (!items.length) return null;
  return (
    <section className="quick-keys" aria-label={t('sale.products')}>
      {items.map((item) => (
        <button key={item.id} className="key" disabled={disabled} onClick={() => onAdd(catalogLine(item))}>
          <span>{item.name}</span>
          <small>{money(item.price, currency)}</small>
        </button>
      ))}
    </section>
  );
}
