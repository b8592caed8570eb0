/**
 * `npm start` after the build: opens the desktop till (`electron .`). When the Electron binary is missing (an
 * offline shop PC, a proxy, a server: `npm install` could not download it) or cannot start (no display, missing system
 * libraries), it says so in one sentence and starts the same till in headless mode instead, prints its URL exactly as
 * `npm run serve` does, and opens the default browser on it when there is a display. Environment: everything headless
 * mode reads (TILL_PORT, TILL_DATA_DIR, ...); with CI set no browser is opened. Exit code: the till's own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Electron's window printed this line (electron/main.ts): from then on the desktop app runs, whatever its exit. */
const WINDOW_OPEN = 'Till window open';
/** The till stopped itself on purpose (another till on this data folder, a ledger from a newer till): no fallback. */
const EXIT_REFUSED = 3;

/**
 * The Electron binary's path, or why there is none. Electron downloads its binary on first use; that download runs
 * here once, with its output kept back so a failure reads as one sentence.
 */
function electronBinary() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { why: 'the electron package is not installed (run "npm install")' };
  }
  const binary = () => {
    const pathFile = join(dir, 'path.txt');
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : undefined;
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    if (override) return join(override, name || 'electron');
    return name ? join(dir, 'dist', name) : undefined;
  };
  let path = binary();
  if ((!path || !existsSync(path)) && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD)
      return { why: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' };
    console.log('Downloading the Electron binary (once)...');
    const got = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8', timeout: 180_000 });
    const said = `${got.stderr ?? ''}`.trim().split('\n')[0];
    if (got.status !== 0)
      return { why: `the Electron binary is not installed and could not be downloaded (${said || got.error?.message || 'no answer'})` };
    path = binary();
  }
  if (!path || !existsSync(path)) return { why: `the Electron binary is missing (${path ?? join(dir, 'path.txt')})` };
  return { path };
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
}

/** Runs the desktop app; resolves with its exit code, or with why it could not start. */
function runDesktop(path) {
  return new Promise((resolve) => {
    const child = spawn(path, ['.'], { cwd: ROOT, stdio: ['inherit', 'pipe', 'pipe'] });
    forwardSignals(child);
    let opened = false;
    let lastError = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      if (d.toString().includes(WINDOW_OPEN)) opened = true;
    });
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      const lines = d.toString().trim().split('\n');
      lastError = lines[lines.length - 1] || lastError;
    });
    child.once('error', (err) => resolve({ why: `Electron could not be started (${err.message})` }));
    child.once('exit', (code, signal) => {
      if (opened || code === 0 || code === EXIT_REFUSED || signal === 'SIGINT' || signal === 'SIGTERM') resolve({ code: code ?? 1 });
      else
        resolve({
          why: `Electron stopped before its window opened (${signal ?? `exit code ${code}`}${lastError ? `: ${lastError.trim()}` : ''})`,
        });
    });
  });
}

function hasDisplay() {
  if (process.env.CI) return false;
  if (process.platform === 'win32' || process.platform === 'darwin') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * Opens the default browser on the till's URL. The URL carries the launch secret, so it never goes on a command line
 * (other users can read those): the browser is given a file readable only by this user that forwards to it.
 */
function openBrowser(url) {
  const dir = mkdtempSync(join(tmpdir(), 'till-open-'));
  const file = join(dir, 'till.html');
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attr}"><title>Till</title>\n`, {
    mode: 0o600,
  });
  const [cmd, args] =
    process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', file]] : [process.platform === 'darwin' ? 'open' : 'xdg-open', [file]];
  const opener = spawn(cmd, args, { stdio: 'ignore', detached: true });
  opener.once('error', () => console.log('Open the address above in a browser.'));
  opener.unref();
}

function runHeadless() {
  const child = spawn(process.execPath, [join(ROOT, 'dist-electron', 'server.mjs')], { cwd: ROOT, stdio: ['inherit', 'pipe', 'inherit'] });
  forwardSignals(child);
  let opened = false;
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    const m = /ready at (http:\/\/\S+)/.exec(d.toString());
    if (m && !opened) {
      opened = true;
      if (hasDisplay()) openBrowser(m[1]);
    }
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const binary = electronBinary();
const desktop = 'path' in binary ? await runDesktop(binary.path) : binary;
if ('code' in desktop) process.exit(desktop.code);
console.log(
  `The desktop window cannot open here: ${desktop.why}. Starting the same till in headless mode - ` +
    `for the desktop app, run "npm start" where github.com is reachable (it downloads Electron once) or install the packaged till.`,
);
runHeadless();
