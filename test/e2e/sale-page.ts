/**
 * One Chromium and one simulator (terminal E2E-T1, or `opts.terminalId`) for a describe block, and `open()`: a fresh till in headless
 * mode on its own data folder, its sale screen in a new page of the given size. Tills and pages are stopped after
 * each test, the browser and simulator after the block. Call inside `describe`.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { en } from '../../renderer/src/locales/en';
import { nl } from '../../renderer/src/locales/nl';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY } from '../helpers/sim';
import { launchBrowser, startTill, type Till } from './harness';

export function salePages(
  viewport: { width: number; height: number },
  opts: { terminalId?: string; approvalDelayMs?: number } = {},
): { open(): Promise<Page>; sim(): Simulator } {
  const terminalId = opts.terminalId ?? 'E2E-T1';
  let browser: Browser;
  let sim: Simulator;
  let root: string;
  const tills: Till[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    const s = await startSim({
      terminals: [{ id: terminalId, name: 'Counter 1' }],
      ...(opts.approvalDelayMs !== undefined ? { approvalDelayMs: opts.approvalDelayMs } : {}),
    });
    sim = s.sim;
    root = s.root;
  });
  afterEach(async () => {
    while (pages.length) await pages.pop()!.close();
    while (tills.length) await tills.pop()!.stop();
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  return {
    sim: () => sim,
    async open() {
      const till = await startTill({
        TILL_DATA_DIR: tempDir('till-e2e-'),
        TILL_MSP_BASE_URL: root,
        TILL_MSP_API_KEY: TEST_KEY,
        TILL_TERMINAL_IDS: terminalId,
      });
      tills.push(till);
      const page = await browser.newPage({ viewport });
      pages.push(page);
      await page.goto(till.url);
      await page.getByRole('button', { name: 'Charge' }).waitFor();
      return page;
    },
  };
}

/** Opens the day (Day screen, English) with 100.00 in the drawer. */
export async function openDay(page: Page): Promise<void> {
  await page.getByRole('button', { name: en.nav.day, exact: true }).click();
  const pad = page.getByRole('group', { name: en.day.float });
  for (const k of ['1', '0', '0', '00']) await pad.getByRole('button', { name: k, exact: true }).click();
  await page.getByRole('button', { name: en.day.openDay }).click();
  await page.getByTestId('day-open').waitFor();
}

/** Switches the till from English to Dutch in Settings; Dutch words, in English's shape. */
export async function toDutch(page: Page): Promise<typeof en> {
  const T = nl as typeof en;
  await page.getByRole('button', { name: en.nav.settings }).click();
  await page.getByRole('combobox', { name: en.settings.language }).selectOption('nl');
  await page.getByRole('button', { name: en.settings.save }).click();
  await page.getByRole('button', { name: T.settings.save }).waitFor();
  return T;
}

/** History, then the newest sale's details (in `T`'s words). */
export async function newestSaleDetails(page: Page, T: typeof en): Promise<void> {
  await page.getByRole('button', { name: T.nav.history }).click();
  await page
    .locator('[data-testid="history-row"]')
    .first()
    .getByRole('button', { name: new RegExp(T.history.details) })
    .click();
}
