/**
 * Return items in real Chromium at 1024x768 against headless mode and the simulator: in English a card sale gives
 * two of its three espressos back to the card; in Dutch a cash sale gives its cappuccino back from the drawer. The
 * ledger's answer (the history) and MultiSafepay's refunds are checked, and a line is never offered twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { until } from '../helpers/sim';
import { en } from '../../renderer/src/locales/en';
import { panel, shot, skipReason } from './harness';
import { newestSaleDetails, openDay, salePages, toDutch } from './sale-page';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

describe.skipIf(Boolean(reason))('Return items in Chromium', () => {
  const pages = salePages({ width: 1024, height: 768 }, { terminalId: 'RET-T1', approvalDelayMs: 10 });
  const open = pages.open;
  // The simulator of this block (started before its first test).
  let sim: Simulator;
  beforeAll(() => void (sim = pages.sim()));

  const product = (page: Page, name: RegExp) => page.getByRole('region', { name: en.sale.products }).getByRole('button', { name });

  /** Charges the basket on RET-T1 and approves it on the terminal; returns the order id once it is paid. */
  async function payByCard(page: Page) {
    await page.getByRole('combobox', { name: en.sale.terminal }).selectOption('RET-T1');
    await page.getByRole('button', { name: en.sale.charge }).click();
    const p = panel(page, 'RET-T1');
    await p.and(page.locator('[data-status="initialized"]')).waitFor();
    const orderId = (await p.getAttribute('data-order-id'))!;
    await until(() => sim.streamConnects.some((c) => c.orderId === orderId), 'event stream open');
    sim.terminalAction('RET-T1', 'approve');
    await p.and(page.locator('[data-status="completed"]')).waitFor();
    return orderId;
  }

  /** Takes the basket in cash with the note `note` (e.g. '€10.00'), then switches the till to Dutch; its words. */
  async function paidInCashThenDutch(page: Page, note: string): Promise<typeof en> {
    await page.getByRole('button', { name: en.sale.cash }).click();
    const cash = page.getByRole('dialog', { name: en.cash.title });
    await cash.getByRole('button', { name: note }).click();
    await page.getByTestId('change-due').waitFor();
    await cash.getByRole('button', { name: 'New sale' }).click();
    await cash.waitFor({ state: 'detached' });
    return toDutch(page);
  }

  /** The newest sale's details in the history. */
  const details = newestSaleDetails;

  it('English: two of three espressos go back to the card with their VAT; the third is all that is offered next', async () => {
    const page = await open();
    for (let i = 0; i < 3; i++) await product(page, /Espresso/).click();
    await product(page, /Cappuccino/).click();
    const orderId = await payByCard(page);

    await details(page, en);
    await page.getByRole('button', { name: 'Return items', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: en.returns.title });
    await dialog.getByRole('checkbox', { name: 'Espresso', exact: true }).check();
    const quantity = dialog.getByRole('spinbutton', { name: 'Quantity of Espresso' });
    expect(await quantity.inputValue()).toBe('3');
    expect(await quantity.getAttribute('max')).toBe('3');
    await quantity.fill('2');
    await dialog.getByRole('textbox', { name: en.returns.reason }).fill('Too cold');
    await expect.poll(() => dialog.getByTestId('return-total').getAttribute('data-amount')).toBe('500');
    await shot(page, 'return-items');
    await dialog.getByRole('button', { name: 'Refund €5.00' }).click();
    await page.getByText('Items returned: €5.00 refunded.').waitFor();
    expect(sim.orders.get(orderId)!.refunds.map((r) => r.amount)).toEqual([500]);
    const refund = page.locator('[data-testid="refund"][data-tender="card"][data-state="done"]');
    await expect.poll(() => refund.textContent()).toMatch(/2 × Espresso · Too cold/);
    await expect.poll(() => page.locator('[data-testid="sale-line"][data-returned="2"]').count()).toBe(1);

    // The refund receipt lists the espressos and reverses their VAT: 9 % of 5.00 is 0.41.
    await refund.getByRole('button', { name: /Show receipt/ }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.locator('[data-testid="receipt-returned-line"]').getAttribute('data-quantity')).toBe('2');
    expect(await receipt.textContent()).toMatch(/2 × Espresso/);
    await page.keyboard.press('Escape');

    // Only the third espresso and the cappuccino are left to return.
    await page.getByRole('button', { name: 'Return items', exact: true }).click();
    await dialog.getByRole('checkbox', { name: 'Espresso', exact: true }).check();
    expect(await dialog.getByRole('spinbutton', { name: 'Quantity of Espresso' }).getAttribute('max')).toBe('1');
    await dialog.getByRole('spinbutton', { name: 'Quantity of Espresso' }).fill('2');
    await dialog.getByRole('textbox', { name: en.returns.reason }).fill('Too cold');
    await dialog.getByRole('button', { name: /^Refund/ }).click();
    await dialog.getByText(en.returns.badQuantity.replace('{{n}}', '1').replace('{{name}}', 'Espresso')).waitFor();
    expect(sim.orders.get(orderId)!.refunds).toHaveLength(1);
  });

  it('Dutch: a cash sale’s cappuccino comes back from the drawer, with the reason, under Artikelen retour', async () => {
    const page = await open();
    await openDay(page);
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    await product(page, /Espresso/).click();
    await product(page, /Cappuccino/).click();
    const T = await paidInCashThenDutch(page, '€10.00');

    await details(page, T);
    await page.getByRole('button', { name: T.returns.open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: T.returns.title });
    await dialog.getByRole('checkbox', { name: 'Cappuccino', exact: true }).check();
    expect(await dialog.getByRole('spinbutton', { name: 'Aantal Cappuccino' }).inputValue()).toBe('1');
    // No reason yet: asked for, nothing refunded.
    await dialog.getByRole('button', { name: /terugbetalen$/ }).click();
    await dialog.getByText(T.returns.noReason).waitFor();
    await dialog.getByRole('textbox', { name: T.returns.reason }).fill('Verkeerd besteld');
    await expect.poll(() => dialog.getByTestId('return-total').textContent()).toMatch(/Contant uit de lade/);
    await shot(page, 'return-items-nl');
    await dialog.getByRole('button', { name: /3,50 terugbetalen$/ }).click();
    await page.getByText(/Artikelen retour: €\s?3,50 terugbetaald\./).waitFor();
    const refund = page.locator('[data-testid="refund"][data-tender="cash"][data-state="done"]');
    await expect.poll(() => refund.textContent()).toMatch(/1 × Cappuccino · Verkeerd besteld/);
    // The espresso alone is left.
    await page.getByRole('button', { name: T.returns.open, exact: true }).click();
    await expect.poll(() => dialog.getByTestId('return-line').count()).toBe(1);
    await dialog.getByRole('checkbox', { name: 'Espresso', exact: true }).waitFor();
    await page.keyboard.press('Escape');

    // Closed, the day takes the cappuccino off: only the espresso is sold, 9 % VAT 0.21 (the sale's 0.50 less the
    // cappuccino's 0.29), and the drawer holds 100.00 + 6.00 - 3.50.
    await page.getByRole('button', { name: T.nav.day, exact: true }).click();
    await page.getByRole('textbox', { name: T.day.counted }).fill('102,50');
    await page.getByRole('button', { name: T.day.closeDay }).click();
    await page.getByRole('button', { name: T.day.yesClose }).click();
    const closed = page.getByTestId('day-closed');
    await closed.waitFor();
    expect(await closed.getByTestId('day-expected').getAttribute('data-amount')).toBe('10250');
    const products = closed.getByTestId('day-product');
    await expect.poll(() => products.count()).toBe(1);
    expect(await products.first().getAttribute('data-quantity')).toBe('1');
    expect(await products.first().getAttribute('data-amount')).toBe('250');
    expect(await closed.getByTestId('vat-totals').locator('[data-rate="9"]').getAttribute('data-vat')).toBe('21');
    await shot(page, 'return-day-closed-nl');
  });

  it('English: a manager takes two espressos back without a receipt, in cash from the drawer', async () => {
    const page = await open();
    await openDay(page);

    await page.getByRole('button', { name: en.nav.history }).click();
    await page.getByRole('button', { name: 'Return without receipt', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Return without receipt' });
    const keys = dialog.getByRole('region', { name: en.sale.products });
    await keys.getByRole('button', { name: /Espresso/ }).click();
    await keys.getByRole('button', { name: /Espresso/ }).click();
    expect(await dialog.getByRole('spinbutton', { name: 'Quantity of Espresso' }).inputValue()).toBe('2');
    await dialog.getByRole('textbox', { name: en.returns.reason }).fill('Gift, no receipt');
    await expect.poll(() => dialog.getByTestId('return-total').getAttribute('data-amount')).toBe('500');
    await shot(page, 'return-without-receipt');
    await dialog.getByRole('button', { name: 'Refund €5.00' }).click();
    await page.getByText('Returned without receipt: €5.00 from the drawer (refund receipt 1).').waitFor();
    // Its refund receipt, on the screen (what a browser prints): the espressos, as a return without a receipt.
    await page.getByRole('button', { name: /Show receipt/ }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getAttribute('data-kind')).toBe('refund');
    expect(await receipt.getAttribute('data-receipt-number')).toBe('1');
    expect(await receipt.locator('[data-testid="receipt-returned-line"]').getAttribute('data-quantity')).toBe('2');
    expect(await receipt.textContent()).toContain('Return without receipt');
    await page.keyboard.press('Escape');
    await receipt.waitFor({ state: 'detached' });
    // The drawer should now hold the 100.00 float less the 5.00 given back.
    await page.getByRole('button', { name: en.nav.day, exact: true }).click();
    await expect.poll(() => page.getByTestId('day-expected-now').getAttribute('data-amount')).toBe('9500');
  });

  it("English: a cashier's Return items asks a manager's PIN on the cashier's screen; the manager's PIN gives the espresso back", async () => {
    const page = await open();
    // Anna (manager, 1234) and Bob (cashier, 5678); Bob signs in.
    await page.getByRole('button', { name: en.nav.settings }).click();
    const staff = page.locator('form.staff');
    for (const [i, name, pin] of [
      [1, 'Anna', '1234'],
      [2, 'Bob', '5678'],
    ] as const) {
      await staff.getByRole('button', { name: 'Add person' }).click();
      await staff.getByRole('textbox', { name: `Name ${i}` }).fill(name);
      await staff.getByLabel(`PIN ${i}`).fill(pin);
    }
    await staff.getByRole('combobox', { name: 'Role 2' }).selectOption('cashier');
    await staff.getByRole('button', { name: 'Save staff' }).click();
    await page.getByTestId('signed-in').filter({ hasText: 'Anna' }).getByRole('button', { name: 'Sign out' }).click();
    const signIn = page.getByRole('region', { name: 'Sign in' });
    await signIn.getByRole('button', { name: 'Bob', exact: true }).click();
    for (const d of '5678') await signIn.getByRole('group', { name: 'PIN keypad' }).getByRole('button', { name: d, exact: true }).click();
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in').filter({ hasText: 'Bob' }).waitFor();

    await product(page, /Espresso/).click();
    await page.getByRole('button', { name: en.sale.cash }).click();
    const cash = page.getByRole('dialog', { name: en.cash.title });
    await cash.getByRole('button', { name: 'Exact' }).click();
    await cash.getByRole('button', { name: 'New sale' }).click();
    await details(page, en);
    await page.getByRole('button', { name: 'Return items', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: en.returns.title });
    await dialog.getByRole('checkbox', { name: 'Espresso', exact: true }).check();
    await dialog.getByRole('textbox', { name: en.returns.reason }).fill('Spilled');
    await dialog.getByRole('button', { name: 'Refund €2.50' }).click();
    const approval = page.getByRole('dialog', { name: 'Manager approval' });
    await approval.getByText('A return needs a manager').waitFor();
    await approval.getByRole('combobox', { name: 'Manager' }).selectOption({ label: 'Anna' });
    await approval.getByLabel('Manager PIN').fill('1234');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Items returned: €2.50 refunded.').waitFor();
    const refund = page.locator('[data-testid="refund"][data-tender="cash"][data-state="done"]');
    await expect.poll(() => refund.textContent()).toMatch(/1 × Espresso · Spilled/);
    await page.getByTestId('signed-in').filter({ hasText: 'Bob' }).waitFor();
  });

  it('Exchange: a cappuccino paid by card is exchanged for a sandwich; the difference is paid in cash and the new sale has its receipt', async () => {
    const page = await open();
    await openDay(page);
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    await product(page, /Cappuccino/).click();
    const orderId = await payByCard(page);

    await details(page, en);
    await page.getByRole('button', { name: en.returns.open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: en.returns.title });
    await dialog.getByRole('checkbox', { name: 'Cappuccino', exact: true }).check();
    await dialog.getByRole('checkbox', { name: en.exchange.toggle }).check();
    // The new item from the quick keys: a 6.95 sandwich for the 3.50 cappuccino, 3.45 to pay.
    await dialog
      .getByRole('region', { name: en.exchange.newItems })
      .getByRole('button', { name: /Sandwich/ })
      .click();
    await expect.poll(() => dialog.getByTestId('exchange-difference').getAttribute('data-amount')).toBe('345');
    await dialog.getByRole('textbox', { name: en.returns.reason }).fill('Wanted food instead');
    await dialog.getByRole('textbox', { name: en.cash.given }).fill('5');
    await shot(page, 'exchange');
    await dialog.getByRole('button', { name: en.exchange.submit, exact: true }).click();
    await page.getByText(/Exchanged: receipt \d+, change €1\.55\./).waitFor();
    // The new sale's receipt: the sandwich, paid in cash.
    const receipt = page.getByTestId('receipt');
    await expect.poll(() => receipt.getByTestId('receipt-total').textContent()).toBe('€6.95');
    expect(await receipt.textContent()).toContain('Sandwich');
    // Nothing went back to the card; the cappuccino is returned on the original sale.
    expect(sim.orders.get(orderId)!.refunds).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('refund').filter({ hasText: 'Wanted food instead (exchange)' }).waitFor();
  });

  it('Ruilen in Dutch: a latte paid in cash is exchanged for an espresso, and the difference is given back from the drawer', async () => {
    const page = await open();
    await openDay(page);
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    await product(page, /Latte/).click();
    const T = await paidInCashThenDutch(page, '€5.00');

    await details(page, T);
    await page.getByRole('button', { name: T.returns.open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: T.returns.title });
    await dialog.getByRole('checkbox', { name: 'Latte', exact: true }).check();
    await dialog.getByRole('checkbox', { name: T.exchange.toggle }).check();
    await dialog
      .getByRole('region', { name: T.exchange.newItems })
      .getByRole('button', { name: /Espresso/ })
      .click();
    // 2,50 for the 3,90 latte: 1,40 back in cash, and no amount to hand over.
    await expect.poll(() => dialog.getByTestId('exchange-difference').getAttribute('data-amount')).toBe('-140');
    expect(await dialog.getByTestId('exchange-difference').textContent()).toMatch(/contant terug te geven: €\s?1,40/);
    expect(await dialog.getByRole('textbox', { name: T.cash.given }).count()).toBe(0);
    await dialog.getByRole('textbox', { name: T.returns.reason }).fill('Te sterk');
    await dialog.getByRole('button', { name: T.exchange.submit, exact: true }).click();
    await page.getByText(/Geruild: bon \d+, wisselgeld €\s?1,40\./).waitFor();
    await shot(page, 'exchange-nl');
  });
});
