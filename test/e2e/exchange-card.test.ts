/**
 * An exchange whose difference is paid on a card, in real Chromium at 1024x768 against headless mode and the
 * simulator. In English a cappuccino paid in cash is exchanged for a sandwich: with Card chosen, the returned
 * cappuccino is spent at once as store credit on the new sale, which comes to the counter with the difference due and
 * Charge focused; the card pays it and the receipt lists both parts. In Dutch the choice is offered in Dutch, and
 * only while the new items cost more.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { until } from '../helpers/sim';
import { en } from '../../renderer/src/locales/en';
import { panel, panelWrap, shot, skipReason } from './harness';
import { newestSaleDetails, openDay, salePages, toDutch } from './sale-page';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

describe.skipIf(Boolean(reason))('Exchange paid by card in Chromium', () => {
  const pages = salePages({ width: 1024, height: 768 }, { terminalId: 'EXC-T1', approvalDelayMs: 10 });
  const open = pages.open;
  let sim: Simulator;
  beforeAll(() => void (sim = pages.sim()));

  const product = (page: Page, T: typeof en, name: RegExp) =>
    page.getByRole('region', { name: T.sale.products }).getByRole('button', { name });

  /** A cash sale of `item` (exact change); then its Return items dialog, `item` ticked, exchanging for `instead`. */
  async function exchangeDialog(page: Page, T: typeof en, item: string, instead: RegExp) {
    await product(page, T, new RegExp(item)).click();
    await page.getByRole('button', { name: T.sale.cash }).click();
    const cash = page.getByRole('dialog', { name: T.cash.title });
    await cash.getByRole('button', { name: T.cash.exact }).click();
    await cash.getByRole('button', { name: T.payment.newSale }).click();
    await cash.waitFor({ state: 'detached' });
    await newestSaleDetails(page, T);
    await page.getByRole('button', { name: T.returns.open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: T.returns.title });
    await dialog.getByRole('checkbox', { name: item, exact: true }).check();
    await dialog.getByRole('checkbox', { name: T.exchange.toggle }).check();
    await dialog.getByRole('region', { name: T.exchange.newItems }).getByRole('button', { name: instead }).click();
    return dialog;
  }

  /**
   * Exchange confirmed with Card: the dialog closes and the new sale is on the counter, `due` of its `total` left to
   * pay (minor units), with Charge focused. Returns what the counter says is due.
   */
  async function confirmedToCounter(page: Page, T: typeof en, dialog: Locator, due: string, total: string) {
    await dialog.getByRole('button', { name: T.exchange.submit, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const split = page.getByTestId('split-due');
    await split.waitFor();
    expect(await split.getAttribute('data-due')).toBe(due);
    expect(await page.getByTestId('basket-total').getAttribute('data-amount')).toBe(total);
    const charge = page.getByRole('button', { name: T.sale.charge });
    await expect.poll(() => charge.evaluate((b) => b === document.activeElement)).toBe(true);
    return split;
  }

  it('English: a cappuccino for a sandwich, the 3.45 difference charged on the card at the counter; the receipt lists card and store credit', async () => {
    const page = await open();
    await openDay(page);
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    const dialog = await exchangeDialog(page, en, 'Cappuccino', /Sandwich/);
    await dialog.getByRole('textbox', { name: en.returns.reason }).fill('Wanted food instead');

    // Cash is the default, with the amount given; Card takes the amount field away.
    const payBy = dialog.getByRole('group', { name: 'Pay the difference' });
    expect(await payBy.getByRole('radio', { name: 'Cash', exact: true }).isChecked()).toBe(true);
    expect(await dialog.getByRole('textbox', { name: en.cash.given }).count()).toBe(1);
    await payBy.getByRole('radio', { name: 'Card', exact: true }).check();
    expect(await dialog.getByRole('textbox', { name: en.cash.given }).count()).toBe(0);
    const difference = dialog.getByTestId('exchange-difference');
    expect(await difference.getAttribute('data-amount')).toBe('345');
    expect(await difference.textContent()).toContain('to pay by card at the counter: €3.45');
    await shot(page, 'exchange-card');

    // The sale screen: the sandwich, 3.50 paid by the returned cappuccino, 3.45 due, Charge focused.
    const due = await confirmedToCounter(page, en, dialog, '345', '695');
    expect(await due.textContent()).toContain('Paid €3.50 (store credit €3.50) - due €3.45');
    await shot(page, 'exchange-card-counter');

    // Charged on the terminal: the card pays what is due.
    await page.keyboard.press('Enter');
    const p = panel(page, 'EXC-T1');
    await p.and(page.locator('[data-status="initialized"]')).waitFor();
    const orderId = (await p.getAttribute('data-order-id'))!;
    expect(sim.orders.get(orderId)!.amount).toBe(345);
    await until(() => sim.streamConnects.some((c) => c.orderId === orderId), 'event stream open');
    sim.terminalAction('EXC-T1', 'approve');
    await p.and(page.locator('[data-status="completed"]')).waitFor();
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('0');

    // Paid: its receipt lists the card part and the store credit part.
    await panelWrap(page, 'EXC-T1').getByRole('button', { name: en.payment.print }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getByTestId('receipt-total').textContent()).toBe('€6.95');
    expect(await receipt.textContent()).toContain('Sandwich');
    expect(await receipt.getByTestId('receipt-card').getAttribute('data-amount')).toBe('345');
    expect(await receipt.getByTestId('receipt-credit').getAttribute('data-amount')).toBe('350');
    expect(await receipt.getByTestId('receipt-credit-left').getAttribute('data-amount')).toBe('0');
    expect(await receipt.getByTestId('receipt-cash').count()).toBe(0);
    await shot(page, 'exchange-card-receipt');
    await page.keyboard.press('Escape');
    await receipt.waitFor({ state: 'detached' });

    // History: the new sale paid, and the cappuccino returned on the original sale. The drawer holds only the float
    // and the cappuccino's cash.
    await page.getByRole('button', { name: en.nav.history }).click();
    await expect.poll(() => page.locator('[data-testid="history-row"]').first().getAttribute('data-status')).toBe('paid');
    await page.getByRole('button', { name: en.nav.day, exact: true }).click();
    await expect.poll(() => page.getByTestId('day-expected-now').getAttribute('data-amount')).toBe('10350');
  });

  it('Dutch: Kaart is offered only while the new items cost more; chosen, the new sale comes to the counter with the rest due', async () => {
    const page = await open();
    await openDay(page);
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    const T = await toDutch(page);
    await page.getByRole('button', { name: T.nav.sale, exact: true }).click();
    // An espresso for the latte costs less: 1,40 back in cash, and no choice.
    const dialog = await exchangeDialog(page, T, 'Latte', /Espresso/);
    await expect.poll(() => dialog.getByTestId('exchange-difference').getAttribute('data-amount')).toBe('-140');
    expect(await dialog.getByRole('group', { name: 'Verschil betalen' }).count()).toBe(0);
    // A sandwich as well: 9,45 for 3,90, 5,55 to pay; Kaart chosen.
    await dialog
      .getByRole('region', { name: T.exchange.newItems })
      .getByRole('button', { name: /Sandwich/ })
      .click();
    const payBy = dialog.getByRole('group', { name: 'Verschil betalen' });
    expect(await payBy.getByRole('radio', { name: 'Contant', exact: true }).isChecked()).toBe(true);
    await payBy.getByRole('radio', { name: 'Kaart', exact: true }).check();
    await expect
      .poll(() => dialog.getByTestId('exchange-difference').textContent())
      .toMatch(/met de kaart te betalen aan de kassa: €\s?5,55/);
    await dialog.getByRole('textbox', { name: T.returns.reason }).fill('Te sterk');
    await shot(page, 'exchange-card-nl');
    const due = await confirmedToCounter(page, T, dialog, '555', '945');
    expect(await due.textContent()).toMatch(/nog te betalen €\s?5,55/);
  });
});
