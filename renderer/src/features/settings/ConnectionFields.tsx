import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Snapshot, TillApi } from '../../../../shared/contract';
import { type Mode, SELECTABLE_MODES } from '../../../../shared/constants';
import { errorText } from '../../errors';
import type { SettingsForm } from './useSettingsForm';

/** Which MultiSafepay the till talks to (demo, live, custom URL), its API key (write-only), and the connection test. */
export function ConnectionFields({ api, settings: s, form }: { api: TillApi; settings: Snapshot['settings']; form: SettingsForm }) {
  const { mode, setMode, baseUrl, setBaseUrl, apiKey, setApiKey, weakOk, setWeakOk, save } = form;
  const { errFor, invalid } = form.fields;
  const { t } = useTranslation();
  const [testResult, setTestResult] = useState<{ ok: boolean; message: string }>();
  return (
    <>
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
                s.lockedByEnv || mode === 'test' ? {} : { mode, ...(mode === 'custom' ? { baseUrl } : {}), ...(apiKey ? { apiKey } : {}) },
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
    </>
  );
}
