/**
 * The till service, the composition root of the till: it wires the payment engine (card payments), the sales book
 * (cash, refunds, history, reports: sales.ts over the SQLite ledger), connection management (connection.ts), staff
 * and the shop database, and keeps settings, catalog and notices. Transports (IPC, WebSocket) call `dispatch`, which
 * validates every request and checks the access policy (policy.ts) before its handler runs; the handlers are one
 * module per domain in handlers/, each given a small context (handlers/context.ts).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Approval,
  ApprovalSchema,
  type CatalogItem,
  type CounterBasket,
  CounterBasketSchema,
  METHODS,
  type MethodName,
  type Mode,
  type Notice,
  type PublicSettings,
  type Snapshot,
  type Terminal,
  type TillEvent,
  isMethodName,
} from '../../shared/contract';
import { TillError } from '../../shared/errors';
import type { Dispatcher, Reply } from '../../shared/wire';
import { type EngineOptions, PaymentEngine } from './engine/engine';
import type { EngineTiming } from './engine/types';
import { LedgerLockedError } from './ledger/db';
import { importJournal } from './ledger/import';
import { Ledger, LedgerRowError } from './ledger/ledger';
import type { ShopOptions } from './shop/shop';
import type { Logger } from './log';
import { silentLogger } from './log';
import { readStatus } from './payments/multisafepay/statuses';
import { ProviderError } from './payments/provider';
import { EnvSecretStore, FileSecretStore, type SecretStore } from './secrets';
import { readCatalog, readSettings, type StoredSettings } from './settings';
import type { SimulatorConfig } from './payments/multisafepay/simulator/simulator';
import { Connection, type TillEnv } from './connection';
import { SalesBook } from './sales';
import { storageFailure } from './storage/disk';
import { Staff, type StaffMember } from './staff';
import { POLICY, WHILE_LOCKED } from './policy';
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

export type { TillEnv };

/**
 * Splits a request's inline manager approval (`approval: {staffId, pin}`, see shared/contract.ts ApprovalSchema) off
 * its parameters, so each method's own schema stays as it is. A malformed approval is refused as a bad request.
 */
function splitApproval(params: unknown): { approval: Approval | undefined; rest: unknown } {
  if (!params || typeof params !== 'object' || !('approval' in params)) return { approval: undefined, rest: params };
  const { approval, ...rest } = params as { approval: unknown };
  const parsed = ApprovalSchema.safeParse(approval);
  if (!parsed.success)
    throw new TillError({ code: 'bad_request', field: 'approval', message: 'approval: a manager and their PIN are needed.' });
  return { approval: parsed.data, rest };
}

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

