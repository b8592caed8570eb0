/**
 * The till service: implements the typed till API (shared/contract.ts) on top of the payment engine, journal,
 * settings and (in demo mode) the embedded simulator. Transports (IPC, WebSocket) call `dispatch`, which
 * validates every request first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  type CatalogItem,
  type DayReport,
  METHODS,
  type MethodName,
  type Mode,
  type Notice,
  type PublicSettings,
  type Result,
  type SaleRecord,
  type Snapshot,
  type Terminal,
  type TillEvent,
  isMethodName,
} from '../../shared/contract';
import { TillError, type TillErrorShape } from '../../shared/errors';
import { lineTotal } from '../../shared/money';
import { isFinal } from '../../shared/payment';
import { type EngineOptions, PaymentEngine } from './engine/engine';
import type { EngineTiming } from './engine/types';
import { buildHistory, dayBounds, dayReport, localDate, searchHistory } from './history';
import type { Logger } from './log';
import { silentLogger } from './log';
import { MspError } from './msp/errors';
import { EnvSecretStore, FileSecretStore, type SecretStore } from './secrets';
import { DEFAULT_SETTINGS, readCatalog, readSettings, type StoredSettings } from './settings';
import type { SimulatorConfig } from './simulator/simulator';
import { baseUrlProblem, Connection, hostOf, type TillEnv } from './connection';
import { Journal } from './storage/journal';
import { type KeyValueStore, type OpenedStore, openConfStore } from './storage/kv';

export type { TillEnv };

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
  failpoint?: EngineOptions['failpoint'];
}

/** Reads TILL_* variables (headless mode and the desktop app). */
export function envFromProcess(env: NodeJS.ProcessEnv = process.env): TillEnv {
  const out: TillEnv = {};
  if (env.TILL_MSP_BASE_URL?.trim()) out.baseUrl = env.TILL_MSP_BASE_URL.trim();
  if (env.TILL_MSP_API_KEY?.trim()) out.apiKey = env.TILL_MSP_API_KEY.trim();
  const ids = env.TILL_TERMINAL_IDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids?.length) out.terminalIds = ids;
  return out;
}

type Handlers = { [M in MethodName]: (params: z.output<(typeof METHODS)[M]['params']>) => Promise<Result<M>> };

export class TillService {
  readonly dataDir: string;
  readonly engine: PaymentEngine;
  readonly journal: Journal;
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
  readonly #connection: Connection;

