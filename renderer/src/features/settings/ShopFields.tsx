import { useTranslation } from 'react-i18next';
import type { Snapshot } from '../../../../shared/contract';
import type { SettingsForm } from './useSettingsForm';

/** The shop: this till's name among the shop's tills, and the shop database its books are sent to. */
export function ShopFields({ settings: s, form }: { settings: Snapshot['settings']; form: SettingsForm }) {
  const { tillName, setTillName, shopDatabaseUrl, setShopDatabaseUrl, save } = form;
  const { errFor, invalid } = form.fields;
  const { t } = useTranslation();
  return (
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
  );
}
