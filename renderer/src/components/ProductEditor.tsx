import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogItem, Product, TillApi } from '../../../shared/contract';
import { parseAmount } from '../../../shared/money';
import { errorText } from '../errors';
import { money } from '../format';

/**
 * **Products** in Settings (a manager's): find a product of the catalog, change its price, take it off sale, or
 * put it on the quick keys of the sale screen (a favourite) - each change recorded by the core with who and when.
 * The favourites picked are listed, each with Remove. Lines already in a basket keep their price.
 */
export function ProductEditor({ api, currency, quickKeys }: { api: TillApi; currency: string; quickKeys: CatalogItem[] }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Product[]>([]);
  const [prices, setPrices] = useState<Record<number, string>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  const asked = useRef(0);
  const favourites = quickKeys.filter((k) => k.productId !== undefined);

  const search = (text: string) => {
    setQuery(text);
    const n = ++asked.current;
    if (!text.trim()) return setFound([]);
    api.searchProducts({ query: text.slice(0, 60), limit: 10 }).then(
      (ps) => n === asked.current && setFound(ps),
      () => n === asked.current && setFound([]),
    );
  };
  const change = (p: Params, done: string) =>
    api.updateProduct(p).then(
      (out) => {
        setFound((xs) => (out.active ? xs.map((x) => (x.id === out.id ? out : x)) : xs.filter((x) => x.id !== out.id)));
        setMsg({ ok: true, text: t(done, { name: out.name }) });
      },
      (e: unknown) => setMsg({ ok: false, text: errorText(e) }),
    );
  const savePrice = (p: Product) => {
    const price = parseAmount(prices[p.id] ?? '', currency);
    if (price === null || price <= 0) return setMsg({ ok: false, text: t('addProduct.priceBad') });
    void change({ id: p.id, price }, 'products.priceSaved');
  };

  return (
    <section className="product-editor" aria-label={t('products.title')}>
      <h3>{t('products.title')}</h3>
      <p className="hint">{t('products.hint')}</p>
      <label>
        {t('products.find')}
        <input type="search" value={query} autoComplete="off" onChange={(e) => search(e.target.value)} />
      </label>
      <ul className="product-rows">
        {found.map((p) => (
          <li key={p.id} className="row">
            <span>
              {p.name} <small className="muted">{money(p.price, currency)}</small>
            </span>
            <input
              aria-label={t('products.newPrice', { name: p.name })}
              inputMode="decimal"
              value={prices[p.id] ?? ''}
              onChange={(e) => setPrices({ ...prices, [p.id]: e.target.value })}
            />
            <button type="button" onClick={() => savePrice(p)}>
              {t('products.savePrice')}
            </button>
            <button type="button" onClick={() => void change({ id: p.id, active: false }, 'products.offSale')}>
              {t('products.takeOff')}
            </button>
            <button
              type="button"
              aria-pressed={p.favourite}
              onClick={() => void change({ id: p.id, favourite: !p.favourite }, p.favourite ? 'products.unpicked' : 'products.picked')}
            >
              {t('products.quickKey')}
            </button>
          </li>
        ))}
      </ul>
      <h4>{t('products.favourites')}</h4>
      {favourites.length === 0 ? (
        <p className="muted">{t('products.noFavourites')}</p>
      ) : (
        <ul className="favourites" aria-label={t('products.favourites')}>
          {favourites.map((k) => (
            <li key={k.id} className="row">
              <span>
                {k.name} <small className="muted">{money(k.price, currency)}</small>
              </span>
              <button
                type="button"
                aria-label={t('products.remove', { name: k.name })}
                onClick={() => void change({ id: k.productId!, favourite: false }, 'products.unpicked')}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {msg && (
        <p role={msg.ok ? 'status' : 'alert'} className={msg.ok ? 'ok' : 'error'}>
          {msg.text}
        </p>
      )}
    </section>
  );
}

type Params = Parameters<TillApi['updateProduct']>[0];
