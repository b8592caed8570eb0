/**
 * The desktop app end to end with Playwright's _electron: launch, a demo sale, and restart recovery.
 * Runs wherever the Electron binary is installed (and, on Linux, a display or xvfb-run exists);
 * prints why it skips elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine';
import { ROOT, shot } from './harness';

function electronBinary(): string | undefined {
  const pathFile = join(ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

const bin = electronBinary();
const reason = !bin
  ? 'the Electron binary is not installed (node_modules/electron/dist is missing - it downloads from GitHub during npm install) - Electron end-to-end tests skipped'
  : process.platform === 'linux' && !process.env.DISPLAY
    ? 'no DISPLAY for Electron (run under xvfb-run) - Electron end-to-end tests skipped'
    : !existsSync(join(ROOT, 'dist-electron/main.mjs'))
      ? 'dist-electron/main.mjs is missing - run "npm run build" first - Electron end-to-end tests skipped'
      : undefined;
if (reason) console.warn(`[electron e2e] ${reason}`);

describe.skipIf(Boolean(reason))('desktop app (Electron)', () => {
  let app: ElectronApplication | undefined;
  afterEach(async () => {
    await app?.close().catch(() => {});
    app = undefined;
  });

  const launch = async (dataDir: string): Promise<Page> => {
    app = await electron.launch({
      executablePath: bin!,
      args: [ROOT, '--no-sandbox'],
      env: { ...process.env, TILL_DATA_DIR: dataDir } as Record<string, string>,
    });
    const page = await app.firstWindow();
    await page.getByRole('button', { name: 'Charge' }).waitFor();
    return page;
  };

  it('launches a secure window with window.till and nothing else from Node', async () => {
    const page = await launch(tempDir('till-electron-'));
    expect(await page.evaluate(() => typeof (window as unknown as { till?: unknown }).till)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { process?: unknown }).process)).toBe('undefined');
    await shot(page, 'electron-launch');
  });

  it('makes a demo sale with the virtual terminal, and recovers an open payment after a restart', async () => {
    const dir = tempDir('till-electron-');
    let page = await launch(dir);
    await page.getByRole('textbox', { name: 'Amount' }).fill('4,20');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Charge' }).click();
    const panel = page.locator('[data-testid="payment"]');
    await panel.and(page.locator('[data-status="initialized"]')).waitFor();
    await page.getByRole('button', { name: 'Present card' }).click();
    await panel.and(page.locator('[data-status="completed"]')).waitFor();
    await page.getByRole('button', { name: 'New sale' }).click();

    await page.getByRole('textbox', { name: 'Amount' }).fill('3');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Charge' }).click();
    await panel.and(page.locator('[data-status="initialized"]')).waitFor();
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
});
