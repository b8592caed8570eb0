/**
 * This till in its shop: the shipper that sends its books to the shop database, and the shop's day read back from
 * it. Present only when a shop database is set (TILL_SHOP_DATABASE_URL or Settings -> Shop database); the
 * connection string is a secret and never leaves this process, nor reaches a log.
 */
import pg from 'pg';
import type { ShopDay, ShopStatus } from '../../../shared/contract';
import type { Outbox } from '../ledger/outbox';
import type { Logger } from '../log';
import { type CheckAttempts, readShopDay } from './shop-day';
import { Shipper, type ShipperOptions, shopProblem } from './shipper';
import { type ClaimAnswer, claimCredit, releaseCredit, settleClaims, type ShopNote, shopNote } from './credit';

export interface ShopOptions {
  outbox: Outbox;
  url: string;
  tillName: () => string;
  now: () => number;
  logger: Logger;
  onStatus: (s: ShopStatus) => void;
  /** Shipping timings and fail points (tests). */
  shipping?: Pick<ShipperOptions, 'batchSize' | 'idleMs' | 'maxRetryMs' | 'failpoint'>;
  onShopData: NonNullable<ShipperOptions['onShopData']>;
  onShopRows?: ShipperOptions['onShopRows'];
  shopDataOf: NonNullable<ShipperOptions['shopDataOf']>;
}

export class ShopUnreachableError extends Error {
  constructor(problem: string) {
    super(`${problem} The shop's day cannot be shown now; this till keeps selling and sends its sales once it is back.`);
    this.name = 'ShopUnreachableError';
  }
}

export class Shop {
  readonly shipper: Shipper;
  readonly #pool: pg.Pool;
  readonly #now: () => number;

  constructor(o: ShopOptions) {
    this.#now = o.now;
    this.shipper = new Shipper({
      outbox: o.outbox,
      url: o.url,
      tillName: o.tillName,
      now: o.now,
      logger: o.logger,
      onStatus: o.onStatus,
      onShopData: o.onShopData,
      shopDataOf: o.shopDataOf,
      ...(o.onShopRows ? { onShopRows: o.onShopRows } : {}),
      ...o.shipping,
    });
    this.#pool = new pg.Pool({
      connectionString: o.url,
      max: 3,
      connectionTimeoutMillis: 5000,
      query_timeout: 15_000,
      idleTimeoutMillis: 30_000,
    });
    // A connection lost while idle in the pool: the next query opens a new one.
    this.#pool.on('error', () => undefined);
    this.shipper.start();
  }

  status(): ShopStatus {
    return this.shipper.status();
  }

  /** The shop's day; `check`: with every till's card payments checked against MultiSafepay. */
  async day(date: string, check?: CheckAttempts): Promise<ShopDay> {
    try {
      return await readShopDay(this.#pool, date, this.shipper.tillId, this.#now(), check);
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') throw new ShopUnreachableError('The shop database is not set up yet.');
      throw new ShopUnreachableError(shopProblem(err));
    }
  }

  /** Store credit across the tills (credit.ts): claim, let go, look up. Throws `ShopUnreachableError` when it cannot. */
  async claimCredit(c: { code: string; saleId: string; want: number; own?: ShopNote }): Promise<ClaimAnswer> {
    return this.#reach(() => claimCredit(this.#pool, this.shipper.tillId, { ...c, at: this.#now() }));
  }

  async releaseCredit(c: { code: string; saleId: string; amount: number }): Promise<void> {
    await this.#reach(() => releaseCredit(this.#pool, this.shipper.tillId, c));
  }

  async creditNote(code: string, own?: ShopNote): Promise<{ note: ShopNote; left: number } | undefined> {
    return this.#reach(() => shopNote(this.#pool, code, own));
  }

  /** Claims this till left unused from `since` to `before` (a crash between a claim and its tender) are let go. */
  async settleClaims(since: number, before: number, spentHere: (code: string, saleId: string) => number): Promise<number> {
    return this.#reach(() => settleClaims(this.#pool, this.shipper.tillId, since, before, spentHere));
  }

  async #reach<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') throw new ShopUnreachableError('The shop database is not set up yet.');
      throw new ShopUnreachableError(shopProblem(err));
    }
  }

  async stop(): Promise<void> {
    await this.shipper.stop();
    await this.#pool.end().catch(() => undefined);
  }
}
