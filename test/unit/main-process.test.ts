/**
 * The Electron main process (electron/main.ts) run in Node with the shared 'electron' mock: single instance,
 * the core wired to IPC, the window's security options, navigation rules, window state and the quit warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import log from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, shell } from '../helpers/electron-mock';
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
vi.mock('electron-updater', async () => {
  const { EventEmitter } = await import('node:events');
  // An updater with electron-updater's channel rule: setting the channel turns allowDowngrade on.
  class FakeUpdater extends EventEmitter {
    allowPrerelease = false;
    allowDowngrade = false;
    autoDownload = false;
    autoInstallOnAppQuit = true;
    #channel: string | null = null;
    get channel() {
      return this.#channel;
    }
    set channel(v: string | null) {
      this.#channel = v;
      this.allowDowngrade = true;
    }
    checkForUpdates = vi.fn(async () => null);
    quitAndInstall = vi.fn();
  }
  return { default: { autoUpdater: new FakeUpdater() } };
});
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
  app.ready = false;
  app.isPackaged = false;
  app.quit.mockClear();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
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

/** Quits and starts the main process again on the same data dir, as a new process would. */
async function relaunch() {
  app.emit('will-quit');
  app.removeAllListeners();
  ipcMain.handlers.clear();
  BrowserWindow.instances.length = 0;
  app.ready = false;
  return boot();
}

/** Calls a till method over IPC as the window's own page would. */
const ipc = (win: BrowserWindow, method: string, params: unknown = {}) =>
  ipcMain.handlers.get(`${IPC_PREFIX}${method}`)!(
    { sender: win.webContents, senderFrame: { url: 'app://till/index.html' } },
    params,
  ) as Promise<{
    ok: boolean;
    result?: Record<string, unknown>;
  }>;

