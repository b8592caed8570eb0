/**
 * Connection management: which MultiSafepay the till talks to (demo simulator, live, a custom URL), with which
 * key, the terminals it offers, and the connection test. The payment engine asks it for the current client.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ConnectionTest, Mode, Terminal } from '../../shared/contract';
import type { Logger } from './log';
import { LIVE_API_ROOT, MspClient, TEST_API_ROOT } from './payments/multisafepay/client';
import { MspError } from './payments/multisafepay/errors';
import { MultiSafepayProvider } from './payments/multisafepay/provider';
import type { PaymentProvider } from './payments/provider';
import type { SecretStore } from './secrets';
import type { StoredSettings } from './settings';
import { Simulator, type SimulatorConfig } from './payments/multisafepay/simulator/simulator';
import type { KeyValueStore } from './storage/kv';

export interface TillEnv {
  /** TILL_MSP_BASE_URL */
  baseUrl?: string;
  /** TILL_MSP_API_KEY */
  apiKey?: string;
  /** TILL_TERMINAL_IDS */
  terminalIds?: string[];
  /** TILL_SHOP_DATABASE_URL: the shop's PostgreSQL (a secret). */
  shopDatabaseUrl?: string;
  /** TILL_NAME: this till's name in the shop. */
  tillName?: string;
}

/** Where the host the stored key was entered for is kept (the payment state file, not the settings file). */
const KEY_HOST = 'apiKeyHost';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The rules for a MultiSafepay API root: a full https URL (http only on this computer), no credentials, no query
 * or fragment. Returns a sentence for the person when the URL breaks one, else undefined.
 */
export function baseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, e.g. https://api.multisafepay.com/v1/json';
  }
  if (url.username || url.password) return 'The API URL must not contain a user name or password.';
  if (url.search || url.hash) return 'The API URL must not contain a query (?...) or a fragment (#...).';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return undefined;
  return 'The API URL must start with https:// (http:// only for an address on this computer).';
}

export const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
};

export interface ConnectionOptions {
  dataDir: string;
  env: TillEnv;
  secrets: SecretStore;
  /** Keeps the demo key and port. */
  state: KeyValueStore;
  settings: () => StoredSettings;
  simulator?: Partial<SimulatorConfig>;
  logger: Logger;
  /** The terminal list changed (MultiSafepay answered, or the backend was switched). */
  onTerminals: () => void;
}

export class Connection {
  readonly #o: ConnectionOptions;
  #client: MspClient;
  /** The payment provider over the current client (made again when the client changes). */
  #provider: MultiSafepayProvider | undefined;
  #simulator: Simulator | undefined;
  #apiTerminals: Terminal[] = [];

  constructor(opts: ConnectionOptions) {
    this.#o = opts;
    this.#client = new MspClient({ baseUrl: LIVE_API_ROOT, apiKey: '' });
    // A key stored before keys were bound to their host belongs to the host the till uses now (none in demo mode).
    if (!opts.env.apiKey && opts.state.get(KEY_HOST) === undefined && opts.secrets.get() && this.mode !== 'demo')
      this.bindKey(this.baseFor(this.mode));
  }

