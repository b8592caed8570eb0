/**
 * Store credit note codes: ten characters of Crockford's base32 (digits and capitals without I, L, O and U; see
 * https://www.crockford.com/base32.html), 50 random bits, written `XXXXX-XXXXX`. What a cashier types or a scanner
 * reads is read leniently as Crockford decodes: case, spaces and dashes do not matter, O reads as 0, I and L as 1.
 */

export const CREDIT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A code from ten random values 0..31 (the core passes random bytes), written `XXXXX-XXXXX`. */
export function creditCodeOf(random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('ten random bytes are needed');
  const chars = Array.from(random.subarray(0, 10), (b) => CREDIT_ALPHABET[b & 31]!).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** What was typed or scanned, as a code (`XXXXX-XXXXX`); undefined when it cannot be one. */
export function readCreditCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(plain)) return undefined;
  return `${plain.slice(0, 5)}-${plain.slice(5)}`;
}
