import { useTranslation } from 'react-i18next';
import type { Snapshot, TillApi } from '../../../shared/contract';
import { type Language, LANGUAGES, POS_CURRENCIES, type PosCurrency } from '../../../shared/constants';
import { DEFAULT_VAT_RATES } from '../../../shared/vat';
import { CASH_ROUNDING_STEPS, type CashRoundingStep } from '../../../shared/cash';
import { money } from '../format';
import { isManager } from './DayScreen';
import { StaffEditor } from './StaffEditor';
import { ProductImport } from '../components/ProductImport';
import { ProductEditor } from '../components/ProductEditor';
import { ScaleLayoutFields } from '../components/ScaleLayoutFields';
import { CatalogEditor } from '../features/settings/CatalogEditor';
import { ConnectionFields } from '../features/settings/ConnectionFields';
import { PrinterFields } from '../features/settings/PrinterFields';
import { ShopFields } from '../features/settings/ShopFields';
import { useSettingsForm } from '../features/settings/useSettingsForm';

/** Mode and API key (write-only), terminals, currency, merchant details, language and quick keys. */
export function SettingsScreen({ api, snapshot }: { api: TillApi; snapshot: Snapshot }) {
  const { t } = useTranslation();
  const s = snapshot.settings;
  const form = useSettingsForm(api, s);
  const { errFor, invalid } = form.fields;

  return (
    <section className="settings" aria-label={t('settings.title')}>
      <h2>{t('settings.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void form.save();
        }}
      >
        <ConnectionFields api={api} settings={s} form={form} />
        <label>
          {t('settings.terminals')}
          <input value={form.terminalIds} onChange={(e) => form.setTerminalIds(e.target.value)} {...invalid('terminalIds')} />
          {errFor('terminalIds')}
        </label>
        <label>
          {t('settings.defaultTerminal')}
          <select
            value={form.defaultTerminalId}
            onChange={(e) => form.setDefaultTerminalId(e.target.value)}
            {...invalid('defaultTerminalId')}
          >
            <option value="">-</option>
            {snapshot.terminals.map((x) => (
              <option key={x.id} value={x.id}>
                {x.id}
              </option>
            ))}
          </select>
          {errFor('defaultTerminalId')}
        </label>
        <button type="button" onClick={() => void api.refreshTerminals({})}>
          {t('settings.refresh')}
        </button>
        <label>
          {t('settings.currency')}
          <select value={form.currency} onChange={(e) => form.setCurrency(e.target.value as PosCurrency)} {...invalid('currency')}>
            {POS_CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          {errFor('currency')}
        </label>
        <label>
          {t('settings.cashRounding')}
          <select
            value={form.cashRounding}
            onChange={(e) => form.setCashRounding(Number(e.target.value) as CashRoundingStep)}
            {...invalid('cashRounding')}
          >
            {CASH_ROUNDING_STEPS.map((step) => (
              <option key={step} value={step}>
                {step === 0 ? t('settings.cashRoundingOff') : money(step, form.currency)}
              </option>
            ))}
          </select>
          {errFor('cashRounding')}
        </label>
        <ShopFields settings={s} form={form} />
        <label>
          {t('settings.merchantName')}
          <input value={form.merchantName} onChange={(e) => form.setMerchantName(e.target.value)} {...invalid('merchantName')} />
          {errFor('merchantName')}
        </label>
        <label>
          {t('settings.merchantAddress')}
          <input value={form.merchantAddress} onChange={(e) => form.setMerchantAddress(e.target.value)} {...invalid('merchantAddress')} />
          {errFor('merchantAddress')}
        </label>
        <label>
          {t('settings.language')}
          <select value={form.language} onChange={(e) => form.setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : 'Nederlands'}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('settings.vat')}</legend>
          <label>
            {t('settings.vatRates')}
            <input
              value={form.vatRatesText}
              inputMode="decimal"
              onChange={(e) => form.setVatRatesText(e.target.value)}
              aria-describedby={form.fieldError?.field === 'vatRates' ? 'vatRates-error' : 'vat-rates-hint'}
              aria-invalid={form.fieldError?.field === 'vatRates' ? true : undefined}
            />
            <span id="vat-rates-hint" className="hint">
              {t('settings.vatRatesHint')}
            </span>
            {errFor('vatRates')}
          </label>
          <label>
            {t('settings.customVatRate')}
            <select
              value={form.customVatRate}
              onChange={(e) => form.setCustomVatRate(Number(e.target.value))}
              {...invalid('customVatRate')}
            >
              {form.offered.map((r) => (
                <option key={r} value={r}>
                  {r}%
                </option>
              ))}
            </select>
            {errFor('customVatRate')}
          </label>
        </fieldset>
        <ScaleLayoutFields
          value={form.scale}
          onChange={form.setScale}
          error={form.fieldError?.field === 'scaleLayout' ? form.fieldError.message : undefined}
        />
        <PrinterFields form={form} />
        <label>
          {t('settings.idleMinutes')}
          <input
            value={form.idleMinutes}
            inputMode="numeric"
            aria-describedby="idle-hint"
            onChange={(e) => form.setIdleMinutes(e.target.value.replace(/\D/g, ''))}
            {...invalid('idleMinutes')}
          />
          <span id="idle-hint" className="hint">
            {t('settings.idleHint')}
          </span>
          {errFor('idleMinutes')}
        </label>
        {!isManager(snapshot) && <p className="needs-manager">{t('staff.needsManager')}</p>}
        {form.fieldError && !form.fieldError.field && (
          <p className="error" role="alert">
            {form.fieldError.message}
          </p>
        )}
        <button type="submit" className="primary">
          {t('settings.save')}
        </button>
        {form.status && <p role="status">{t(form.status)}</p>}
      </form>
      {/* Once favourites are picked from the catalog they are the quick keys (Products, below). */}
      {snapshot.catalog.some((k) => k.productId !== undefined) ? (
        <p className="hint" data-testid="keys-are-favourites">
          {t('products.keysAreFavourites')}
        </p>
      ) : (
        <CatalogEditor api={api} items={snapshot.catalog} currency={s.currency} rates={s.vatRates ?? [...DEFAULT_VAT_RATES]} />
      )}
      <ProductImport api={api} />
      <ProductEditor api={api} currency={s.currency} quickKeys={snapshot.catalog} />
      <StaffEditor api={api} snapshot={snapshot} />
    </section>
  );
}
