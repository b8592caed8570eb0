import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product, TillApi } from '../../../shared/contract';
import { money } from '../format';

/**
 * **Search products**: the catalog by name, category or barcode, answered as the cashier types; each result is a
 * button named by its product, and choosing it (or Enter for the first) adds it to the basket.
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
          {results.map((p) => (
            <li key={p.id}>
              <button type="button" className="key" disabled={disabled} onClick={() => pick(p)}>
                <span>{p.name}</span> <small>{money(p.price, currency)}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
