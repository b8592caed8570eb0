/**
 * The README's `npm start` on a machine where the desktop window cannot open: in a fresh copy of this checkout, with
 * the Electron binary absent (ELECTRON_OVERRIDE_DIST_PATH names a folder with none, so this holds where Electron is
 * installed too), it says why in one sentence, starts headless mode and prints a URL that serves the till. And a Node
 * without `node:sqlite` gets one sentence, not a stack trace.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine';
import { ROOT } from './harness';

/** A copy of this checkout's files (committed and not, without ignored ones) sharing its node_modules. */
function freshCopy(): string {
  const dir = tempDir('till-start-');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** A Node on PATH older than 24 (outside node_modules), as a machine's own Node may be. */
function olderNode(): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const bin = join(d, process.platform === 'win32' ? 'node.exe' : 'node');
    if (!d || d.includes('node_modules') || !existsSync(bin)) continue;
    const v = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    if (Number(v.split('.')[0]) < 24) return bin;
  }
  return undefined;
}

describe('npm start without the Electron binary', () => {
  let proc: ChildProcess | undefined;
  afterEach(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      process.kill(-proc.pid!, 'SIGTERM');
      await exited;
    }
    proc = undefined;
  });

  it('says why in one sentence, then runs the same till in headless mode at the printed URL', { timeout: 180_000 }, async () => {
    const dir = freshCopy();
    proc = spawn('npm', ['start'], {
      cwd: dir,
      detached: true, // its own process group: npm, the build and the till stop together
      env: {
        ...process.env,
        CI: 'true',
        TILL_PORT: '0',
        TILL_DATA_DIR: tempDir('till-start-data-'),
        ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron-here'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      proc!.stdout!.on('data', () => {
        const m = /ready at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      proc!.once('exit', (code) => reject(new Error(`npm start exited (${code}) without a URL:\n${out}`)));
    });
    const why = out.split('\n').filter((l) => l.startsWith('The desktop window cannot open here'));
    expect(why).toHaveLength(1);
    expect(why[0]).toContain('Electron binary is missing');
    expect(why[0]).toContain('headless mode');
    expect(out).not.toMatch(/^\s+at /m); // no stack trace
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // The URL's key is what opens it: without it the till refuses.
    expect((await fetch(url.replace(/\?k=.*/, ''))).status).toBe(403);

    const exited = new Promise<number | null>((r) => proc!.once('exit', (code) => r(code)));
    process.kill(-proc.pid!, 'SIGTERM');
    await exited;
    await expect(fetch(url)).rejects.toThrow();
  });

  const old = olderNode();
  if (!old) console.warn('[start] no Node older than 24 on PATH - the one-sentence check of an old Node is skipped');
  it.skipIf(!old)('a Node without node:sqlite gets one sentence and exit 1, not a stack trace', () => {
    const r = spawnSync(old!, [join(ROOT, 'scripts', 'require-node.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The till needs Node\.js 24 or newer .*node:sqlite.*npm install/);
    // And the Node that npm's scripts run on passes the same check.
    expect(spawnSync(process.execPath, [join(ROOT, 'scripts', 'require-node.mjs')]).status).toBe(0);
  });
});
