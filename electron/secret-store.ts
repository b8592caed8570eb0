/** The API key encrypted at rest with Electron's safeStorage (OS keychain / DPAPI / libsecret). */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { type SecretStore, writeSecretFile } from './core/secrets';

export class SafeStorageSecretStore implements SecretStore {
  readonly kind: 'os' | 'basic_text';
  readonly #path: string;
  readonly #safe: SafeStorage;

  /** `name`: the file, `api-key.enc` for the API key, `shop-database.enc` for the shop database's connection. */
  constructor(safe: SafeStorage, dataDir: string, name = 'api-key.enc') {
    this.#safe = safe;
    this.#path = join(dataDir, name);
    // On Linux without a keyring, Electron falls back to a hard-coded password: say so in Settings.
    const backend = process.platform === 'linux' ? safe.getSelectedStorageBackend?.() : undefined;
    this.kind = backend === 'basic_text' || !safe.isEncryptionAvailable() ? 'basic_text' : 'os';
  }

  get(): string | undefined {
    if (!existsSync(this.#path)) return undefined;
    try {
      return this.#safe.decryptString(readFileSync(this.#path)) || undefined;
    } catch {
      return undefined;
    }
  }

  set(value: string): void {
    if (!this.#safe.isEncryptionAvailable()) throw new Error('This computer offers no encryption for secrets.');
    writeSecretFile(this.#path, this.#safe.encryptString(value));
  }

  clear(): void {
    rmSync(this.#path, { force: true });
  }
}
