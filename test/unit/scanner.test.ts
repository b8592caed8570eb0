/** Telling a scanner's burst from typing by the timing of its keys. */
import { describe, expect, it } from 'vitest';
import { ScanDetector } from '../../renderer/src/scanner';

/** Feeds `keys` `gapMs` apart from `start`, then Enter after `enterGap`; the last answer. */
function burst(d: ScanDetector, keys: string, gapMs: number, start = 1000, enterGap = gapMs) {
  let at = start;
  const answers = [];
  for (const k of keys) {
    answers.push(d.feed(k, at));
    at += gapMs;
  }
  return { answers, end: d.feed('Enter', at - gapMs + enterGap) };
}

describe('scanner bursts', () => {
  it('an EAN-13 arriving 4 ms a key and ending in Enter is a scan', () => {
    const { answers, end } = burst(new ScanDetector(), '8712345678906', 4);
    expect(answers[0]).toEqual({ kind: 'start' });
    expect(answers.slice(1).every((a) => a === undefined)).toBe(true);
    expect(end).toEqual({ kind: 'scan', code: '8712345678906' });
  });
  it('the same digits typed by a person (90 ms a key) are typing', () => {
    const { end } = burst(new ScanDetector(), '8712345678906', 90);
    expect(end).toBeUndefined();
  });
  it('a fast typist at 45 ms a key is still typing', () => {
    expect(burst(new ScanDetector(), '1250', 45).end).toBeUndefined();
  });
  it('Enter pressed by hand after a fast burst is not a scan', () => {
    expect(burst(new ScanDetector(), '87123456', 3, 1000, 400).end).toBeUndefined();
  });
  it('a burst shorter than an EAN-8 is typing, however fast (an amount and Enter)', () => {
    expect(burst(new ScanDetector(), '1250', 0).end).toBeUndefined();
    expect(burst(new ScanDetector(), '9638507', 2).end).toBeUndefined();
  });
  it('a scan right after typed digits carries only its own digits', () => {
    const d = new ScanDetector();
    burst(d, '12', 150, 0, 150); // typed, Enter by hand
    d.feed('5', 2000);
    d.feed('0', 2120);
    const { answers, end } = burst(d, '96385074', 5, 2400);
    expect(answers[0]).toEqual({ kind: 'start' });
    expect(end).toEqual({ kind: 'scan', code: '96385074' });
  });
  it('a key that no code has (a space, an arrow) breaks a burst', () => {
    const d = new ScanDetector();
    let at = 0;
    for (const k of '8712') d.feed(k, (at += 3));
    d.feed(' ', (at += 3));
    for (const k of '34567') d.feed(k, (at += 3));
    expect(d.feed('Enter', at + 3)).toBeUndefined();
  });
  it('Shift before a scanned capital letter does not break it', () => {
    const d = new ScanDetector();
    let at = 0;
    for (const k of ['P', 'L', 'U', '-', 'Shift', 'A', '7', '7', '1']) d.feed(k, (at += 3));
    expect(d.feed('Enter', at + 3)).toEqual({ kind: 'scan', code: 'PLU-A771' });
  });
  it('a key stamped before the one before it (two keyboards at once) does not continue a burst', () => {
    const d = new ScanDetector();
    d.feed('5', 100);
    let at = 90;
    expect(d.feed('8', at)).toEqual({ kind: 'start' });
    for (const k of '712345678906') d.feed(k, (at += 4));
    expect(d.feed('Enter', at + 4)).toEqual({ kind: 'scan', code: '8712345678906' });
  });
});
