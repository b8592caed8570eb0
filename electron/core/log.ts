/** The core's logger interface. Adapters plug in electron-log or the console; tests capture lines. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export const consoleLogger: Logger = {
  info: (m, meta) => console.log(`[till] ${m}`, meta ? JSON.stringify(meta) : ''),
  warn: (m, meta) => console.warn(`[till] ${m}`, meta ? JSON.stringify(meta) : ''),
  error: (m, meta) => console.error(`[till] ${m}`, meta ? JSON.stringify(meta) : ''),
};
