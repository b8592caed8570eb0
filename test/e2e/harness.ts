/**
 * End-to-end harness: the real headless till (`node dist-electron/server.mjs`, as `npm run serve` runs it) in a
 * child process, pointed at a simulator on loopback, driven by Playwright in Debian's Chromium.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SERVER = join(ROOT, 'dist-electron', 'server.mjs');
export const SHOTS = join(ROOT, 'test-results', 'screenshots');

export function chromiumPath(): string | undefined {
  for (const p of [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  return undefined;
}

/** Why the browser tests cannot run here, or undefined when they can. Printed by the suites that skip. */
export function skipReason(): string | undefined {
  if (!chromiumPath()) return 'no Chromium found (install Debian chromium or set CHROME_PATH) - browser end-to-end tests skipped';
  if (!existsSync(SERVER)) return `${SERVER} is missing - run "npm run build" first (npm test does) - browser end-to-end tests skipped`;
  return undefined;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath()!,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export interface Till {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts headless mode and resolves once it printed its URL. */
export async function startTill(env: Record<string, string>, port?: number): Promise<Till> {
  // Port 0 lets the till pick a free port itself (no race with other test processes); it prints the one it got.
  const p = port ?? 0;
  const proc = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH ?? '',
      TILL_PORT: String(p),
      TILL_TIMING: JSON.stringify({
        backoffBaseMs: 50,
        backoffMaxMs: 400,
        downPollMs: 150,
        livePollMs: 2000,
        createGraceMs: 500,
        readGapMs: 100,
      }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`till did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = /ready at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`till exited:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * A barcode scanner's burst: each key of `code`, then Enter, sent to Chromium with the times a scanner gives them
 * (4 ms apart, a moment after any key typed by hand), so the machine's load cannot stretch the burst into typing.
 */
export async function scanBarcode(page: Page, code: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000 + 0.05;
  const keys = [...code].map((k) => ({ key: k, text: k, code: /\d/.test(k) ? `Digit${k}` : `Key${k.toUpperCase()}` }));
  keys.push({ key: 'Enter', text: '\r', code: 'Enter' });
  for (const [i, k] of keys.entries()) {
    const timestamp = start + i * 0.004;
    const windowsVirtualKeyCode = k.key === 'Enter' ? 13 : k.key.toUpperCase().charCodeAt(0);
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...k, windowsVirtualKeyCode, timestamp });
    await cdp.send('Input.dispatchKeyEvent', {
      type: 'keyUp',
      key: k.key,
      code: k.code,
      windowsVirtualKeyCode,
      timestamp: timestamp + 0.001,
    });
  }
  await cdp.detach();
}

export const panel = (page: Page, terminalId: string) => page.locator(`[data-testid="payment"][data-terminal-id="${terminalId}"]`);
export const panelWrap = (page: Page, terminalId: string) =>
  page.locator('section.payment-wrap').filter({ has: page.locator(`[data-terminal-id="${terminalId}"]`) });

/** The executable electron-builder --dir left in `outDir` for this platform (names from electron-builder.yml). */
export function packagedExecutable(outDir: string): string | undefined {
  const candidates =
    process.platform === 'win32'
      ? [join(outDir, 'win-unpacked', 'Till.exe')]
      : process.platform === 'darwin'
        ? ['mac', 'mac-arm64', 'mac-universal'].map((d) => join(outDir, d, 'Till.app', 'Contents', 'MacOS', 'Till'))
        : [join(outDir, 'linux-unpacked', 'till')];
  return candidates.find((p) => existsSync(p));
}

/** How the Electron tests launch the desktop app here, or why they cannot. */
export type ElectronTarget = { executablePath: string; args: string[]; packaged: boolean } | { skip: string };

/**
 * The packaged app when TILL_E2E_APP_DIR names an electron-builder --dir output (CI), else the development
 * Electron binary on this checkout (`electron .`), else a printed reason to skip.
 */
export function electronTarget(): ElectronTarget {
  // Chromium's sandbox needs a setuid helper or user namespaces that CI's Linux does not grant a test process.
  const sandbox = process.platform === 'linux' ? ['--no-sandbox'] : [];
  const noDisplay =
    process.platform === 'linux' && !process.env.DISPLAY
      ? 'no DISPLAY for Electron (run under xvfb-run) - Electron end-to-end tests skipped'
      : undefined;
  const dir = process.env.TILL_E2E_APP_DIR;
  if (dir) {
    const exe = packagedExecutable(dir);
    // Asked for the packaged app and it is not there: fail loudly rather than skip in CI.
    if (!exe) throw new Error(`TILL_E2E_APP_DIR=${dir} holds no packaged till for ${process.platform}`);
    if (noDisplay) return { skip: noDisplay };
    return { executablePath: exe, args: sandbox, packaged: true };
  }
  const pathFile = join(ROOT, 'node_modules/electron/path.txt');
  const bin = existsSync(pathFile) ? join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
  if (!bin || !existsSync(bin)) {
    return {
      skip: 'the Electron binary is not installed (node_modules/electron/dist is missing - it downloads from GitHub during npm install) - Electron end-to-end tests skipped',
    };
  }
  if (noDisplay) return { skip: noDisplay };
  if (!existsSync(join(ROOT, 'dist-electron/main.mjs')))
    return { skip: 'dist-electron/main.mjs is missing - run "npm run build" first - Electron end-to-end tests skipped' };
  return { executablePath: bin, args: [ROOT, ...sandbox], packaged: false };
}
