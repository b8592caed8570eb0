import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contextBridge, exposed, ipcMain, ipcRenderer, safeStorage } from '../helpers/electron-mock';
import { forwardEvent, registerIpc } from '../../electron/ipc';
import { SafeStorageSecretStore } from '../../electron/secret-store';
import { setupUpdates } from '../../electron/update';
import { isAllowedExternal, isAppUrl, mainWindowOptions } from '../../electron/windows';
import { quitWarning, UpdatePolicy } from '../../electron/core/update-policy';
import { TillService } from '../../electron/core/service';
import { AppImageUpdater } from 'electron-updater/out/AppImageUpdater';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES } from '../../shared/contract';
import { TillError } from '../../shared/errors';
import { type TillBridge, tillApiOver } from '../../shared/wire';
import { silentLogger } from '../../electron/core/log';
import { tempDir } from '../helpers/engine';
import type { IpcMain, WebContents } from 'electron';

describe('IPC adapter', () => {
  beforeEach(() => ipcMain.handlers.clear());

  async function withService() {
    const service = await TillService.create({ dataDir: tempDir(), simulator: { approvalDelayMs: 1 } });
    const own = { id: 1 } as unknown as WebContents;
    const off = registerIpc(ipcMain as unknown as IpcMain, service, (sender, url) => sender === own && url === 'file:///app/index.html');
    const call = (channel: string, sender: WebContents, params: unknown, url = 'file:///app/index.html') => {
      const h = ipcMain.handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      return h({ sender, senderFrame: { url } }, params) as Promise<{
        ok: boolean;
        error?: { code: string; message: string };
        result?: unknown;
      }>;
    };
    return { service, own, off, call };
  }

  it('registers exactly one handler per contract method, and removes them', async () => {
    const { service, off } = await withService();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `${IPC_PREFIX}${m}`).sort());
    off();
    expect(ipcMain.handlers.size).toBe(0);
    await service.close();
  });

  it('refuses foreign senders and foreign frames, with no state change', async () => {
    const { service, own, call } = await withService();
    const params = { terminalId: 'DEMO0001', lines: [{ name: 'x', unitPrice: 100, quantity: 1 }] };
    const foreign = await call(`${IPC_PREFIX}charge`, { id: 2 } as unknown as WebContents, params);
    expect(foreign).toEqual({ ok: false, error: { code: 'not_allowed', message: 'Request refused: unknown sender.' } });
    const frame = await call(`${IPC_PREFIX}charge`, own, params, 'https://evil.example/');
    expect(frame.ok).toBe(false);
    expect(service.engine.payments()).toEqual([]);
    await service.close();
  });

  it('validates payloads: bad and oversized input gets a typed error and changes nothing; unknown channels have no handler', async () => {
    const { service, own, call } = await withService();
    for (const bad of [
      null,
      'x',
      { terminalId: 'DEMO0001' },
      { terminalId: 'DEMO0001', lines: [{ name: 'x', unitPrice: -1, quantity: 1 }] },
      { terminalId: 'a/b', lines: [] },
      { terminalId: 'DEMO0001', lines: Array(500).fill({ name: 'x', unitPrice: 1, quantity: 1 }) },
      { terminalId: 'DEMO0001', lines: [{ name: 'x', unitPrice: 1, quantity: 1 }], extra: 1 },
    ]) {
      const r = await call(`${IPC_PREFIX}charge`, own, bad);
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('bad_request');
    }
    expect(service.engine.payments()).toEqual([]);
    expect(ipcMain.handlers.has(`${IPC_PREFIX}__proto__`)).toBe(false);
    expect(ipcMain.handlers.has('till:shell')).toBe(false);
    expect(await service.dispatch('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const ok = await call(`${IPC_PREFIX}charge`, own, { terminalId: 'DEMO0001', lines: [{ name: 'x', unitPrice: 100, quantity: 1 }] });
    expect(ok.ok).toBe(true);
    await service.close();
  });

  it('forwards events only to a live window', () => {
    const send = vi.fn();
    forwardEvent({ isDestroyed: () => false, send } as unknown as WebContents, { type: 'history_changed' });
    forwardEvent({ isDestroyed: () => true, send } as unknown as WebContents, { type: 'history_changed' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, { type: 'history_changed' });
  });
});

describe('preload', () => {
  it('exposes only window.till with the contract methods, invoking their channels', async () => {
    await import('../../electron/preload');
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(exposed)).toEqual(['till']);
    const till = exposed.till as Record<string, (p: unknown) => Promise<unknown>>;
    expect(Object.keys(till).sort()).toEqual([...METHOD_NAMES, 'onEvent'].sort());
    expect(JSON.stringify(Object.keys(till))).not.toMatch(/ipcRenderer|invoke|send/);
    // The bridge moves the wire's Reply as data (contextBridge drops an Error's code); the renderer unwraps it.
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: { fine: 1 } });
    expect(await till.snapshot!({})).toEqual({ ok: true, result: { fine: 1 } });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('till:snapshot', {});
    const busy = { ok: false, error: { code: 'terminal_busy', message: 'busy', field: 'terminalId' } };
    ipcRenderer.invoke.mockResolvedValueOnce(busy);
    expect(await till.charge!({})).toEqual(busy);
  });

  it('the renderer turns the bridge into the typed API: results returned, refusals thrown with code and field', async () => {
    await import('../../electron/preload');
    const bridge = exposed.till as TillBridge;
    const api = tillApiOver((m, p) => bridge[m](p as never), bridge.onEvent);
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: { fine: 2 } });
    expect(await api.snapshot({})).toEqual({ fine: 2 });
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'bad_request', message: 'Required', field: 'terminalId' } });
    const err = await api.charge({ terminalId: '', lines: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TillError);
    expect(err).toMatchObject({ code: 'bad_request', message: 'Required', field: 'terminalId' });
  });
});

