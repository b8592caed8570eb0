/** Settings: saving them (the connection, the keys, the shop database, the merchant), the connection test, terminals. */
import { TillError } from '../../../shared/errors';
import { baseUrlProblem, hostOf } from '../connection';
import { DEFAULT_SETTINGS, merchantOf, type StoredSettings } from '../settings';
import { storage, storageFailure } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';

export function settingsHandlers(
  ctx: Pick<
    ServiceContext,
    | 'env'
    | 'ledger'
    | 'engine'
    | 'connection'
    | 'secrets'
    | 'shopSecrets'
    | 'settings'
    | 'keepSettings'
    | 'publicSettings'
    | 'terminals'
    | 'shop'
    | 'restartShop'
    | 'emit'
    | 'staff'
    | 'now'
    | 'failpoint'
  >,
): Pick<Handlers, 'saveSettings' | 'testConnection' | 'refreshTerminals'> {
  return {
    saveSettings: async (p) => {
      const cur = ctx.settings();
      const next: StoredSettings = { ...cur };
      for (const k of Object.keys(DEFAULT_SETTINGS) as (keyof StoredSettings)[]) {
        if (p[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = p[k];
      }
      const backendChanged = next.mode !== cur.mode || next.baseUrl !== cur.baseUrl || p.apiKey !== undefined || p.clearApiKey;
      if (backendChanged && (ctx.env.apiKey || ctx.env.baseUrl))
        throw new TillError({
          code: 'not_allowed',
          field: 'mode',
          message: 'The connection is set by the environment (TILL_MSP_*) and cannot be changed here.',
        });
      if (backendChanged && ctx.engine.hasPendingPayments())
        throw new TillError({ code: 'not_allowed', field: 'mode', message: 'Finish the open payments before changing the connection.' });
      if (next.mode === 'custom' && !next.baseUrl)
        throw new TillError({ code: 'bad_request', field: 'baseUrl', message: 'Enter the API URL for a custom connection.' });
      if (next.mode === 'custom') {
        const problem = baseUrlProblem(next.baseUrl);
        if (problem) throw new TillError({ code: 'bad_request', field: 'baseUrl', message: problem });
      }
      // A key goes only to the host it was entered for, whatever modes the till passed through on the way; and
      // a till leaving demo mode with a key stored needs the key typed again.
      const nextBase = ctx.connection.baseFor(next.mode, next.baseUrl);
      if (next.mode !== 'demo' && p.apiKey === undefined && !p.clearApiKey && ctx.secrets.get() && !ctx.env.apiKey) {
        if (cur.mode === 'demo')
          throw new TillError({ code: 'bad_request', field: 'apiKey', message: 'Type the API key again to leave demo mode.' });
        if (hostOf(nextBase) !== ctx.connection.keyHost)
          throw new TillError({ code: 'bad_request', field: 'apiKey', message: 'Enter the API key again for the new address.' });
      }
      if (p.tillName !== undefined && ctx.env.tillName && p.tillName !== ctx.env.tillName)
        throw new TillError({ code: 'not_allowed', field: 'tillName', message: 'The till name is set by the environment (TILL_NAME).' });
      const shopChanged = p.shopDatabaseUrl !== undefined || p.clearShopDatabase === true;
      if (shopChanged && ctx.env.shopDatabaseUrl)
        throw new TillError({
          code: 'not_allowed',
          field: 'shopDatabaseUrl',
          message: 'The shop database is set by the environment (TILL_SHOP_DATABASE_URL) and cannot be changed here.',
        });
      if (next.defaultTerminalId && !ctx.terminals(next).some((t) => t.id === next.defaultTerminalId))
        throw new TillError({ code: 'bad_request', field: 'defaultTerminalId', message: 'The default terminal is not in the list.' });
      try {
        if (p.clearShopDatabase) ctx.shopSecrets.clear();
        if (p.shopDatabaseUrl !== undefined) ctx.shopSecrets.set(p.shopDatabaseUrl);
        if (p.clearApiKey) ctx.secrets.clear();
        if (p.apiKey !== undefined) {
          ctx.secrets.set(p.apiKey);
          ctx.connection.bindKey(next.mode === 'demo' ? '' : nextBase);
        }
        ctx.keepSettings(next);
      } catch (err) {
        throw new TillError({
          code: 'storage_error',
          message: err instanceof Error && /environment/.test(err.message) ? err.message : storageFailure(err).message,
        });
      }
      if (next.mode !== cur.mode) ctx.failpoint('mode-saved');
      if (backendChanged) {
        await ctx.connection.apply();
        await ctx.connection.loadApiTerminals();
      }
      // Into or out of demo mode (training): recorded with who, and sales from now on are marked accordingly.
      if (next.mode !== cur.mode) {
        ctx.ledger.training = ctx.connection.mode === 'demo';
        storage(() => ctx.ledger.audit.recordModeChange(ctx.now(), ctx.connection.mode, ctx.staff.who()));
      }
      if (shopChanged) await ctx.restartShop();
      else if (p.tillName !== undefined) ctx.shop()?.shipper.kick();
      const shop = ctx.shop();
      if (shop && JSON.stringify(merchantOf(next)) !== JSON.stringify(merchantOf(cur))) {
        storage(() => ctx.ledger.outbox.shareShopData('merchant', merchantOf(next)));
        shop.shipper.kick();
      }
      const settings = ctx.publicSettings();
      ctx.emit({ type: 'settings', settings, mode: ctx.connection.mode });
      ctx.emit({ type: 'terminals', terminals: ctx.terminals() });
      return settings;
    },
    testConnection: async (p) => ctx.connection.test(p),
    refreshTerminals: async () => {
      await ctx.connection.loadApiTerminals();
      return ctx.terminals();
    },
  };
}
