/**
 * The one code page a receipt printer is given: PC858 (ESC t 19), Latin-1's letters with the euro sign. Every
 * receipt is printed in it from its first line to its last; nothing in the data can switch it or send a control
 * byte. A character PC858 lacks is printed as a close ASCII form (accents dropped: "ệ" -> "e"; "đ" -> "d",
 * "œ" -> "oe", Greek letters spelt out, typographic quotes and dashes made plain) or, when there is none, as
 * one '?' per character as the eye sees it (a whole emoji sequence, a flag, a letter with its accents).
 */
import iconv from 'iconv-lite';

export const RECEIPT_ENCODING = 'cp858';

/** PC858's printable characters above ASCII, and their bytes. */
const UPPER = new Map<string, number>();
for (let b = 0x80; b <= 0xff; b++) {
  const ch = iconv.decode(Buffer.from([b]), RECEIPT_ENCODING);
  if (ch.length === 1 && ch !== '\uFFFD' && !/\p{C}/u.test(ch)) UPPER.set(ch, b);
}

const printable = (ch: string): boolean => (ch >= ' ' && ch <= '~') || UPPER.has(ch);

/** Close ASCII forms of letters and signs that neither PC858 has nor a decomposition gives. */
const FOLD: Readonly<Record<string, string>> = {
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ł: 'l',
  Ł: 'L',
  ŀ: 'l',
  Ŀ: 'L',
  ŧ: 't',
  Ŧ: 'T',
  œ: 'oe',
  Œ: 'OE',
  ŋ: 'n',
  Ŋ: 'N',
  ĸ: 'k',
  ſ: 's',
  ẞ: 'SS',
  ƒ: 'f',
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '*',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\u3000': ' ',
  // Greek, spelt out (ELOT 743).
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
  Α: 'A',
  Β: 'V',
  Γ: 'G',
  Δ: 'D',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'I',
  Θ: 'Th',
  Ι: 'I',
  Κ: 'K',
  Λ: 'L',
  Μ: 'M',
  Ν: 'N',
  Ξ: 'X',
  Ο: 'O',
  Π: 'P',
  Ρ: 'R',
  Σ: 'S',
  Τ: 'T',
  Υ: 'Y',
  Φ: 'F',
  Χ: 'Ch',
  Ψ: 'Ps',
  Ω: 'O',
};

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** One character as the eye sees it, in what PC858 can print. */
function foldGrapheme(g: string): string {
  const nfc = g.normalize('NFC');
  if ([...nfc].every(printable)) return nfc;
  // Decomposed (compatibility forms too: "ﬁ" -> "fi", a full-width "Ａ" -> "A"), without its marks.
  const bare = nfc.normalize('NFKD').replace(/\p{M}|\p{Cf}/gu, '');
  let out = '';
  for (const ch of bare) {
    const composed = ch.normalize('NFC');
    if (printable(composed)) out += composed;
    else if (FOLD[ch] !== undefined) out += FOLD[ch];
    else return '?';
  }
  return out === '' ? '?' : out;
}

/** Text in characters PC858 can print: the same text where it can, a close ASCII form or '?' where it cannot. */
export function toCodePage(text: string): string {
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (/^\p{Cc}+$/u.test(segment)) out += ' ';
    else out += foldGrapheme(segment);
  }
  return out;
}

/**
 * The bytes of one line in PC858. Only printable bytes come out (0x20-0x7E and PC858's upper half): a control
 * byte, which a printer would take as a command, cannot. Text that was not made printable first prints as '?'.
 */
export function codePageBytes(line: string): Buffer {
  const out: number[] = [];
  for (const ch of toCodePage(line)) {
    if (ch >= ' ' && ch <= '~') out.push(ch.charCodeAt(0));
    else out.push(UPPER.get(ch) ?? 0x3f);
  }
  return Buffer.from(out);
}
