/**
 * The catalog as a CSV file in the import's format (`barcode,name,price,vat_rate,category`; several barcodes of a
 * product separated by `|`), written a page at a time into a new file readable by the till's user only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toUnits } from '../../../shared/money';
import type { Products } from '../ledger/products';
import { writePrivateFile } from '../storage/private-file';
import { csvCell, PRODUCT_COLUMNS } from './csv';

export async function exportProducts(
  products: Products,
  dir: string,
  currency: string,
  stamp: string,
): Promise<{ path: string; rows: number }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `products-${stamp}.csv`);
  return writePrivateFile(path, async (_tmp, out) => {
    await out.write(`${PRODUCT_COLUMNS.join(',')}\n`);
    let rows = 0;
    let after = 0;
    for (;;) {
      const page = products.page(after, 1000);
      if (!page.length) break;
      let chunk = '';
      for (const p of page) {
        chunk += `${[p.barcodes.join('|'), p.name, toUnits(p.price, currency), String(p.vatRate), p.category].map(csvCell).join(',')}\n`;
        rows++;
      }
      after = page[page.length - 1]!.id;
      await out.write(chunk);
    }
    return { path, rows };
  });
}
