/**
 * The product catalog: products found by barcode or search, added and changed, imported from a product list sent
 * in parts and exported; the quick keys (favourites, or those kept in Settings).
 */
import { join } from 'node:path';
import { catalogCode, checkBarcode, type VariableMeasure, variableMeasure, weighedAmount } from '../../../shared/barcode';
import type { CatalogItem, Product } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { minorDigits } from '../../../shared/money';
import type { SaleLine } from '../../../shared/payment';
import { DEFAULT_VAT_RATES } from '../../../shared/vat';
import { exportProducts } from '../catalog/export';
import { importProducts, mergeImport } from '../catalog/import';
import type { Ledger } from '../ledger/ledger';
import { storage, storageAsync, storageFailure } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';
import { exportFolder } from './exports';

/** The most quick keys (favourites) the sale screen shows. */
const QUICK_KEYS = 60;
/** The most text a product list may have (about 200,000 products). */
const MAX_IMPORT_CHARS = 64_000_000;
/** A product list whose next part does not come within this long is dropped (ms). */
const UPLOAD_IDLE_MS = 120_000;

/** The product list being sent in parts, and the product import being written: one at a time. */
export class ProductImports {
  /** The product list being sent in parts, until its last part. */
  upload: { importId: string; parts: string[]; chars: number } | undefined;
  uploadTimer: ReturnType<typeof setTimeout> | undefined;
  /** A product import (or the end of one cut off by a restart) is being written. */
  importing: Promise<unknown> | undefined;
  readonly #ctx: Pick<ServiceContext, 'ledger' | 'now' | 'notice'>;

  constructor(ctx: Pick<ServiceContext, 'ledger' | 'now' | 'notice'>) {
    this.#ctx = ctx;
  }

