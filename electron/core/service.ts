/**
 * The till service, the composition root of the till: it wires the payment engine (card payments), the sales book
 * (cash, refunds, history, reports: sales.ts over the SQLite ledger), connection management (connection.ts), staff
 * and the shop database, and keeps settings, catalog and notices. Transports (IPC, WebSocket) call `dispatch`, which
 * validates every request and checks the access policy (policy.ts) before its handler runs; the handlers are one
 * module per domain in handlers/, each given a small context (handlers/context.ts).
 */
import {} from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CatalogItem,
  type CounterBasket,
  CounterBasketSchema,
  type Mode,
  type Notice,
  type PublicSettings,
  type Snapshot,
  type Terminal,
  type TillEvent,
} from '../../shared/contract';
import {} from '../../shared/errors';
import type { Dispatcher, Reply } from '../../shared/wire';
import { type EngineOptions, PaymentEngine } from './engine/engine';
import type { EngineTiming } from './engine/types';
import {} from './ledger/db';
import { importJournal } from './ledger/import';
import { Ledger } from './ledger/ledger';
import type { ShopOptions } from './shop/shop';
import type { Logger } from './log';
import { silentLogger } from './log';
import { EnvSecretStore, FileSecretStore, type SecretStore } from './secrets';
import { readCatalog, readSettings, type StoredSettings } from './settings';
import type { SimulatorConfig } from './payments/multisafepay/simulator/simulator';
import { Connection, type TillEnv } from './connection';
import { SalesBook } from './sales';
import { storageFailure } from './storage/disk';
import { Staff } from './staff';
import {} from './policy';
import type { SystemPrinter } from './printing/receipts';
import { keepCopy, type KeyValueStore, type OpenedStore, openConfStore } from './storage/kv';
import type { Handlers, ServiceContext } from './handlers/context';
import { catalogHandlers, ProductImports, quickKeys } from './handlers/catalog';
import { dayHandlers } from './handlers/day';
import { exportHandlers } from './handlers/exports';
import { paymentHandlers } from './handlers/payments';
import { printingHandlers, receiptPrinting } from './handlers/printing';
import { salesHandlers } from './handlers/sales';
import { settingsHandlers } from './handlers/settings';
import { ShopLink, shopHandlers } from './handlers/shop';
import { staffHandlers } from './handlers/staff';
import { RequestDispatcher, tillLockedError } from './dispatch';
import { TillEvents } from './events';
import { bookingClock, LEDGER_FILE, openLedger } from './service-setup';

export type { TillEnv };
export { bookingClock, envFromProcess, LEDGER_FILE } from './service-setup';

export interface TillServiceOptions {
  dataDir: string;
  env?: TillEnv;
  /** Where the API key is kept when the environment does not set it (default: a 0600 file in the data dir). */
  secretStore?: SecretStore;
  /** How a store file is opened (default: conf; the Electron app passes electron-store). */
  openStore?: (dir: string, name: string) => OpenedStore;
  logger?: Logger;
  timing?: Partial<EngineTiming>;
  /** Timings of the embedded demo simulator. */
  simulator?: Partial<SimulatorConfig>;
  now?: () => number;
  monotonic?: () => number;
  failpoint?: EngineOptions['failpoint'];
  /** How long a refund whose answer was lost must stay unseen at MultiSafepay before it counts as not made. */
  refundGraceMs?: number;
  /** Printers of this computer (the desktop app passes Electron's; headless mode has none). */
  systemPrinter?: SystemPrinter;
  /** Where the shop database's connection is kept when the environment does not set it (default: a 0600 file). */
  shopSecretStore?: SecretStore;
  /** Shipping timings and fail points of the shop database (tests). */
  shopShipping?: ShopOptions['shipping'];
}

