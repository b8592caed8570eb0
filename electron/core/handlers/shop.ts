/**
 * The shop database: this till's link to it (its rows shipped, what the shop's other tills share taken in) and the
 * shop's day across its tills.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { CatalogItemSchema } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { localDate } from '../ledger/ledger';
import { merchantOf } from '../settings';
import { Shop, type ShopOptions, ShopUnreachableError } from '../shop/shop';
import { storage } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';

/** How often, at most, the screens hear that another till's rows reached the shop database (ms). */
const SHOP_CHANGED_MS = 1000;
/** Ledger meta: until when this till's store credit claims in the shop database were settled (epoch ms). */
const CLAIMS_SETTLED = 'credit_claims_settled';

const SharedCatalogSchema = z.array(CatalogItemSchema).max(60);
const SharedMerchantSchema = z
  .object({
    merchantName: z.string().max(80),
    merchantAddress: z.string().max(200),
    vatRates: z.array(z.number().min(0).max(100)).min(1).max(6),
    customVatRate: z.number().min(0).max(100),
  })
  .strip();

type ShopLinkContext = Pick<
  ServiceContext,
  | 'env'
  | 'ledger'
  | 'staff'
  | 'connection'
  | 'shopSecrets'
  | 'log'
  | 'now'
  | 'closed'
  | 'settings'
  | 'keepSettings'
  | 'publicSettings'
  | 'catalog'
  | 'keepCatalog'
  | 'emit'
  | 'emitStaff'
  | 'notice'
>;

/**
 * The shop database, when one is set (its connection string is kept in the shop secret store, or the environment):
 * this till's rows shipped to it, and the quick keys, staff and merchant's details shared with the shop's other tills.
 */
export class ShopLink {
  /** The shop database's shipping, while one is set. */
  shop: Shop | undefined;
  readonly #ctx: ShopLinkContext;
  readonly #shipping: ShopOptions['shipping'];
  #eventTimer: ReturnType<typeof setTimeout> | undefined;
  #changedTimer: ReturnType<typeof setTimeout> | undefined;
  #namedNotice = false;

  constructor(ctx: ShopLinkContext, shipping: ShopOptions['shipping']) {
    this.#ctx = ctx;
    this.#shipping = shipping;
  }

  /** This till's name in the shop: TILL_NAME, else Settings -> Till name, else the computer's name. */
  tillName(): string {
    return this.#ctx.env.tillName || this.#ctx.settings().tillName || hostname().slice(0, 40) || 'Till';
  }

  /** Stops shipping and starts again with the shop database set now; the screens hear when there is none. */
  async restart(): Promise<void> {
    await this.shop?.stop();
    this.shop = undefined;
    this.start();
    if (!this.shop) this.#ctx.emit({ type: 'shop', shop: null });
  }

