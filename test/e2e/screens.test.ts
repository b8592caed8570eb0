/**
 * Every screen, in English and Dutch, at 1024x768 and 1366x768: axe-core finds no violations, nothing scrolls
 * sideways, a screenshot is written to test-results/screenshots/, and the Dutch till shows no English UI text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { en, type Dict } from '../../renderer/src/locales/en';
import { nl } from '../../renderer/src/locales/nl';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { launchBrowser, panel, shot, skipReason, startTill, type Till } from './harness';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Fragments of English UI text that Dutch does not share: none of them may appear on a Dutch screen. */
function englishOnly(a: Dict, b: Dict | undefined, out: Set<string> = new Set()): Set<string> {
  for (const [k, v] of Object.entries(a)) {
    const other = b?.[k];
    if (typeof v !== 'string') englishOnly(v, typeof other === 'object' ? other : undefined, out);
    else if (v !== other)
      for (const part of v.split(/\{\{[^}]+\}\}/)) {
        const f = part.trim();
        if (f.length >= 4 && !(typeof other === 'string' && other.includes(f))) out.add(f);
      }
  }
  return out;
}
const leaves = (d: Dict): string[] => Object.values(d).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v)));
const escape = (f: string) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whole words only: "Count" is English, "Counter 1" is a terminal's name from MultiSafepay. */
const word = (f: string) => new RegExp(`(^|\\W)${escape(f)}($|\\W)`);
const DUTCH = leaves(nl).join('\n');
// A fragment Dutch uses itself ("Back" in "Back-up maken") is not a sign of English.
const ENGLISH = [...englishOnly(en, nl)].filter((f) => !word(f).test(DUTCH));
const ENGLISH_WORDS = /\b(the|and|not|with|please|payment|your|cannot|refund|declined)\b/i;