export class TillService implements Dispatcher {
  readonly dataDir: string;
  readonly engine: PaymentEngine;
  readonly ledger: Ledger;
  readonly sales: SalesBook;
  readonly staff: Staff;
  /** Set once close() began: work scheduled before it finds the ledger closed and stops. */
  #closed = false;
  readonly #systemPrinter: SystemPrinter | undefined;
  readonly #env: TillEnv;
  readonly #state: KeyValueStore;
  readonly #settingsStore: KeyValueStore;
  /** Settings and catalog are read from disk once and kept here; saving writes through. */
  #settingsCache: StoredSettings;
  #catalogCache: CatalogItem[];
  readonly #secrets: SecretStore;
  readonly #log: Logger;
  /** Events to the windows, and the notices kept for them. */
  readonly #events: TillEvents;
  readonly #now: () => number;
  /** The drawer session the windows were last told of ('day' events). */
  #shownSession: number | undefined;
  readonly #connection: Connection;
  /** One handler per method of the typed API, from the handler modules (handlers/). */
  readonly #handlers: Handlers;
  /** Checks who may ask and what was asked, then runs the handler. */
  readonly #dispatcher: RequestDispatcher;
  /** The product list being sent in parts, and the product import being written. */
  readonly #imports: ProductImports;
  /** Each receipt printed once, as it is given. */
  readonly #printing: ReturnType<typeof receiptPrinting>;
  #idleTimer: ReturnType<typeof setInterval> | undefined;
  /** Where the shop database's connection is kept (unless the environment sets it). */
  readonly #shopSecrets: SecretStore;
  /** The shop database, when one is set. */
  readonly #shopLink: ShopLink;

