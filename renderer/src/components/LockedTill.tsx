import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TillApi } from '../../../shared/contract';
import { errorText } from '../errors';

/**
 * The till is locked: the staff list set up on it could not be read (a damaged or replaced settings file), so
 * nobody's role can be trusted. Typing the MultiSafepay API key opens it; then the staff are set up again.
 */
export function LockedTill({ api, onOpened }: { api: TillApi; onOpened(): void }) {
  const { t } = useTranslation();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string>();
  return (
    <section className="signin" aria-label={t('locked.title')} data-testid="till-locked">
      <h2>{t('locked.title')}</h2>
      <p>{t('locked.why')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          api.unlockTill(apiKey ? { apiKey } : {}).then(onOpened, (err: unknown) => setError(errorText(err)));
        }}
      >
        <label>
          {t('staff.apiKey')}
          <input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          {t('locked.open')}
        </button>
      </form>
    </section>
  );
}