describe.skipIf(Boolean(reason))('every screen, both languages, both sizes', () => {
  let browser: Browser;
  let sim: Simulator;
  let root: string;
  const tills: Till[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    const s = await startSim({
      approvalDelayMs: 10,
      terminals: [
        { id: 'SCR-T1', name: 'Counter 1' },
        { id: 'SCR-T2', name: 'Counter 2' },
      ],
    });
    sim = s.sim;
    root = s.root;
  });
  afterAll(async () => {
    while (tills.length) await tills.pop()!.stop();
    await browser?.close();
    await sim?.stop();
  });

  async function capture(page: Page, lang: 'en' | 'nl', name: string) {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${lang} ${name} at ${size.width}: scrolls sideways`).toBeLessThanOrEqual(0);
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as { axe: { run(c: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }
        ).axe;
        const r = await axe.run(document);
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
      });
      expect(violations, `${lang} ${name} at ${size.width}x${size.height}`).toEqual([]);
      await shot(page, `${lang}-${size.width}x${size.height}-${name}`);
    }
    if (lang === 'nl') {
      const text = await page.evaluate(() => {
        const attrs = [...document.querySelectorAll('[aria-label], [placeholder], [title]')].flatMap((el) =>
          ['aria-label', 'placeholder', 'title'].map((a) => el.getAttribute(a) ?? ''),
        );
        // Words deliberately in another language (MultiSafepay's own, marked lang="en") are not the till's.
        let body = document.body.innerText;
        for (const el of document.querySelectorAll<HTMLElement>('body [lang]:not([lang="nl"])')) body = body.replace(el.innerText, '');
        return [body, ...attrs].join('\n');
      });
      const found = ENGLISH.filter((f) => word(f).test(text));
      expect(found, `English on the Dutch ${name} screen`).toEqual([]);
      expect(text, `English words on the Dutch ${name} screen`).not.toMatch(ENGLISH_WORDS);
    }
  }

  for (const lang of ['en', 'nl'] as const) {
    it(`walks every screen in ${lang === 'en' ? 'English' : 'Dutch'}`, async () => {
      const till = await startTill({
        TILL_DATA_DIR: tempDir('till-screens-'),
        TILL_MSP_BASE_URL: root,
        TILL_MSP_API_KEY: TEST_KEY,
        TILL_TERMINAL_IDS: 'SCR-T1,SCR-T2',
      });
      tills.push(till);
      const context = await browser.newContext({ bypassCSP: true, viewport: SIZES[0] }); // to inject axe-core
      const page = await context.newPage();
      page.on('load', () => void page.addScriptTag({ content: AXE }).catch(() => {}));
      await page.goto(till.url);
      await page.addScriptTag({ content: AXE });
      const T = (lang === 'en' ? en : nl) as typeof en;
      const button = (name: string, exact = true) => page.getByRole('button', { name, exact });
      if (lang === 'nl') {
        // The till starts in English: switch it to Dutch in Settings.
        await button(en.nav.settings).click();
        await page.getByRole('combobox', { name: en.settings.language }).selectOption('nl');
        await button(en.settings.save).click();
        await button(T.settings.save).waitFor();
        await button(T.nav.sale).click();
      }
      await button(T.sale.charge).waitFor();
      await capture(page, lang, 'sale-empty');

      // Basket from a quick key and the keypad; the check of a big amount.
      await page.getByRole('button', { name: /Espresso/ }).click();
      const pad = page.getByRole('group', { name: T.sale.keypad });
      for (const k of ['1', '2', '5', '0']) await pad.getByRole('button', { name: k, exact: true }).click();
      await button(T.sale.add).click();
      await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('1500');
      await capture(page, lang, 'sale-basket');
      await page.getByRole('textbox', { name: T.sale.amount, exact: true }).fill('1500');
      await button(T.sale.add).click();
      await page.getByTestId('confirm-amount').waitFor();
      await capture(page, lang, 'confirm-amount');
      await button(T.sale.confirmNo).click();
      await page.getByRole('textbox', { name: T.sale.amount, exact: true }).fill('');
      await button(T.sale.cash).click();
      await page.getByTestId('cash-dialog').waitFor();
      await capture(page, lang, 'cash');
      await page.keyboard.press('Escape');

      // A card declined, then paid on the other terminal.
      await page.getByRole('combobox', { name: T.sale.terminal }).selectOption('SCR-T1');
      await button(T.sale.charge).click();
      const p1 = panel(page, 'SCR-T1');
      await p1.and(page.locator('[data-status="initialized"]')).waitFor();
      const first = (await p1.getAttribute('data-order-id'))!;
      await until(() => sim.streamConnects.some((c) => c.orderId === first), 'event stream open');
      await capture(page, lang, 'payment-waiting');
      // Declined at the terminal: neutral words, MultiSafepay's reason, and Cancel and take cash.
      sim.terminalAction('SCR-T1', 'decline');
      await p1.and(page.locator('[data-status="soft_declined"]')).waitFor();
      await page.locator(`[data-panel-order="${first}"]`).getByTestId('msp-reason').waitFor();
      await page.locator(`[data-panel-order="${first}"]`).getByRole('button', { name: T.payment.takeCash }).waitFor();
      expect(await p1.textContent()).toContain(T.payment.status.soft_declined);
      await capture(page, lang, 'payment-declined-at-terminal');
      const expiry = sim.config.expiryMs;
      sim.config.expiryMs = 300;
      try {
        sim.terminalAction('SCR-T1', 'decline');
      } finally {
        sim.config.expiryMs = expiry;
      }
      await p1.and(page.locator('[data-reason="declined"]')).waitFor();
      await capture(page, lang, 'payment-declined');
      await page.getByRole('combobox', { name: T.sale.terminal }).selectOption('SCR-T2');
      await button(T.sale.charge).click();
      const p2 = panel(page, 'SCR-T2');
      await p2.and(page.locator('[data-status="initialized"]')).waitFor();
      const second = (await p2.getAttribute('data-order-id'))!;
      await until(() => sim.streamConnects.some((c) => c.orderId === second), 'event stream open');
      sim.terminalAction('SCR-T2', 'approve');
      await p2.and(page.locator('[data-status="completed"]')).waitFor();
      await capture(page, lang, 'payment-paid');
      await page.locator('section.payment-wrap').filter({ has: p2 }).getByRole('button', { name: T.payment.print }).click();
      await page.getByTestId('receipt').waitFor();
      await capture(page, lang, 'receipt-card');
      await page.keyboard.press('Escape');

      // A split: 10.00 on the card, the rest in cash - one sale, both tenders on its receipt.
      // The declined card's panel is put away first (New sale on it): one panel per terminal on the screen.
      await page.locator('section.payment-wrap').filter({ has: p1 }).getByRole('button', { name: T.payment.newSale }).click();
      await p1.waitFor({ state: 'detached' });
      await page.getByRole('textbox', { name: T.sale.amount, exact: true }).fill('15.84');
      await button(T.sale.add).click();
      await page.getByRole('combobox', { name: T.sale.terminal }).selectOption('SCR-T1');
      await button(T.sale.split).click();
      await page.getByTestId('split-dialog').waitFor();
      await capture(page, lang, 'split');
      await page.getByRole('textbox', { name: T.split.part }).fill('10');
      await page.getByRole('button', { name: new RegExp(`^${T.split.charge.split('{{')[0]!}`) }).click();
      const part = panel(page, 'SCR-T1').and(page.locator('[data-status="initialized"]'));
      await part.waitFor();
      const partOrder = (await part.getAttribute('data-order-id'))!;
      await until(() => sim.streamConnects.some((c) => c.orderId === partOrder), 'event stream open');
      sim.terminalAction('SCR-T1', 'approve');
      await page.getByTestId('split-due').waitFor();
      await capture(page, lang, 'split-due');
      await button(T.sale.cash, false).click();
      await page.getByTestId('cash-due').waitFor();
      await capture(page, lang, 'split-cash');
      await button(T.cash.exact).click();
      await page.locator('[data-testid="cash-split"]').waitFor();
      await capture(page, lang, 'split-cash-done');
      await page.getByTestId('cash-dialog').getByRole('button', { name: T.payment.print }).click();
      await page.getByTestId('receipt-cash').waitFor();
      await capture(page, lang, 'receipt-split');
      await page.keyboard.press('Escape');

      // Cash, exact.
      await page.getByRole('button', { name: /Espresso/ }).click();
      await button(T.sale.cash).click();
      await button(T.cash.exact).click();
      await page.locator('[data-testid="cash-sale-total"]').waitFor();
      await capture(page, lang, 'cash-done');
      await page.getByTestId('cash-dialog').getByRole('button', { name: T.payment.print }).click();
      await page.getByTestId('receipt').waitFor();
      await capture(page, lang, 'receipt-cash');
      await page.keyboard.press('Escape');
      await page.keyboard.press('F8');
      await capture(page, lang, 'sale-after-new-sale');

      await button(T.nav.history, false).click();
      await page.locator('[data-testid="history-row"]').first().waitFor();
      await capture(page, lang, 'history');
      await page
        .locator('[data-testid="history-row"]')
        .first()
        .getByRole('button', { name: new RegExp(T.history.details) })
        .click();
      await page.getByRole('textbox', { name: T.history.refundAmount }).waitFor();
      await capture(page, lang, 'history-detail-cash');
      await button(T.nav.report).click();
      await page.getByTestId('report-net').first().waitFor();
      await capture(page, lang, 'report');
      await button(T.nav.settings).click();
      await button(T.settings.save).waitFor();
      await capture(page, lang, 'settings');

      // The receipt on 58 mm and 80 mm paper: every price whole, inside the roll.
      for (const paper of ['58mm', '80mm'] as const) {
        await page.getByRole('combobox', { name: T.settings.paper }).selectOption(paper);
        await button(T.settings.save).click();
        await button(T.nav.history, false).click();
        await page
          .locator('[data-testid="history-row"]')
          .first()
          .getByRole('button', { name: new RegExp(T.history.details) })
          .click();
        await button(T.payment.print).click();
        const receipt = page.locator(`[data-testid="receipt"][data-paper="${paper}"]`);
        await receipt.waitFor();
        const cut = await receipt.evaluate((r) => {
          const box = r.getBoundingClientRect();
          return [...r.querySelectorAll<HTMLElement>('.num')]
            .filter((n) => {
              const b = n.getBoundingClientRect();
              return (
                n.scrollWidth > n.clientWidth ||
                b.right > box.right + 0.5 ||
                b.left < box.left - 0.5 ||
                b.height > 2 * parseFloat(getComputedStyle(n).lineHeight || '20')
              );
            })
            .map((n) => n.textContent);
        });
        expect(cut, `${lang} receipt at ${paper}: prices cut off`).toEqual([]);
        await capture(page, lang, `receipt-${paper}`);
        await page.keyboard.press('Escape');
        await button(T.nav.settings).click();
      }

      // Opening and closing the day, with a cash difference; the sale screen says the day is closed.
      await button(T.nav.day).click();
      await page.getByText(T.day.notOpen).waitFor();
      await capture(page, lang, 'day-open');
      await page.getByRole('textbox', { name: T.day.float }).fill('100');
      await button(T.day.openDay).click();
      await page.getByTestId('day-open').waitFor();
      // Cash management: paid in and paid out with an amount and a reason, listed on the Day screen.
      await button(T.cashMove.paidIn).click();
      const move = page.getByTestId('cash-move-dialog');
      await move.getByRole('textbox', { name: T.cashMove.amount, exact: true }).fill('20');
      await move.getByRole('textbox', { name: T.cashMove.reason }).fill(lang === 'en' ? 'Change from the bank' : 'Wisselgeld van de bank');
      await capture(page, lang, 'paid-in');
      await move.getByRole('button', { name: T.cashMove.save }).click();
      await page.locator('[data-testid="cash-moves"] tr[data-kind="paid_in"]').waitFor();
      await button(T.cashMove.paidOut).click();
      await move.getByRole('textbox', { name: T.cashMove.amount, exact: true }).fill('12,50');
      await move.getByRole('textbox', { name: T.cashMove.reason }).fill(lang === 'en' ? 'Window cleaner' : 'Glazenwasser');
      await move.getByRole('button', { name: T.cashMove.save }).click();
      await page.locator('[data-testid="cash-moves"] tr[data-kind="paid_out"]').waitFor();
      // No receipt printer is set: Open drawer says so.
      await button(T.cashMove.openDrawer).click();
      await page
        .getByRole('alert')
        .filter({ hasText: lang === 'en' ? /^Open drawer needs a receipt printer/ : /^Lade openen kan alleen/ })
        .waitFor();
      await capture(page, lang, 'day-cash-moves');
      await page.getByRole('textbox', { name: T.day.counted }).fill('97');
      await capture(page, lang, 'day-close');
      await button(T.day.closeDay).click();
      await button(T.day.yesClose).click();
      await page.getByTestId('day-closed').waitFor();
      await capture(page, lang, 'day-closed');
      await button(T.nav.sale).click();
      await page.getByTestId('day-closed-banner').waitFor();
      await capture(page, lang, 'sale-day-closed');

      // Staff: the first manager makes everyone sign in; whoever set it up stays signed in as that manager, on
      // Settings, with what they typed there and did not save yet.
      await button(T.nav.settings).click();
      const shop = page.getByRole('textbox', { name: T.settings.merchantName });
      await shop.fill('Bakkerij Jansen');
      const staff = page.locator('form.staff');
      await staff.getByRole('button', { name: T.staff.add }).click();
      await staff.getByRole('textbox', { name: `${T.staff.name} 1` }).fill('Anna');
      await staff.getByLabel(`${T.staff.pin} 1`).fill('1234');
      await capture(page, lang, 'staff-labels');
      await staff.getByRole('button', { name: T.staff.save }).click();
      await page.getByTestId('signed-in').filter({ hasText: 'Anna' }).waitFor();
      expect(await shop.inputValue()).toBe('Bakkerij Jansen');
      await page.getByTestId('signed-in').getByRole('button', { name: T.app.signOut }).click();
      const signIn = page.getByRole('region', { name: T.staff.signInTitle });
      await signIn.waitFor();
      await signIn.getByRole('button', { name: 'Anna', exact: true }).click();
      await signIn.getByLabel(T.staff.pin, { exact: true }).fill('1234');
      await capture(page, lang, 'sign-in');
      await signIn.getByRole('button', { name: T.staff.signIn, exact: true }).click();
      await page.getByTestId('signed-in').waitFor();
      await capture(page, lang, 'sale-signed-in');
      await context.close();
      // A walk through every screen with a screenshot of each: about 30 s on an idle 2-core machine.
    }, 150_000);
  }
});
