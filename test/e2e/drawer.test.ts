/**
 * Closing a drawer session with a count sheet, in English and Dutch, in real Chromium at 1024x768 against the real
 * headless till: the sheet's total is what is counted, the difference follows it, the counts are kept with the close,
 * a new session opens after it (an unusual float asks to confirm), and a hand-over opens the next session at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { en } from '../../renderer/src/locales/en';
import { nl } from '../../renderer/src/locales/nl';
import type { DrawerSession } from '../../shared/contract';
import { tempDir } from '../helpers/engine';
import { WsTill } from '../helpers/ws-till';
import { launchBrowser, shot, skipReason, startTill, type Till } from './harness';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

/** The drawer session words of English that Dutch does not share: none may show on the Dutch screen. */
const ENGLISH_SESSION = Object.entries(en.session)
  .filter(([k, v]) => (nl as typeof en).session[k as keyof typeof en.session] !== v)
  .flatMap(([, v]) => v.split(/\{\{[^}]+\}\}/).map((f) => f.trim()))
  .filter((f) => f.length >= 6);

describe.skipIf(Boolean(reason))('closing a drawer session with a count sheet', () => {
  let browser: Browser;
  const tills: Till[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    while (tills.length) await tills.pop()!.stop();
    await browser?.close();
  });

  for (const lang of ['en', 'nl'] as const) {
    it(`counts by note and coin and closes, in ${lang === 'en' ? 'English' : 'Dutch'}`, async () => {
      const till = await startTill({ TILL_DATA_DIR: tempDir('till-drawer-') });
      tills.push(till);
      const ws = await WsTill.connect(till.url);
      const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
      await page.goto(till.url);
      const T = (lang === 'en' ? en : nl) as typeof en;
      const button = (name: string) => page.getByRole('button', { name, exact: true });
      if (lang === 'nl') {
        await button(en.nav.settings).click();
        await page.getByRole('combobox', { name: en.settings.language }).selectOption('nl');
        await button(en.settings.save).click();
        await button(T.settings.save).waitFor();
      }
      await button(T.nav.day).click();
      await page.getByRole('textbox', { name: T.day.float }).fill('100');
      await button(T.day.openDay).click();
      await page.getByTestId('day-open').waitFor();
      // A sale of 12.37 in cash, taken as 12.35: the drawer should hold 112.35.
      expect((await ws.call('payCash', { lines: [{ name: 'Kaas', unitPrice: 1237, quantity: 1, vatRate: 9 }], given: 1500 })).ok).toBe(
        true,
      );
      await expect.poll(() => page.getByTestId('day-expected-now').getAttribute('data-amount')).toBe('11235');
      await button(T.session.countSheet).click();
      const sheet = page.getByTestId('count-sheet');
      const count = (amount: string) => sheet.getByRole('textbox', { name: T.session.countOf.replace('{{amount}}', amount) });
      const euro = (text: string) => (lang === 'en' ? `€${text}` : `€ ${text.replace('.', ',')}`);
      await count(euro('50.00')).fill('2');
      await count(euro('10.00')).fill('1');
      await count(euro('2.00')).fill('1');
      await count(euro('0.10')).fill('3');
      await count(euro('0.05')).fill('1');
      await expect.poll(() => page.getByTestId('count-total').getAttribute('data-amount')).toBe('11235');
      expect(await page.getByTestId('day-difference').getAttribute('data-amount')).toBe('0');
      // One coin short: the difference follows the sheet.
      await count(euro('0.05')).fill('0');
      await expect.poll(() => page.getByTestId('day-difference').getAttribute('data-amount')).toBe('-5');
      await count(euro('0.05')).fill('1');
      if (lang === 'nl') await page.getByRole('checkbox', { name: T.session.handOver }).check();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await shot(page, `${lang}-1024x768-drawer-count`);
      await button(T.day.closeDay).click();
      await button(T.day.yesClose).click();
      const first = async () => (await ws.call<DrawerSession[]>('drawerSessions', {})).result![0]!;
      await expect.poll(async () => (await first()).closedAt !== undefined).toBe(true);
      const closed = await first();
      expect(closed).toMatchObject({ counted: 11_235, expected: 11_235, counts: { '5000': 2, '1000': 1, '200': 1, '10': 3, '5': 1 } });
      if (lang === 'en') {
        await page.getByTestId('day-closed').waitFor();
        const kept = page.getByTestId('closed-counts');
        expect(await kept.locator('tr[data-denomination="5000"]').getAttribute('data-count')).toBe('2');
        expect(await kept.locator('tr[data-denomination]').count()).toBe(5);
        // A late customer: a new session, whose unusual float asks to confirm.
        await page.getByRole('textbox', { name: T.day.float }).fill('2000');
        await button(T.session.open).click();
        await page.getByTestId('float-unusual').waitFor();
        await shot(page, `${lang}-1024x768-drawer-unusual-float`);
        await button(T.session.yesFloat).click();
        await page.getByTestId('day-open').waitFor();
        expect(await page.getByTestId('day-open').textContent()).toContain('€2,000.00');
      } else {
        // Handed over: the next session is open at once with the counted cash as its float.
        await expect.poll(async () => (await ws.call<DrawerSession[]>('drawerSessions', {})).result!.length).toBe(2);
        const next = (await ws.call<DrawerSession[]>('drawerSessions', {})).result![1]!;
        expect(next).toMatchObject({ float: 11_235, openingFloat: 11_235 });
        await expect.poll(() => page.getByTestId('day-open').getAttribute('data-session')).toBe(String(next.id));
        await page.getByTestId('sessions').locator(`tr[data-session="${closed!.id}"]`).waitFor();
        const text = await page.evaluate(() => document.body.innerText);
        expect(ENGLISH_SESSION.filter((f) => text.includes(f))).toEqual([]);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await shot(page, `${lang}-1024x768-drawer-after-close`);
      ws.close();
      await page.close();
    });
  }
});
