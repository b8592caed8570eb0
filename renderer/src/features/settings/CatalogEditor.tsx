import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogItem, TillApi } from '../../../../shared/contract';
import { parseAmount } from '../../../../shared/money';
import { errorText } from '../../errors';
import { money } from '../../format';

/** The quick keys as Settings keeps them (before favourites are picked from the catalog): name, price, VAT rate. */
export function CatalogEditor({ api, items, currency, rates }: { api: TillApi; items: CatalogItem[]; currency: string; rates: number[] }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState(items.map((i) => ({ ...i, priceText: (i.price / 100).toFixed(2) })));
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  useEffect(() => setRows(items.map((i) => ({ ...i, priceText: (i.price / 100).toFixed(2) }))), [items]);
  return (
    <form
      className="catalog"
      onSubmit={(e) => {
        e.preventDefault();
        const out: CatalogItem[] = [];
        for (const r of rows) {
          const price = parseAmount(r.priceText, currency);
          if (price === null || !r.name.trim()) return setMsg({ ok: false, text: `${r.name || '?'}: ${t('sale.badAmount')}` });
          out.push({ id: r.id, name: r.name.trim(), price, ...(r.vatRate !== undefined ? { vatRate: r.vatRate } : {}) });
        }
        api.saveCatalog({ items: out }).then(
          () => setMsg({ ok: true, text: t('settings.saved') }),
          (err: unknown) => setMsg({ ok: false, text: errorText(err) }),
        );
      }}
    >
      <h3>{t('settings.catalog')}</h3>
      {rows.map((r, i) => (
        <div className="row" key={r.id}>
          <input
            aria-label={`${t('settings.catalogName')} ${i + 1}`}
            value={r.name}
            onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
          />
          <input
            aria-label={`${t('settings.catalogPrice')} ${i + 1}`}
            inputMode="decimal"
            value={r.priceText}
            onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, priceText: e.target.value } : x)))}
          />
          <select
            aria-label={`${t('settings.catalogVat')} ${i + 1}`}
            value={r.vatRate ?? ''}
            onChange={(e) =>
              setRows(rows.map((x, j) => (j === i ? { ...x, vatRate: e.target.value === '' ? undefined : Number(e.target.value) } : x)))
            }
          >
            {r.vatRate === undefined && <option value="">-</option>}
            {[...new Set([...rates, ...(r.vatRate !== undefined ? [r.vatRate] : [])])].map((rate) => (
              <option key={rate} value={rate}>
                {rate}%
              </option>
            ))}
          </select>
          <span className="muted">
            {parseAmount(r.priceText, currency) !== null ? money(parseAmount(r.priceText, currency)!, currency) : ''}
          </span>
          <button
            type="button"
            aria-label={`${t('sale.remove', { name: r.name })}`}
            onClick={() => setRows(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => setRows([...rows, { id: `p${Date.now().toString(36)}`, name: '', price: 100, priceText: '', vatRate: rates[0] }])}
      >
        {t('settings.addItem')}
      </button>
      <button type="submit">{t('settings.saveCatalog')}</button>
      {msg && (
        <p role={msg.ok ? 'status' : 'alert'} className={msg.ok ? 'ok' : 'error'}>
          {msg.text}
        </p>
      )}
    </form>
  );
}