describe('window options', () => {
  it('sets every security option', () => {
    const o = mainWindowOptions('/app/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(mainWindowOptions('/p', undefined, true)).toMatchObject({ kiosk: true, fullscreen: true });
    expect(mainWindowOptions('/p', { x: 5, y: 6, width: 900, height: 700 })).toMatchObject({ x: 5, y: 6, width: 900, height: 700 });
  });
  it('allows navigation only to the app itself and external links only from the allow-list', () => {
    expect(isAppUrl('app://till/index.html', 'app://till/index.html')).toBe(true);
    expect(isAppUrl('app://till/assets/x.js', 'app://till/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html', 'app://till/index.html')).toBe(false);
    expect(isAppUrl('app://user:pw@till/index.html', 'app://till/index.html')).toBe(false);
    expect(isAppUrl('file:///opt/till/dist/index.html', 'app://till/index.html')).toBe(false);
    // file:// is never the app, with or without a host, even if asked to compare with itself.
    expect(isAppUrl('file://host/opt/till/dist/index.html', 'file:///opt/till/dist/index.html')).toBe(false);
    expect(isAppUrl('file:///opt/till/dist/index.html', 'file:///opt/till/dist/index.html')).toBe(false);
    expect(isAppUrl('https://evil.example/', 'app://till/index.html')).toBe(false);
    expect(isAppUrl('not a url', 'app://till/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173/')).toBe(false);
    expect(isAllowedExternal('https://docs.multisafepay.com/docs/smartpos')).toBe(true);
    expect(isAllowedExternal('https://evil.example/?https://docs.multisafepay.com/')).toBe(false);
  });
  it('the page carries a strict CSP', () => {
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    expect(html).toMatch(/default-src 'self'; script-src 'self';/);
    expect(html).not.toMatch(/unsafe-eval/);
  });
});

describe('credential storage (safeStorage)', () => {
  it('stores the key encrypted, never in plain text, and reads it back', () => {
    const dir = tempDir();
    const store = new SafeStorageSecretStore(safeStorage as never, dir);
    expect(store.kind).toBe('os');
    store.set('secret-api-key-123456');
    const raw = readFileSync(join(dir, 'api-key.enc'));
    expect(raw.toString()).not.toContain('secret-api-key-123456');
    expect(store.get()).toBe('secret-api-key-123456');
    store.clear();
    expect(store.get()).toBeUndefined();
  });
  it('reports basic_text where Linux has no keychain, and refuses to store without encryption', () => {
    const dir = tempDir();
    safeStorage.backend = 'basic_text';
    const weak = new SafeStorageSecretStore(safeStorage as never, dir);
    if (process.platform === 'linux') expect(weak.kind).toBe('basic_text');
    safeStorage.backend = 'gnome_libsecret';
    safeStorage.available = false;
    const none = new SafeStorageSecretStore(safeStorage as never, dir);
    expect(none.kind).toBe('basic_text');
    expect(() => none.set('k-1234567890')).toThrow(/no encryption/);
    safeStorage.available = true;
  });
  it('the service never returns the key, only whether one is set', async () => {
    const dir = tempDir();
    const service = await TillService.create({ dataDir: dir, secretStore: new SafeStorageSecretStore(safeStorage as never, dir) });
    const r = await service.dispatch('saveSettings', { apiKey: 'secret-api-key-123456' });
    expect(JSON.stringify(r)).not.toContain('secret-api-key-123456');
    const snap = await service.dispatch('snapshot', {});
    expect(JSON.stringify(snap)).not.toContain('secret-api-key-123456');
    expect(snap).toMatchObject({ ok: true, result: { settings: { apiKeySet: true, keyStorage: 'os' } } });
    await service.close();
  });
});

describe('update policy', () => {
  class FakeUpdater extends EventEmitter {
    autoDownload = false;
    autoInstallOnAppQuit = true;
    allowPrerelease = false;
    channel: string | null = null;
    checkForUpdates = vi.fn(async () => null);
    quitAndInstall = vi.fn();
  }
  it('never installs while a payment is open; installs when idle', () => {
    let pending = true;
    const u = new FakeUpdater();
    const onReady = vi.fn();
    const up = setupUpdates(u as never, () => pending, silentLogger, onReady, 'beta');
    expect(u.autoDownload).toBe(true);
    expect(u.autoInstallOnAppQuit).toBe(false);
    expect(u.allowPrerelease).toBe(true);
    expect(u.checkForUpdates).toHaveBeenCalledTimes(1);
    u.emit('update-available');
    u.emit('update-downloaded', { version: '2.0.0' });
    expect(onReady).toHaveBeenCalledWith('2.0.0');
    up.beforeQuit();
    expect(u.autoInstallOnAppQuit).toBe(false);
    up.restartToUpdate();
    expect(u.quitAndInstall).not.toHaveBeenCalled();
    pending = false;
    up.beforeQuit();
    expect(u.autoInstallOnAppQuit).toBe(true);
    up.restartToUpdate();
    expect(u.quitAndInstall).toHaveBeenCalledTimes(1);
    up.stop();
  });
  it('survives a failed download and checks again later', () => {
    vi.useFakeTimers();
    try {
      const u = new FakeUpdater();
      const up = setupUpdates(
        u as never,
        () => false,
        silentLogger,
        () => {},
      );
      u.emit('update-available');
      u.emit('error', new Error('connection reset'));
      expect(up.policy.state).toBe('error');
      expect(up.policy.canRestartToUpdate()).toBe(false);
      vi.advanceTimersByTime(4 * 60 * 60 * 1000);
      expect(u.checkForUpdates).toHaveBeenCalledTimes(2);
      up.stop();
    } finally {
      vi.useRealTimers();
    }
  });
  it('switches between the stable and beta channels and checks again', () => {
    const u = new FakeUpdater();
    const up = setupUpdates(
      u as never,
      () => false,
      silentLogger,
      () => {},
    );
    expect(u.channel).toBe('latest');
    expect(u.allowPrerelease).toBe(false);
    up.setChannel('beta');
    expect(u.channel).toBe('beta');
    expect(u.allowPrerelease).toBe(true);
    expect(u.checkForUpdates).toHaveBeenCalledTimes(2);
    up.stop();
  });
  it("stays on no-downgrade with electron-updater's own AppUpdater, which turns downgrades on when a channel is set", () => {
    const adapter = {
      version: '1.0.0',
      name: 'till',
      isPackaged: true,
      appUpdateConfigPath: '/nonexistent',
      userDataPath: tempDir(),
      baseCachePath: tempDir(),
    };
    const real = new AppImageUpdater(null, adapter);
    real.checkForUpdates = vi.fn(async () => null);
    real.channel = 'beta';
    expect(real.allowDowngrade).toBe(true); // the library's rule this guards against
    const up = setupUpdates(
      real,
      () => false,
      silentLogger,
      () => {},
    );
    expect(real).toMatchObject({ channel: 'latest', allowDowngrade: false, allowPrerelease: false });
    up.setChannel('beta');
    expect(real).toMatchObject({ channel: 'beta', allowDowngrade: false, allowPrerelease: true });
    up.stop();
  });

  it('pure policy', () => {
    const p = new UpdatePolicy(() => false);
    expect(p.installOnQuit()).toBe(false);
    p.state = 'ready';
    expect(p.installOnQuit()).toBe(true);
  });
});

describe('quit warning', () => {
  it('warns only while a terminal has a non-final payment', () => {
    expect(quitWarning([])).toBeNull();
    expect(quitWarning(['T1', 'T2'])).toMatch(/still open on T1, T2/);
  });
});