export const LEDGER_FILE = 'ledger.sqlite';
/** Reads TILL_* variables (headless mode and the desktop app). */
export function envFromProcess(env: NodeJS.ProcessEnv = process.env): TillEnv {
  const out: TillEnv = {};
  if (env.TILL_MSP_BASE_URL?.trim()) out.baseUrl = env.TILL_MSP_BASE_URL.trim();
  if (env.TILL_MSP_API_KEY?.trim()) out.apiKey = env.TILL_MSP_API_KEY.trim();
  const ids = env.TILL_TERMINAL_IDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids?.length) out.terminalIds = ids;
  if (env.TILL_SHOP_DATABASE_URL?.trim()) out.shopDatabaseUrl = env.TILL_SHOP_DATABASE_URL.trim();
  if (env.TILL_NAME?.trim()) out.tillName = env.TILL_NAME.trim().slice(0, 40);
  return out;
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
  readonly #listeners = new Set<(e: TillEvent) => void>();
  readonly #notices: Notice[] = [];
  readonly #now: () => number;
  /** The drawer session the windows were last told of ('day' events). */
  #shownSession: number | undefined;
  readonly #connection: Connection;
  /** One handler per method of the typed API, from the handler modules (handlers/). */
  readonly #handlers: Handlers;
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
    this.#state = parts.state.store;
    this.#settingsStore = parts.settings.store;
    const settings = readSettings(this.#settingsStore);
    const catalog = readCatalog(this.#settingsStore);
    this.#settingsCache = settings.settings;
    this.#catalogCache = catalog.catalog;
    this.ledger = parts.ledger;
    this.staff = new Staff({
      store: this.#settingsStore,
      record: this.ledger,
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
      onTerminals: () => this.#emit({ type: 'terminals', terminals: this.#terminals() }),
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
      this.#emit(e);
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
      this.#notice('error', storageFailure(err).message);
    };
    this.engine.onAlarm = (level, message, key, params, orderId) => this.#notice(level, message, { key, params, orderId });
    if (this.engine.guardDamagedCopy)
      this.#notice(
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
      notice: (level, message, extra) => this.#notice(level, message, extra),
      onRefundDone: (sale, refund) => this.#printing.autoPrint(sale, refund),
      ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    });
    this.ledger.onChange = (what) => {
      this.#shopLink?.shop?.shipper.kick();
      if (what === 'attempt') return;
      this.#emit({ type: 'history_changed' });
      // Money moved with no drawer session open opens one: every window hears of the session in use.
      if (what === 'park' || what === 'resolve') return;
      const id = this.sales.todaySessionId();
      if (id !== this.#shownSession) {
        this.#shownSession = id;
        this.#emit({ type: 'day', today: this.sales.today() ?? null });
      }
    };
    this.#shownSession = this.sales.todaySessionId();
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
      emit: (e) => this.#emit(e),
      emitStaff: () => this.#emitStaff(),
      notice: (level, message, extra) => this.#notice(level, message, extra),
      autoPrint: (sale, refund) => this.#printing.autoPrint(sale, refund),
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
    this.#shopLink = new ShopLink(ctx, opts.shopShipping);
    this.#shopLink.start();
    if (parts.state.damagedCopy)
      this.#notice(
        'warning',
        `The payment state file was damaged. It was kept aside (${parts.state.damagedCopy}) and open payments were restored from the sales ledger.`,
      );
    if (parts.settings.damagedCopy) this.#notice('warning', 'The settings file was damaged and was reset. Check Settings.');
    if (problems.length) {
      const kept = keepCopy(this.#settingsStore.path, this.#now());
      this.#notice('warning', `${problems.join('. ')}. ${kept ? `The file was kept aside (${kept}); ` : ''}check Settings.`);
    }
    if (this.staff.tillLocked)
      this.#notice(
        'error',
        'The staff list set up on this till could not be read, so the till is locked. Type the MultiSafepay API key to open it, then set up the staff again.',
      );
    if (parts.ledgerDamagedCopy)
      this.#notice(
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
        service.#notice(
          imported.skipped ? 'warning' : 'info',
          `The sales history was moved into the new ledger: ${imported.imported} entries${imported.skipped ? `, ${imported.skipped} unreadable line(s) left out` : ''}. The old file was kept (${imported.keptAs}).`,
        );
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
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
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
    try {
      if (!isMethodName(method)) throw new TillError({ code: 'unknown_method', message: 'Unknown request.' });
      // Who may ask comes first: a refused caller learns nothing of what the request should look like.
      if (this.staff.touch()) this.#emitStaff();
      const typedKey = (params as { apiKey?: unknown } | null | undefined)?.apiKey;
      const { approval, rest } = splitApproval(params);
      const approver = await this.#authorize(method, typeof typedKey === 'string' ? typedKey : undefined, approval);
      const parsed = METHODS[method].params.safeParse(rest ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map(String).join('.');
        throw new TillError({
          code: 'bad_request',
          message: field ? `${field}: ${issue.message}` : issue.message,
          ...(field ? { field } : {}),
        });
      }
      const handler = this.#handlers[method] as (p: unknown) => Promise<unknown>;
      const result = approver ? await this.staff.withApprover(approver, () => handler(parsed.data)) : await handler(parsed.data);
      return { ok: true, result };
    } catch (err) {
      if (err instanceof TillError) return { ok: false, error: err.toJSON() };
      if (err instanceof LedgerRowError) return { ok: false, error: { code: 'storage_error', message: err.message } };
      if (err instanceof ProviderError)
        return {
          ok: false,
          error: { code: 'msp_error', message: err.cashierMessage, ...(err.code !== undefined ? { mspCode: err.code } : {}) },
        };
      this.#log.error('request failed', { method: String(method), error: err instanceof Error ? err.name : 'unknown' });
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the till. Nothing was changed.' } };
    }
  }

  /**
   * The policy table's rule for `method` (policy.ts), checked before its handler runs. A manager-only action asked
   * by a cashier runs when it carries a manager's approval (their PIN, checked as at sign-in); the approving manager
   * is returned so the handler's records can name them.
   */
  async #authorize(method: MethodName, apiKey: string | undefined, approval: Approval | undefined): Promise<StaffMember | undefined> {
    if (this.staff.tillLocked && !WHILE_LOCKED.includes(method)) throw tillLockedError();
    const rule = POLICY[method];
    const what = rule.what ?? 'This';
    switch (rule.access) {
      case 'anyone':
        return;
      case 'signed_in':
        this.staff.requireSignedIn();
        // A manager's approval may come with any request (a discount over the cashier's limit).
        return approval && this.staff.needsManager() ? this.staff.approve(approval.staffId, approval.pin, what) : undefined;
      case 'manager':
        return this.#managerOrApproval(what, approval);
      case 'api_key':
        if (!this.#keyProven(apiKey)) throw keyNeeded(what);
        return;
      case 'manager_or_api_key':
        if (apiKey !== undefined) {
          if (!this.#keyProven(apiKey)) throw keyNeeded(what);
          return;
        }
        return this.#managerOrApproval(what, approval);
      default: {
        const never: never = rule.access;
        throw new Error(`no rule ${String(never)}`);
      }
    }
  }

  /** Passes when a manager is signed in (or roles are off); otherwise a signed-in person needs a manager's approval. */
  async #managerOrApproval(what: string, approval: Approval | undefined): Promise<StaffMember | undefined> {
    if (!approval || !this.staff.needsManager()) {
      this.staff.requireManager(what);
      return undefined;
    }
    this.staff.requireSignedIn();
    return this.staff.approve(approval.staffId, approval.pin, what);
  }

  /** Whether the MultiSafepay API key was typed again; a till with no key stored has none to type. */
  #keyProven(typed: string | undefined): boolean {
    const key = this.#secrets.get();
    if (key === undefined) return true;
    return typed !== undefined && sameSecret(typed, key);
  }

  // ---- internals ----

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
        notices: this.staff.tillLocked ? [...this.#notices] : [],
      };
    const today = this.sales.today();
    return {
      mode: this.mode,
      ...(user ? { user } : {}),
      staff: this.staff.list(),
      ...(today ? { today } : {}),
      payments: this.engine.payments(),
      terminals: this.#terminals(),
      settings: this.#publicSettings(),
      catalog: this.#quickKeys(),
      notices: [...this.#notices],
      ...(this.#counterBasket() ? { basket: this.#counterBasket()! } : {}),
      ...(this.#shopLink.shop ? { shop: this.#shopLink.shop.status() } : {}),
    };
  }

  /** The sale on the counter as the ledger keeps it; a row that no longer reads as a basket counts as empty. */
  #counterBasket(): { basket: CounterBasket; rev: number } | undefined {
    const row = this.ledger.counterBasket();
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
    this.#emit({ type: 'staff', user: this.staff.current ?? null, staff: this.staff.list() });
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
    this.#notice(level, message);
  }

  /** Terminals that have a non-final payment right now. */
  pendingTerminals(): string[] {
    return this.engine
      .payments()
      .filter((p) => !['completed', 'cancelled', 'failed'].includes(p.state))
      .map((p) => p.terminalId);
  }

  #notice(level: Notice['level'], message: string, extra: Pick<Notice, 'key' | 'params' | 'orderId'> = {}): void {
    const notice: Notice = { id: randomUUID(), level, message, ...extra, at: this.#now() };
    this.#notices.push(notice);
    if (this.#notices.length > 20) this.#notices.shift();
    this.#emit({ type: 'notice', notice });
  }

  #emit(e: TillEvent): void {
    // Nobody signed in (or the till locked): screens learn only who may sign in and the settings, until someone does.
    if ((this.staff.tillLocked || (this.staff.enforced && !this.staff.current)) && e.type !== 'staff' && e.type !== 'settings') return;
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // one broken listener must not stop the others
      }
    }
  }
}

