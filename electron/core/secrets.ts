/**
 * Where the MultiSafepay API key is kept. The key never leaves the main process: the UI only learns whether one
 * is set. Electron uses OS encryption (safeStorage, see electron/secret-store.ts); headless mode uses the
 * environment or a file readable only by the till's user.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretStore {
  readonly kind: 'os' | 'basic_text' | 'file' | 'env';
  get(): string | undefined;
  set(value: string): void;
  clear(): void;
}

/** The key from the environment: read-only. */
export class EnvSecretStore implements SecretStore {
  readonly kind = 'env' as const;
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  get() {
    return this.#value;
  }
  set(): void {
    throw new Error('The API key is set by the environment (TILL_MSP_API_KEY).');
  }
  clear(): void {
    throw new Error('The API key is set by the environment (TILL_MSP_API_KEY).');
  }
}

/** A file in the data directory with mode 0600 (headless mode only). */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly #path: string;
  /** `name`: the file, `api-key` for the API key, `shop-database` for the shop database's connection. */
  constructor(dataDir: string, name = 'api-key') {
    this.#path = join(dataDir, name);
  }
  get() {
    if (!existsSync(this.#path)) return undefined;
    const v = readFileSync(this.#path, 'utf8').trim();
    return v || undefined;
  }
  set(value: string) {
    writeSecretFile(this.#path, value);
  }
  clear() {
    rmSync(this.#path, { force: true });
  }
}

/**
 * Writes a secret file atomically, readable by the till's user only: a temporary file (0600, flushed to disk)
 * renamed over the old one, so a crash never leaves half a key or a moment where the file is readable by others.
 */
export function writeSecretFile(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flush: true });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
