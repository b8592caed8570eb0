/** Window options and navigation rules: every security setting of the till's window lives here. */
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(
  preloadPath: string,
  bounds?: { x?: number; y?: number; width: number; height: number },
  kiosk = false,
): BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 800,
    ...(bounds?.x !== undefined && bounds?.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 800,
    minHeight: 600,
    show: false,
    kiosk,
    fullscreen: kiosk,
    title: 'Till',
    autoHideMenuBar: true,
    backgroundColor: '#f3f4f6',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/** Only the app's own page may be shown: app://till (or the dev server in development). See core/app-protocol. */
export { isAppUrl } from './core/app-protocol';

/** Links the till may open in the system browser. */
export const EXTERNAL_ALLOW_LIST = [
  'https://docs.multisafepay.com/',
  'https://merchant.multisafepay.com/',
  'https://www.multisafepay.com/',
];

export function isAllowedExternal(url: string): boolean {
  return EXTERNAL_ALLOW_LIST.some((prefix) => url.startsWith(prefix));
}