/**
 * The time money is booked at: the wall clock, except that it never goes back. A clock set back (a flat CMOS battery,
 * a wrong time zone, by hand) would book sales into a day already past and number receipts out of time order; the
 * till then goes on from the newest time it knew (at start: the last receipt's), at the pace of the monotonic clock,
 * until the wall clock catches up. Sales are never refused for it.
 */
export function bookingClock(wall: () => number, monotonic: () => number, lastReceiptAt: number | undefined): () => number {
  let anchor = Math.max(wall(), lastReceiptAt ?? -Infinity);
  let anchorMono = monotonic();
  let last = anchor;
  return () => {
    const w = wall();
    const m = monotonic();
    if (w >= last) {
      anchor = last = w;
      anchorMono = m;
      return w;
    }
    // Behind what the till already used: carry on from there at the monotonic clock's pace.
    last = Math.max(last, Math.round(anchor + (m - anchorMono)));
    return last;
  };
}

/** Opens the ledger; one that cannot be opened (not a database, damaged) is kept aside and a new one started. */
function openLedger(path: string, now = Date.now()): { ledger: Ledger; damagedCopy?: string } {
  try {
    return { ledger: new Ledger(path, { readStatus }) };
  } catch (err) {
    if (err instanceof LedgerLockedError) throw new TillError({ code: 'locked', message: err.message });
    if (!existsSync(path) || /newer version/.test(String((err as Error)?.message))) throw err;
    const damagedCopy = `${path}.damaged-${now}`;
    renameSync(path, damagedCopy);
    for (const side of ['-wal', '-shm']) if (existsSync(path + side)) renameSync(path + side, damagedCopy + side);
    return { ledger: new Ledger(path, { readStatus }), damagedCopy };
  }
}

function tillLockedError(): TillError {
  return new TillError({
    code: 'not_allowed',
    key: 'till_locked',
    message: 'The till is locked: the staff list set up on it could not be read. Type the MultiSafepay API key to open it.',
  });
}

function keyNeeded(what: string): TillError {
  return new TillError({
    code: 'not_allowed',
    field: 'apiKey',
    message: `${what} needs the MultiSafepay API key - type it as it was entered in Settings.`,
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a.trim());
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
