/**
 * The till service: request dispatch for the typed till API (shared/contract.ts). It wires the payment engine
 * (card payments), the sales book (cash, refunds, history, reports: sales.ts over the SQLite ledger) and
 * connection management (connection.ts), and keeps settings, catalog and notices. Transports (IPC, WebSocket)
 * call `dispatch`, which validates every request first.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type Approval,
  ApprovalSchema,
  type CashMove,
  type CatalogItem,
  type CounterBasket,
  CounterBasketSchema,
  CatalogItemSchema,
  METHODS,
  type MethodName,
  type Mode,
  type Notice,
  type Product,
  type PublicSettings,
  type RefundRecord,
  type Result,
  type SaleRecord,
  type Snapshot,
  type Terminal,
  type TillEvent,
  isMethodName,
} from '../../shared/contract';
import { TillError } from '../../shared/errors';
import type { Dispatcher, Reply } from '../../shared/wire';
import { lineTotal } from '../../shared/money';
import type { SaleLine } from '../../shared/payment';
import { type EngineOptions, PaymentEngine } from './engine/engine';
import type { EngineTiming } from './engine/types';
import { LedgerLockedError } from './ledger/db';
import { importJournal } from './ledger/import';
import { Ledger, LedgerRowError, localDate } from './ledger/ledger';
import { Shop, type ShopOptions, ShopUnreachableError } from './shop/shop';
import { amountDue } from '../../shared/sale';
import { percentOff } from '../../shared/discount';
import type { Logger } from './log';
import { silentLogger } from './log';
import { MspError } from './msp/errors';
import { EnvSecretStore, FileSecretStore, type SecretStore } from './secrets';
import { DEFAULT_SETTINGS, readCatalog, readSettings, type StoredSettings } from './settings';
import type { SimulatorConfig } from './simulator/simulator';
import { baseUrlProblem, Connection, hostOf, type TillEnv } from './connection';
import { MAX_SALE_TOTAL, SalesBook } from './sales';
import { storage, storageAsync, storageFailure } from './storage/disk';
import { Staff, type StaffMember } from './staff';
import { POLICY, WHILE_LOCKED } from './policy';
import { kickDrawer } from './printing/escpos';
import { printOnPrinter, receiptOf, type SystemPrinter } from './printing/receipts';
import { exportProducts } from './catalog/export';
import { exportAudit } from './audit-export';
import { importProducts, mergeImport } from './catalog/import';
import { catalogCode, checkBarcode, type VariableMeasure, variableMeasure, weighedAmount } from '../../shared/barcode';
import { minorDigits } from '../../shared/money';
import { DEFAULT_VAT_RATES } from '../../shared/vat';
import { keepCopy, type KeyValueStore, type OpenedStore, openConfStore } from './storage/kv';

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
/** How far back Open sales looks for sales not yet paid in full (days). */
const OPEN_SALES_DAYS = 7;
/** The most quick keys (favourites) the sale screen shows. */
const QUICK_KEYS = 60;
/** The most text a product list may have (about 200,000 products). */
const MAX_IMPORT_CHARS = 64_000_000;
/** A product list whose next part does not come within this long is dropped (ms). */
const UPLOAD_IDLE_MS = 120_000;
/** A receipt that never printed is printed at the next start when it is at most this old (ms). */
const RECEIPT_RESUME_MS = 15 * 60_000;
/** How often, at most, the screens hear that another till's rows reached the shop database (ms). */
const SHOP_CHANGED_MS = 1000;

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

/** The merchant's details and VAT rates: the shop's, shared by its tills. */
const merchantOf = (s: StoredSettings) => ({
  merchantName: s.merchantName,
  merchantAddress: s.merchantAddress,
  vatRates: s.vatRates,
  customVatRate: s.customVatRate,
});
const SharedCatalogSchema = z.array(CatalogItemSchema).max(60);
const SharedMerchantSchema = z
  .object({
    merchantName: z.string().max(80),
    merchantAddress: z.string().max(200),
    vatRates: z.array(z.number().min(0).max(100)).min(1).max(6),
    customVatRate: z.number().min(0).max(100),
  })
  .strip();

type Handlers = { [M in MethodName]: (params: z.output<(typeof METHODS)[M]['params']>) => Promise<Result<M>> };

