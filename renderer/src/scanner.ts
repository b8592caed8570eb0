/**
 * A barcode scanner is a keyboard that types a code and Enter, a few milliseconds a key; a person types tens of
 * milliseconds a key at the very fastest. `ScanDetector` is fed every key as it is pressed, with its time, and tells
 * a scanner's burst from typing by that timing alone, so a scan is caught wherever focus is. Pure: no DOM.
 */

export const SCAN_TIMING = {
  /** The longest pause between two keys of one scan (ms). */
  maxGapMs: 30,
  /**
   * The shortest code a scan may carry: an EAN-8. Shorter codes (a shop's own) are found with Search products; an
   * amount typed at any speed ("1250", Enter) is never taken for a scan.
   */
  minLength: 8,
  /** The longest. */
  maxLength: 40,
};

export type ScanFeed =
  /** This key begins what may be a scan: remember what the fields held before it. */
  | { kind: 'start' }
  /** Enter ended a burst: a scanned code (the Enter and the burst's keys belong to the scan, not to the field). */
  | { kind: 'scan'; code: string }
  | undefined;

export class ScanDetector {
  #chars = '';
  #last = Number.NEGATIVE_INFINITY;
  readonly #timing: typeof SCAN_TIMING;

  constructor(timing: Partial<typeof SCAN_TIMING> = {}) {
    this.#timing = { ...SCAN_TIMING, ...timing };
  }

  /** One key as pressed (`KeyboardEvent.key`) at `at` ms. */
  feed(key: string, at: number): ScanFeed {
    const gap = at - this.#last;
    if (key === 'Enter') {
      const code = this.#chars;
      this.#chars = '';
      this.#last = Number.NEGATIVE_INFINITY;
      return gap >= 0 && gap <= this.#timing.maxGapMs && code.length >= this.#timing.minLength ? { kind: 'scan', code } : undefined;
    }
    // Shift comes with a scanned capital letter; it neither continues nor ends a burst.
    if (key === 'Shift') return undefined;
    if (key.length !== 1 || !/^[A-Za-z0-9-]$/.test(key)) {
      this.#chars = '';
      this.#last = Number.NEGATIVE_INFINITY;
      return undefined;
    }
    this.#last = at;
    // A key stamped before the last one (keys from two sources) never continues a burst.
    if (gap >= 0 && gap <= this.#timing.maxGapMs && this.#chars && this.#chars.length < this.#timing.maxLength) {
      this.#chars += key;
      return undefined;
    }
    this.#chars = key;
    return { kind: 'start' };
  }
}
