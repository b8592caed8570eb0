/**
 * The desktop app's main process: wires the till core to a hardened window over typed IPC, keeps one instance,
 * remembers the window, logs with rotation, updates itself safely and warns before quitting during a payment.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, shell } from 'electron';
import { systemPrinter } from './print';
import log from 'electron-log/main';
import Store from 'electron-store';
import electronUpdater from 'electron-updater';
import { APP_ENTRY, APP_SCHEME, APP_SCHEME_PRIVILEGES, appResponse } from './core/app-protocol';
import { devServerUrl, keyStoreFor, launchEnv } from './core/launch-policy';
import type { Logger } from './core/log';
import { envFromProcess, TillService } from './core/service';
import { fromConf, openStore } from './core/storage/kv';
import { timingFromEnv } from './core/timing-env';
import { quitWarning } from './core/update-policy';
import { forwardEvent, registerIpc } from './ipc';
import { SafeStorageSecretStore } from './secret-store';
import { setupUpdates } from './update';
import { isAllowedExternal, isAppUrl, mainWindowOptions } from './windows';

const here = fileURLToPath(new URL('.', import.meta.url));
// A packaged till obeys no development or test switch (see core/launch-policy.ts).
const { env, ignored } = launchEnv(process.env, app.isPackaged);
const appUrl = devServerUrl(env, app.isPackaged) ?? APP_ENTRY;
if (env.TILL_DATA_DIR) app.setPath('userData', env.TILL_DATA_DIR);
const dataDir = app.getPath('userData');
// Must happen before 'ready': the UI's own origin, app://till, standard and secure (never file://).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

log.transports.file.maxSize = 5 * 1024 * 1024; // rotates to main.old.log
log.transports.file.level = 'info';
const logger: Logger = {
  info: (m, meta) => log.info(m, meta ?? ''),
  warn: (m, meta) => log.warn(m, meta ?? ''),
  error: (m, meta) => log.error(m, meta ?? ''),
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | undefined;
  let service: TillService | undefined;
  let quitConfirmed = false;
  const uiStore = new Store<{
    bounds?: { x?: number; y?: number; width: number; height: number };
    kiosk?: boolean;
    channel?: 'latest' | 'beta';
  }>({
    name: 'window',
    cwd: dataDir,
  });

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // No remote content, no new windows, no navigation away from the app, no webviews.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternal(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url, appUrl)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!isAppUrl(url, appUrl)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });

  /** True when quitting may go ahead: nothing is open, or the cashier confirmed. Asks at most once per quit. */
  const confirmQuit = (): boolean => {
    if (quitConfirmed || !service) return true;
    const warning = quitWarning(service.pendingTerminals());
    if (warning) {
      const choice = dialog.showMessageBoxSync({
        type: 'warning',
        buttons: ['Keep the till open', 'Quit anyway'],
        defaultId: 0,
        cancelId: 0,
        message: warning,
      });
      if (choice === 0) return false;
    }
    quitConfirmed = true;
    return true;
  };

  const createWindow = async () => {
    win = new BrowserWindow(mainWindowOptions(join(here, 'preload.cjs'), uiStore.get('bounds'), uiStore.get('kiosk') ?? false));
    win.webContents.session.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    win.once('ready-to-show', () => {
      win?.show();
      // `npm start` (scripts/start.mjs) reads this line: the desktop app runs, so no headless fallback.
      console.log('Till window open');
    });
    win.on('close', (e) => {
      // Closing the only window quits the till: ask first while a payment is open.
      if (!confirmQuit()) return e.preventDefault();
      if (win && !win.isFullScreen()) uiStore.set('bounds', win.getBounds());
    });
    await win.loadURL(appUrl);
  };

  /** A consistent copy of the sales ledger into a folder the person chooses. */
  const exportBackup = async () => {
    if (!service || !win) return;
    const res = await dialog.showOpenDialog(win, {
      properties: ['openDirectory', 'createDirectory'],
      title: 'Save a backup of the sales ledger',
    });
    const folder = res.filePaths[0];
    if (res.canceled || !folder) return;
    const r = await service.dispatch('exportBackup', { folder });
    if (r.ok) service.notify('info', `A copy of the sales ledger was saved to ${(r.result as { path: string }).path}`);
    else service.notify('error', r.error.message);
  };

  const exportDiagnostics = async () => {
    if (!service || !win) return;
    const res = await dialog.showSaveDialog(win, { defaultPath: `till-diagnostics-${Date.now()}.json` });
    if (res.canceled || !res.filePath) return;
    const snap = await service.dispatch('snapshot', {});
    // The snapshot never holds the API key or events tokens; the log holds no secrets either.
    writeFileSync(
      res.filePath,
      JSON.stringify(
        {
          version: app.getVersion(),
          platform: process.platform,
          arch: process.arch,
          electron: process.versions.electron,
          snapshot: snap.ok ? snap.result : null,
          logFile: log.transports.file.getFile().path,
        },
        null,
        2,
      ),
    );
  };

  /**
   * Runs a menu action only a manager may take once staff are set up (the till's own rule); otherwise says why and
   * puts the menu back as it was.
   */
  const asManager = (what: string, action: () => void, updates?: ReturnType<typeof setupUpdates>) => {
    try {
      service?.requireManager(what);
    } catch (err) {
      dialog.showMessageBoxSync({ type: 'warning', message: err instanceof Error ? err.message : 'That needs a manager.' });
      buildMenu(updates);
      return;
    }
    action();
  };

  const buildMenu = (updates?: ReturnType<typeof setupUpdates>): void =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate([
        {
          label: 'Till',
          submenu: [
            { label: 'Export diagnostics…', click: () => void exportDiagnostics() },
            { label: 'Export backup…', click: () => void exportBackup() },
            {
              label: 'Full screen (kiosk)',
              type: 'checkbox',
              checked: uiStore.get('kiosk') ?? false,
              click: (item) =>
                asManager(
                  'Switching full screen',
                  () => {
                    uiStore.set('kiosk', item.checked);
                    win?.setKiosk(item.checked);
                  },
                  updates,
                ),
            },
            { label: 'Restart to update', enabled: updates?.policy.canRestartToUpdate() ?? false, click: () => updates?.restartToUpdate() },
            {
              label: 'Update channel',
              submenu: (['latest', 'beta'] as const).map((channel) => ({
                label: channel === 'latest' ? 'Stable' : 'Beta',
                type: 'radio' as const,
                checked: (uiStore.get('channel') ?? 'latest') === channel,
                click: () =>
                  asManager(
                    'Changing the update channel',
                    () => {
                      uiStore.set('channel', channel);
                      if (updates) updates.setChannel(channel);
                    },
                    updates,
                  ),
              })),
            },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
        { role: 'editMenu' },
      ]),
    );

  app.whenReady().then(async () => {
    if (ignored.length) logger.warn('packaged build: ignoring development switches', { ignored });
    const distDir = join(here, '../dist');
    protocol.handle(APP_SCHEME, (request) => appResponse(request.url, distDir));
    const timing = timingFromEnv(env);
    const tillEnv = envFromProcess(env);
    try {
      service = await TillService.create({
        dataDir,
        env: tillEnv,
        secretStore: keyStoreFor(tillEnv, () => new SafeStorageSecretStore(safeStorage, dataDir)),
        shopSecretStore: new SafeStorageSecretStore(safeStorage, dataDir, 'shop-database.enc'),
        openStore: (dir, name) =>
          openStore(
            () => fromConf(new Store<Record<string, unknown>>({ cwd: dir, name, clearInvalidConfig: false, configFileMode: 0o600 })),
            join(dir, `${name}.json`),
          ),
        logger,
        ...(timing ? { timing } : {}),
        systemPrinter: systemPrinter(BrowserWindow, () => win?.webContents),
      });
    } catch (err) {
      // One till per data folder (another process holds it), or a ledger from a newer till: say so and stop.
      dialog.showErrorBox('The till cannot start', `${(err as Error).message}\n\n${dataDir}`);
      app.exit(3);
      return;
    }
    const svc = service;
    registerIpc(ipcMain, svc, (sender, frameUrl) => Boolean(win && sender === win.webContents && frameUrl && isAppUrl(frameUrl, appUrl)));
    svc.on((e) => win && forwardEvent(win.webContents, e));
    await createWindow();

    let updates: ReturnType<typeof setupUpdates> | undefined;
    if (app.isPackaged) {
      updates = setupUpdates(
        electronUpdater.autoUpdater,
        () => svc.engine.hasPendingPayments(),
        logger,
        (version) => {
          svc.notify(
            'info',
            `Update ${version} is ready. It installs when you restart the till with no payment open (Till menu > Restart to update).`,
          );
          buildMenu(updates);
        },
        uiStore.get('channel') ?? 'latest',
      );
      svc.engine.on(() => buildMenu(updates));
    }
    buildMenu(updates);

    app.on('before-quit', (e) => {
      if (!confirmQuit()) return e.preventDefault();
      updates?.beforeQuit();
    });
    app.on('will-quit', () => {
      updates?.stop();
      void svc.close();
    });
  });

  app.on('window-all-closed', () => app.quit());
}
