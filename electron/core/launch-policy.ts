/**
 * What a launch may be told by its environment. A packaged till is a shop's till: development and test switches
 * must not reach it (a dev-server URL would be loaded and trusted for IPC; a base URL would receive the key from
 * the OS keychain). Plain Node, tested without Electron.
 */
import type { SecretStore } from './secrets';

/**
 * The only environment variables a packaged build reads: what a kiosk deployment needs (where the data lives,
 * which terminals to offer, the shop database and the till's name in it). Everything else is set in Settings.
 */
export const PACKAGED_ENV_ALLOWED = ['TILL_DATA_DIR', 'TILL_TERMINAL_IDS', 'TILL_SHOP_DATABASE_URL', 'TILL_NAME'] as const;

/** Variables that steer the app; a packaged build drops every one not allow-listed above. */
const isSwitch = (name: string) => name.startsWith('TILL_') || name === 'VITE_DEV_SERVER_URL';

/**
 * The environment this launch obeys. Unpackaged (development, tests): all of it. Packaged: the process
 * environment without any switch except PACKAGED_ENV_ALLOWED; `ignored` names what was dropped, for the log.
 */
export function launchEnv(env: NodeJS.ProcessEnv, packaged: boolean): { env: NodeJS.ProcessEnv; ignored: string[] } {
  if (!packaged) return { env: { ...env }, ignored: [] };
  const out: NodeJS.ProcessEnv = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (isSwitch(name) && !(PACKAGED_ENV_ALLOWED as readonly string[]).includes(name)) ignored.push(name);
    else out[name] = value;
  }
  return { env: out, ignored: ignored.sort() };
}

/**
 * The Vite dev server to load instead of the built UI: only when unpackaged, and only on loopback http (the dev
 * server is local; anything else is refused rather than trusted for IPC).
 */
export function devServerUrl(env: NodeJS.ProcessEnv, packaged: boolean): string | undefined {
  const raw = env.VITE_DEV_SERVER_URL;
  if (packaged || !raw) return undefined;
  try {
    const u = new URL(raw);
    const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
    return u.protocol === 'http:' && loopback && !u.username && !u.password ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A base URL from the environment is never combined with a key the till stored (keychain or file): whoever can
 * set the environment could otherwise point the till at their own server and receive the key. Such a launch
 * must bring its key in TILL_MSP_API_KEY too.
 */
export function mayUseStoredKey(env: { baseUrl?: string; apiKey?: string }): boolean {
  return !(env.baseUrl && !env.apiKey);
}

/** The key store of a launch whose base URL came from the environment without a key: holds nothing, takes nothing. */
export class WithheldSecretStore implements SecretStore {
  readonly kind = 'env' as const;
  get(): undefined {
    return undefined;
  }
  set(): void {
    throw new Error('TILL_MSP_BASE_URL is set: give the API key in TILL_MSP_API_KEY too.');
  }
  clear(): void {}
}

/** The stored-key store to use: `stored` when allowed, else one that withholds it. */
export function keyStoreFor(env: { baseUrl?: string; apiKey?: string }, stored: () => SecretStore): SecretStore {
  return mayUseStoredKey(env) ? stored() : new WithheldSecretStore();
}
