/**
 * Barcodes as a scanner reads them: EAN-13, EAN-8 and UPC-A (GS1 GTINs) with their check digit verified, and the
 * shop's own codes (other lengths, no check digit). A UPC-A is the EAN-13 with a leading zero, so both spellings of
 * one product are kept as the 13 digits. Pure: used by the core and the screen alike.
 */

export type BarcodeKind = 'EAN-13' | 'EAN-8' | 'UPC-A' | 'own';

export type BarcodeCheck =
  | { ok: true; kind: BarcodeKind; /** The form the catalog keeps: a UPC-A as its EAN-13. */ code: string }
  | {
      ok: false;
      /** English sentence part, e.g. "the EAN-13 check digit is wrong". */
      problem: string;
      /** Set when the code has a GTIN's length and its check digit is wrong (a misread). */
      misread?: BarcodeKind;
    };

/** GS1 check digit of the digits before it: weights 3 and 1 from the right. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

const GTIN_KINDS: Record<number, BarcodeKind> = { 8: 'EAN-8', 12: 'UPC-A', 13: 'EAN-13' };

/** The shop's own codes: letters, digits and dashes, 1 to 20 of them (not 8, 12 or 13 digits: those are GTINs). */
const OWN_CODE = /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/;

/** Checks one barcode; `code` is trimmed first. */
export function checkBarcode(raw: string): BarcodeCheck {
  const code = raw.trim();
  if (!code) return { ok: false, problem: 'the barcode is empty' };
  if (/^\d+$/.test(code)) {
    const kind = GTIN_KINDS[code.length];
    if (kind) {
      const want = gs1CheckDigit(code.slice(0, -1));
      if (code.charCodeAt(code.length - 1) - 48 !== want) return { ok: false, problem: `the ${kind} check digit is wrong`, misread: kind };
      return { ok: true, kind, code: kind === 'UPC-A' ? `0${code}` : code };
    }
  }
  if (!OWN_CODE.test(code)) return { ok: false, problem: 'a barcode is 1 to 20 letters, digits or dashes' };
  return { ok: true, kind: 'own', code };
}

/** The form a code is looked up by: a valid GTIN as the catalog keeps it, else the code as it is. */
export function barcodeKey(raw: string): string {
  const c = checkBarcode(raw);
  return c.ok ? c.code : raw.trim();
}

/**
 * GS1 variable-measure codes (restricted circulation, EAN-13 starting with 2): the layout most shop scales print,
 * `2P IIIII VVVVV C` - a prefix digit P, five digits of the item, five of the value, the check digit. With P in
 * `price` the value is the price in minor units; in `weight`, the weight in grams. The item is found in the catalog
 * by its own code `2PIIIII` (seven digits), whose price is per kilogram for weighed items.
 */
export const VARIABLE_MEASURE = { price: ['0', '1', '2', '3', '4'], weight: ['5', '6', '7', '8', '9'] } as const;

export interface VariableMeasure {
  /** The catalog code of the item: the first seven digits. */
  item: string;
  kind: 'price' | 'weight';
  /** Minor units (price) or grams (weight). */
  value: number;
}

/** The item and price or weight a variable-measure EAN-13 carries; undefined for any other code. */
export function variableMeasure(raw: string): VariableMeasure | undefined {
  const c = checkBarcode(raw);
  if (!c.ok || c.kind !== 'EAN-13' || c.code[0] !== '2') return undefined;
  const p = c.code[1]!;
  const kind = (VARIABLE_MEASURE.price as readonly string[]).includes(p) ? 'price' : 'weight';
  return { item: c.code.slice(0, 7), kind, value: Number(c.code.slice(7, 12)) };
}