export class TillService implements Dispatcher {
  readonly dataDir: string;
  readonly engine: PaymentEngine;
  readonly ledger: Ledger;
  readonly sales: SalesBook;
  readonly staff: Staff;
  /** Card payments whose receipt was sent to the printer in this run. */
  /** Set once close() began: work scheduled before it finds the ledger closed and stops. */
  #closed = false;
  /** Receipt numbers sent to the printer by this run (each prints once). */
  readonly #printed = new Set<number>();
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
  /** Sales being paid right now (a card part or cash): a second payment of the same sale is refused meanwhile. */
  readonly #settling = new Set<string>();
  #idleTimer: ReturnType<typeof setInterval> | undefined;
  /** The product list being sent in parts, until its last part. */
  #upload: { importId: string; parts: string[]; chars: number } | undefined;
  #uploadTimer: ReturnType<typeof setTimeout> | undefined;
  /** A product import (or the end of one cut off by a restart) is being written. */
  #importing: Promise<unknown> | undefined;
  /** The shop database, when one is set; its connection string is kept in #shopSecrets (or the environment). */
  #shop: Shop | undefined;
  readonly #shopSecrets: SecretStore;
  readonly #shopShipping: ShopOptions['shipping'];
  #shopEventTimer: ReturnType<typeof setTimeout> | undefined;
  #shopChangedTimer: ReturnType<typeof setTimeout> | undefined;
  #shopNamedNotice = false;

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
    this.engine = new PaymentEngine({
      client: () => this.#connection.client,
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
          if (sale) this.#autoPrint(sale);
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
      client: () => this.#connection.client,
      logger: this.#log,
      now: this.#now,
      monotonic: opts.monotonic ?? (() => performance.now()),
      currency: () => this.#settings().currency,
      cashRounding: () => this.#settings().cashRounding,
      ...(opts.refundGraceMs !== undefined ? { refundGraceMs: opts.refundGraceMs } : {}),
      notice: (level, message, extra) => this.#notice(level, message, extra),
      onRefundDone: (sale, refund) => this.#autoPrint(sale, refund),
      ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    });
    this.ledger.onChange = (what) => {
      this.#shop?.shipper.kick();
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
    this.#shopShipping = opts.shopShipping;
    this.#startShop();
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
    service.#resumeImport();
    service.#printLeftOver();
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
    clearTimeout(this.#uploadTimer);
    clearTimeout(this.#shopEventTimer);
    clearTimeout(this.#shopChangedTimer);
    await this.#shop?.stop();
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
      if (err instanceof MspError)
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

  /** Runs one payment of an existing sale; a second one for the same sale, at the same time, is refused. */
  async #payingSale<T>(saleId: string, fn: () => Promise<T>): Promise<T> {
    if (this.#settling.has(saleId))
      throw new TillError({
        code: 'not_allowed',
        key: 'sale_busy',
        message: 'This sale is being paid right now - wait until that payment is finished.',
      });
    this.#settling.add(saleId);
    try {
      return await fn();
    } finally {
      this.#settling.delete(saleId);
    }
  }

  readonly #handlers: Handlers = {
    snapshot: async () => this.#snapshot(),
    charge: async (p) => {
      const settings = this.#settings();
      this.sales.requireSession();
      if (!this.#terminals().some((t) => t.id === p.terminalId))
        throw new TillError({
          code: 'bad_request',
          field: 'terminalId',
          message: `Unknown terminal ${p.terminalId} - add it in Settings.`,
        });
      if (this.mode !== 'demo' && !this.#connection.keyFor(this.#connection.baseUrl))
        throw new TillError({ code: 'not_allowed', message: 'No API key is set - add it in Settings.' });
      if (lineTotal(p.lines) > MAX_SALE_TOTAL)
        throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
      const start = (currency: string, due: number) => {
        if (p.currency !== undefined && p.currency !== currency)
          throw new TillError({
            code: 'bad_request',
            field: 'currency',
            message: `This sale is in ${currency}: every part of it is paid in ${currency}.`,
          });
        if (p.amount !== undefined && p.amount > due)
          throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than is due on this sale.' });
        const who = this.staff.who();
        return this.engine.charge({
          terminalId: p.terminalId,
          lines: this.#withVat(p.lines),
          currency,
          ...(p.saleId ? { saleId: p.saleId } : {}),
          ...(p.amount !== undefined || p.saleId ? { amount: p.amount ?? due } : {}),
          ...(who ? { staff: who } : {}),
        });
      };
      const saleId = p.saleId;
      // A new sale is in the currency set in Settings; the rest of a sale, in the sale's own currency.
      if (!saleId) {
        const discounts = this.#checkDiscounts(p.lines);
        const view = await start(settings.currency, lineTotal(p.lines));
        if (discounts.length) storage(() => this.ledger.useDiscounts(discounts, view.saleId));
        return view;
      }
      return this.#payingSale(saleId, async () => {
        const unpaid = () => {
          const sale = this.sales.sale(saleId);
          if (!sale || sale.tender !== 'card') throw new TillError({ code: 'not_found', message: `No card sale ${saleId} to try again.` });
          if (sale.status !== 'unpaid' && sale.status !== 'partly_paid')
            throw new TillError({ code: 'not_allowed', message: 'This sale is already paid or still in progress.' });
          return sale;
        };
        unpaid();
        await this.engine.checkEarlierAttempts(saleId);
        // Read again: the earlier attempt may have turned out paid meanwhile.
        const sale = unpaid();
        return start(sale.currency, amountDue(sale));
      });
    },
    cancelPayment: async (p) => this.engine.cancel(p.orderId),
    dismissPayment: async (p) => {
      this.engine.dismiss(p.orderId);
      return { ok: true as const };
    },
    resolvePayment: async (p) => {
      return this.engine.resolve(p.orderId, p.reason);
    },
    payCash: async (p) => {
      this.sales.requireSession();
      const saleId = p.saleId;
      const sale = saleId
        ? await this.#payingSale(saleId, async () => {
            const unpaid = () => {
              const found = this.sales.sale(saleId);
              if (!found || found.tender !== 'card')
                throw new TillError({ code: 'not_found', message: `No card sale ${saleId} to pay in cash.` });
              if (found.status !== 'unpaid' && found.status !== 'partly_paid')
                throw new TillError({ code: 'not_allowed', message: 'This sale is already paid or still in progress.' });
              if (!sameLines(found.lines, p.lines))
                throw new TillError({
                  code: 'bad_request',
                  field: 'lines',
                  message: 'The basket changed since the card payment - start a new sale for it.',
                });
              return found;
            };
            unpaid();
            // The customer may have paid by card after all: ask MultiSafepay before taking cash. When it cannot be
            // read, the cash is taken and the card attempt stays watched: a later "paid" raises the alarm.
            const unchecked = await this.engine.checkEarlierAttempts(saleId, { cashIfUnreadable: true });
            const paid = this.sales.payRestInCash(unpaid(), p.given, this.staff.who());
            if (unchecked.length)
              this.#notice(
                'warning',
                `MultiSafepay could not be asked whether the card payment of sale ${saleId} went through after all - the cash was taken, and the till keeps checking. If the card turns out paid, refund one of them.`,
                { key: 'cash_unchecked', params: { saleId } },
              );
            return paid;
          })
        : this.#payNewSaleInCash(p.lines, p.given);
      this.#autoPrint(sale);
      return sale;
    },
    paidIn: async (p) => this.#withDrawer(this.sales.cashMove('paid_in', p.amount, p.reason, this.staff.who())),
    paidOut: async (p) => this.#withDrawer(this.sales.cashMove('paid_out', p.amount, p.reason, this.staff.who())),
    openDrawer: async () => {
      const settings = this.#settings();
      if (!settings.printerHost)
        throw new TillError({
          code: 'not_allowed',
          message: 'Open drawer needs a receipt printer with a cash drawer - set its address in Settings.',
        });
      try {
        await kickDrawer({ host: settings.printerHost, port: settings.printerPort, paper: settings.paper });
      } catch (err) {
        throw new TillError({ code: 'printer_error', message: err instanceof Error ? err.message : 'The cash drawer did not open.' });
      }
      return this.sales.noSale(this.staff.who());
    },
    recordAudit: async (p) => {
      const who = this.staff.who();
      storage(() =>
        this.ledger.recordAudit({
          at: this.#now(),
          event: p.event,
          amount: p.amount,
          currency: this.#settings().currency,
          ...(p.lines !== undefined ? { lines: p.lines } : {}),
          ...(p.name ? { detail: p.name } : {}),
          ...(who ? { staff: who } : {}),
        }),
      );
      return { ok: true as const };
    },
    history: async (p) => this.sales.history(p.query, p.limit, p.before),
    openSales: async () => ({
      sales: this.ledger.openSales(this.#now() - OPEN_SALES_DAYS * 24 * 3600_000),
      parked: this.ledger.parkedSales(),
    }),
    authorizeDiscount: async (p) => {
      const amount = p.amount ?? percentOff(p.base, p.percent!);
      if (amount <= 0) throw new TillError({ code: 'bad_request', field: 'percent', message: 'That discount comes to nothing.' });
      const percent = (amount * 100) / p.base;
      const limit = this.#settings().discountLimit;
      const approver = this.staff.approver();
      if (percent > limit + 1e-9 && this.staff.needsManager() && !approver)
        throw new TillError({
          code: 'not_allowed',
          key: 'needs_manager',
          message: `A discount over ${limit}% needs a manager - a manager must approve it.`,
        });
      const who = this.staff.who();
      const d = {
        id: randomUUID().replaceAll('-', ''),
        at: this.#now(),
        scope: p.scope,
        base: p.base,
        amount,
        reason: p.reason,
        currency: this.#settings().currency,
        ...(p.percent !== undefined ? { percent: p.percent } : {}),
        ...(who ? { staff: who } : {}),
        ...(approver ? { approvedBy: approver.name } : {}),
      };
      storage(() => this.ledger.recordDiscount(d));
      return {
        id: d.id,
        amount,
        reason: d.reason,
        scope: d.scope,
        ...(d.percent !== undefined ? { percent: d.percent } : {}),
        ...(who ? { staff: who } : {}),
        ...(approver ? { approvedBy: approver.name } : {}),
      };
    },
    saveBasket: async (p) => {
      const rev = storage(() => this.ledger.saveCounterBasket(JSON.stringify(p.basket), this.#now(), this.staff.who()));
      this.#emit({ type: 'basket', basket: p.basket, rev, client: p.client });
      return { rev };
    },
    parkSale: async (p) => {
      const parked = {
        parkId: `p${randomBytes(6).toString('hex')}`,
        at: this.#now(),
        lines: this.#withVat(p.lines),
        currency: this.#settings().currency,
        note: p.note ?? '',
        ...(this.staff.who() ? { staff: this.staff.who()! } : {}),
      };
      storage(() => this.ledger.park(parked));
      return parked;
    },
    resumeParked: async (p) => {
      const parked = storage(() => this.ledger.unpark(p.parkId));
      if (!parked) throw new TillError({ code: 'not_found', message: 'That parked sale was resumed already.' });
      return parked;
    },
    refund: async (p) => {
      return this.sales.refund(p.orderId, p.amount, this.staff.who());
    },
    returnItems: async (p) => this.sales.returnItems(p.saleId, p.lines, p.reason, this.staff.who()),
    exchangeItems: async (p) => {
      const discounts = this.#checkDiscounts(p.newLines);
      const out = this.sales.exchange(
        p.saleId,
        p.lines,
        p.reason,
        this.#withVat(p.newLines),
        p.given,
        this.engine.installId,
        this.staff.who(),
      );
      if (discounts.length) storage(() => this.ledger.useDiscounts(discounts, out.sale.saleId));
      // The return's refund receipt prints as any refund's does; the new sale's here.
      this.#autoPrint(out.sale);
      return out;
    },
    returnWithoutReceipt: async (p) => this.sales.returnWithoutReceipt(p.lines, p.reason, this.staff.who()),
    dayReport: async (p) => this.sales.dayReport(p.date, p.reconcile ?? false),
    saveSettings: async (p) => {
      const cur = this.#settings();
      const next: StoredSettings = { ...cur };
      for (const k of Object.keys(DEFAULT_SETTINGS) as (keyof StoredSettings)[]) {
        if (p[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = p[k];
      }
      const backendChanged = next.mode !== cur.mode || next.baseUrl !== cur.baseUrl || p.apiKey !== undefined || p.clearApiKey;
      if (backendChanged && (this.#env.apiKey || this.#env.baseUrl))
        throw new TillError({
          code: 'not_allowed',
          field: 'mode',
          message: 'The connection is set by the environment (TILL_MSP_*) and cannot be changed here.',
        });
      if (backendChanged && this.engine.hasPendingPayments())
        throw new TillError({ code: 'not_allowed', field: 'mode', message: 'Finish the open payments before changing the connection.' });
      if (next.mode === 'custom' && !next.baseUrl)
        throw new TillError({ code: 'bad_request', field: 'baseUrl', message: 'Enter the API URL for a custom connection.' });
      if (next.mode === 'custom') {
        const problem = baseUrlProblem(next.baseUrl);
        if (problem) throw new TillError({ code: 'bad_request', field: 'baseUrl', message: problem });
      }
      // A key goes only to the host it was entered for, whatever modes the till passed through on the way; and
      // a till leaving demo mode with a key stored needs the key typed again.
      const nextBase = this.#connection.baseFor(next.mode, next.baseUrl);
      if (next.mode !== 'demo' && p.apiKey === undefined && !p.clearApiKey && this.#secrets.get() && !this.#env.apiKey) {
        if (cur.mode === 'demo')
          throw new TillError({ code: 'bad_request', field: 'apiKey', message: 'Type the API key again to leave demo mode.' });
        if (hostOf(nextBase) !== this.#connection.keyHost)
          throw new TillError({ code: 'bad_request', field: 'apiKey', message: 'Enter the API key again for the new address.' });
      }
      if (p.tillName !== undefined && this.#env.tillName && p.tillName !== this.#env.tillName)
        throw new TillError({ code: 'not_allowed', field: 'tillName', message: 'The till name is set by the environment (TILL_NAME).' });
      const shopChanged = p.shopDatabaseUrl !== undefined || p.clearShopDatabase === true;
      if (shopChanged && this.#env.shopDatabaseUrl)
        throw new TillError({
          code: 'not_allowed',
          field: 'shopDatabaseUrl',
          message: 'The shop database is set by the environment (TILL_SHOP_DATABASE_URL) and cannot be changed here.',
        });
      if (next.defaultTerminalId && !this.#terminals(next).some((t) => t.id === next.defaultTerminalId))
        throw new TillError({ code: 'bad_request', field: 'defaultTerminalId', message: 'The default terminal is not in the list.' });
      try {
        if (p.clearShopDatabase) this.#shopSecrets.clear();
        if (p.shopDatabaseUrl !== undefined) this.#shopSecrets.set(p.shopDatabaseUrl);
        if (p.clearApiKey) this.#secrets.clear();
        if (p.apiKey !== undefined) {
          this.#secrets.set(p.apiKey);
          this.#connection.bindKey(next.mode === 'demo' ? '' : nextBase);
        }
        this.#settingsStore.set({ settings: next });
        this.#settingsCache = next;
      } catch (err) {
        throw new TillError({
          code: 'storage_error',
          message: err instanceof Error && /environment/.test(err.message) ? err.message : storageFailure(err).message,
        });
      }
      if (backendChanged) {
        await this.#connection.apply();
        await this.#connection.loadApiTerminals();
      }
      if (shopChanged) {
        await this.#shop?.stop();
        this.#shop = undefined;
        this.#startShop();
        if (!this.#shop) this.#emit({ type: 'shop', shop: null });
      } else if (p.tillName !== undefined) this.#shop?.shipper.kick();
      if (this.#shop && JSON.stringify(merchantOf(next)) !== JSON.stringify(merchantOf(cur))) {
        storage(() => this.ledger.outbox.shareShopData('merchant', merchantOf(next)));
        this.#shop.shipper.kick();
      }
      const settings = this.#publicSettings();
      this.#emit({ type: 'settings', settings, mode: this.mode });
      this.#emit({ type: 'terminals', terminals: this.#terminals() });
      return settings;
    },
    testConnection: async (p) => this.#connection.test(p),
    refreshTerminals: async () => {
      await this.#connection.loadApiTerminals();
      return this.#terminals();
    },
    saveCatalog: async (p) => {
      const ids = new Set(p.items.map((i) => i.id));
      if (ids.size !== p.items.length)
        throw new TillError({ code: 'bad_request', field: 'items', message: 'Two products have the same id.' });
      storage(() => this.#settingsStore.set({ catalog: p.items }));
      this.#catalogCache = p.items;
      if (this.#shop) {
        storage(() => this.ledger.outbox.shareShopData('catalog', p.items));
        this.#shop.shipper.kick();
        this.#emit({ type: 'catalog', catalog: p.items });
      }
      return p.items;
    },
    openDay: async (p) => {
      const day = this.sales.openDay(p.float, this.staff.who(), p.confirm ?? false);
      this.#emit({ type: 'day', today: day });
      this.#emit({ type: 'history_changed' });
      return day;
    },
    closeDay: async (p) => {
      const day = await this.sales.closeDay(p.counted, this.staff.who(), {
        counts: p.counts,
        handOver: p.handOver,
        sessionId: p.sessionId,
      });
      this.#emit({ type: 'day', today: this.sales.today() ?? null });
      this.#emit({ type: 'history_changed' });
      return day;
    },
    dayState: async (p) => (p.date ? this.sales.dayState(p.date) : this.sales.today()) ?? null,
    drawerSessions: async (p) => this.sales.drawerSessions(p.date),
    correctFloat: async (p) => {
      const session = this.sales.correctFloat(p.float, p.reason, this.staff.who());
      this.#emit({ type: 'day', today: this.sales.today() ?? null });
      return session;
    },
    shopDay: async (p) => {
      if (!this.#shop)
        throw new TillError({ code: 'not_allowed', message: 'No shop database is set - add it in Settings (Shop database).' });
      try {
        return await this.#shop.day(
          p.date ?? localDate(this.#now()),
          p.reconcile ? (page, refunded) => this.engine.checkAttempts(page, refunded) : undefined,
        );
      } catch (err) {
        if (err instanceof ShopUnreachableError) throw new TillError({ code: 'shop_offline', message: err.message });
        throw err;
      }
    },
    signIn: async (p) => {
      const before = this.staff.recorded;
      try {
        return await this.staff.signIn(p.staffId, p.pin);
      } finally {
        // Signed in, or a wrong PIN that may have locked the member: every screen learns it (a refusal before the
        // PIN was checked changed nothing, and says nothing to the others).
        if (this.staff.recorded !== before) this.#emitStaff();
      }
    },
    signOut: async () => {
      this.staff.signOut();
      this.#emitStaff();
      return { ok: true as const };
    },
    saveStaff: async (p) => {
      const list = await storageAsync(() => this.staff.save(p.staff));
      this.#shareStaff();
      this.#emitStaff();
      return list;
    },
    // A lost manager PIN: only whoever can type the MultiSafepay API key again (policy.ts).
    resetManagerPin: async (p) => {
      await storageAsync(() => this.staff.resetPin(p.staffId, p.pin));
      this.#shareStaff();
      this.#emitStaff();
      return { ok: true as const };
    },
    unlockStaff: async (p) => {
      if (p.apiKey === undefined && this.staff.current?.id === p.staffId)
        throw new TillError({ code: 'not_allowed', message: 'Another manager, or the MultiSafepay API key, must unlock you.' });
      storage(() => this.staff.unlock(p.staffId, p.apiKey !== undefined ? 'api key' : (this.staff.who() ?? 'api key')));
      this.#emitStaff();
      return this.staff.list();
    },
    unlockTill: async () => {
      storage(() => this.staff.unlockTill());
      this.#emitStaff();
      return { ok: true as const };
    },
    printers: async () => (this.#systemPrinter ? this.#systemPrinter.list() : []),
    printReceipt: async (p) => {
      const sale = this.sales.sale(p.saleId) ?? this.sales.receiptlessSale(p.saleId);
      const refund = p.refundId ? sale?.refunds.find((r) => r.refundId === p.refundId) : undefined;
      // A reprint says COPY, and never opens the drawer.
      const receipt = sale && (!p.refundId || refund) ? receiptOf(sale, this.#settings(), refund, true) : undefined;
      if (!receipt) throw new TillError({ code: 'not_found', message: 'That sale has no receipt yet.' });
      try {
        return { printed: await printOnPrinter(receipt, this.#settings(), this.#systemPrinter, false) };
      } catch (err) {
        throw new TillError({ code: 'printer_error', message: err instanceof Error ? err.message : 'The receipt printer did not print.' });
      }
    },
    importProducts: async (p) => {
      if (this.#importing)
        throw new TillError({ code: 'not_allowed', message: 'A product import is already running - wait until it is done.' });
      const up = p.index === 0 ? { importId: p.importId, parts: [], chars: 0 } : this.#upload;
      if (!up || up.importId !== p.importId || up.parts.length !== p.index) {
        this.#upload = undefined;
        throw new TillError({ code: 'bad_request', message: 'A part of the file went missing on the way - import it again.' });
      }
      up.parts.push(p.text);
      up.chars += p.text.length;
      if (up.chars > MAX_IMPORT_CHARS) {
        this.#upload = undefined;
        throw new TillError({ code: 'bad_request', message: 'That file is too large: import at most 200,000 products at a time.' });
      }
      this.#upload = up;
      // A file whose sending stopped half-way (the window closed) is let go after a while.
      clearTimeout(this.#uploadTimer);
      if (!p.last) {
        this.#uploadTimer = setTimeout(() => (this.#upload = undefined), UPLOAD_IDLE_MS);
        this.#uploadTimer.unref?.();
        return { state: 'received' as const };
      }
      this.#upload = undefined;
      const settings = this.#settings();
      let shown = 0;
      const run = importProducts(p.importId, up.parts.join(''), {
        products: this.ledger.products,
        rates: settings.vatRates ?? DEFAULT_VAT_RATES,
        digits: minorDigits(settings.currency),
        scaleLayout: settings.scaleLayout,
        now: this.#now,
        onProgress: (phase, fraction) => {
          // A few updates a second are plenty for a progress bar.
          const at = performance.now();
          if (at - shown < 100) return;
          shown = at;
          this.#emit({ type: 'import_progress', importId: p.importId, phase, fraction: Math.min(1, fraction) });
        },
      });
      this.#importing = run;
      try {
        const out = await storageAsync(() => run);
        if (!out.ok) return { state: 'refused' as const, problems: out.problems, badRows: out.badRows };
        return { state: 'imported' as const, products: out.products, added: out.added, updated: out.updated };
      } finally {
        this.#importing = undefined;
      }
    },
    exportProducts: async (p) => {
      const stamp = new Date(this.#now()).toISOString().replace(/[:.]/g, '-');
      return storageAsync(() =>
        exportProducts(this.ledger.products, exportFolder(p.folder ?? join(this.dataDir, 'exports')), this.#settings().currency, stamp),
      );
    },
    findBarcode: async (p) => {
      const check = checkBarcode(p.code);
      const products = this.ledger.products;
      const product = check.ok ? products.byBarcode(check.code) : undefined;
      // A variable-measure code not in the catalog as it is: its item, with the price or weight it carries.
      const measure = !product && check.ok ? variableMeasure(check.code, this.#settings().scaleLayout) : undefined;
      const item = measure ? products.byBarcode(measure.item) : undefined;
      if (measure && item?.active) {
        const line = measuredLine(item, measure, this.#settings().language);
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
      p.category !== undefined ? this.ledger.products.inCategory(p.category, p.limit) : this.ledger.products.search(p.query, p.limit),
    productCategories: async () => this.ledger.products.categories(),
    addProduct: async (p) => {
      // A scale item's own code (prefix and item code) is kept as typed; any other code as a scanned one.
      const check = catalogCode(p.barcode, this.#settings().scaleLayout);
      if (!check.ok)
        throw new TillError({ code: 'bad_request', field: 'barcode', message: `That barcode cannot be used: ${check.problem}.` });
      this.#knownRate(p.vatRate);
      const { barcode: _, ...rest } = p;
      const added = storage(() => this.ledger.products.add({ ...rest, barcode: check.code }, this.#now(), this.staff.who()));
      if (!added)
        throw new TillError({ code: 'bad_request', field: 'barcode', message: `Barcode ${check.code} is on another product already.` });
      return added;
    },
    updateProduct: async ({ id, ...p }) => {
      if (p.vatRate !== undefined) this.#knownRate(p.vatRate);
      const products = this.ledger.products;
      if (p.favourite && !products.byId(id)?.favourite && products.favouriteCount() >= QUICK_KEYS)
        throw new TillError({
          code: 'bad_request',
          field: 'favourite',
          message: `The quick keys hold at most ${QUICK_KEYS} favourites - take one off first.`,
        });
      const change = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
      const out = storage(() => products.update(id, change, this.#now(), this.staff.who()));
      if (!out) throw new TillError({ code: 'not_found', field: 'id', message: 'That product is not in the catalog.' });
      // Every screen's quick keys follow (a favourite picked or dropped, or its price or name changed).
      this.#emit({ type: 'catalog', catalog: this.#quickKeys() });
      return out;
    },
    exportBackup: async (p) => {
      const dir = exportFolder(p.folder ?? join(this.dataDir, 'backups'));
      const stamp = new Date(this.#now()).toISOString().replace(/[:.]/g, '-');
      const path = join(dir, `ledger-${stamp}.sqlite`);
      await storageAsync(() => this.ledger.backup(path));
      return { path };
    },
    exportAudit: async (p) =>
      storageAsync(() => exportAudit(this.ledger, exportFolder(p.folder ?? join(this.dataDir, 'exports')), p.from, p.to)),
    exportJournal: async (p) => {
      return storageAsync(() =>
        this.sales.exportJournal(exportFolder(p.folder ?? join(this.dataDir, 'exports')), p.from, p.to, {
          language: this.#settings().language,
          decimalComma: p.decimalComma ?? this.#settings().language === 'nl',
        }),
      );
    },
    exportTransactions: async (p) => {
      return storageAsync(() =>
        this.sales.exportCsv(exportFolder(p.folder ?? join(this.dataDir, 'exports')), p.from, p.to, this.#settings().language),
      );
    },
    simulateTerminal: async (p) => {
      const sim = this.#connection.simulator;
      if (!sim) throw new TillError({ code: 'not_allowed', message: 'The virtual terminal exists only in demo mode.' });
      if (!sim.terminalAction(p.terminalId, p.action))
        throw new TillError({ code: 'not_allowed', message: 'That terminal has no payment waiting.' });
      return { ok: true as const };
    },
  };

  // ---- internals ----

  /** At start: an import cut off after its rows were checked and saved is merged to the end; any other is dropped. */
  #resumeImport(): void {
    const products = this.ledger.products;
    const pending = storage(() => products.pendingImport());
    if (!pending) return storage(() => products.dropStaged());
    const run = mergeImport(pending, { products, now: this.#now }).then(
      () => this.#notice('info', `The product import that was cut off is finished: ${products.count()} products.`),
      (err: unknown) => this.#notice('error', storageFailure(err).message),
    );
    this.#importing = run.finally(() => (this.#importing = undefined));
  }

  /**
   * The quick keys: the favourites a manager picked from the catalog, or, until one is picked, the quick keys kept
   * in Settings. Never the catalog itself.
   */
  #quickKeys(): CatalogItem[] {
    const favourites = storage(() => this.ledger.products.favourites(QUICK_KEYS));
    if (!favourites.length) return this.#catalogCache;
    return favourites.map((p) => ({ id: `product-${p.id}`, name: p.name, price: p.price, vatRate: p.vatRate, productId: p.id }));
  }

  /** A product's VAT rate must be one the till offers (Settings). */
  #knownRate(rate: number): void {
    const rates = this.#settings().vatRates;
    if (!rates.includes(rate))
      throw new TillError({
        code: 'bad_request',
        field: 'vatRate',
        message: `VAT rate ${rate} is not one of the till's VAT rates (${rates.join(', ')}).`,
      });
  }

  #settings(): StoredSettings {
    return this.#settingsCache;
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
      tillName: this.#tillName(),
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
      ...(this.#shop ? { shop: this.#shop.status() } : {}),
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

  /** This till's name in the shop: TILL_NAME, else Settings -> Till name, else the computer's name. */
  #tillName(): string {
    return this.#env.tillName || this.#settings().tillName || hostname().slice(0, 40) || 'Till';
  }

  /** What another till of the shop changed (or this one, coming back): the quick keys, the merchant's details. */
  #takeShopData(kind: string, data: unknown): void {
    if (kind === 'catalog') {
      const items = SharedCatalogSchema.parse(data);
      if (JSON.stringify(items) === JSON.stringify(this.#catalogCache)) return;
      this.#settingsStore.set({ catalog: items });
      this.#catalogCache = items;
      this.#emit({ type: 'catalog', catalog: items });
    } else if (kind === 'staff') {
      // A shop without staff never wipes the staff a till set up: the till shares its own instead.
      if (Array.isArray(data) && data.length === 0 && this.staff.stored().length) return this.#shareStaff();
      if (this.staff.adopt(data)) this.#emitStaff();
    } else if (kind === 'merchant') {
      const m = SharedMerchantSchema.parse(data);
      const next = { ...this.#settings(), ...m };
      if (!next.vatRates.includes(next.customVatRate)) next.customVatRate = next.vatRates[0]!;
      if (JSON.stringify(merchantOf(next)) === JSON.stringify(merchantOf(this.#settings()))) return;
      this.#settingsStore.set({ settings: next });
      this.#settingsCache = next;
      this.#emit({ type: 'settings', settings: this.#publicSettings(), mode: this.mode });
    }
  }

  /** The staff list (PIN hashes, never PINs) goes to the shop's other tills, like the quick keys. */
  #shareStaff(): void {
    if (!this.#shop) return;
    storage(() => this.ledger.outbox.shareShopData('staff', this.staff.stored()));
    this.#shop.shipper.kick();
  }

  /** Starts shipping to the shop database set now (none: nothing runs). */
  #startShop(): void {
    const url = this.#env.shopDatabaseUrl ?? this.#shopSecrets.get();
    if (!url) return;
    this.#shop = new Shop({
      outbox: this.ledger.outbox,
      url,
      tillName: () => this.#tillName(),
      now: this.#now,
      logger: this.#log,
      ...(this.#shopShipping ? { shipping: this.#shopShipping } : {}),
      onShopData: (kind, data) => this.#takeShopData(kind, data),
      // At most one a second, however many tills are selling.
      onShopRows: () => {
        if (this.#shopChangedTimer) return;
        this.#shopChangedTimer = setTimeout(() => {
          this.#shopChangedTimer = undefined;
          if (!this.#closed) this.#emit({ type: 'shop_changed' });
        }, SHOP_CHANGED_MS);
      },
      shopDataOf: (kind) =>
        kind === 'catalog' ? this.#catalogCache : kind === 'staff' ? this.staff.stored() : merchantOf(this.#settings()),
      onStatus: (s) => {
        if (s.nameTaken && !this.#shopNamedNotice) {
          this.#shopNamedNotice = true;
          this.#notice(
            'warning',
            `Another till of the shop is already called "${this.#tillName()}". Both keep selling and are told apart in Shop; give this till its own name in Settings.`,
            { key: 'till_name_taken', params: { name: this.#tillName() } },
          );
        }
        // Online and offline at once; the queue while catching up at most a few times a second.
        if (this.#shopEventTimer) return;
        this.#emit({ type: 'shop', shop: s });
        this.#shopEventTimer = setTimeout(() => {
          this.#shopEventTimer = undefined;
          if (this.#shop && !this.#closed) this.#emit({ type: 'shop', shop: this.#shop.status() });
        }, 250);
      },
    });
  }

  #terminals(settings = this.#settings()): Terminal[] {
    return this.#connection.terminals(settings);
  }

  /** A new sale taken in cash, with the discounts on its lines checked and bound to it. */
  #payNewSaleInCash(lines: SaleLine[], given: number): SaleRecord {
    const discounts = this.#checkDiscounts(lines);
    const sale = this.sales.payCash(this.#withVat(lines), given, this.engine.installId, this.staff.who());
    if (discounts.length) storage(() => this.ledger.useDiscounts(discounts, sale.saleId));
    return sale;
  }

  /**
   * The discounts on a new sale's lines must be ones given here (`authorizeDiscount`), not yet on another sale, each
   * exactly as given: a line discount on one line, a basket discount spread over lines adding up to its amount, and
   * no line discounted below zero. Returns their ids. Throws `bad_request` naming the first that is not.
   */
  #checkDiscounts(lines: readonly SaleLine[]): string[] {
    const parts = new Map<string, number[]>();
    for (const l of lines) {
      if (!l.discount) continue;
      if (l.discount.amount > l.unitPrice * l.quantity)
        throw new TillError({ code: 'bad_request', field: 'lines', message: `The discount on ${l.name} is more than its price.` });
      parts.set(l.discount.id, [...(parts.get(l.discount.id) ?? []), l.discount.amount]);
    }
    for (const [id, amounts] of parts) {
      const d = this.ledger.discount(id);
      const sum = amounts.reduce((s, a) => s + a, 0);
      const fits = d && d.saleId === undefined && sum === d.amount && (d.scope === 'basket' || amounts.length === 1);
      if (!fits)
        throw new TillError({
          code: 'bad_request',
          field: 'lines',
          message: 'A discount in this basket was not given at this till, or is used already - give it again with Discount.',
        });
    }
    return [...parts.keys()];
  }

  /** Lines as recorded: each with its VAT rate (a typed amount takes the rate chosen in Settings). */
  #withVat(lines: SaleLine[]): SaleLine[] {
    const rate = this.#settings().customVatRate;
    return lines.map((l) => (l.vatRate === undefined ? { ...l, vatRate: rate } : l));
  }

  /**
   * Prints a receipt on the receipt printer, if one is set, after the sale (paid in full) or refund is saved; never
   * blocks it. Each receipt prints once: the ledger records it printed, and one not printed yet when the till stopped
   * is printed at the next start. The drawer opens whenever cash moved.
   */
  #autoPrint(sale: SaleRecord, refund?: RefundRecord): void {
    const settings = this.#settings();
    if (!settings.printerHost && !(settings.systemPrinter && this.#systemPrinter)) return;
    const receipt = receiptOf(sale, settings, refund);
    if (!receipt || this.#printed.has(receipt.number)) return;
    this.#printed.add(receipt.number);
    printOnPrinter(receipt, settings, this.#systemPrinter).then(
      (printed) => {
        if (!printed || this.#closed) return;
        try {
          this.ledger.markReceiptPrinted(receipt.number, this.#now());
        } catch (err) {
          // Not recorded as printed (a full disk): at worst it prints once more at the next start.
          this.#log.warn('could not record a receipt as printed', { code: (err as NodeJS.ErrnoException)?.code });
        }
      },
      (err: unknown) =>
        this.#notice('warning', err instanceof Error ? err.message : 'The receipt printer did not print.', {
          key: 'printer_failed',
          params: { saleId: sale.saleId },
        }),
    );
  }

  /**
   * Cash paid in or out is recorded first; then the drawer on the receipt printer opens for it, if one is set (a
   * drawer that did not open is a notice, never a lost record).
   */
  #withDrawer(move: CashMove): CashMove {
    const settings = this.#settings();
    if (settings.printerHost)
      kickDrawer({ host: settings.printerHost, port: settings.printerPort, paper: settings.paper }).catch((err: unknown) =>
        this.#notice('warning', err instanceof Error ? err.message : 'The cash drawer did not open.'),
      );
    return move;
  }

  /** Receipts given in the last minutes that never printed (the till stopped first): printed now. */
  #printLeftOver(): void {
    for (const r of this.ledger.unprintedReceipts(this.#now() - RECEIPT_RESUME_MS)) {
      const sale = this.sales.sale(r.saleId) ?? this.sales.receiptlessSale(r.saleId);
      const refund = r.refundId ? sale?.refunds.find((x) => x.refundId === r.refundId) : undefined;
      if (sale && (!r.refundId || refund)) this.#autoPrint(sale, refund);
    }
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
    return { ledger: new Ledger(path) };
  } catch (err) {
    if (err instanceof LedgerLockedError) throw new TillError({ code: 'locked', message: err.message });
    if (!existsSync(path) || /newer version/.test(String((err as Error)?.message))) throw err;
    const damagedCopy = `${path}.damaged-${now}`;
    renameSync(path, damagedCopy);
    for (const side of ['-wal', '-shm']) if (existsSync(path + side)) renameSync(path + side, damagedCopy + side);
    return { ledger: new Ledger(path), damagedCopy };
  }
}

/** A folder to export into: created when it is the till's own, and it must be a folder. */
function exportFolder(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (!statSync(path).isDirectory()) throw new TillError({ code: 'bad_request', field: 'folder', message: 'That is not a folder.' });
  return path;
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

/** The same lines (name, price, quantity; a missing VAT rate matches any). */
function sameLines(a: readonly SaleLine[], b: readonly SaleLine[]): boolean {
  return (
    a.length === b.length &&
    a.every((l, i) => {
      const m = b[i]!;
      return (
        l.name === m.name &&
        l.unitPrice === m.unitPrice &&
        l.quantity === m.quantity &&
        (m.vatRate === undefined || l.vatRate === m.vatRate)
      );
    })
  );
}
