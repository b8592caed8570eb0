/**
 * The one 'electron' mock for node tests (registered in setup-node.ts), so no test loads the real module,
 * which would try to download the Electron binary.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  on: vi.fn(),
  handle: vi.fn((channel: string, h: Handler) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcMain.handlers.set(channel, h);
  }),
  removeHandler: vi.fn((channel: string) => ipcMain.handlers.delete(channel)),
};

export const ipcRenderer = {
  invoke: vi.fn(async (_channel: string, _params?: unknown): Promise<unknown> => ({ ok: true, result: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
};

export const exposed: Record<string, unknown> = {};
export const contextBridge = {
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    exposed[key] = api;
  }),
};

/** A reversible stand-in for OS encryption: not plaintext on disk, and tells its backend. */
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as string,
  isEncryptionAvailable: vi.fn(() => safeStorage.available),
  getSelectedStorageBackend: vi.fn(() => safeStorage.backend),
  encryptString: vi.fn((s: string) => Buffer.from(`enc:${Buffer.from(s).toString('base64').split('').reverse().join('')}`)),
  decryptString: vi.fn((b: Buffer) => {
    const t = b.toString();
    if (!t.startsWith('enc:')) throw new Error('not encrypted');
    return Buffer.from(t.slice(4).split('').reverse().join(''), 'base64').toString();
  }),
};

class FakeApp extends EventEmitter {
  paths: Record<string, string> = { userData: '/tmp' };
  /** What requestSingleInstanceLock answers: false means another instance runs. */
  lock = true;
  isPackaged = false;
  quit = vi.fn();
  setPath(name: string, value: string) {
    this.paths[name] = value;
  }
  getPath(name: string) {
    return this.paths[name] ?? '/tmp';
  }
  getVersion() {
    return '0.0.0';
  }
  requestSingleInstanceLock() {
    return this.lock;
  }
  /** Becomes true once whenReady() resolves, as in Electron (reset by tests that load main.ts again). */
  ready = false;
  whenReady() {
    return Promise.resolve().then(() => {
      this.ready = true;
    });
  }
}
export const app = new FakeApp();

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = Object.assign(new EventEmitter(), {
    send: vi.fn(),
    isDestroyed: () => false,
    session: { setPermissionRequestHandler: vi.fn() },
    /** The printers of this computer, as Electron lists them. */
    getPrintersAsync: vi.fn(async () => [{ name: 'Receipts-80' }, { name: 'Office laser' }]),
    /** Prints the loaded page; the callback says whether it printed (a real spooler would take the job). */
    print: vi.fn((_options: Record<string, unknown>, done: (ok: boolean, why: string) => void) => done(true, '')),
  });
  destroy = vi.fn();
  loadURL = vi.fn(async (_url: string) => {});
  show = vi.fn();
  isMinimized = vi.fn(() => false);
  restore = vi.fn();
  focus = vi.fn();
  getBounds = vi.fn(() => ({ x: 10, y: 20, width: 1100, height: 760 }));
  isFullScreen = vi.fn(() => false);
  setKiosk = vi.fn();
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
  }
}
/** Schemes registered as privileged, and the handler of each scheme, as main.ts left them. */
export const protocol = {
  privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged: vi.fn((schemes: { scheme: string; privileges: Record<string, boolean> }[]) => {
    if (app.ready) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    protocol.privileged.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
    if (!app.ready) throw new Error('protocol.handle must be called once the app is ready');
    protocol.handlers.set(scheme, handler);
  }),
};
export const shell = { openExternal: vi.fn() };
export const dialog = { showMessageBoxSync: vi.fn((_opts: unknown) => 0), showSaveDialog: vi.fn() };
export const Menu = { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) };

export default { ipcMain, ipcRenderer, contextBridge, safeStorage, app, BrowserWindow, protocol, shell, dialog, Menu };
