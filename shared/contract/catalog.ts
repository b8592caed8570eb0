/** The catalog: quick keys, products with their barcodes, and what a product list import did. */
import { z } from 'zod';
import { minor, vatRate } from './fields';

export const CatalogItemSchema = z.object({
  id: z.string().min(1).max(40),
  name: z.string().trim().min(1, 'Required').max(40),
  price: minor,
  /** Percent; the product's price includes it. */
  vatRate: vatRate.optional(),
  /** The catalog product of a favourite (quick keys picked from the catalog). */
  productId: z.number().int().positive().optional(),
});

export type CatalogItem = z.infer<typeof CatalogItemSchema>;

/** A product of the catalog (kept in the ledger's database; never sent whole in the snapshot). */
export interface Product {
  id: number;
  /** EAN-13, EAN-8 (a UPC-A kept as its EAN-13) or the shop's own codes; each on one product only. */
  barcodes: string[];
  name: string;
  /** Minor units, VAT included. */
  price: number;
  /** Percent. */
  vatRate: number;
  category: string;
  active: boolean;
  /** Picked by a manager for the quick keys. */
  favourite: boolean;
}

/** Names what is wrong with a row of a product list, so the screen can say it in the cashier's language. */
export type ProductProblemKey =
  | 'empty_file'
  | 'header'
  | 'no_products'
  | 'too_many'
  | 'barcode_empty'
  | 'check_digit'
  | 'barcode_format'
  | 'too_many_barcodes'
  | 'name_empty'
  | 'name_long'
  | 'price'
  | 'rate'
  | 'rate_unknown'
  | 'category_long'
  | 'barcode_twice'
  | 'two_products';

/** One bad row of a product list: its line, the sentence in English, and its key and values. */
export interface ProductProblem {
  line: number;
  message: string;
  key: ProductProblemKey;
  params?: Record<string, string | number>;
}

/** What importing a product list did: all of it, or (any bad row) nothing, with the bad rows by line. */
export type ProductImportResult =
  | { state: 'received' }
  | { state: 'imported'; /** Products in the catalog now. */ products: number; added: number; updated: number }
  | { state: 'refused'; problems: ProductProblem[]; badRows: number };

/** A product a manager adds at the counter (an unknown barcode scanned) or in Settings. */
export const NewProductSchema = z
  .object({
    barcode: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1, 'Required').max(80, 'At most 80 characters'),
    price: minor,
    vatRate,
    category: z.string().trim().max(40, 'At most 40 characters'),
  })
  .strict();
