/**
 * The product catalog in Chromium against headless mode: a product list imported from Settings, a scanner's burst
 * adding a product with the cursor in Amount, an unknown barcode changing nothing, and Search products.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gs1CheckDigit } from '../../shared/barcode';
import { en } from '../../renderer/src/locales/en';
import { nl } from '../../renderer/src/locales/nl';
import { scanBarcode, shot, skipReason } from './harness';
import { salePages } from './sale-page';

const reason = skipReason();
if (reason) console.warn(`[e2e] ${reason}`);

const ean = (n: number) => {
  const body = `871${String(n).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
};

describe.skipIf(Boolean(reason))('the product catalog in Chromium', () => {
  const { open } = salePages({ width: 1400, height: 900 });

  async function importFile(page: Page, text: string, T: typeof en = en) {
    await page.getByRole('button', { name: T.nav.settings, exact: true }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: T.settings.importProducts }).click();
    await (await chooser).setFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  }

  it('imports a product list in Settings, scans into Amount, refuses an unknown barcode, and finds products by search', async () => {
    const page = await open();
    // A file with a bad row: nothing is imported and the row is named by its line.
    await importFile(
      page,
      `barcode;name;price;vat_rate;category\n${ean(1)};Appelsap;2,49;9;Dranken\n${ean(2).slice(0, 12)}0;Kauwgom;0,99;21;Snoep\n`,
    );
    const refused = page.getByTestId('import-result');
    await expect.poll(() => refused.textContent()).toContain('Nothing was imported: 1 rows need correcting first.');
    expect(await refused.textContent()).toContain(`Line 3: barcode ${ean(2).slice(0, 12)}0: the EAN-13 check digit is wrong`);
    // Then the corrected file (as Dutch Excel saves it: byte-order mark, semicolons, decimal commas).
    await importFile(
      page,
      `\uFEFFbarcode;name;price;vat_rate;category\r\n${ean(1)};Appelsap;2,49;9;Dranken\r\n${ean(2)};Kauwgom;0,99;21;Snoep\r\n`,
    );
    await expect.poll(() => page.getByTestId('import-result').textContent()).toContain('2 products in the catalog');
    await shot(page, 'catalog-imported');

    await page.getByRole('button', { name: 'Sale', exact: true }).click();
    const amount = page.getByRole('textbox', { name: 'Amount' });
    await amount.click();
    await amount.pressSequentially('5');
    // The scanner: thirteen digits a few milliseconds apart, then Enter, with the cursor in Amount.
    await scanBarcode(page, ean(1));
    // The product is in the basket (2.49); the total shown also counts the 5.00 still typed in Amount, as Charge would.
    await expect.poll(() => page.getByTestId('pending-amount').getAttribute('data-amount')).toBe('500');
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('749');
    expect(await page.getByRole('region', { name: 'Basket' }).textContent()).toContain('Appelsap');
    // What was typed in Amount before the scan is still there; the scan's digits are not.
    expect(await amount.inputValue()).toBe('5');

    // An unknown barcode says so and changes nothing.
    await scanBarcode(page, ean(7));
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(`Unknown barcode ${ean(7)} - nothing was added.`);
    expect(await page.getByTestId('basket-total').getAttribute('data-amount')).toBe('749');
    expect(await amount.inputValue()).toBe('5');

    // Search products answers as the cashier types; choosing a result adds it.
    await page.getByRole('searchbox', { name: 'Search products' }).pressSequentially('kauw');
    await page.getByRole('button', { name: /Kauwgom/ }).click();
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('848');
    // A scan with the cursor in Search products adds its product there too and leaves what was typed.
    const search = page.getByRole('searchbox', { name: 'Search products' });
    await search.pressSequentially('app');
    await scanBarcode(page, ean(2));
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('947');
    expect(await search.inputValue()).toBe('app');
    await shot(page, 'catalog-sale');
  }, 60_000);

  it('in Dutch: the bad rows of a file and an unknown or misread barcode are told in Dutch', async () => {
    const page = await open();
    await page.getByRole('button', { name: en.nav.settings, exact: true }).click();
    await page.getByRole('combobox', { name: en.settings.language }).selectOption('nl');
    await page.getByRole('button', { name: en.settings.save, exact: true }).click();
    const NL = nl as typeof en;
    await page.getByRole('button', { name: NL.settings.save, exact: true }).waitFor();
    await importFile(page, `barcode;name;price;vat_rate\n${ean(1)};Appelsap;2,49;7\n${ean(2).slice(0, 12)}0;Kauwgom;abc;21\n`, NL);
    const refused = page.getByTestId('import-result');
    await expect.poll(() => refused.textContent()).toContain('Er is niets geïmporteerd: eerst moeten 2 regels worden verbeterd.');
    const text = (await refused.textContent())!;
    expect(text).toContain('Regel 2: btw-tarief 7 is geen van de btw-tarieven van de kassa (21, 9, 0)');
    expect(text).toContain(`Regel 3: streepjescode ${ean(2).slice(0, 12)}0: het controlecijfer van de EAN-13 klopt niet`);
    await importFile(page, `barcode;name;price;vat_rate\n${ean(1)};Appelsap;2,49;9\n`, NL);
    await expect.poll(() => page.getByTestId('import-result').textContent()).toContain('Klaar: 1 producten in de catalogus');

    await page.getByRole('button', { name: NL.nav.sale, exact: true }).click();
    await page.getByRole('textbox', { name: NL.sale.amount }).click();
    await scanBarcode(page, `${ean(1).slice(0, 12)}0`);
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain(`Onbekende streepjescode ${ean(1).slice(0, 12)}0: het controlecijfer van de EAN-13 klopt niet`);
    expect(await page.getByTestId('basket-total').getAttribute('data-amount')).toBe('0');
    await scanBarcode(page, ean(1));
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('249');
    await shot(page, 'catalog-sale-nl');
  }, 60_000);

  it('categories on the sale screen for touch: a category button shows its products, each tap adds one', async () => {
    const page = await open();
    await importFile(
      page,
      `barcode;name;price;vat_rate;category\n${ean(11)};Appelsap;2,49;9;Dranken\n${ean(12)};Cola;1,99;9;Dranken\n${ean(13)};Kauwgom;0,99;21;Snoep\n`,
    );
    await expect.poll(() => page.getByTestId('import-result').textContent()).toContain('3 products in the catalog');
    await page.getByRole('button', { name: 'Sale', exact: true }).click();
    const categories = page.getByRole('group', { name: 'Categories' });
    await categories.getByRole('button', { name: 'Dranken (2)' }).click();
    const list = page.getByRole('list', { name: 'Dranken' });
    expect(await list.getByRole('button').allTextContents()).toEqual(['Appelsap €2.49', 'Cola €1.99']);
    await list.getByRole('button', { name: /^Cola/ }).click();
    await list.getByRole('button', { name: /^Cola/ }).click();
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('398');
    await page.getByRole('button', { name: 'All categories' }).click();
    await categories.getByRole('button', { name: 'Snoep (1)' }).click();
    await page
      .getByRole('list', { name: 'Snoep' })
      .getByRole('button', { name: /^Kauwgom/ })
      .click();
    await expect.poll(() => page.getByTestId('basket-total').getAttribute('data-amount')).toBe('497');
  });
});