  private constructor(
    opts: TillServiceOptions,
    parts: { state: OpenedStore; settings: OpenedStore; ledger: Ledger; ledgerDamagedCopy?: string },
  ) {
    this.dataDir = opts.dataDir;
    this.#env = opts.env ?? {};
    this.#log = opts.logger ?? silentLogger;
    this.#systemPrinter = opts.systemPrinter;
    this.#now = bookingClock(opts.now ?? Date.now, opts.monotonic ?? (() => performance.now()), parts.ledger.lastReceiptAt());
    // Who is signed in decides what the windows hear; staff is set up just below, and nothing is emitted before.
    this.#events = new TillEvents(() => this.staff as Staff | undefined, this.#now);
    this.#state = parts.state.store;
    this.#settingsStore = parts.settings.store;
    const settings = readSettings(this.#settingsStore);
    const catalog = readCatalog(this.#settingsStore);
    this.#settingsCache = settings.settings;
    this.#catalogCache = catalog.catalog;
    this.ledger = parts.ledger;
    this.staff = new Staff({
      store: this.#settingsStore,
      ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
      record: {
        recordStaffEvent: (e) => this.ledger.staffEvents.record(e),
        pinFailures: (id) => this.ledger.staffEvents.pinFailures(id),
        meta: (key) => this.ledger.meta(key),
        setMeta: (key, value) => this.ledger.setMeta(key, value),
      },
      till: () => this.engine.installId,
      now: this.#now,
      idleMs: () => this.#settings().idleMinutes * 60_000,
    });
    const problems = [settings.problem, catalog.problem, this.staff.problem].filter(Boolean);
    this.#secrets = this.#env.apiKey ? new EnvSecretStore(this.#env.apiKey) : (opts.secretStore ?? new FileSecretStore(opts.dataDir));
    this.#connection = new Connection({
      dataDir: opts.dataDir,
      env: this.#env,
      secrets: this.#secrets,
      state: this.#state,
      settings: () => this.#settings(),
      ...(opts.simulator ? { simulator: opts.simulator } : {}),
      logger: this.#log,
      onTerminals: () => this.#events.emit({ type: 'terminals', terminals: this.#terminals() }),
    });
    // Sales made in demo mode are training: marked as such in the ledger (and counted apart in the day report).
    this.ledger.training = this.#connection.mode === 'demo';
    this.engine = new PaymentEngine({
      provider: () => this.#connection.provider,
      store: this.#state,
      ledger: this.ledger,
      logger: this.#log,
      ...(opts.timing ? { timing: opts.timing } : {}),
      now: this.#now,
      ...(opts.monotonic ? { monotonic: opts.monotonic } : {}),
      ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    });
    this.engine.on((e) => {
      this.#events.emit(e);
      // A card sale's receipt prints once the sale is paid in full and MultiSafepay has filled in the card; a card
      // that paid only part of it leaves the receipt to the tender that pays the rest.
      if (e.type === 'payment' && e.payment.state === 'completed' && e.payment.card) {
        const saleId = e.payment.saleId;
        // After this tick: the status is published before it is written, in the same tick.
        setImmediate(() => {
          if (this.#closed) return;
          const sale = this.sales.sale(saleId);
          if (sale) this.#printing.autoPrint(sale);
        });
      }
    });
    // One notice for a disk that stays full, not one per write the engine tries.
    let lastStorageNotice = -Infinity;
    this.engine.onStorageError = (err) => {
      const now = performance.now();
      if (now - lastStorageNotice < 60_000) return;
      lastStorageNotice = now;
      this.#events.notice('error', storageFailure(err).message);
    };
    this.engine.onAlarm = (level, message, key, params, orderId) => this.#events.notice(level, message, { key, params, orderId });
    if (this.engine.guardDamagedCopy)
      this.#events.notice(
        'warning',
        `The payment state file held something unreadable. It was kept aside (${this.engine.guardDamagedCopy}) and open payments were restored from the sales ledger.`,
      );
    this.sales = new SalesBook({
      ledger: this.ledger,
      engine: this.engine,
      provider: () => this.#connection.provider,
      logger: this.#log,
      now: this.#now,
      monotonic: opts.monotonic ?? (() => performance.now()),
      currency: () => this.#settings().currency,
      cashRounding: () => this.#settings().cashRounding,
      ...(opts.refundGraceMs !== undefined ? { refundGraceMs: opts.refundGraceMs } : {}),
      notice: (level, message, extra) => this.#events.notice(level, message, extra),
      onRefundDone: (sale, refund) => this.#printing.autoPrint(sale, refund),
      shop: () => this.#shopLink?.shop,
      ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    });
    this.ledger.onChange = (what) => {
      this.#shopLink?.shop?.shipper.kick();
      if (what === 'attempt') return;
      this.#events.emit({ type: 'history_changed' });
      // Money moved with no drawer session open opens one: every window hears of the session in use.
      if (what === 'park' || what === 'resolve') return;
      const id = this.sales.drawer.todaySessionId();
      if (id !== this.#shownSession) {
        this.#shownSession = id;
        this.#events.emit({ type: 'day', today: this.sales.drawer.today() ?? null });
      }
    };
    this.#shownSession = this.sales.drawer.todaySessionId();
    this.#shopSecrets = opts.shopSecretStore ?? new FileSecretStore(opts.dataDir, 'shop-database');
    const ctx: ServiceContext = {
      dataDir: this.dataDir,
      env: this.#env,
      ledger: this.ledger,
      sales: this.sales,
      engine: this.engine,
      staff: this.staff,
      connection: this.#connection,
      secrets: this.#secrets,
      shopSecrets: this.#shopSecrets,
      systemPrinter: this.#systemPrinter,
      log: this.#log,
      now: this.#now,
      closed: () => this.#closed,
      settings: () => this.#settings(),
      keepSettings: (next) => this.#keepSettings(next),
      publicSettings: () => this.#publicSettings(),
      keepCatalog: (items) => this.#keepCatalog(items),
      quickKeys: () => this.#quickKeys(),
      terminals: (settings) => this.#terminals(settings),
      catalog: () => this.#catalogCache,
      shop: () => this.#shopLink.shop,
      restartShop: () => this.#shopLink.restart(),
      shareStaff: () => this.#shopLink.shareStaff(),
      emit: (e) => this.#events.emit(e),
      emitStaff: () => this.#emitStaff(),
      notice: (level, message, extra) => this.#events.notice(level, message, extra),
      autoPrint: (sale, refund) => this.#printing.autoPrint(sale, refund),
      failpoint: (point) => opts.failpoint?.(point),
    };
    this.#imports = new ProductImports(ctx);
    this.#printing = receiptPrinting(ctx);
    this.#handlers = {
      snapshot: async () => this.#snapshot(),
      ...paymentHandlers(ctx),
      ...salesHandlers(ctx),
      ...dayHandlers(ctx),
      ...catalogHandlers(ctx, this.#imports),
      ...staffHandlers(ctx),
      ...settingsHandlers(ctx),
      ...exportHandlers(ctx),
      ...printingHandlers(ctx),
      ...shopHandlers(ctx),
    };
    this.#dispatcher = new RequestDispatcher({
      staff: this.staff,
      handlers: this.#handlers,
      secrets: this.#secrets,
      log: this.#log,
      emitStaff: () => this.#emitStaff(),
    });
    this.#shopLink = new ShopLink(ctx, opts.shopShipping);
    this.#shopLink.start();
    if (parts.state.damagedCopy)
      this.#events.notice(
        'warning',
        `The payment state file was damaged. It was kept aside (${parts.state.damagedCopy}) and open payments were restored from the sales ledger.`,
      );
    if (parts.settings.damagedCopy) this.#events.notice('warning', 'The settings file was damaged and was reset. Check Settings.');
    if (problems.length) {
      const kept = keepCopy(this.#settingsStore.path, this.#now());
      this.#events.notice('warning', `${problems.join('. ')}. ${kept ? `The file was kept aside (${kept}); ` : ''}check Settings.`);
    }
    if (this.staff.tillLocked)
      this.#events.notice(
        'error',
        'The staff list set up on this till could not be read, so the till is locked. Type the MultiSafepay API key to open it, then set up the staff again.',
      );
    if (parts.ledgerDamagedCopy)
      this.#events.notice(
        'error',
        `The sales ledger could not be read. It was kept aside (${parts.ledgerDamagedCopy}) and a new one was started; open payments were restored from the payment state file.`,
      );
  }

  /** Opens the data directory, starts the demo simulator when needed, and reopens pending payments. */
  static async create(opts: TillServiceOptions): Promise<TillService> {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(opts.dataDir, 0o700);
    const open = opts.openStore ?? openConfStore;
    const { ledger, damagedCopy } = openLedger(join(opts.dataDir, LEDGER_FILE));
    const service = new TillService(opts, {
      state: open(opts.dataDir, 'till-state'),
      settings: open(opts.dataDir, 'settings'),
      ledger,
      ...(damagedCopy ? { ledgerDamagedCopy: damagedCopy } : {}),
    });
    try {
      const imported = await importJournal(ledger, join(opts.dataDir, 'journal.jsonl'));
      if (imported?.imported || imported?.skipped)
        service.#events.notice(
          imported.skipped ? 'warning' : 'info',
          `The sales history was moved into the new ledger: ${imported.imported} entries${imported.skipped ? `, ${imported.skipped} unreadable line(s) left out` : ''}. The old file was kept (${imported.keptAs}).`,
        );
      service.#recordMissedModeSwitch();
      await service.#connection.apply();
    } catch (err) {
      ledger.close();
      throw err;
    }
    service.engine.start();
    service.sales.start();
    service.#imports.resume();
    service.#printing.printLeftOver();
    // Screens learn that an idle session ended without waiting for their next request.
    service.#idleTimer = setInterval(() => {
      if (service.staff.expire()) service.#emitStaff();
    }, 15_000);
    service.#idleTimer.unref?.();
    void service.#connection.loadApiTerminals();
    return service;
  }

  get mode(): Mode {
    return this.#connection.mode;
  }

  on(listener: (e: TillEvent) => void): () => void {
    return this.#events.on(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#idleTimer);
    this.#imports.stop();
    await this.#shopLink.stop();
    this.sales.stop();
    await this.engine.stop();
    await this.#connection.close();
    this.ledger.close();
  }

  /** Validates and runs one request. Never throws: errors come back as a typed shape. */
  async dispatch(method: unknown, params: unknown): Promise<Reply> {
    return this.#dispatcher.dispatch(method, params);
  }

  // ---- internals ----

  /** A switch between demo and a real MultiSafepay saved in Settings but not recorded (the till stopped in between)
   * is recorded now, once, with nobody named. */
  #recordMissedModeSwitch(): void {
    const known = this.ledger.audit.lastMode();
    const mode = this.#connection.mode;
    const missed = known && ('mode' in known ? known.mode !== mode : known.demo !== (mode === 'demo'));
    if (missed) this.ledger.audit.recordModeChange(this.#now(), mode, undefined);
  }

  #settings(): StoredSettings {
    return this.#settingsCache;
  }

  /** Writes the settings to disk and keeps them. */
  #keepSettings(next: StoredSettings): void {
    this.#settingsStore.set({ settings: next });
    this.#settingsCache = next;
  }

  /** Writes the quick keys kept in Settings to disk and keeps them. */
  #keepCatalog(items: CatalogItem[]): void {
    this.#settingsStore.set({ catalog: items });
    this.#catalogCache = items;
  }

  /** The quick keys the sale screen shows (handlers/catalog.ts). */
  #quickKeys(): CatalogItem[] {
    return quickKeys(this.ledger, this.#catalogCache);
  }

  #publicSettings(): PublicSettings {
    const s = this.#settings();
    const locked = Boolean(this.#env.apiKey || this.#env.baseUrl);
    return {
      ...s,
      mode: this.mode,
      baseUrl: locked ? this.#connection.baseFor(this.mode) : s.baseUrl,
      apiKeySet: Boolean(this.#secrets.get()),
      keyStorage: this.#secrets.kind,
      lockedByEnv: locked,
      tillName: this.#shopLink.tillName(),
      tillNameByEnv: Boolean(this.#env.tillName),
      shopDatabase: this.#env.shopDatabaseUrl ? 'env' : this.#shopSecrets.get() ? 'set' : 'none',
    };
  }

  #snapshot(): Snapshot {
    const user = this.staff.current;
    if (this.staff.tillLocked || (this.staff.enforced && !user))
      // The sign-in and locked screens: who may sign in and the settings they are shown in, nothing of the sales.
      return {
        mode: this.mode,
        ...(this.staff.tillLocked ? { locked: true as const } : {}),
        staff: this.staff.list(),
        payments: [],
        terminals: [],
        settings: this.#publicSettings(),
        catalog: [],
        notices: this.staff.tillLocked ? this.#events.notices() : [],
      };
    const today = this.sales.drawer.today();
    return {
      mode: this.mode,
      ...(user ? { user } : {}),
      staff: this.staff.list(),
      ...(today ? { today } : {}),
      payments: this.engine.payments(),
      terminals: this.#terminals(),
      settings: this.#publicSettings(),
      catalog: this.#quickKeys(),
      notices: this.#events.notices(),
      ...(this.#counterBasket() ? { basket: this.#counterBasket()! } : {}),
      ...(this.#shopLink.shop ? { shop: this.#shopLink.shop.status() } : {}),
    };
  }

  /** The sale on the counter as the ledger keeps it; a row that no longer reads as a basket counts as empty. */
  #counterBasket(): { basket: CounterBasket; rev: number } | undefined {
    const row = this.ledger.counter.basket();
    if (!row) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(row.basket);
    } catch {
      json = undefined;
    }
    const parsed = CounterBasketSchema.safeParse(json);
    return { basket: parsed.success ? parsed.data : { lines: [] }, rev: row.rev };
  }

  #terminals(settings = this.#settings()): Terminal[] {
    return this.#connection.terminals(settings);
  }

  #emitStaff(): void {
    this.#events.emit({ type: 'staff', user: this.staff.current ?? null, staff: this.staff.list() });
  }

  /**
   * For the desktop app's own menu (kiosk switch, update channel): throws unless a manager is signed in, once staff
   * are set up (and never while the till is locked).
   */
  requireManager(what: string): void {
    if (this.staff.expire()) this.#emitStaff();
    if (this.staff.tillLocked) throw tillLockedError();
    this.staff.requireManager(what);
  }

  /** Shows a notice to the cashier (e.g. "update ready"). */
  notify(level: Notice['level'], message: string): void {
    this.#events.notice(level, message);
  }

  /** Terminals that have a non-final payment right now. */
  pendingTerminals(): string[] {
    return this.engine
      .payments()
      .filter((p) => !['completed', 'cancelled', 'failed'].includes(p.state))
      .map((p) => p.terminalId);
  }
}
