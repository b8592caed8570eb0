/**
 * The desktop app end to end with Playwright's _electron. In CI (TILL_E2E_APP_DIR) against the packaged app that
 * electron-builder --dir made, elsewhere against `electron .` where the Electron binary is installed; prints why
 * it skips where neither can run. TILL_E2E_FUSED_DIR names the real build (every fuse as shipped) to check its fuses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { load } from 'js-yaml';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine';
import { electronTarget, packagedExecutable, ROOT, shot } from './harness';

const target = electronTarget();
if ('skip' in target) console.warn(`[electron e2e] ${target.skip}`);
const fusedDir = process.env.TILL_E2E_FUSED_DIR;
if (!fusedDir) console.warn('[electron e2e] TILL_E2E_FUSED_DIR is not set (CI sets it after electron-builder --dir) - fuse check skipped');

describe.skipIf('skip' in target)(`desktop app (Electron${'packaged' in target && target.packaged ? ', packaged' : ''})`, () => {
  const t = target as Exclude<typeof target, { skip: string }>;
  let app: ElectronApplication | undefined;
  afterEach(async () => {
    await app?.close().catch(() => {});
    app = undefined;
  });

  const launch = async (dataDir: string): Promise<Page> => {
    app = await electron.launch({
      executablePath: t.executablePath,
      args: t.args,
      env: { ...process.env, TILL_DATA_DIR: dataDir } as Record<string, string>,
    });
    const page = await app.firstWindow();
    await page.getByRole('button', { name: 'Charge' }).waitFor();
    return page;
  };

  const sell = async (page: Page, amount: string) => {
    await page.getByRole('textbox', { name: 'Amount' }).fill(amount);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Charge' }).click();
    await page.locator('[data-testid="payment"][data-status="initialized"]').waitFor();
  };

  it('renders the till from app://, with window.till and nothing from Node', async () => {
    const page = await launch(tempDir('till-electron-'));
    expect(page.url()).toBe('app://till/index.html');
    expect((await page.locator('body').innerText()).length).toBeGreaterThan(20); // not a blank window
    const globals = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      return {
        till: typeof g.till,
        require: typeof g.require,
        process: typeof g.process,
        Buffer: typeof g.Buffer,
        module: typeof g.module,
      };
    });
    expect(globals).toEqual({ till: 'object', require: 'undefined', process: 'undefined', Buffer: 'undefined', module: 'undefined' });
    // The bridge answers with the wire's Reply.
    expect(
      await page.evaluate(
        async () => (await (window as unknown as { till: { snapshot(p: object): Promise<{ ok: boolean }> } }).till.snapshot({})).ok,
      ),
    ).toBe(true);
    // Navigation away from the app is blocked.
    await page.evaluate(() => (location.href = 'file:///etc/hosts')).catch(() => {});
    await page.getByRole('button', { name: 'Charge' }).waitFor();
    expect(page.url()).toBe('app://till/index.html');
    await shot(page, `electron-launch${t.packaged ? '-packaged' : ''}`);
  });

  it('makes a demo sale with the virtual terminal, and recovers a payment open at kill -9', async () => {
    const dir = tempDir('till-electron-');
    let page = await launch(dir);
    const panel = page.locator('[data-testid="payment"]');
    await sell(page, '4,20');
    await page.getByRole('button', { name: 'Present card' }).click();
    await panel.and(page.locator('[data-status="completed"]')).waitFor();
    await page.getByRole('button', { name: 'New sale' }).click();

    await sell(page, '3');
    const orderId = await panel.getAttribute('data-order-id');
    app!.process().kill('SIGKILL');
    app = undefined;
    page = await launch(dir);
    const recovered = page.locator(`[data-testid="payment"][data-order-id="${orderId}"]`);
    await recovered.waitFor();
    await page.getByText('Reopened after a restart').waitFor();
    await page.getByRole('button', { name: 'Present card' }).click();
    await recovered.and(page.locator('[data-status="completed"]')).waitFor();
  });

  it('warns before quitting during a payment, and stays open when the cashier says so', async () => {
    const page = await launch(tempDir('till-electron-'));
    await sell(page, '2');
    // The native dialog cannot be clicked by Playwright: answer it in the main process and record what it said.
    await app!.evaluate(({ dialog }) => {
      const g = globalThis as unknown as { tillDialogs: string[] };
      g.tillDialogs = [];
      dialog.showMessageBoxSync = ((opts: { message: string }) => {
        g.tillDialogs.push(opts.message);
        return 0; // Keep the till open
      }) as never;
    });
    await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const dialogs = await app!.evaluate(() => (globalThis as unknown as { tillDialogs: string[] }).tillDialogs);
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toMatch(/A payment is still open on DEMO/);
    expect(await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    await page.getByRole('button', { name: 'Present card' }).click();
    await page.locator('[data-testid="payment"][data-status="completed"]').waitFor();
  });
});

describe.skipIf(!fusedDir)('packaged build as shipped', () => {
  it('carries every fuse electron-builder.yml sets', async () => {
    const exe = packagedExecutable(fusedDir!);
    expect(exe, `no packaged till in ${fusedDir}`).toBeDefined();
    const wire = await getCurrentFuseWire(exe!);
    const wanted = (load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> })
      .electronFuses;
    const byName: Record<string, FuseV1Options> = {
      runAsNode: FuseV1Options.RunAsNode,
      enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
      enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
      enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
      enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
      onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
      grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
    };
    for (const [name, on] of Object.entries(wanted)) {
      expect(byName[name], `unknown fuse ${name}`).toBeDefined();
      expect(wire[byName[name]!], name).toBe(on ? 49 : 48); // FuseState.ENABLE / DISABLE
    }
  });
});
