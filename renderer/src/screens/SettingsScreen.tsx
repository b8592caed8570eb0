import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../errors';
import type { CatalogItem, Snapshot, SettingsInput, TillApi } from '../../../shared/contract';
import {
  isPosCurrency,
  type Language,
  LANGUAGES,
  type Mode,
  POS_CURRENCIES,
  type PosCurrency,
  SELECTABLE_MODES,
} from '../../../shared/constants';
import { TillError } from '../../../shared/errors';
import { parseAmount } from '../../../shared/money';
import { DEFAULT_VAT_RATES } from '../../../shared/vat';
import { CASH_ROUNDING_STEPS, type CashRoundingStep, DEFAULT_CASH_ROUNDING } from '../../../shared/cash';
import { money } from '../format';
import { isManager } from './DayScreen';
import { StaffEditor } from './StaffEditor';
import { ProductImport } from '../components/ProductImport';
import { ProductEditor } from '../components/ProductEditor';
import { readScaleLayout, ScaleLayoutFields, scaleLayoutText } from '../components/ScaleLayoutFields';
import { DEFAULT_SCALE_LAYOUT } from '../../../shared/barcode';

/**
 * "21, 9, 0" (or "21%, 9%, 0%", "21 %; 9 %; 0 %"; "5,5" as a Dutch decimal is not offered) as rates; null when
 * one is not a rate.
 */