describe('main process', () => {
  it('opens one hardened window on the built page, with the core behind typed IPC, in TILL_DATA_DIR', async () => {
    const win = await boot();
    expect(app.getPath('userData')).toBe(dataDir);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(win.loadURL.mock.calls[0]![0]).toBe('app://till/index.html');
    expect([...ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `${IPC_PREFIX}${m}`).sort());
    expect(existsSync(join(dataDir, 'till-state.json'))).toBe(true);
    expect(win.webContents.session.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it('keeps a single instance: a second launch quits, and the first focuses its window', async () => {
    const win = await boot();
    app.emit('second-instance');
    expect(win.focus).toHaveBeenCalled();
    app.lock = false;
    app.ready = false; // a second launch is a second process: its main.ts runs before its own 'ready'
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

  it("staff roles over IPC: a cashier's refund and day close are refused with no change; a manager's refund goes through", async () => {
    const win = await boot();
    const call = (m: string, p: unknown = {}) =>
      ipc(win, m, p) as Promise<{ ok: boolean; result?: Record<string, unknown>; error?: { code: string } }>;
    expect(
      (
        await call('saveStaff', {
          staff: [
            { id: 'ann', name: 'Ann', role: 'manager', pin: '4321' },
            { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
          ],
        })
      ).ok,
    ).toBe(true);
    expect((await call('signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
    const sale = await call('payCash', { lines: [{ name: 'Tea', unitPrice: 275, quantity: 1 }], given: 275 });
    const saleId = sale.result!.saleId as string;
    expect(await call('refund', { orderId: saleId })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(await call('closeDay', { counted: 0 })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    const history = await call('history', {});
    expect((history.result as unknown as { refunds: unknown[] }[])[0]!.refunds).toEqual([]);
    expect((await call('signIn', { staffId: 'ann', pin: '4321' })).ok).toBe(true);
    expect(await call('refund', { orderId: saleId })).toMatchObject({ ok: true, result: { status: 'refunded' } });
  });

  it('prints a receipt silently on a printer of this computer through a hidden, script-less window', async () => {
    const win = await boot();
    const call = (m: string, p: unknown = {}) => ipc(win, m, p) as Promise<{ ok: boolean; result?: unknown }>;
    expect((await call('printers')).result).toEqual(['Receipts-80', 'Office laser']);
    expect((await call('saveSettings', { systemPrinter: 'Receipts-80', paper: '58mm', merchantName: 'Bakkerij Jansen' })).ok).toBe(true);
    const sale = (await call('payCash', { lines: [{ name: 'Brood', unitPrice: 325, quantity: 1, vatRate: 9 }], given: 500 })).result as {
      receiptNumber: number;
    };
    await until(() => BrowserWindow.instances.length > 1 && BrowserWindow.instances[1]!.webContents.print.mock.calls.length, 'printed');
    const printer = BrowserWindow.instances[1]!;
    expect(printer.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true, nodeIntegration: false } });
    const page = decodeURIComponent(String(printer.loadURL.mock.calls[0]![0]).replace(/^data:text\/html;charset=utf-8,/, ''));
    expect(page).toContain('Bakkerij Jansen');
    expect(page).toContain(String(sale.receiptNumber));
    expect(printer.webContents.print.mock.calls[0]![0]).toMatchObject({
      silent: true,
      deviceName: 'Receipts-80',
      pageSize: { width: 58_000 },
    });
    await until(() => printer.destroy.mock.calls.length, 'print window closed');
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
    expect(await snapshot({ sender: stranger.webContents, senderFrame: { url: 'app://till/index.html' } }, {})).toMatchObject({
      ok: false,
      error: { code: 'not_allowed' },
    });
  });

  it('refuses IPC from its own window once it shows anything but app://till (a file:// page, another host)', async () => {
    const win = await boot();
    const snapshot = ipcMain.handlers.get(`${IPC_PREFIX}snapshot`)!;
    for (const url of ['file:///x/dist/index.html', 'file://host/index.html', 'app://evil/index.html', 'https://till/index.html']) {
      expect(await snapshot({ sender: win.webContents, senderFrame: { url } }, {})).toMatchObject({
        ok: false,
        error: { code: 'not_allowed' },
      });
    }
    expect(await snapshot({ sender: win.webContents, senderFrame: { url: 'app://till/index.html' } }, {})).toMatchObject({ ok: true });
  });
});

describe('app:// scheme', () => {
  it('is registered as standard and secure before ready, and handled once ready', async () => {
    await boot();
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(protocol.handlers.has('app')).toBe(true);
  });

  it('refuses paths that leave the built UI and other hosts', async () => {
    await boot();
    const handle = protocol.handlers.get('app')!;
    for (const url of [
      'app://till/../package.json',
      'app://till/%2e%2e/package.json',
      'app://till/..%2fpackage.json',
      'app://till/..%5cpackage.json',
    ]) {
      expect((await handle(new Request(url))).status, url).toBe(404);
    }
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404);
    expect((await handle(new Request('app://till/%E0%A4%A'))).status).toBe(400);
  });

  const built = join(import.meta.dirname, '../../dist/index.html');
  it.skipIf(!existsSync(built))('serves the built page from dist/ with the CSP (skipped until "npm run build")', async () => {
    await boot();
    const res = await protocol.handlers.get('app')!(new Request('app://till/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toBe(readFileSync(built, 'utf8'));
  });
});

describe('packaged means locked', () => {
  it('a packaged build ignores the dev server and every TILL_* switch but the kiosk ones', async () => {
    app.isPackaged = true;
    vi.stubEnv('VITE_DEV_SERVER_URL', 'http://evil.example/');
    vi.stubEnv('TILL_MSP_BASE_URL', 'https://evil.example/v1/json');
    vi.stubEnv('TILL_MSP_API_KEY', 'env_key_0123456789');
    vi.stubEnv('TILL_TERMINAL_IDS', 'KIOSK1');
    const win = await boot();
    expect(win.loadURL.mock.calls[0]![0]).toBe('app://till/index.html');
    expect(app.getPath('userData')).toBe(dataDir); // TILL_DATA_DIR is a kiosk switch: kept
    const snap = (await ipc(win, 'snapshot')).result as {
      mode: string;
      settings: { lockedByEnv: boolean; apiKeySet: boolean };
      terminals: { id: string }[];
    };
    expect(snap.mode).toBe('demo');
    expect(snap.settings).toMatchObject({ lockedByEnv: false, apiKeySet: false });
    expect(snap.terminals.map((t) => t.id)).toContain('KIOSK1');
    // Whatever else the machine's environment holds, these are ignored (and TILL_DATA_DIR, TILL_TERMINAL_IDS are not).
    expect(log.warn).toHaveBeenCalledWith('packaged build: ignoring development switches', {
      ignored: expect.arrayContaining(['TILL_MSP_API_KEY', 'TILL_MSP_BASE_URL', 'VITE_DEV_SERVER_URL']),
    });
    const calls = vi.mocked(log.warn).mock.calls as unknown[][];
    const ignored = (calls.find((c) => c[0] === 'packaged build: ignoring development switches')![1] as { ignored: string[] }).ignored;
    expect(ignored).not.toContain('TILL_DATA_DIR');
    expect(ignored).not.toContain('TILL_TERMINAL_IDS');
  });

  it('unpackaged, the dev server is loaded only from loopback http', async () => {
    vi.stubEnv('VITE_DEV_SERVER_URL', 'http://localhost:5173/');
    expect((await boot()).loadURL.mock.calls[0]![0]).toBe('http://localhost:5173/');
    vi.stubEnv('VITE_DEV_SERVER_URL', 'http://evil.example:5173/');
    expect((await relaunch()).loadURL.mock.calls[0]![0]).toBe('app://till/index.html');
  });

  it('a base URL from the environment never gets the key from the keychain', async () => {
    const win = await boot();
    expect(await ipc(win, 'saveSettings', { apiKey: 'live_secret_key_0123456789abcdef' })).toMatchObject({
      ok: true,
      result: { apiKeySet: true },
    });
    vi.stubEnv('TILL_MSP_BASE_URL', 'http://127.0.0.1:9/v1/json');
    const again = await relaunch();
    expect(await ipc(again, 'snapshot')).toMatchObject({ ok: true, result: { settings: { apiKeySet: false } } });
    expect(await ipc(again, 'testConnection')).toMatchObject({ ok: true, result: { ok: false } });
  });

  it('with staff set up, the kiosk switch and the update channel need a manager signed in; refused, nothing changes', async () => {
    app.isPackaged = true;
    const win = await boot();
    expect(
      (
        await ipc(win, 'saveStaff', {
          staff: [
            { id: 'ann', name: 'Ann', role: 'manager', pin: '4821' },
            { id: 'bob', name: 'Bob', role: 'cashier', pin: '1234' },
          ],
        })
      ).ok,
    ).toBe(true);
    expect((await ipc(win, 'signIn', { staffId: 'bob', pin: '1234' })).ok).toBe(true);
    const updater = electronUpdater.autoUpdater as unknown as { channel: string };
    menuItem('Full screen (kiosk)').click({ checked: true });
    menuItem('Update channel')
      .submenu!.find((i) => i.label === 'Beta')!
      .click({ checked: true });
    expect(win.setKiosk).not.toHaveBeenCalled();
    expect(updater.channel).toBe('latest');
    expect(
      existsSync(join(dataDir, 'window.json')) ? JSON.parse(readFileSync(join(dataDir, 'window.json'), 'utf8')) : {},
    ).not.toMatchObject({ kiosk: true });
    expect(dialog.showMessageBoxSync).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/needs a manager/) }));
    expect(menuItem('Full screen (kiosk)')).toMatchObject({ checked: false });
    // A manager may.
    expect((await ipc(win, 'signIn', { staffId: 'ann', pin: '4821' })).ok).toBe(true);
    menuItem('Full screen (kiosk)').click({ checked: true });
    menuItem('Update channel')
      .submenu!.find((i) => i.label === 'Beta')!
      .click({ checked: true });
    expect(win.setKiosk).toHaveBeenCalledWith(true);
    expect(updater.channel).toBe('beta');
  });

  it('updates never go backwards, whichever channel is chosen', async () => {
    app.isPackaged = true;
    await boot();
    const updater = electronUpdater.autoUpdater as unknown as { channel: string; allowDowngrade: boolean; allowPrerelease: boolean };
    expect(updater).toMatchObject({ channel: 'latest', allowDowngrade: false, allowPrerelease: false });
    const beta = menuItem('Update channel').submenu!.find((i) => i.label === 'Beta')!;
    beta.click({ checked: true });
    expect(updater).toMatchObject({ channel: 'beta', allowDowngrade: false, allowPrerelease: true });
  });
});
