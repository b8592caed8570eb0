/**
 * The one 'electron' mock for node tests (registered in setup-node.ts), so no test loads the real module,
 * which would try to download the Electron binary.
 */
import { vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
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

export const app = { getPath: vi.fn(() => '/tmp'), isPackaged: false, getVersion: () => '0.0.0' };
export class BrowserWindow {}
export const shell = { openExternal: vi.fn() };
export const dialog = { showMessageBoxSync: vi.fn(), showSaveDialog: vi.fn() };
export const Menu = { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn() };

export default { ipcMain, ipcRenderer, contextBridge, safeStorage, app, BrowserWindow, shell, dialog, Menu };