export function parseRates(text: string): number[] | null {
  const parts = text
    .replace(/%/g, ' ')
    .split(/[;,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  const rates = parts.map(Number);
  if (!rates.length || rates.length > 6 || rates.some((r) => !Number.isFinite(r) || r < 0 || r > 100 || Math.round(r * 100) !== r * 100))
    return null;
  return [...new Set(rates)];
}

/** Mode and API key (write-only), terminals, currency, merchant details, language and quick keys. */
export function SettingsScreen({ api, snapshot }: { api: TillApi; snapshot: Snapshot }) {
  const { t } = useTranslation();
  const s = snapshot.settings;
  const [mode, setMode] = useState<Mode>(s.mode);
  const [baseUrl, setBaseUrl] = useState(s.baseUrl);
  const [apiKey, setApiKey] = useState('');
  const [weakOk, setWeakOk] = useState(false);
  const [terminalIds, setTerminalIds] = useState(s.terminalIds.join(', '));
  const [defaultTerminalId, setDefaultTerminalId] = useState(s.defaultTerminalId);
  const [currency, setCurrency] = useState<PosCurrency>(isPosCurrency(s.currency) ? s.currency : POS_CURRENCIES[0]);
  const [merchantName, setMerchantName] = useState(s.merchantName);
  const [tillName, setTillName] = useState(s.tillName ?? '');
  const [shopDatabaseUrl, setShopDatabaseUrl] = useState('');
  const [merchantAddress, setMerchantAddress] = useState(s.merchantAddress);
  const [language, setLanguage] = useState<Language>(s.language);
  const [vatRatesText, setVatRatesText] = useState((s.vatRates ?? DEFAULT_VAT_RATES).join(', '));
  const [customVatRate, setCustomVatRate] = useState(s.customVatRate ?? DEFAULT_VAT_RATES[0]);
  const [printerHost, setPrinterHost] = useState(s.printerHost ?? '');
  const [printerPort, setPrinterPort] = useState(String(s.printerPort ?? 9100));
  const [paper, setPaper] = useState<'58mm' | '80mm'>(s.paper ?? '80mm');
  const [systemPrinter, setSystemPrinter] = useState(s.systemPrinter ?? '');
  const [idleMinutes, setIdleMinutes] = useState(String(s.idleMinutes ?? 15));
  const [cashRounding, setCashRounding] = useState<CashRoundingStep>(s.cashRounding ?? DEFAULT_CASH_ROUNDING);
  const [scale, setScale] = useState(scaleLayoutText(s.scaleLayout ?? DEFAULT_SCALE_LAYOUT));
  // The printers of this computer (the desktop app lists them; a browser has none).
  const [printers, setPrinters] = useState<string[]>([]);
  useEffect(() => {
    api.printers({}).then(setPrinters, () => setPrinters([]));
  }, [api]);
  const offered = parseRates(vatRatesText) ?? s.vatRates ?? [...DEFAULT_VAT_RATES];
  const [fieldError, setFieldError] = useState<{ field?: string; message: string }>();
  const [status, setStatus] = useState<string>();
  const [testResult, setTestResult] = useState<{ ok: boolean; message: string }>();

  const save = async (extra: Partial<SettingsInput> = {}) => {
    setFieldError(undefined);
    setStatus(undefined);
    const vatRates = parseRates(vatRatesText);
    if (!vatRates) return setFieldError({ field: 'vatRates', message: t('settings.vatRatesBad') });
    const scaleLayout = readScaleLayout(scale);
    if ('problem' in scaleLayout) return setFieldError({ field: 'scaleLayout', message: t(`scale.problems.${scaleLayout.problem}`) });
    const port = Number(printerPort);
    const idle = Number(idleMinutes);
    const input: SettingsInput = {
      ...(idleMinutes.trim() !== '' && Number.isInteger(idle) ? { idleMinutes: idle } : {}),
      vatRates,
      customVatRate: vatRates.includes(customVatRate) ? customVatRate : vatRates[0]!,
      printerHost: printerHost.trim(),
      ...(Number.isInteger(port) && port > 0 ? { printerPort: port } : {}),
      paper,
      cashRounding,
      scaleLayout: scaleLayout.layout,
      ...(printers.length ? { systemPrinter } : {}),
      terminalIds: terminalIds
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
      defaultTerminalId,
      currency,
      merchantName,
      merchantAddress,
      language,
      ...(!s.tillNameByEnv && tillName.trim() ? { tillName: tillName.trim() } : {}),
      ...(s.shopDatabase !== 'env' && shopDatabaseUrl.trim() ? { shopDatabaseUrl: shopDatabaseUrl.trim() } : {}),
      ...extra,
    };
    if (!s.lockedByEnv && mode !== 'test') {
      input.mode = mode;
      input.baseUrl = baseUrl;
      if (apiKey) {
        if (s.keyStorage === 'basic_text' && !weakOk) return setFieldError({ field: 'apiKey', message: t('settings.basicText') });
        input.apiKey = apiKey;
      }
    }
    try {
      await api.saveSettings(input);
      setApiKey('');
      setShopDatabaseUrl('');
      setStatus('settings.saved'); // a key: shown in the language just saved
    } catch (e) {
      const err = TillError.from(e);
      setFieldError({ ...(err.field ? { field: err.field.split('.')[0] } : {}), message: errorText(e) });
    }
  };
  const errFor = (field: string) =>
    fieldError?.field === field ? (
      <span className="error" role="alert" id={`${field}-error`}>
        {fieldError.message}
      </span>
    ) : null;
  const invalid = (field: string) => (fieldError?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {});

  return (
    <section className="settings" aria-label={t('settings.title')}>
      <h2>{t('settings.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset disabled={s.lockedByEnv}>
          {s.lockedByEnv && <p className="muted">{t('settings.locked')}</p>}
          <label>
            {t('settings.mode')}
            <select value={mode} onChange={(e) => setMode(e.target.value as Mode)} {...invalid('mode')}>
              {(mode === 'test' ? [...SELECTABLE_MODES, 'test' as const] : SELECTABLE_MODES).map((m) => (
                <option key={m} value={m}>
                  {t(`settings.modes.${m}`)}
                </option>
              ))}
            </select>
            {errFor('mode')}
          </label>
          <p className="muted">{t('settings.noTestEnvironment')}</p>
          {mode === 'custom' && (
            <label>
              {t('settings.baseUrl')}
              <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} {...invalid('baseUrl')} />
              {errFor('baseUrl')}
            </label>
          )}
          {mode !== 'demo' && (
            <>
              <p className="muted">{s.apiKeySet ? t('settings.apiKeySet') : t('settings.apiKeyNone')}</p>
              <label>
                {t('settings.apiKey')}
                <input
                  type="password"
                  autoComplete="off"
                  value={apiKey}
                  placeholder={s.apiKeySet ? '••••••••' : ''}
                  onChange={(e) => setApiKey(e.target.value)}
                  {...invalid('apiKey')}
                />
                {errFor('apiKey')}
              </label>
              {s.keyStorage === 'basic_text' && (
                <label className="warn">
                  <input type="checkbox" checked={weakOk} onChange={(e) => setWeakOk(e.target.checked)} /> {t('settings.basicText')}{' '}
                  {t('settings.basicTextConfirm')}
                </label>
              )}
              {s.apiKeySet && (
                <button type="button" onClick={() => void save({ clearApiKey: true })}>
                  {t('settings.clearKey')}
                </button>
              )}
            </>
          )}
        </fieldset>
        <div className="row">
          <button
            type="button"
            onClick={() =>
              api
                .testConnection(
                  s.lockedByEnv || mode === 'test'
                    ? {}
                    : { mode, ...(mode === 'custom' ? { baseUrl } : {}), ...(apiKey ? { apiKey } : {}) },
                )
                .then(setTestResult, (e: unknown) => setTestResult({ ok: false, message: errorText(e) }))
            }
          >
            {t('settings.test')}
          </button>
          {testResult && (
            <span role="status" className={testResult.ok ? 'ok' : 'error'} data-testid="connection-result">
              {testResult.message}
            </span>
          )}
        </div>
        <label>
          {t('settings.terminals')}
          <input value={terminalIds} onChange={(e) => setTerminalIds(e.target.value)} {...invalid('terminalIds')} />
          {errFor('terminalIds')}
        </label>
        <label>
          {t('settings.defaultTerminal')}
          <select value={defaultTerminalId} onChange={(e) => setDefaultTerminalId(e.target.value)} {...invalid('defaultTerminalId')}>
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
          <select value={currency} onChange={(e) => setCurrency(e.target.value as PosCurrency)} {...invalid('currency')}>
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
            value={cashRounding}
            onChange={(e) => setCashRounding(Number(e.target.value) as CashRoundingStep)}
            {...invalid('cashRounding')}
          >
            {CASH_ROUNDING_STEPS.map((step) => (
              <option key={step} value={step}>
                {step === 0 ? t('settings.cashRoundingOff') : money(step, currency)}
              </option>
            ))}
          </select>
          {errFor('cashRounding')}
        </label>
        <fieldset>
          <legend>{t('settings.shop')}</legend>
          <label>
            {t('settings.tillName')}
            <input
              value={tillName}
              maxLength={40}
              disabled={s.tillNameByEnv}
              onChange={(e) => setTillName(e.target.value)}
              {...invalid('tillName')}
            />
            {errFor('tillName')}
          </label>
          {s.tillNameByEnv && <p className="muted">{t('settings.tillNameEnv')}</p>}
          <p className="muted" data-testid="shop-database-state">
            {t(
              s.shopDatabase === 'env'
                ? 'settings.shopDatabaseEnv'
                : s.shopDatabase === 'set'
                  ? 'settings.shopDatabaseSet'
                  : 'settings.shopDatabaseNone',
            )}
          </p>
          {s.shopDatabase !== 'env' && (
            <label>
              {t('settings.shopDatabase')}
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={shopDatabaseUrl}
                placeholder={s.shopDatabase === 'set' ? '••••••••' : 'postgres://till:…@shop-server:5432/shop'}
                onChange={(e) => setShopDatabaseUrl(e.target.value)}
                {...invalid('shopDatabaseUrl')}
              />
              {errFor('shopDatabaseUrl')}
            </label>
          )}
          {s.shopDatabase === 'set' && (
            <button type="button" onClick={() => void save({ clearShopDatabase: true })}>
              {t('settings.clearShopDatabase')}
            </button>
          )}
        </fieldset>
        <label>
          {t('settings.merchantName')}
          <input value={merchantName} onChange={(e) => setMerchantName(e.target.value)} {...invalid('merchantName')} />
          {errFor('merchantName')}
        </label>
        <label>
          {t('settings.merchantAddress')}
          <input value={merchantAddress} onChange={(e) => setMerchantAddress(e.target.value)} {...invalid('merchantAddress')} />
          {errFor('merchantAddress')}
        </label>
        <label>
          {t('settings.language')}
          <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
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
              value={vatRatesText}
              inputMode="decimal"
              onChange={(e) => setVatRatesText(e.target.value)}
              aria-describedby={fieldError?.field === 'vatRates' ? 'vatRates-error' : 'vat-rates-hint'}
              aria-invalid={fieldError?.field === 'vatRates' ? true : undefined}
            />
            <span id="vat-rates-hint" className="hint">
              {t('settings.vatRatesHint')}
            </span>
            {errFor('vatRates')}
          </label>
          <label>
            {t('settings.customVatRate')}
            <select value={customVatRate} onChange={(e) => setCustomVatRate(Number(e.target.value))} {...invalid('customVatRate')}>
              {offered.map((r) => (
                <option key={r} value={r}>
                  {r}%
                </option>
              ))}
            </select>
            {errFor('customVatRate')}
          </label>
        </fieldset>
        <ScaleLayoutFields value={scale} onChange={setScale} error={fieldError?.field === 'scaleLayout' ? fieldError.message : undefined} />
        <fieldset>
          <legend>{t('settings.printer')}</legend>
          <label>
            {t('settings.printerHost')}
            <input
              value={printerHost}
              placeholder="192.168.1.50"
              onChange={(e) => setPrinterHost(e.target.value)}
              {...invalid('printerHost')}
            />
            {errFor('printerHost')}
          </label>
          <label>
            {t('settings.printerPort')}
            <input value={printerPort} inputMode="numeric" onChange={(e) => setPrinterPort(e.target.value)} {...invalid('printerPort')} />
            {errFor('printerPort')}
          </label>
          <label>
            {t('settings.paper')}
            <select value={paper} onChange={(e) => setPaper(e.target.value as '58mm' | '80mm')} {...invalid('paper')}>
              {(['58mm', '80mm'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`settings.papers.${p}`)}
                </option>
              ))}
            </select>
            {errFor('paper')}
          </label>
          {printers.length > 0 && (
            <label>
              {t('settings.systemPrinter')}
              <select value={systemPrinter} onChange={(e) => setSystemPrinter(e.target.value)} {...invalid('systemPrinter')}>
                <option value="">{t('settings.noSystemPrinter')}</option>
                {printers.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
              {errFor('systemPrinter')}
            </label>
          )}
        </fieldset>
        <label>
          {t('settings.idleMinutes')}
          <input
            value={idleMinutes}
            inputMode="numeric"
            aria-describedby="idle-hint"
            onChange={(e) => setIdleMinutes(e.target.value.replace(/\D/g, ''))}
            {...invalid('idleMinutes')}
          />
          <span id="idle-hint" className="hint">
            {t('settings.idleHint')}
          </span>
          {errFor('idleMinutes')}
        </label>
        {!isManager(snapshot) && <p className="needs-manager">{t('staff.needsManager')}</p>}
        {fieldError && !fieldError.field && (
          <p className="error" role="alert">
            {fieldError.message}
          </p>
        )}
        <button type="submit" className="primary">
          {t('settings.save')}
        </button>
        {status && <p role="status">{t(status)}</p>}
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

function CatalogEditor({ api, items, currency, rates }: { api: TillApi; items: CatalogItem[]; currency: string; rates: number[] }) {
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