  /**
   * The API key for a request to `base`. A key typed in Settings goes only to the host it was entered for, however
   * the till got to `base` (through demo mode or not); the environment's key goes to the environment's address.
   */
  keyFor(base: string): string | undefined {
    const key = this.#o.secrets.get();
    if (!key || this.#o.env.apiKey) return key;
    const bound = this.#o.state.get(KEY_HOST);
    return typeof bound === 'string' && bound !== '' && bound === hostOf(base) ? key : undefined;
  }

  /** The host the stored key was entered for ('' when none). */
  get keyHost(): string {
    const bound = this.#o.state.get(KEY_HOST);
    return typeof bound === 'string' ? bound : '';
  }

  /** Binds the stored key to the host of `base` (the key was just typed for it). */
  bindKey(base: string): void {
    this.#o.state.set({ [KEY_HOST]: hostOf(base) ?? '' });
  }

  get lockedByEnv(): boolean {
    return Boolean(this.#o.env.apiKey || this.#o.env.baseUrl);
  }

  get mode(): Mode {
    const env = this.#o.env;
    if (env.baseUrl || env.apiKey) {
      const url = env.baseUrl ?? LIVE_API_ROOT;
      return url === LIVE_API_ROOT ? 'live' : url === TEST_API_ROOT ? 'test' : 'custom';
    }
    return this.#o.settings().mode;
  }

  /** The API root for a mode (the environment's when it sets one). */
  baseFor(mode: Mode, customUrl = this.#o.settings().baseUrl): string {
    if (this.#o.env.baseUrl) return this.#o.env.baseUrl;
    return mode === 'live' ? LIVE_API_ROOT : mode === 'test' ? TEST_API_ROOT : customUrl || LIVE_API_ROOT;
  }

  get baseUrl(): string {
    return this.mode === 'demo' ? (this.#simulator?.apiRoot ?? '') : this.baseFor(this.mode);
  }

  get client(): MspClient {
    return this.#client;
  }

  /** The payment provider the engine and the sales book use now: MultiSafepay over the current client. */
  get provider(): PaymentProvider {
    if (this.#provider?.client !== this.#client)
      this.#provider = new MultiSafepayProvider({ client: this.#client, logger: this.#o.logger });
    return this.#provider;
  }

  get simulator(): Simulator | undefined {
    return this.#simulator;
  }

  /** Points the client at the current mode: the embedded simulator in demo mode, MultiSafepay otherwise. */
  async apply(): Promise<void> {
    const mode = this.mode;
    if (mode !== 'demo') {
      await this.#simulator?.stop();
      this.#simulator = undefined;
      const base = this.baseFor(mode);
      this.#client = new MspClient({ baseUrl: base, apiKey: this.keyFor(base) ?? '', logger: this.#o.logger });
      return;
    }
    if (this.#simulator) return;
    const state = this.#o.state;
    let demoKey = state.get('demoKey');
    if (typeof demoKey !== 'string') state.set({ demoKey: (demoKey = `demo_${randomBytes(16).toString('hex')}`) });
    const port = state.get('demoPort');
    const sim = new Simulator({
      apiKey: demoKey as string,
      port: typeof port === 'number' ? port : 0,
      statePath: join(this.#o.dataDir, 'demo-simulator.json'),
      // The till drives its virtual terminals in-process; no other process or web page may over HTTP.
      controlToken: randomBytes(32).toString('base64url'),
      ...this.#o.simulator,
    });
    const root = await sim.start();
    state.set({ demoPort: Number(new URL(root).port) });
    this.#simulator = sim;
    this.#client = new MspClient({ baseUrl: root, apiKey: demoKey as string, logger: this.#o.logger, timeoutMs: 5000 });
  }

  async close(): Promise<void> {
    await this.#simulator?.stop();
    this.#simulator = undefined;
  }

  /** Every terminal the till offers: the demo terminals, MultiSafepay's list, the environment's and hand-entered ids. */
  terminals(settings = this.#o.settings()): Terminal[] {
    const out = new Map<string, Terminal>();
    if (this.#simulator) for (const t of this.#simulator.terminals.values()) out.set(t.id, { id: t.id, name: t.name, source: 'demo' });
    for (const t of this.#apiTerminals) if (!out.has(t.id)) out.set(t.id, t);
    for (const id of this.#o.env.terminalIds ?? []) if (!out.has(id)) out.set(id, { id, source: 'env' });
    for (const id of settings.terminalIds) if (!out.has(id)) out.set(id, { id, source: 'manual' });
    return [...out.values()];
  }

  async loadApiTerminals(): Promise<void> {
    if (this.mode === 'demo' || !this.keyFor(this.baseFor(this.mode))) {
      this.#apiTerminals = [];
      return;
    }
    try {
      const list = await this.#client.listTerminals();
      this.#apiTerminals = list
        .filter((t) => t.active !== false)
        .map((t) => ({ id: t.id, ...(t.name ? { name: t.name } : {}), source: 'api' as const }));
      this.#o.onTerminals();
    } catch (err) {
      // Which key may list terminals is unclear at MultiSafepay: ids entered by hand keep working.
      this.#o.logger.info('terminal list not available', { reason: err instanceof MspError ? (err.code ?? err.kind) : 'error' });
    }
  }

  /**
   * Tests the connection as typed, before anything is saved. Says "connected" only when MultiSafepay itself
   * answered: its JSON "order not found" (1006) for a probe order that cannot exist, or a list of terminals.
   */
  async test(input: { mode?: Mode | undefined; baseUrl?: string | undefined; apiKey?: string | undefined }): Promise<ConnectionTest> {
    const mode = this.lockedByEnv ? this.mode : (input.mode ?? this.mode);
    let client: MspClient;
    if (mode === 'demo') {
      if (!this.#simulator) return { ok: true, message: 'Demo mode: save to start the built-in simulator.' };
      client = this.#client;
    } else {
      const base = this.lockedByEnv ? this.baseFor(this.mode) : this.baseFor(mode, input.baseUrl);
      const problem = baseUrlProblem(base);
      if (problem) return { ok: false, message: problem };
      // A key is only ever sent to the host it was entered for.
      const key = this.lockedByEnv ? this.#o.secrets.get() : (input.apiKey ?? this.keyFor(base));
      if (!key) return { ok: false, message: this.#o.secrets.get() ? 'Enter the API key for this address.' : 'No API key is set.' };
      client = new MspClient({ baseUrl: base, apiKey: key, logger: this.#o.logger, timeoutMs: 10_000, readRetries: 0 });
    }
    let heard = false;
    try {
      await client.getOrder(`connection-test-${randomUUID().slice(0, 8)}`);
      heard = true;
    } catch (err) {
      if (!(err instanceof MspError)) return { ok: false, message: 'The connection test failed.' };
      if (err.isNotFound) heard = true;
      else if (err.kind === 'refused' && err.fromMsp) return { ok: false, message: err.cashierMessage };
      else if (err.kind === 'refused')
        return { ok: false, message: `That address did not answer like MultiSafepay (HTTP ${err.httpStatus ?? '?'}). Check the API URL.` };
      else if (!err.fromMsp && err.httpStatus === undefined) return { ok: false, message: err.cashierMessage };
    }
    try {
      const terminals = await client.listTerminals();
      return { ok: true, message: `Connected to MultiSafepay. ${terminals.length} terminal(s) found.`, terminals: terminals.length };
    } catch {
      return heard
        ? { ok: true, message: 'Connected to MultiSafepay. This key cannot list terminals - add terminal ids by hand.' }
        : { ok: false, message: 'MultiSafepay did not answer the test. Check the API URL and the internet connection.' };
    }
  }
}
