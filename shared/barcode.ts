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
 * GS1 variable-measure codes: an EAN-13 whose first two digits are a prefix from 20 to 29 (a "restricted circulation
 * number", used inside one shop or one country only), followed by an item code, a value (a price or a weight) and
 * the check digit: `PP IIIII VVVVV C` in the default layout. The facts, and where they come from:
 *
 * - Prefixes 20-29 are for restricted circulation; what the digits after them mean is decided by the country's GS1
 *   organisation or by the company itself, and a price or measure in them has an implied decimal point whose
 *   position the trading partners set; a different position needs a different format, told apart by the prefix
 *   (GS1 General Specifications, section 2.1.14.2 "Restricted circulation numbers ... variable measure", figure
 *   2.1.14.2-2).
 * - Layouts really differ: GS1 Sweden gives the second digit of the prefix a meaning (20: price with two decimals,
 *   21: one decimal, 22: whole crowns, 23-25: kilograms with three, two or one decimals), followed by the item and
 *   the value (gs1.se, "Hur skapar jag mina viktvarunummer?").
 * - In the Netherlands numbers starting with 2 are store-internal ("winkelinterne nummers"): GS1 Nederland sets no
 *   national layout for a shop's own scale labels (GS1 Nederland, Handboek GS1-codesysteem, 2010), so the layout is
 *   whatever the shop's scale prints and the till is told it in Settings.
 *
 * The defaults (`DEFAULT_SCALE_LAYOUT`) are the layout scales commonly print and the till read before the layout
 * could be set: 20-24 a price in euro cents (two decimals), 25-29 a weight in grams (kilograms with three
 * decimals), five digits of item and five of value. A shop whose labels differ sets its own.
 */
export interface ScaleLayout {
  /** Prefixes (20 to 29) whose codes carry a price. */
  price: number[];
  /** Prefixes (20 to 29) whose codes carry a weight. */
  weight: number[];
  /** Digits of the item code after the prefix. */
  itemDigits: number;
  /** Digits of the value after the item code (item and value fill the ten digits between prefix and check digit). */
  valueDigits: number;
  /** Decimals of a price in the currency: 2 = cents. */
  priceDecimals: number;
  /** Decimals of a weight in kilograms: 3 = grams. */
  weightDecimals: number;
}

export const DEFAULT_SCALE_LAYOUT: ScaleLayout = {
  price: [20, 21, 22, 23, 24],
  weight: [25, 26, 27, 28, 29],
  itemDigits: 5,
  valueDigits: 5,
  priceDecimals: 2,
  weightDecimals: 3,
};

/** What is wrong with a layout, as a key (the screen says it in the cashier's language) and an English sentence. */
export type ScaleLayoutProblem = { key: 'prefix' | 'both' | 'none' | 'digits' | 'decimals'; message: string };

/** Why a layout cannot be read, or undefined when it can. */
export function scaleLayoutProblem(l: ScaleLayout): ScaleLayoutProblem | undefined {
  const all = [...l.price, ...l.weight];
  if (all.some((p) => !Number.isInteger(p) || p < 20 || p > 29))
    return { key: 'prefix', message: 'A scale prefix is a number from 20 to 29.' };
  if (new Set(all).size !== all.length)
    return { key: 'both', message: 'A scale prefix carries either a price or a weight, and is listed once.' };
  if (!all.length) return { key: 'none', message: 'List at least one scale prefix for a price or a weight.' };
  const digits = [l.itemDigits, l.valueDigits];
  if (digits.some((d) => !Number.isInteger(d) || d < 3 || d > 7) || l.itemDigits + l.valueDigits !== 10)
    return {
      key: 'digits',
      message: 'The item code and the value together take the ten digits between the prefix and the check digit (each 3 to 7).',
    };
  if (![0, 1, 2].includes(l.priceDecimals) || ![0, 1, 2, 3].includes(l.weightDecimals))
    return { key: 'decimals', message: 'A price has 0 to 2 decimals and a weight 0 to 3.' };
  return undefined;
}

export interface VariableMeasure {
  /** The catalog code of the item: the prefix and the item code. */
  item: string;
  kind: 'price' | 'weight';
  /** Minor units (price) or grams (weight). */
  value: number;
}

/**
 * The item and price or weight a variable-measure EAN-13 carries in the given layout (a layout that cannot be read
 * reads nothing); undefined for any other code. The value is read with the layout's decimals into cents or grams.
 */
export function variableMeasure(raw: string, layout: ScaleLayout = DEFAULT_SCALE_LAYOUT): VariableMeasure | undefined {
  const c = checkBarcode(raw);
  if (!c.ok || c.kind !== 'EAN-13' || c.code[0] !== '2' || scaleLayoutProblem(layout)) return undefined;
  const prefix = Number(c.code.slice(0, 2));
  const kind = layout.price.includes(prefix) ? 'price' : layout.weight.includes(prefix) ? 'weight' : undefined;
  if (!kind) return undefined;
  const end = 2 + layout.itemDigits;
  const digits = Number(c.code.slice(end, end + layout.valueDigits));
  const value = kind === 'price' ? digits * 10 ** (2 - layout.priceDecimals) : digits * 10 ** (3 - layout.weightDecimals);
  return { item: c.code.slice(0, end), kind, value };
}

/**
 * The catalog code of a scale item as a manager types it (the prefix and the item code, e.g. `2800456`), or
 * undefined when `raw` is not one in this layout. Kept as typed: with a six-digit item it has an EAN-8's length but
 * no check digit of its own.
 */
export function scaleItemCode(raw: string, layout: ScaleLayout = DEFAULT_SCALE_LAYOUT): string | undefined {
  const code = raw.trim();
  if (scaleLayoutProblem(layout) || !/^\d+$/.test(code) || code.length !== 2 + layout.itemDigits) return undefined;
  const prefix = Number(code.slice(0, 2));
  return layout.price.includes(prefix) || layout.weight.includes(prefix) ? code : undefined;
}

/** A code as the catalog keeps it: a scale item's own code as typed, any other as `checkBarcode` reads it. */
export function catalogCode(raw: string, layout: ScaleLayout = DEFAULT_SCALE_LAYOUT): BarcodeCheck {
  const item = scaleItemCode(raw, layout);
  return item ? { ok: true, kind: 'own', code: item } : checkBarcode(raw);
}

/**
 * The amount of a weighed item: grams x price per kilogram (minor units), rounded to the minor unit, half up
 * (0.5 cent and more up, less down), in integers so no floating point decides a cent.
 */
export function weighedAmount(pricePerKg: number, grams: number): number {
  return Math.floor((pricePerKg * grams + 500) / 1000);
}
