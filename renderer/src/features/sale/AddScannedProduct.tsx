import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product, PublicSettings, TillApi } from '../../../../shared/contract';
import { DEFAULT_SCALE_LAYOUT, variableMeasure } from '../../../../shared/barcode';
import { parseAmount } from '../../../../shared/money';
import type { SaleLine } from '../../../../shared/payment';
import { DEFAULT_VAT_RATES } from '../../../../shared/vat';
import { errorText } from '../../errors';
import { Modal } from '../../components/Modal';

/**
 * **Add product** on the "Unknown barcode" notice: a small form (name, price, VAT rate, category; the barcode filled
 * in) that adds the product to the catalog - a manager's right, recorded by the core - and then the scanned code to
 * the basket. A scale label adds its item's own code, priced per kilogram for a weighed item, and the label then
 * brings its weight or price.
 */
export function AddScannedProduct({
  api,
  code,
  settings,
  onAdded,
}: {
  api: TillApi;
  /** The code as scanned. */
  code: string;
  settings: PublicSettings;
  onAdded(product: Product & { line?: SaleLine }): void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="add-scanned" data-testid="add-scanned" onClick={() => setOpen(true)}>
        {t('addProduct.open')}
      </button>
      {open && <AddProductForm api={api} code={code} settings={settings} onAdded={onAdded} onClose={() => setOpen(false)} />}
    </>
  );
}

function AddProductForm({
  api,
  code,
  settings,
  onAdded,
  onClose,
}: {
  api: TillApi;
  code: string;
  settings: PublicSettings;
  onAdded(product: Product & { line?: SaleLine }): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const measure = variableMeasure(code, settings.scaleLayout ?? DEFAULT_SCALE_LAYOUT);
  const rates = settings.vatRates ?? [...DEFAULT_VAT_RATES];
  const [barcode, setBarcode] = useState(measure?.item ?? code);
  const [name, setName] = useState('');
  const [priceText, setPriceText] = useState('');
  const [vatRate, setVatRate] = useState(rates[0] ?? 21);
  const [category, setCategory] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const price = parseAmount(priceText, settings.currency);
    if (!name.trim()) return setError(t('addProduct.nameNeeded'));
    if (price === null || price <= 0) return setError(t('addProduct.priceBad'));
    setBusy(true);
    setError(undefined);
    try {
      const added = await api.addProduct({ barcode, name: name.trim(), price, vatRate, category: category.trim() });
      // The code as scanned: a scale label brings its weight or price, any other code is the product itself.
      const found = measure && barcode === measure.item ? await api.findBarcode({ code }) : added;
      onAdded(found);
      onClose();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <Modal label={t('addProduct.title')} onClose={onClose} testId="add-product-dialog">
      <h2>{t('addProduct.title')}</h2>
      <form
        className="add-product"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void save();
        }}
      >
        <label>
          {t('addProduct.barcode')}
          <input value={barcode} maxLength={40} onChange={(e) => setBarcode(e.target.value.trim())} />
        </label>
        {measure && (
          <p className="hint" data-testid="scale-item">
            {t(measure.kind === 'weight' ? 'addProduct.scaleWeight' : 'addProduct.scalePrice', { item: measure.item })}
          </p>
        )}
        <label>
          {t('addProduct.name')}
          <input autoFocus value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {measure?.kind === 'weight' ? t('addProduct.pricePerKg') : t('addProduct.price')}
          <input value={priceText} inputMode="decimal" autoComplete="off" onChange={(e) => setPriceText(e.target.value)} />
        </label>
        <label>
          {t('addProduct.vatRate')}
          <select value={vatRate} onChange={(e) => setVatRate(Number(e.target.value))}>
            {rates.map((r) => (
              <option key={r} value={r}>
                {r}%
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('addProduct.category')}
          <input value={category} maxLength={40} onChange={(e) => setCategory(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {t('addProduct.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('cash.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
