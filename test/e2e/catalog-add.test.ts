/**
 * Adding a product from the counter in Chromium at 1024x768 against headless mode, in English and in Dutch: an
 * unknown barcode scanned, **Add product** on its notice, the small form, the product in the basket and found by
 * the next scan; a weighed item's scale label added by its item code at a price per kilogram, its weight and
 * amount on the line; and the scale label layout set in Settings, a bad one refused in the cashier's language.
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

const code = (body12: string) => body12 + gs1CheckDigit(body12);
const ean = (n: number) => code(`871${String(n).padStart(9, '0')}`);
const NL = nl as typeof en;

describe.skipIf(Boolean(reason))('adding a product at the counter in Chromium (1024x768)', () => {
  const { open } = salePages({ width: 1024, height: 768 });
  const total = (page: Page) => page.getByTestId('basket-total').getAttribute('data-amount');

  /** Scans an unknown code, opens Add product on its notice and fills the form. */
  async function addFromScan(
    page: Page,
    T: typeof en,
    scanned: string,
    p: { name: string; price: string; rate: string; category: string },
  ) {
    await scanBarcode(page, scanned);
    await page.getByRole('button', { name: T.addProduct.open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: T.addProduct.title });
    await dialog.getByRole('textbox', { name: T.addProduct.name }).fill(p.name);
    return {
      dialog,
      save: async (priceLabel = T.addProduct.price) => {
        await dialog.getByRole('textbox', { name: priceLabel, exact: true }).fill(p.price);
        await dialog.getByRole('combobox', { name: T.addProduct.vatRate }).selectOption(p.rate);
        await dialog.getByRole('textbox', { name: T.addProduct.category }).fill(p.category);
        await dialog.getByRole('button', { name: T.addProduct.save }).click();
        await dialog.waitFor({ state: 'detached' });
      },
    };
  }

  it('in English: an unknown barcode is added from its notice into the catalog and the basket; a weighed item by its scale label', async () => {
    const page = await open();
    await page.getByRole('textbox', { name: 'Amount' }).click();
    await scanBarcode(page, ean(7));
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(`Unknown barcode ${ean(7)} - nothing was added.`);
    expect(await total(page)).toBe('0');
    const add = await addFromScan(page, en, ean(7), { name: 'Stroopwafels', price: '3.49', rate: '9', category: 'Biscuits' });
    // The scanned barcode is filled in.
    expect(await add.dialog.getByRole('textbox', { name: en.addProduct.barcode }).inputValue()).toBe(ean(7));
    await shot(page, 'catalog-add-form');
    await add.save();
    await expect.poll(() => total(page)).toBe('349');
    expect(await page.getByRole('region', { name: 'Basket' }).textContent()).toContain('Stroopwafels');
    await expect.poll(() => page.getByRole('button', { name: en.addProduct.open }).count()).toBe(0);
    // The next scan finds it.
    await scanBarcode(page, ean(7));
    await expect.poll(() => total(page)).toBe('698');

    // A scale label of an item not in the catalog: its item code is added at a price per kilogram.
    const label = code('280045600512');
    const weighed = await addFromScan(page, en, label, { name: 'Gouda', price: '12.90', rate: '9', category: 'Cheese' });
    expect(await weighed.dialog.getByRole('textbox', { name: en.addProduct.barcode }).inputValue()).toBe('2800456');
    expect(await weighed.dialog.getByTestId('scale-item').textContent()).toContain('2800456');
    await weighed.save(en.addProduct.pricePerKg);
    // 0.512 kg at 12.90 a kilogram = 6.6048, so 6.60: the weight and price per kilogram are on the line.
    await expect.poll(() => total(page)).toBe(String(698 + 660));
    expect(await page.getByRole('region', { name: 'Basket' }).textContent()).toContain('Gouda 0.512 kg x 12.90/kg');
    // Another label of the same item, 1.000 kg.
    await scanBarcode(page, code('280045601000'));
    await expect.poll(() => total(page)).toBe(String(698 + 660 + 1290));
    await shot(page, 'catalog-add-weighed');

    // A manager changes the price mid-sale and puts the product on the quick keys: the basket keeps its lines.
    const basketTotal = 698 + 660 + 1290;
    await page.getByRole('button', { name: en.nav.settings, exact: true }).click();
    const products = page.getByRole('region', { name: en.products.title });
    await products.getByRole('searchbox', { name: en.products.find }).fill('stroop');
    await products.getByRole('textbox', { name: en.products.newPrice.replace('{{name}}', 'Stroopwafels') }).fill('3.99');
    await products.getByRole('button', { name: en.products.savePrice }).click();
    await expect.poll(() => products.getByRole('status').textContent()).toBe('New price of Stroopwafels saved.');
    await products.getByRole('button', { name: en.products.quickKey }).click();
    await expect.poll(() => products.getByRole('list', { name: en.products.favourites }).textContent()).toContain('Stroopwafels');
    // The quick keys of Settings give way to the favourites.
    expect(await page.getByTestId('keys-are-favourites').textContent()).toBe(en.products.keysAreFavourites);
    await page.getByRole('button', { name: en.nav.sale, exact: true }).click();
    expect(await total(page)).toBe(String(basketTotal));
    const key = page.getByRole('region', { name: en.sale.products }).getByRole('button', { name: /Stroopwafels/ });
    expect(await key.textContent()).toContain('3.99');
    await key.click();
    await expect.poll(() => total(page)).toBe(String(basketTotal + 399));
    await shot(page, 'catalog-favourite-key');
  }, 60_000);

  it('in Dutch: the scale layout is set in Settings (a bad one refused in Dutch), then an unknown code and a weighed item are added', async () => {
    const page = await open();
    await page.getByRole('button', { name: en.nav.settings, exact: true }).click();
    await page.getByRole('combobox', { name: en.settings.language }).selectOption('nl');
    await page.getByRole('button', { name: en.settings.save, exact: true }).click();
    await page.getByRole('button', { name: NL.settings.save, exact: true }).waitFor();
    // This shop's scale: 23 weighs, four digits of item and six of grams; 22 is also listed for weight by mistake.
    const layout = page.getByTestId('scale-layout');
    await layout.getByRole('textbox', { name: NL.scale.price }).fill('20, 21, 22');
    await layout.getByRole('textbox', { name: NL.scale.weight }).fill('22, 23');
    await layout.getByRole('combobox', { name: NL.scale.itemDigits }).selectOption('4');
    await layout.getByRole('combobox', { name: NL.scale.valueDigits }).selectOption('6');
    await page.getByRole('button', { name: NL.settings.save, exact: true }).click();
    await expect.poll(() => layout.getByRole('alert').textContent()).toBe(NL.scale.problems.both);
    await layout.getByRole('textbox', { name: NL.scale.price }).fill('20, 21');
    await page.getByRole('button', { name: NL.settings.save, exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: NL.settings.saved }).count()).toBe(1);

    await page.getByRole('button', { name: NL.nav.sale, exact: true }).click();
    await scanBarcode(page, ean(8));
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(`Onbekende streepjescode ${ean(8)}`);
    const add = await addFromScan(page, NL, ean(8), { name: 'Drop', price: '1,99', rate: '9', category: 'Snoep' });
    await add.save();
    await expect.poll(() => total(page)).toBe('199');

    // 23 0456 000750 C: item 230456, 0.750 kg.
    const label = code('230456000750');
    const weighed = await addFromScan(page, NL, label, { name: 'Kaas', price: '15,00', rate: '9', category: 'Kaas' });
    expect(await weighed.dialog.getByRole('textbox', { name: NL.addProduct.barcode }).inputValue()).toBe('230456');
    await shot(page, 'catalog-add-weighed-form-nl');
    await weighed.save(NL.addProduct.pricePerKg);
    // 0.750 kg at 15.00 = 11.25.
    await expect.poll(() => total(page)).toBe(String(199 + 1125));
    expect(await page.getByRole('region', { name: NL.sale.basket }).textContent()).toContain('Kaas 0,750 kg x 15,00/kg');
    await shot(page, 'catalog-add-weighed-nl');
  }, 60_000);
});
