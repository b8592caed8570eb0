/**
 * Silent receipt printing on a printer of this computer, through Electron's print API (a thin adapter: the
 * receipt itself is laid out by the core). A hidden window with no script and no preload loads the receipt's
 * HTML and prints it to the chosen printer without a dialog.
 */
import type { BrowserWindow as BrowserWindowType, WebContents } from 'electron';
import type { SystemPrinter } from './core/printing/receipts';

/** Paper widths in microns for Electron's pageSize. */
const PAPER_MICRONS = { '58mm': 58_000, '80mm': 80_000 } as const;

export function systemPrinter(
  BrowserWindow: new (options: Record<string, unknown>) => BrowserWindowType,
  anyWebContents: () => WebContents | undefined,
): SystemPrinter {
  return {
    async list() {
      const wc = anyWebContents();
      if (!wc) return [];
      return (await wc.getPrintersAsync()).map((p) => p.name);
    },
    async print(html, deviceName, paper) {
      const win = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
      });
      try {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
        await new Promise<void>((resolve, reject) =>
          win.webContents.print(
            {
              silent: true,
              deviceName,
              printBackground: false,
              margins: { marginType: 'none' },
              pageSize: { width: PAPER_MICRONS[paper], height: 297_000 },
            },
            (ok, why) => (ok ? resolve() : reject(new Error(`The printer "${deviceName}" did not print (${why}).`))),
          ),
        );
      } finally {
        win.destroy();
      }
    },
  };
}
