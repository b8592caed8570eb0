import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product, TillApi } from '../../../shared/contract';
import { money } from '../format';

/**
 * **Search products**: the catalog by name, category or barcode, answered as the cashier types; each result is a
 * button named by its product, and choosing it (or Enter for the first) adds it to the basket. With nothing typed,
 * the categories are buttons (for touch): one shows its products the same way.
 */
export function ProductSearch({
  api,
  currency,
  disabled,
  onPick,
}: {
  api: TillApi;
  currency: string;
  disabled: boolean;
  onPick(product: Product): void;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Product[]>([]);
  const [searched, setSearched] = useState('');
  // Answers may come back out of order: only the one for what is typed now is shown.
  const asked = useRef(0);
  const [categories, setCategories] = useState<{ category: string; count: number }[]>([]);
  const [category, setCategory] = useState<string>();
  const [inCategory, setInCategory] = useState<Product[]>([]);
  useEffect(() => {
    api.productCategories({}).then(setCategories, () => setCategories([]));
  }, [api]);
  const openCategory = (c: string | undefined) => {
    setCategory(c);
    setInCategory([]);
    const n = ++asked.current;
    if (c !== undefined)
      api.searchProducts({ query: '', category: c, limit: 50 }).then(
        (found) => n === asked.current && setInCategory(found),
        () => {},
      );
  };

  const ask = (text: string) => {
    setQuery(text);
    const n = ++asked.current;
    if (!text.trim()) {
      setResults([]);
      setSearched('');
      return;
    }
    api.searchProducts({ query: text.slice(0, 60), limit: 20 }).then(
      (found) => {
        if (n !== asked.current) return;
        setResults(found);
        setSearched(text);
      },
      () => {
        if (n === asked.current) setResults([]);
      },
    );
  };
  const pick = (p: Product) => {
    onPick(p);
    ask('');
  };
  // A category stays open after a tap (several of its products are often sold together); a search is cleared.
  const productButton = (p: Product, stay: boolean) => (
    <li key={p.id}>
      <button type="button" className="key" disabled={disabled} onClick={() => (stay ? onPick(p) : pick(p))}>
        <span>{p.name}</span> <small>{money(p.price, currency)}</small>
      </button>
    </li>
  );

  return (
    <section className="product-search">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (results[0] && searched === query) pick(results[0]);
        }}
      >
        <label htmlFor="product-search">{t('sale.search')}</label>
        <input
          id="product-search"
          type="search"
          autoComplete="off"
          value={query}
          disabled={disabled}
          onChange={(e) => ask(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') ask('');
          }}
        />
      </form>
      {query.trim() !== '' && searched === query && (
        <ul className="search-results" aria-label={t('sale.searchResults')}>
          {results.length === 0 && <li className="muted">{t('sale.noResults')}</li>}
          {results.map((p) => productButton(p, false))}
        </ul>
      )}
      {query.trim() === '' && categories.length > 0 && category === undefined && (
        <div className="categories" role="group" aria-label={t('sale.categories')}>
          {categories.map((c) => (
            <button key={c.category} type="button" className="key" disabled={disabled} onClick={() => openCategory(c.category)}>
              {c.category} <small>({c.count})</small>
            </button>
          ))}
        </div>
      )}
      {query.trim() === '' && category !== undefined && (
        <>
          <button type="button" className="small" onClick={() => openCategory(undefined)}>
            {t('sale.allCategories')}
          </button>
          <ul className="search-results" aria-label={category} data-testid="category-products">
            {inCategory.map((p) => productButton(p, true))}
          </ul>
        </>
      )}
    </section>
  );
}
