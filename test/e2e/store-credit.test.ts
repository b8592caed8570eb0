/**
 * Store credit notes in real Chromium at 1024x768 against headless mode: a return without a receipt given as a store
 * credit note, then spent at the counter. In English the note pays part of a bigger basket and cash the rest; the
 * day report shows the note given and spent, and the money counts only the cash. In Dutch a note worth more than the
 * basket pays it in one Apply (its receipt says what is left), and a wrong code is refused in the dialog.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { en } from '../../renderer/src/locales/en';
import { shot, skipReason } from './harness';
import { newestSaleDetails, openDay, salePages, toDutch } from './sale-page';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

const CODE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

describe.skipIf(Boolean(reason))('Store credit in Chromium', () => {
  const pages = salePages({ width: 1024, height: 768 }, { terminalId: 'CRD-T1' });
  const open = pages.open;

  const product = (page: Page, T: typeof en, name: RegExp) =>
    page.getByRole('region', { name: T.sale.products }).getByRole('button', { name });

  /**
   * History -> Return without receipt: `item` comes back `times` times as a store credit note. Returns the note's
   * code as its receipt (shown at once) prints it, and the done message.
   */
  async function creditNote(page: Page, T: typeof en, item: RegExp, times: number, why: string) {
    await page.getByRole('button', { name: T.nav.history }).click();
    await page.getByRole('button', { name: T.returns.noReceipt, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: T.returns.noReceipt });
    const keys = dialog.getByRole('region', { name: T.sale.products });
    for (let i = 0; i < times; i++) await keys.getByRole('button', { name: item }).click();
    await dialog.getByRole('textbox', { name: T.returns.reason }).fill(why);
    // Cash is the default; the store credit note is chosen.
    expect(await dialog.getByRole('radio', { name: T.returns.asCash }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: T.returns.asCredit }).check();
    await expect.poll(() => dialog.getByTestId('return-total').textContent()).toContain(T.returns.toCredit);
    await shot(page, `store-credit-return-${T === en ? 'en' : 'nl'}`);
    await dialog.getByRole('button', { name: new RegExp(T === en ? '^Refund' : 'terugbetalen$') }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    const code = (await receipt.getByTestId('receipt-credit-code').textContent())!.trim();
    expect(code).toMatch(CODE);
    await page.keyboard.press('Escape');
    await receipt.waitFor({ state: 'detached' });
    const done = (await page.getByTestId('receiptless-done').textContent())!;
    expect(done).toContain(code);
    return { code, done };
  }

  /** The day report's store credit given and spent, and its net takings (minor units), each row in `T`'s words. */
  async function dayReport(page: Page, T: typeof en) {
    await page.getByRole('button', { name: T.nav.report }).click();
    const row = (id: string) => page.getByTestId(id);
    await row('credit-issued').waitFor();
    expect(await row('credit-issued').textContent()).toContain(T.report.creditIssued);
    expect(await row('credit-spent').textContent()).toContain(T.report.creditSpent);
    const amount = (id: string) => row(id).getAttribute('data-amount');
    return { issued: await amount('credit-issued'), spent: await amount('credit-spent'), net: await amount('report-net') };
  }

  it('English: a 5.00 note pays part of a 9.45 basket, cash the rest; the day report shows it given and spent', async () => {
    const page = await open();
    await openDay(page);
    const { code, done } = await creditNote(page, en, /Espresso/, 2, 'Gift, no receipt');
    expect(done).toBe(`Store credit note ${code}: €5.00 (refund receipt 1).`);

    // A sandwich and an espresso: 9.45, more than the note.
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    await product(page, en, /Sandwich/).click();
    await product(page, en, /Espresso/).click();
    await page.getByRole('button', { name: 'Store credit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Store credit' });
    expect(await dialog.getByTestId('credit-due').getAttribute('data-amount')).toBe('945');
    // Typed in lower case, without its dash: read leniently.
    await dialog.getByRole('textbox', { name: 'Credit note code' }).fill(code.toLowerCase().replace('-', ''));
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    // The basket stays, 4.45 due, for cash or a card.
    const due = page.getByTestId('split-due');
    await due.waitFor();
    expect(await due.getAttribute('data-due')).toBe('445');
    expect(await due.textContent()).toContain('Paid €5.00 (store credit €5.00) - due €4.45');
    expect(await page.getByTestId('basket-total').getAttribute('data-amount')).toBe('945');
    await shot(page, 'store-credit-part-paid');

    await page.getByRole('button', { name: en.sale.cash }).click();
    const cash = page.getByRole('dialog', { name: en.cash.title });
    expect(await cash.getByTestId('cash-due').getAttribute('data-amount')).toBe('445');
    expect(await cash.getByTestId('cash-due').textContent()).toContain('Store credit €5.00');
    await cash.getByRole('button', { name: '€5.00' }).click();
    await cash.getByText('Sale paid with store credit and cash. Change: €0.55').waitFor();
    expect(await cash.getByTestId('change-due').textContent()).toBe('€0.55');
    expect(await cash.getByTestId('cash-split').textContent()).toBe('Store credit €5.00 · Paid in cash €4.45');
    await cash.getByRole('button', { name: en.payment.print }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getByTestId('receipt-total').textContent()).toBe('€9.45');
    expect(await receipt.getByTestId('receipt-credit').getAttribute('data-amount')).toBe('500');
    expect((await receipt.getByTestId('receipt-credit-code').textContent())!.trim()).toBe(code);
    expect(await receipt.getByTestId('receipt-credit-left').getAttribute('data-amount')).toBe('0');
    expect(await receipt.getByTestId('receipt-cash').getAttribute('data-amount')).toBe('445');
    await shot(page, 'store-credit-receipt');
    await page.keyboard.press('Escape');
    await receipt.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('0');
    expect(await page.getByTestId('split-due').count()).toBe(0);

    // History: the sale's parts, the credit note with its code.
    await newestSaleDetails(page, en);
    const part = page.locator('[data-testid="tender-part"][data-tender="credit"]');
    expect(await part.getAttribute('data-amount')).toBe('500');
    expect(await part.textContent()).toContain(code);
    expect(await page.locator('[data-testid="tender-part"][data-tender="cash"]').getAttribute('data-amount')).toBe('445');

    // The day report: 5.00 given and 5.00 spent as store credit; the money is the cash alone.
    expect(await dayReport(page, en)).toEqual({ issued: '500', spent: '500', net: '445' });
    await shot(page, 'store-credit-report');
    // The drawer holds the 100.00 float and the 4.45 cash, nothing given back from it.
    await page.getByRole('button', { name: en.nav.day, exact: true }).click();
    await expect.poll(() => page.getByTestId('day-expected-now').getAttribute('data-amount')).toBe('10445');
  });

  it('Dutch: a 6.95 note pays a 2.50 espresso in one Apply, 4.45 left on it; a wrong code is refused and changes nothing', async () => {
    const page = await open();
    await openDay(page);
    const T = await toDutch(page);

    const { code, done } = await creditNote(page, T, /Sandwich/, 1, 'Cadeau, geen bon');
    expect(done).toMatch(new RegExp(`^Tegoedbon ${code}: €\\s?6,95 \\(terugbetaalbon 1\\)\\.$`));

    await page.getByRole('button', { name: T.nav.sale, exact: true }).click();
    await product(page, T, /Espresso/).click();
    await page.getByRole('button', { name: 'Tegoedbon', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Tegoedbon' });
    const field = dialog.getByRole('textbox', { name: 'Code tegoedbon' });
    // A code no credit note has: refused in Dutch, in the dialog; the basket is as it was, nothing paid.
    await field.fill('ZZZZZ-ZZZZZ');
    await dialog.getByRole('button', { name: 'Toepassen', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Er is geen tegoedbon met die code.' }).waitFor();
    await shot(page, 'store-credit-refused-nl');
    expect(await page.getByTestId('basket-total').getAttribute('data-amount')).toBe('250');
    expect(await page.getByTestId('split-due').count()).toBe(0);

    await field.fill(code);
    await dialog.getByRole('button', { name: 'Toepassen', exact: true }).click();
    // Paid in full: its receipt, with what is left on the note; the counter is ready for the next sale.
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getByTestId('receipt-total').textContent()).toMatch(/^€\s?2,50$/);
    expect(await receipt.getByTestId('receipt-credit').getAttribute('data-amount')).toBe('250');
    expect(await receipt.getByTestId('receipt-credit-left').getAttribute('data-amount')).toBe('445');
    expect(await receipt.getByTestId('receipt-cash').count()).toBe(0);
    await shot(page, 'store-credit-paid-nl');
    await page.keyboard.press('Escape');
    await receipt.waitFor({ state: 'detached' });
    expect(await dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('0');

    // The espresso comes back (Artikelen retour): the part a note paid goes back as a new note, not from the drawer.
    await newestSaleDetails(page, T);
    await page.getByRole('button', { name: T.returns.open, exact: true }).click();
    const back = page.getByRole('dialog', { name: T.returns.title });
    await back.getByRole('checkbox', { name: 'Espresso', exact: true }).check();
    await back.getByRole('textbox', { name: T.returns.reason }).fill('Koud');
    await expect.poll(() => back.getByTestId('return-total').textContent()).toMatch(/Als tegoedbon/);
    await back.getByRole('button', { name: /2,50 terugbetalen$/ }).click();
    const refund = page.locator('[data-testid="refund"][data-tender="credit"][data-state="done"]');
    await expect.poll(() => refund.textContent()).toMatch(/1 × Espresso · Koud/);

    // The day report in Dutch: 6.95 and 2.50 given, 2.50 spent; no money moved.
    expect(await dayReport(page, T)).toEqual({ issued: '945', spent: '250', net: '0' });
  });
});
