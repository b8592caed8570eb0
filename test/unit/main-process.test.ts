/**
 * The Electron main process (electron/main.ts) run in Node with the shared 'electron' mock: single instance,
 * the core wired to IPC, the window's security options, navigation rules, window state and the quit warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import log from 'electron-log/main';
import { app, BrowserWindow, dialog, ipcMain, Menu, shell } from '../helpers/electron-mock';
import { tempDir } from '../helpers/engine';
import { until } from '../helpers/sim';
import { IPC_PREFIX, METHOD_NAMES } from '../../shared/contract';

vi.mock('electron-log/main', () => ({
  default: {
    info: vi.fn(),
    warn: vi.fn(),
    error: vi.fn(),
    transports: { file: { maxSize: 0, level: 'info', getFile: () => ({ path: '/tmp/main.log' }) } },
  },
}));
vi.mock('electron-updater', () => ({ default: { autoUpdater: {} } }));
vi.mock('electron-store', async () => {
  // electron-store is conf with Electron's paths; conf itself keeps the same file format.
  const { default: Conf } = await import('conf');
  return {
    default: class extends Conf<Record<string, unknown>> {
      constructor(opts: { cwd: string; name: string; clearInvalidConfig?: boolean }) {
        super({ cwd: opts.cwd, configName: opts.name, projectName: 'till', clearInvalidConfig: opts.clearInvalidConfig ?? false });
      }
    },
  };
});

let dataDir: string;
let run = 0;
/** Evaluates electron/main.ts afresh (a new query makes a new module) against the same 'electron' mock. */
const loadMain = () => import(/* @vite-ignore */ `../../electron/main.ts?run=${++run}`);
beforeEach(() => {
  app.removeAllListeners();
  app.lock = true;
  app.quit.mockClear();
  ipcMain.handlers.clear();
  BrowserWindow.instances.length = 0;
  dialog.showMessageBoxSync.mockReset();
  dataDir = tempDir('till-main-');
  vi.stubEnv('TILL_DATA_DIR', dataDir);
});
afterEach(async () => {
  app.emit('will-quit');
  vi.unstubAllEnvs();
});

type Item = { label?: string; click: (item: { checked?: boolean }) => void; submenu?: Item[] };
/** Finds an item of the application menu most recently set. */
function menuItem(label: string): Item {
  const template = Menu.setApplicationMenu.mock.calls.at(-1)![0] as Item[];
  const all = template.flatMap((i) => [i, ...(i.submenu ?? [])]);
  return all.find((i) => i.label === label)!;
}

async function boot() {
  await loadMain();
  await until(() => BrowserWindow.instances[0]?.loadURL.mock.calls.length, 'window loaded');
  return BrowserWindow.instances[0]!;
}

describe('main process', () => {
  it('opens one hardened window on the built page, with the core behind typed IPC, in TILL_DATA_DIR', async () => {
    const win = await boot();
    expect(app.getPath('userData')).toBe(dataDir);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(win.loadURL.mock.calls[0]![0]).toMatch(/^file:\/\/.*\/dist\/index\.html$/);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `${IPC_PREFIX}${m}`).sort());
    expect(existsSync(join(dataDir, 'till-state.json'))).toBe(true);
    expect(win.webContents.session.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it('keeps a single instance: a second launch quits, and the first focuses its window', async () => {
    const win = await boot();
    app.emit('second-instance');
    expect(win.focus).toHaveBeenCalled();
    app.lock = false;
    await loadMain();
    expect(app.quit).toHaveBeenCalled();
  });

  it('blocks navigation away from the app and new windows; opens only allow-listed links outside', async () => {
    await boot();
    const contents = Object.assign(new (await import('node:events')).EventEmitter(), { setWindowOpenHandler: vi.fn() });
    app.emit('web-contents-created', {}, contents);
    const open = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => { action: string };
    expect(open({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(open({ url: 'https://docs.multisafepay.com/docs/smartpos' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://docs.multisafepay.com/docs/smartpos');
    const nav = { preventDefault: vi.fn() };
    contents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('asks before closing while a payment is open, remembers the window when it closes', async () => {
    const win = await boot();
    const charge = ipcMain.handlers.get(`${IPC_PREFIX}charge`)!;
    const res = (await charge(
      { sender: win.webContents, senderFrame: { url: win.loadURL.mock.calls[0]![0] } },
      { terminalId: 'DEMO0001', lines: [{ name: 'x', unitPrice: 100, quantity: 1 }] },
    )) as { ok: boolean };
    expect(res.ok).toBe(true);
    dialog.showMessageBoxSync.mockReturnValueOnce(0); // Keep the till open
    const keep = { preventDefault: vi.fn() };
    win.emit('close', keep);
    expect(dialog.showMessageBoxSync).toHaveBeenCalledTimes(1);
    expect(String((dialog.showMessageBoxSync.mock.calls[0]![0] as { message: string }).message)).toMatch(/still open on DEMO0001/);
    expect(keep.preventDefault).toHaveBeenCalled();
    dialog.showMessageBoxSync.mockReturnValueOnce(1); // Quit anyway
    const go = { preventDefault: vi.fn() };
    win.emit('close', go);
    expect(go.preventDefault).not.toHaveBeenCalled();
    const bounds = JSON.parse(readFileSync(join(dataDir, 'window.json'), 'utf8')) as { bounds: unknown };
    expect(bounds.bounds).toEqual({ x: 10, y: 20, width: 1100, height: 760 });
    const quit = { preventDefault: vi.fn() };
    app.emit('before-quit', quit);
    expect(quit.preventDefault).not.toHaveBeenCalled();
    expect(dialog.showMessageBoxSync).toHaveBeenCalledTimes(2); // asked once per quit, not again
  });

  it('logs with rotation, toggles kiosk mode from the menu and remembers it', async () => {
    const win = await boot();
    expect(log.transports.file.maxSize).toBe(5 * 1024 * 1024);
    const kiosk = menuItem('Full screen (kiosk)');
    kiosk.click({ checked: true });
    expect(win.setKiosk).toHaveBeenCalledWith(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'window.json'), 'utf8')).kiosk).toBe(true);
  });

  it('exports diagnostics without the API key', async () => {
    const win = await boot();
    const frame = { sender: win.webContents, senderFrame: { url: win.loadURL.mock.calls[0]![0] } };
    const key = 'live_secret_key_0123456789abcdef';
    expect(await ipcMain.handlers.get(`${IPC_PREFIX}saveSettings`)!(frame, { apiKey: key })).toMatchObject({ ok: true });
    const out = join(dataDir, 'diagnostics.json');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: out });
    menuItem('Export diagnostics…').click({});
    await until(() => existsSync(out), 'diagnostics written');
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ version: '0.0.0', snapshot: { settings: { apiKeySet: true } } });
    expect(text).not.toContain(key);
  });

  it('refuses IPC from a window it did not create', async () => {
    await boot();
    const snapshot = ipcMain.handlers.get(`${IPC_PREFIX}snapshot`)!;
    const stranger = new BrowserWindow({});
    expect(await snapshot({ sender: stranger.webContents, senderFrame: { url: 'file:///x' } }, {})).toMatchObject({
      ok: false,
      error: { code: 'not_allowed' },
    });
  });
});