  private constructor(opts: TillServiceOptions, parts: { state: OpenedStore; settings: OpenedStore; journal: Journal }) {
    this.dataDir = opts.dataDir;
    this.#env = opts.env ?? {};
    this.#log = opts.logger ?? silentLogger;
    this.#now = opts.now ?? Date.now;
    this.#state = parts.state.store;
    this.#settingsStore = parts.settings.store;
    this.#settingsCache = readSettings(this.#settingsStore);
    this.#catalogCache = readCatalog(this.#settingsStore);
    this.journal = parts.journal;
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
      journal: this.journal,
      storeWasDamaged: Boolean(parts.state.damagedCopy),
      logger: this.#log,
      ...(opts.timing ? { timing: opts.timing } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.failpoint ? { failpoint: opts.failpoint } : {}),
    });
    this.engine.on((e) => this.#emit(e));
    this.engine.onStorageError = (err) => this.#notice('error', storageMessage(err));
    this.journal.onAppend = (e) => {
      if (e.k !== 'attempt' || isFinal(e.attempt.state)) this.#emit({ type: 'history_changed' });
    };
    if (parts.state.damagedCopy)
      this.#notice(
        'warning',
        `The payment state file was damaged. It was kept aside (${parts.state.damagedCopy}) and open payments were restored from the journal.`,
      );
    if (parts.settings.damagedCopy) this.#notice('warning', 'The settings file was damaged and was reset. Check Settings.');
    const jr = this.journal.report;
    if (jr.damagedCopy)
      this.#notice(
        'warning',
        `The sales journal had ${jr.droppedLines} unreadable line(s). A copy was kept (${jr.damagedCopy}); ${jr.entries} entries were recovered.`,
      );
  }

  /** Opens the data directory, starts the demo simulator when needed, and reopens pending payments. */
  static async create(opts: TillServiceOptions): Promise<TillService> {
    mkdirSync(opts.dataDir, { recursive: true });
    const open = opts.openStore ?? openConfStore;
    const service = new TillService(opts, {
      state: open(opts.dataDir, 'till-state'),
      settings: open(opts.dataDir, 'settings'),
      journal: new Journal(join(opts.dataDir, 'journal.jsonl')),
    });
    await service.#connection.apply();
    service.engine.start();
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
    await this.engine.stop();
    await this.#connection.close();
    this.journal.close();
  }

  /** Validates and runs one request. Never throws: errors come back as a typed shape. */
  async dispatch(method: unknown, params: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: TillErrorShape }> {
    try {
      if (!isMethodName(method)) throw new TillError({ code: 'unknown_method', message: 'Unknown request.' });
      const parsed = METHODS[method].params.safeParse(params ?? {});
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
      return { ok: true, result: await handler(parsed.data) };
    } catch (err) {
      if (err instanceof TillError) return { ok: false, error: err.toJSON() };
      if (err instanceof MspError)
        return {
          ok: false,
          error: { code: 'msp_error', message: err.cashierMessage, ...(err.code !== undefined ? { mspCode: err.code } : {}) },
        };
      this.#log.error('request failed', { method: String(method), error: err instanceof Error ? err.name : 'unknown' });
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the till. Nothing was changed.' } };
    }
  }

  readonly #handlers: Handlers = {
    snapshot: async () => this.#snapshot(),
    charge: async (p) => {
      const settings = this.#settings();
      if (!this.#terminals().some((t) => t.id === p.terminalId))
        throw new TillError({
          code: 'bad_request',
          field: 'terminalId',
          message: `Unknown terminal ${p.terminalId} - add it in Settings.`,
        });
      if (this.mode !== 'demo' && !this.#secrets.get())
        throw new TillError({ code: 'not_allowed', message: 'No API key is set - add it in Settings.' });
      if (p.saleId) {
        const sale = buildHistory(this.journal.entries).find((s) => s.saleId === p.saleId);
        if (!sale || sale.tender !== 'card') throw new TillError({ code: 'not_found', message: `No card sale ${p.saleId} to try again.` });
        if (sale.status !== 'unpaid')
          throw new TillError({ code: 'not_allowed', message: 'This sale is already paid or still in progress.' });
      }
      return this.engine.charge({
        terminalId: p.terminalId,
        lines: p.lines,
        currency: p.currency ?? settings.currency,
        ...(p.saleId ? { saleId: p.saleId } : {}),
      });
    },
    cancelPayment: async (p) => this.engine.cancel(p.orderId),
    dismissPayment: async (p) => {
      this.engine.dismiss(p.orderId);
      return { ok: true as const };
    },
    resolvePayment: async (p) => this.engine.resolve(p.orderId, p.reason),
    payCash: async (p) => {
      const total = lineTotal(p.lines);
      if (p.given < total)
        throw new TillError({ code: 'bad_request', field: 'given', message: 'The amount given is less than the total.' });
      const saleId = `${this.engine.installId}-c${randomBytes(4).toString('hex')}`;
      const at = this.#now();
      try {
        this.journal.append({
          k: 'cash',
          at,
          saleId,
          lines: p.lines,
          total,
          currency: this.#settings().currency,
          given: p.given,
          change: p.given - total,
        });
      } catch (err) {
        throw new TillError({ code: 'storage_error', message: storageMessage(err) });
      }
      return this.#sale(saleId)!;
    },
    history: async (p) => searchHistory(buildHistory(this.journal.entries), p.query).slice(0, p.limit ?? 500),
    refund: async (p) => {
      const sale = buildHistory(this.journal.entries).find((s) => s.attempts.some((a) => a.orderId === p.orderId));
      const attempt = sale?.attempts.find((a) => a.orderId === p.orderId);
      if (!sale || attempt?.state !== 'completed')
        throw new TillError({ code: 'not_allowed', message: 'Only a completed card payment can be refunded.' });
      const left = sale.total - sale.refunds.reduce((s, r) => s + r.amount, 0);
      const amount = p.amount ?? left;
      if (amount > left || left <= 0)
        throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than what is left to refund on this sale.' });
      const res = await this.#connection.client.refund(p.orderId, {
        currency: sale.currency,
        amount,
        description: `Refund ${sale.saleId}`,
      });
      this.journal.append({
        k: 'refund',
        at: this.#now(),
        orderId: p.orderId,
        saleId: sale.saleId,
        amount,
        currency: sale.currency,
        ...(res.transaction_id !== undefined ? { transactionId: String(res.transaction_id) } : {}),
      });
      return this.#sale(sale.saleId)!;
    },
    dayReport: async (p) => {
      const date = p.date ?? localDate(this.#now());
      const report: DayReport = dayReport(buildHistory(this.journal.entries), date, this.#settings().currency);
      if (p.reconcile) {
        const [from, to] = dayBounds(date);
        report.reconciliation = await this.engine.reconcile(from, to);
        const orphans = report.reconciliation.mismatches.filter((m) => m.kind === 'orphan_payment');
        if (orphans.length)
          this.#notice(
            'error',
            `${orphans.length} payment(s) were paid at MultiSafepay but not recorded as paid: ${orphans.map((o) => o.orderId).join(', ')}`,
          );
      }
      return report;
    },
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
      // A key goes only to the host it was entered for: moving to another host needs the key typed again.
      const hostChanged =
        cur.mode !== 'demo' &&
        next.mode !== 'demo' &&
        hostOf(this.#connection.baseFor(next.mode, next.baseUrl)) !== hostOf(this.#connection.baseFor(cur.mode, cur.baseUrl));
      if (hostChanged && p.apiKey === undefined && !p.clearApiKey && this.#secrets.get())
        throw new TillError({ code: 'bad_request', field: 'apiKey', message: 'Enter the API key again for the new address.' });
      if (next.defaultTerminalId && !this.#terminals(next).some((t) => t.id === next.defaultTerminalId))
        throw new TillError({ code: 'bad_request', field: 'defaultTerminalId', message: 'The default terminal is not in the list.' });
      try {
        if (p.clearApiKey) this.#secrets.clear();
        if (p.apiKey !== undefined) this.#secrets.set(p.apiKey);
        this.#settingsStore.set({ settings: next });
        this.#settingsCache = next;
      } catch (err) {
        throw new TillError({
          code: 'storage_error',
          message: err instanceof Error && /environment/.test(err.message) ? err.message : storageMessage(err),
        });
      }
      if (backendChanged) {
        await this.#connection.apply();
        await this.#connection.loadApiTerminals();
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
      this.#settingsStore.set({ catalog: p.items });
      this.#catalogCache = p.items;
      return p.items;
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
    };
  }

  #snapshot(): Snapshot {
    return {
      mode: this.mode,
      payments: this.engine.payments(),
      terminals: this.#terminals(),
      settings: this.#publicSettings(),
      catalog: this.#catalogCache,
      notices: [...this.#notices],
    };
  }

  #terminals(settings = this.#settings()): Terminal[] {
    return this.#connection.terminals(settings);
  }

  #sale(saleId: string): SaleRecord | undefined {
    return buildHistory(this.journal.entries).find((s) => s.saleId === saleId);
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

  #notice(level: Notice['level'], message: string): void {
    const notice: Notice = { id: randomUUID(), level, message, at: this.#now() };
    this.#notices.push(notice);
    if (this.#notices.length > 20) this.#notices.shift();
    this.#emit({ type: 'notice', notice });
  }

  #emit(e: TillEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // one broken listener must not stop the others
      }
    }
  }
}

function storageMessage(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code === 'ENOSPC'
    ? 'The disk is full - nothing was saved. Free some space and try again.'
    : 'The till could not save to disk - nothing was saved.';
}
