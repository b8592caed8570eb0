import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Snapshot, SettingsInput, TillApi } from '../../../../shared/contract';
import { isPosCurrency, type Language, type Mode, POS_CURRENCIES, type PosCurrency } from '../../../../shared/constants';
import { TillError } from '../../../../shared/errors';
import { DEFAULT_VAT_RATES } from '../../../../shared/vat';
import { type CashRoundingStep, DEFAULT_CASH_ROUNDING } from '../../../../shared/cash';
import { DEFAULT_SCALE_LAYOUT } from '../../../../shared/barcode';
import { readScaleLayout, scaleLayoutText } from '../../components/ScaleLayoutFields';
import { errorText } from '../../errors';
import { type FieldError, fieldErrors } from './fieldErrors';
import { parseRates } from './vatRates';

/**
 * The settings form: every field as typed, starting from the settings saved, and Save, which checks what the core
 * cannot (VAT rates, scale layout, a key kept in plain text) and shows a refusal beside its field.
 */
export function useSettingsForm(api: TillApi, s: Snapshot['settings']) {
  const { t } = useTranslation();
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
  const [fieldError, setFieldError] = useState<FieldError>();
  const [status, setStatus] = useState<string>();

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
  const fields = fieldErrors(fieldError);
  return {
    mode,
    setMode,
    baseUrl,
    setBaseUrl,
    apiKey,
    setApiKey,
    weakOk,
    setWeakOk,
    terminalIds,
    setTerminalIds,
    defaultTerminalId,
    setDefaultTerminalId,
    currency,
    setCurrency,
    merchantName,
    setMerchantName,
    tillName,
    setTillName,
    shopDatabaseUrl,
    setShopDatabaseUrl,
    merchantAddress,
    setMerchantAddress,
    language,
    setLanguage,
    vatRatesText,
    setVatRatesText,
    customVatRate,
    setCustomVatRate,
    printerHost,
    setPrinterHost,
    printerPort,
    setPrinterPort,
    paper,
    setPaper,
    systemPrinter,
    setSystemPrinter,
    idleMinutes,
    setIdleMinutes,
    cashRounding,
    setCashRounding,
    scale,
    setScale,
    printers,
    fieldError,
    status,
    offered,
    save,
    fields,
  };
}

export type SettingsForm = ReturnType<typeof useSettingsForm>;
