/**
 * The durable key-value store the core writes to. `electron-store` in the app and `conf` in plain Node
 * (electron-store is conf underneath: same file format, atomic temp-file-and-rename writes).
 */
import { existsSync, renameSync } from 'node:fs';
import Conf from 'conf';

export interface KeyValueStore {
  get(key: string): unknown;
  /** Writes all given keys in one atomic file write. */
  set(values: Record<string, unknown>): void;
  readonly path: string;
}

export interface OpenedStore {
  store: KeyValueStore;
  /** Set when the file could not be read: where the damaged copy was kept. */
  damagedCopy?: string;
}

/**
 * Opens a store file, and if it is unreadable keeps the damaged file aside and starts a fresh one.
 * `create` builds the concrete store (conf here, electron-store in the app).
 */
export function openStore(create: () => KeyValueStore, filePath: string, now = Date.now()): OpenedStore {
  try {
    return { store: create() };
  } catch (err) {
    if (!existsSync(filePath)) throw err;
    const damagedCopy = `${filePath}.damaged-${now}`;
    renameSync(filePath, damagedCopy);
    return { store: create(), damagedCopy };
  }
}

/** A conf-backed store in `dir`, named `<name>.json`. */
export function openConfStore(dir: string, name: string): OpenedStore {
  const create = (): KeyValueStore => {
    const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: name, projectName: 'till', clearInvalidConfig: false });
    return { get: (k) => conf.get(k), set: (v) => conf.set(v), path: conf.path };
  };
  return openStore(create, `${dir}/${name}.json`);
}