  async stop(): Promise<void> {
    clearTimeout(this.#eventTimer);
    clearTimeout(this.#changedTimer);
    await this.shop?.stop();
  }

  /** What another till of the shop changed (or this one, coming back): the quick keys, the merchant's details. */
  #takeShopData(kind: string, data: unknown): void {
    if (kind === 'catalog') {
      const items = SharedCatalogSchema.parse(data);
      if (JSON.stringify(items) === JSON.stringify(this.#ctx.catalog())) return;
      this.#ctx.keepCatalog(items);
      this.#ctx.emit({ type: 'catalog', catalog: items });
    } else if (kind === 'staff') {
      // A shop without staff never wipes the staff a till set up: the till shares its own instead.
      if (Array.isArray(data) && data.length === 0 && this.#ctx.staff.stored().length) return this.shareStaff();
      if (this.#ctx.staff.adopt(data)) this.#ctx.emitStaff();
    } else if (kind === 'merchant') {
      const m = SharedMerchantSchema.parse(data);
      const next = { ...this.#ctx.settings(), ...m };
      if (!next.vatRates.includes(next.customVatRate)) next.customVatRate = next.vatRates[0]!;
      if (JSON.stringify(merchantOf(next)) === JSON.stringify(merchantOf(this.#ctx.settings()))) return;
      this.#ctx.keepSettings(next);
      this.#ctx.emit({ type: 'settings', settings: this.#ctx.publicSettings(), mode: this.#ctx.connection.mode });
    }
  }

  /** The staff list (PIN hashes, never PINs) goes to the shop's other tills, like the quick keys. */
  shareStaff(): void {
    if (!this.shop) return;
    storage(() => this.#ctx.ledger.outbox.shareShopData('staff', this.#ctx.staff.stored()));
    this.shop.shipper.kick();
  }

  /** Starts shipping to the shop database set now (none: nothing runs). */
  start(): void {
    const url = this.#ctx.env.shopDatabaseUrl ?? this.#ctx.shopSecrets.get();
    if (!url) return;
    // Store credit claims this till left unused before now (a crash between a claim and its tender) are let go once
    // the shop database answers.
    const startedAt = this.#ctx.now();
    let settled = false;
    this.shop = new Shop({
      outbox: this.#ctx.ledger.outbox,
      url,
      tillName: () => this.tillName(),
      now: this.#ctx.now,
      logger: this.#ctx.log,
      ...(this.#shipping ? { shipping: this.#shipping } : {}),
      onShopData: (kind, data) => this.#takeShopData(kind, data),
      // At most one a second, however many tills are selling.
      onShopRows: () => {
        if (this.#changedTimer) return;
        this.#changedTimer = setTimeout(() => {
          this.#changedTimer = undefined;
          if (!this.#ctx.closed()) this.#ctx.emit({ type: 'shop_changed' });
        }, SHOP_CHANGED_MS);
      },
      shopDataOf: (kind) =>
        kind === 'catalog' ? this.#ctx.catalog() : kind === 'staff' ? this.#ctx.staff.stored() : merchantOf(this.#ctx.settings()),
      onStatus: (s) => {
        if (s.nameTaken && !this.#namedNotice) {
          this.#namedNotice = true;
          this.#ctx.notice(
            'warning',
            `Another till of the shop is already called "${this.tillName()}". Both keep selling and are told apart in Shop; give this till its own name in Settings.`,
            { key: 'till_name_taken', params: { name: this.tillName() } },
          );
        }
        if (s.online && !settled) {
          settled = true;
          // Only the claims since the last settle: older ones were settled then, so a start reads one run's at most.
          const since = Number(this.#ctx.ledger.meta(CLAIMS_SETTLED) ?? 0);
          void this.shop
            ?.settleClaims(since, startedAt, (code, saleId) => this.#ctx.ledger.creditNotes.spentOnSale(code, saleId))
            .then(() => storage(() => this.#ctx.ledger.setMeta(CLAIMS_SETTLED, String(startedAt))))
            .catch(() => (settled = false));
        }
        // Online and offline at once; the queue while catching up at most a few times a second.
        if (this.#eventTimer) return;
        this.#ctx.emit({ type: 'shop', shop: s });
        this.#eventTimer = setTimeout(() => {
          this.#eventTimer = undefined;
          if (this.shop && !this.#ctx.closed()) this.#ctx.emit({ type: 'shop', shop: this.shop.status() });
        }, 250);
      },
    });
  }
}

export function shopHandlers(ctx: Pick<ServiceContext, 'engine' | 'now' | 'shop'>): Pick<Handlers, 'shopDay'> {
  return {
    shopDay: async (p) => {
      const shop = ctx.shop();
      if (!shop) throw new TillError({ code: 'not_allowed', message: 'No shop database is set - add it in Settings (Shop database).' });
      try {
        return await shop.day(
          p.date ?? localDate(ctx.now()),
          p.reconcile ? (page, refunded) => ctx.engine.checkAttempts(page, refunded) : undefined,
        );
      } catch (err) {
        if (err instanceof ShopUnreachableError) throw new TillError({ code: 'shop_offline', message: err.message });
        throw err;
      }
    },
  };
}
