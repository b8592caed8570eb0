/**
 * The durable key-value store the core writes to. `electron-store` in the app and `conf` in plain Node
 * (electron-store is conf underneath: same file format, atomic temp-file-and-rename writes).
 */
import { copyFileSync, existsSync, renameSync } from 'node:fs';
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

/**
 * Wraps conf or electron-store. The contents are read once and kept in memory, so the payment path never reads
 * the file again; each `set` is one atomic write of the whole store, and memory changes only if it succeeded.
 */
export function fromConf(conf: { store: Record<string, unknown>; readonly path: string }): KeyValueStore {
  let data = { ...conf.store };
  return {
    get: (k) => data[k],
    set: (values) => {
      const next = { ...data, ...values };
      conf.store = next;
      data = next;
    },
    path: conf.path,
  };
}

/** A conf-backed store in `dir`, named `<name>.json`. */
export function openConfStore(dir: string, name: string): OpenedStore {
  const create = () =>
    fromConf(
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: name,
        projectName: 'till',
        clearInvalidConfig: false,
        configFileMode: 0o600,
      }),
    );
  return openStore(create, `${dir}/${name}.json`);
}

/** Keeps a copy of a file that parsed but held something wrong, for support; where it went, if it could. */
export function keepCopy(path: string, now = Date.now()): string | undefined {
  try {
    const to = `${path}.damaged-${now}`;
    copyFileSync(path, to);
    return to;
  } catch {
    return undefined;
  }
}
