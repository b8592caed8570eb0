import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded';
import { codePageBytes, toCodePage } from '../../electron/core/printing/codepage';

describe('the receipt printer code page (PC858)', () => {
  it('keeps what it has, folds what it lacks to close ASCII, and prints a ? per character the eye sees otherwise', () => {
    expect(toCodePage('Café crème € 5,00 ß ½')).toBe('Café crème € 5,00 ß ½');
    expect(toCodePage('Cafe\u0301')).toBe('Café');
    expect(toCodePage('Phở đặc biệt')).toBe('Pho dac biet');
    expect(toCodePage('Ἀθῆναι, Łódź, Œuvre')).toBe('Athinai, Lódz, OEuvre');
    expect(toCodePage('Ａ ﬁ ™ “x” — …')).toBe('A fi TM "x" - ...');
    expect(toCodePage('点心 شاي')).toBe('?? ???');
    expect(toCodePage('👨‍👩‍👧 🇳🇱 👍🏽 a\u200Db')).toBe('? ? ? ab');
  });

  it('any text at all gives printable bytes only: no control byte, no DEL, never a code page switch', () => {
    const rnd = seeded(11);
    for (let round = 0; round < 300; round++) {
      const points = Array.from({ length: 40 }, () => {
        const cp = [rnd(0x80), rnd(0x800), rnd(0x10000), 0x1f300 + rnd(0x700), rnd(0x110000)][rnd(5)]!;
        return cp >= 0xd800 && cp <= 0xdfff ? 0x20 : cp;
      });
      const bytes = codePageBytes(String.fromCodePoint(...points));
      for (const b of bytes) expect(b >= 0x20 && b !== 0x7f, `byte 0x${b.toString(16)}`).toBe(true);
    }
  });
});
