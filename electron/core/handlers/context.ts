/**
 * What the handler modules of this folder are given by the service (service.ts, the composition root): the parts
 * of the till and the service's own helpers. Each module takes the few of these it needs and returns its handlers,
 * a part of `Handlers`; the service merges them into one handler per method of the typed API.
 */
import type { FailPoint } from '../engine/engine';
import type { z } from 'zod';
import type {
  CatalogItem,
  METHODS,
  MethodName,
  Notice,
  PublicSettings,
  RefundRecord,
  Result,
  SaleRecord,
  Terminal,
  TillEvent,
} from '../../../shared/contract';
import type { Connection, TillEnv } from '../connection';
import type { PaymentEngine } from '../engine/engine';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { SystemPrinter } from '../printing/receipts';
import type { SalesBook } from '../sales';
import type { SecretStore } from '../secrets';
import type { StoredSettings } from '../settings';
import type { Shop } from '../shop/shop';
import type { Staff } from '../staff';

/** One handler per method of the typed API, each given its parameters as validated. */
export type Handlers = { [M in MethodName]: (params: z.output<(typeof METHODS)[M]['params']>) => Promise<Result<M>> };

export interface ServiceContext {
  readonly dataDir: string;
  readonly env: TillEnv;
  readonly ledger: Ledger;
  readonly sales: SalesBook;
  readonly engine: PaymentEngine;
  readonly staff: Staff;
  readonly connection: Connection;
  /** Where the MultiSafepay API key is kept. */
  readonly secrets: SecretStore;
  /** Where the shop database's connection is kept. */
  readonly shopSecrets: SecretStore;
  readonly systemPrinter: SystemPrinter | undefined;
  readonly log: Logger;
  /** The booking clock (service.ts `bookingClock`). */
  readonly now: () => number;
  /** Whether the service is closing: work scheduled before finds the ledger closed and stops. */
  closed(): boolean;
  /** The settings as kept (read from disk once). */
  settings(): StoredSettings;
  /** Writes the settings to disk and keeps them. */
  keepSettings(next: StoredSettings): void;
  publicSettings(): PublicSettings;
  /** The quick keys kept in Settings. */
  catalog(): CatalogItem[];
  /** Writes the quick keys kept in Settings to disk and keeps them. */
  keepCatalog(items: CatalogItem[]): void;
  /** The quick keys the sale screen shows. */
  quickKeys(): CatalogItem[];
  terminals(settings?: StoredSettings): Terminal[];
  /** The shop database, when one is set. */
  shop(): Shop | undefined;
  /** Stops the shop database's shipping and starts it again with the connection set now. */
  restartShop(): Promise<void>;
  /** Sends the staff list to the shop's other tills. */
  shareStaff(): void;
  emit(e: TillEvent): void;
  emitStaff(): void;
  notice(level: Notice['level'], message: string, extra?: Pick<Notice, 'key' | 'params' | 'orderId'>): void;
  /** Prints a sale's (or refund's) receipt on the receipt printer, once, without blocking. */
  autoPrint(sale: SaleRecord, refund?: RefundRecord): void;
  /** Called after each durable step of the counter (crash tests kill the process there; unset in normal use). */
  failpoint(point: FailPoint): void;
}
