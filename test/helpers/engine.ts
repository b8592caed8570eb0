import type { Reply } from './reply';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentEngine, type EngineEvent } from '../../electron/core/engine/engine';
import type { MspClient } from '../../electron/core/payments/multisafepay/client';
import { MultiSafepayProvider } from '../../electron/core/payments/multisafepay/provider';
import type { PaymentProvider } from '../../electron/core/payments/provider';
import { Ledger } from '../../electron/core/ledger/ledger';
import { openConfStore } from '../../electron/core/storage/kv';
import type { PaymentView } from '../../shared/payment';
import { startSim, TEST_KEY, until } from './sim';
import { TillService, type TillServiceOptions } from '../../electron/core/service';

import { FAST_TIMING } from './timing';

export { FAST_TIMING };

export const tempDir = (prefix = 'till-') => mkdtempSync(join(tmpdir(), prefix));

/** An engine on a data dir (reused across "restarts" when given), following MultiSafepay payments with fast timings. */
export function makeEngine(client: MspClient, dataDir = tempDir(), extra: Partial<ConstructorParameters<typeof PaymentEngine>[0]> = {}) {
  return makeEngineWith(new MultiSafepayProvider({ client }), dataDir, extra);
}

/** An engine on a data dir (reused across "restarts" when given), following payments of `provider` with fast timings. */
export function makeEngineWith(
  provider: PaymentProvider,
  dataDir = tempDir(),
  extra: Partial<ConstructorParameters<typeof PaymentEngine>[0]> = {},
) {
  const opened = openConfStore(dataDir, 'till-state');
  const ledger = new Ledger(join(dataDir, 'ledger.sqlite'), { readStatus: provider.readStatus });
  const engine = new PaymentEngine({
    provider: () => provider,
    store: opened.store,
    ledger,
    timing: FAST_TIMING,
    ...extra,
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  const waitFor = (orderId: string, pred: (p: PaymentView) => boolean, what = 'payment state') =>
    until(() => {
      const p = engine.payment(orderId);
      return p && pred(p) ? p : undefined;
    }, what);
  const stop = async () => {
    await engine.stop();
    ledger.close();
  };
  return { engine, ledger, dataDir, events, waitFor, stop, opened };
}

export const LINES = [{ name: 'Coffee', unitPrice: 350, quantity: 2 }];

/** A simulator and a started engine on a fresh data dir; both are stopped by the given cleanup list. */
export async function engineWithSim(cleanups: (() => Promise<void> | void)[], simOpts: Parameters<typeof startSim>[0] = {}) {
  const s = await startSim(simOpts);
  cleanups.push(() => s.sim.stop());
  const e = makeEngine(s.client);
  cleanups.push(e.stop);
  e.engine.start();
  return { ...s, ...e };
}

/**
 * The till service against a simulator on loopback (terminal DEMO0001 and the account's others), both stopped by
 * the given cleanup list. `options` are passed to the service as they are.
 */
export async function serviceWithSim(
  cleanups: (() => Promise<void> | void)[],
  simOpts: Parameters<typeof startSim>[0] = {},
  options: Partial<TillServiceOptions> = {},
) {
  const s = await startSim(simOpts);
  cleanups.push(() => s.sim.stop());
  const svc = await TillService.create({
    dataDir: tempDir(),
    env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
    timing: FAST_TIMING,
    ...options,
  });
  cleanups.push(() => svc.close());
  return { s, svc };
}

/** A till service on its own data folder (no MultiSafepay), closed by `cleanups`, and a typed `call`. */
export async function plainTill(cleanups: (() => Promise<void> | void)[], dataDir: string, now?: () => number) {
  const svc = await TillService.create({ dataDir, ...(now ? { now } : {}) });
  cleanups.push(() => svc.close());
  return { svc, dataDir, call: <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>> };
}
