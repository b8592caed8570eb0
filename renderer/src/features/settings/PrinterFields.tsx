import { useTranslation } from 'react-i18next';
import type { SettingsForm } from './useSettingsForm';

/** The receipt printer: a network printer's address and port, the paper width, or one of this computer's printers. */
export function PrinterFields({ form }: { form: SettingsForm }) {
  const { printerHost, setPrinterHost, printerPort, setPrinterPort, paper, setPaper, printers, systemPrinter, setSystemPrinter } = form;
  const { errFor, invalid } = form.fields;
  const { t } = useTranslation();
  return (
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
  );
}