  /** At start: an import cut off after its rows were checked and saved is merged to the end; any other is dropped. */
  resume(): void {
    const products = this.#ctx.ledger.products;
    const pending = storage(() => products.pendingImport());
    if (!pending) return storage(() => products.dropStaged());
    const run = mergeImport(pending, { products, now: this.#ctx.now }).then(
      () => this.#ctx.notice('info', `The product import that was cut off is finished: ${products.count()} products.`),
      (err: unknown) => this.#ctx.notice('error', storageFailure(err).message),
    );
    this.importing = run.finally(() => (this.importing = undefined));
  }

  stop(): void {
    clearTimeout(this.uploadTimer);
  }
}

/**
 * The quick keys: the favourites a manager picked from the catalog, or, until one is picked, the quick keys kept
 * in Settings (`kept`). Never the catalog itself.
 */
export function quickKeys(ledger: Ledger, kept: CatalogItem[]): CatalogItem[] {
  const favourites = storage(() => ledger.products.favourites(QUICK_KEYS));
  if (!favourites.length) return kept;
  return favourites.map((p) => ({ id: `product-${p.id}`, name: p.name, price: p.price, vatRate: p.vatRate, productId: p.id }));
}

export function catalogHandlers(
  ctx: Pick<ServiceContext, 'dataDir' | 'ledger' | 'staff' | 'settings' | 'keepCatalog' | 'quickKeys' | 'shop' | 'now' | 'emit'>,
  imports: ProductImports,
): Pick<
  Handlers,
  | 'saveCatalog'
  | 'importProducts'
  | 'exportProducts'
  | 'findBarcode'
  | 'searchProducts'
  | 'productCategories'
  | 'addProduct'
  | 'updateProduct'
> {
  /** A product's VAT rate must be one the till offers (Settings). */
  const knownRate = (rate: number): void => {
    const rates = ctx.settings().vatRates;
    if (!rates.includes(rate))
      throw new TillError({
        code: 'bad_request',
        field: 'vatRate',
        message: `VAT rate ${rate} is not one of the till's VAT rates (${rates.join(', ')}).`,
      });
  };

  return {
    saveCatalog: async (p) => {
      const ids = new Set(p.items.map((i) => i.id));
      if (ids.size !== p.items.length)
        throw new TillError({ code: 'bad_request', field: 'items', message: 'Two products have the same id.' });
      storage(() => ctx.keepCatalog(p.items));
      const shop = ctx.shop();
      if (shop) {
        storage(() => ctx.ledger.outbox.shareShopData('catalog', p.items));
        shop.shipper.kick();
        ctx.emit({ type: 'catalog', catalog: p.items });
      }
      return p.items;
    },
    importProducts: async (p) => {
      if (imports.importing)
        throw new TillError({ code: 'not_allowed', message: 'A product import is already running - wait until it is done.' });
      const up = p.index === 0 ? { importId: p.importId, parts: [], chars: 0 } : imports.upload;
      if (!up || up.importId !== p.importId || up.parts.length !== p.index) {
        imports.upload = undefined;
        throw new TillError({ code: 'bad_request', message: 'A part of the file went missing on the way - import it again.' });
      }
      up.parts.push(p.text);
      up.chars += p.text.length;
      if (up.chars > MAX_IMPORT_CHARS) {
        imports.upload = undefined;
        throw new TillError({ code: 'bad_request', message: 'That file is too large: import at most 200,000 products at a time.' });
      }
      imports.upload = up;
      // A file whose sending stopped half-way (the window closed) is let go after a while.
      clearTimeout(imports.uploadTimer);
      if (!p.last) {
        imports.uploadTimer = setTimeout(() => (imports.upload = undefined), UPLOAD_IDLE_MS);
        imports.uploadTimer.unref?.();
        return { state: 'received' as const };
      }
      imports.upload = undefined;
      const settings = ctx.settings();
      let shown = 0;
      const run = importProducts(p.importId, up.parts.join(''), {
        products: ctx.ledger.products,
        rates: settings.vatRates ?? DEFAULT_VAT_RATES,
        digits: minorDigits(settings.currency),
        scaleLayout: settings.scaleLayout,
        now: ctx.now,
        onProgress: (phase, fraction) => {
          // A few updates a second are plenty for a progress bar.
          const at = performance.now();
          if (at - shown < 100) return;
          shown = at;
          ctx.emit({ type: 'import_progress', importId: p.importId, phase, fraction: Math.min(1, fraction) });
        },
      });
      imports.importing = run;
      try {
        const out = await storageAsync(() => run);
        if (!out.ok) return { state: 'refused' as const, problems: out.problems, badRows: out.badRows };
        return { state: 'imported' as const, products: out.products, added: out.added, updated: out.updated };
      } finally {
        imports.importing = undefined;
      }
    },
    exportProducts: async (p) => {
      const stamp = new Date(ctx.now()).toISOString().replace(/[:.]/g, '-');
      return storageAsync(() =>
        exportProducts(ctx.ledger.products, exportFolder(p.folder ?? join(ctx.dataDir, 'exports')), ctx.settings().currency, stamp),
      );
    },
    findBarcode: async (p) => {
      const check = checkBarcode(p.code);
      const products = ctx.ledger.products;
      const product = check.ok ? products.byBarcode(check.code) : undefined;
      // A variable-measure code not in the catalog as it is: its item, with the price or weight it carries.
      const measure = !product && check.ok ? variableMeasure(check.code, ctx.settings().scaleLayout) : undefined;
      const item = measure ? products.byBarcode(measure.item) : undefined;
      if (measure && item?.active) {
        const line = measuredLine(item, measure, ctx.settings().language);
        if (line) return { ...item, line };
      }
      if (!product?.active)
        throw new TillError({
          code: 'not_found',
          field: 'code',
          message: `Unknown barcode ${p.code}${check.ok ? '' : ` (${check.problem})`}. Nothing was added.`,
        });
      return product;
    },
    searchProducts: async (p) =>
      p.category !== undefined ? ctx.ledger.products.inCategory(p.category, p.limit) : ctx.ledger.products.search(p.query, p.limit),
    productCategories: async () => ctx.ledger.products.categories(),
    addProduct: async (p) => {
      // A scale item's own code (prefix and item code) is kept as typed; any other code as a scanned one.
      const check = catalogCode(p.barcode, ctx.settings().scaleLayout);
      if (!check.ok)
        throw new TillError({ code: 'bad_request', field: 'barcode', message: `That barcode cannot be used: ${check.problem}.` });
      knownRate(p.vatRate);
      const { barcode: _, ...rest } = p;
      const added = storage(() => ctx.ledger.products.add({ ...rest, barcode: check.code }, ctx.now(), ctx.staff.who()));
      if (!added)
        throw new TillError({ code: 'bad_request', field: 'barcode', message: `Barcode ${check.code} is on another product already.` });
      return added;
    },
    updateProduct: async ({ id, ...p }) => {
      if (p.vatRate !== undefined) knownRate(p.vatRate);
      const products = ctx.ledger.products;
      if (p.favourite && !products.byId(id)?.favourite && products.favouriteCount() >= QUICK_KEYS)
        throw new TillError({
          code: 'bad_request',
          field: 'favourite',
          message: `The quick keys hold at most ${QUICK_KEYS} favourites - take one off first.`,
        });
      const change = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
      const out = storage(() => products.update(id, change, ctx.now(), ctx.staff.who()));
      if (!out) throw new TillError({ code: 'not_found', field: 'id', message: 'That product is not in the catalog.' });
      // Every screen's quick keys follow (a favourite picked or dropped, or its price or name changed).
      ctx.emit({ type: 'catalog', catalog: ctx.quickKeys() });
      return out;
    },
  };
}

/**
 * The basket line of a variable-measure scan: the price it carries, or its weight at the item's price per kilogram
 * (`weighedAmount`: rounded to the cent, half up), the weight and the price per kilogram in the line's name so the
 * cashier and the receipt show them. None for a zero price or weight.
 */
function measuredLine(item: Product, m: VariableMeasure, language: string): SaleLine | undefined {
  const unitPrice = m.kind === 'price' ? m.value : weighedAmount(item.price, m.value);
  if (unitPrice <= 0) return undefined;
  if (m.kind === 'price') return { name: item.name, unitPrice, quantity: 1, vatRate: item.vatRate, productId: item.id };
  const comma = (s: string) => (language === 'nl' ? s.replace('.', ',') : s);
  const detail = ` ${comma((m.value / 1000).toFixed(3))} kg x ${comma((item.price / 100).toFixed(2))}/kg`;
  return { name: `${item.name.slice(0, 80 - detail.length)}${detail}`, unitPrice, quantity: 1, vatRate: item.vatRate, productId: item.id };
}
