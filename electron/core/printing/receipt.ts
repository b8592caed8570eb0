/**
 * A receipt as plain data, and its text layout for thermal paper: 58 mm paper holds 32 characters a line and
 * 80 mm paper 48 (Font A). Pure: no I/O, no clock, no settings; escpos.ts sends the lines to a printer.
 *
 * Amounts are integer minor units and are never negative here, but for the cash rounding line (-0.02): a refund
 * receipt prints the amount given back under a REFUND header. They are printed plainly ("12.50" in English, "12,50" in Dutch) with the currency code
 * on the total line, so that a long amount still fits narrow paper. Every line is at most the paper's width,
 * counted in display columns (a wide character - Chinese, Japanese, Korean, most emoji - takes two, a combining
 * accent none: the `string-width` package); a line never ends in a cut-off amount: product names wrap, never
 * inside a character, and an amount too long for its row moves to a row of its own. For a receipt printer the
 * text is first made printable in its one code page (codepage.ts), so every column there is one character.
 */

import stringWidth from 'string-width';
import { minorDigits } from '../../../shared/money';
import type { ReceiptCardTender, ReceiptContent, ReceiptLine } from '../../../shared/receipt';
import { toCodePage } from './codepage';

export type { ReceiptLine, ReceiptTender } from '../../../shared/receipt';
export { opensDrawer } from '../../../shared/receipt';

/** The receipt's content (shared/receipt.ts) with what only paper needs: the shop, the language, and COPY. */
export interface ReceiptData extends ReceiptContent {
  merchantName: string;
  merchantAddress: string;
  language: 'en' | 'nl';
  /** A reprint: marked COPY, so it is never taken for a second sale. */
  copy?: boolean;
}

export type Paper = '58mm' | '80mm';

/** Characters per line in Font A. */
export const PAPER_WIDTH: Readonly<Record<Paper, number>> = { '58mm': 32, '80mm': 48 };

interface Words {
  receiptNo: string;
  date: string;
  refund: string;
  refundOf: string;
  total: string;
  totalRefund: string;
  rateHead: string;
  net: string;
  vat: string;
  gross: string;
  totalVat: string;
  cash: string;
  change: string;
  rounding: string;
  cashRounded: string;
  card: string;
  auth: string;
  entry: string;
  terminal: string;
  transaction: string;
  order: string;
  staff: string;
  thanks: string;
  copy: string;
  tip: string;
  discount: string;
  credit: string;
  creditCode: string;
  creditLeft: string;
  creditKeep: string;
}

const WORDS: Readonly<Record<ReceiptData['language'], Words>> = {
  en: {
    receiptNo: 'Receipt no.',
    date: 'Date',
    refund: '*** REFUND ***',
    refundOf: 'Refund of receipt',
    total: 'TOTAL',
    totalRefund: 'REFUNDED',
    rateHead: 'VAT%',
    net: 'Net',
    vat: 'VAT',
    gross: 'Gross',
    totalVat: 'Total VAT',
    cash: 'Cash',
    change: 'Change',
    rounding: 'Cash rounding',
    cashRounded: 'To pay in cash',
    card: 'Card',
    auth: 'Auth. code',
    entry: 'Entry',
    terminal: 'Terminal',
    transaction: 'Transaction',
    order: 'Order',
    staff: 'Served by',
    thanks: 'Thank you!',
    copy: '*** COPY ***',
    tip: 'Tip',
    discount: 'Discount',
    credit: 'Store credit',
    creditCode: 'Credit note',
    creditLeft: 'Left on credit note',
    creditKeep: 'Show this credit note to pay with it.',
  },
  nl: {
    receiptNo: 'Bonnummer',
    date: 'Datum',
    refund: '*** TERUGBETALING ***',
    refundOf: 'Terugbetaling van bon',
    total: 'TOTAAL',
    totalRefund: 'TERUGBETAALD',
    rateHead: 'BTW%',
    net: 'Excl.',
    vat: 'BTW',
    gross: 'Incl.',
    totalVat: 'Totaal BTW',
    cash: 'Contant',
    change: 'Wisselgeld',
    rounding: 'Afronding contant',
    cashRounded: 'Contant te betalen',
    card: 'Kaart',
    auth: 'Autorisatiecode',
    entry: 'Invoer',
    terminal: 'Terminal',
    transaction: 'Transactie',
    order: 'Bestelling',
    staff: 'Geholpen door',
    thanks: 'Dank u wel!',
    copy: '*** KOPIE ***',
    tip: 'Fooi',
    discount: 'Korting',
    credit: 'Tegoedbon',
    creditCode: 'Code tegoedbon',
    creditLeft: 'Resterend tegoed',
    creditKeep: 'Toon deze tegoedbon om ermee te betalen.',
  },
};

const SEPARATORS: Readonly<Record<ReceiptData['language'], { decimal: string; group: string }>> = {
  en: { decimal: '.', group: ',' },
  nl: { decimal: ',', group: '.' },
};

/**
 * Text as printable characters: NFC; control characters (which ESC/POS would take as commands) and format
 * characters (bidi overrides that would reorder a line) become spaces - but the joiners inside an emoji or a
 * word stay.
 */
export function clean(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\p{Cc}|(?![\u200C\u200D])\p{Cf}/gu, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Printed width of a line in columns: wide characters take two, combining marks none. */
export function width(text: string): number {
  return stringWidth(text);
}

const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** The characters as the eye sees them (a letter with its accents, a whole emoji sequence): never split. */
const chars = (text: string): string[] => Array.from(graphemeSegmenter.segment(text), (s) => s.segment);

/** An amount in minor units as plain text, exact for every safe integer: "1,234.50" (en), "1.234,50" (nl). */
export function plainAmount(minor: number, currency: string, language: ReceiptData['language']): string {
  const digits = minorDigits(currency);
  const { decimal, group } = SEPARATORS[language];
  const abs = BigInt(Math.round(Math.abs(minor)));
  const scale = 10n ** BigInt(digits);
  const whole = (abs / scale).toString();
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const frac = digits > 0 ? decimal + (abs % scale).toString().padStart(digits, '0') : '';
  return (minor < 0 ? '-' : '') + grouped + frac;
}

function rateText(rate: number, language: ReceiptData['language']): string {
  return `${new Intl.NumberFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { maximumFractionDigits: 2 }).format(rate)}%`;
}

function dateText(at: number, language: ReceiptData['language']): string {
  const d = new Date(at);
  const p = (n: number): string => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return language === 'nl'
    ? `${p(d.getDate())}-${p(d.getMonth() + 1)}-${d.getFullYear()} ${time}`
    : `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`;
}

/** Splits text into pieces of at most `w` columns, between characters. */
function chunk(text: string, w: number): string[] {
  const out: string[] = [];
  let piece = '';
  for (const c of chars(text)) {
    if (piece !== '' && width(piece + c) > w) {
      out.push(piece);
      piece = '';
    }
    piece += c;
  }
  if (piece !== '' || out.length === 0) out.push(piece);
  return out;
}

/** Word-wraps text to lines of at most `w` characters; a word longer than a line is split. */
export function wrap(text: string, w: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of clean(text).split(' ')) {
    if (word === '') continue;
    if (line === '') {
      const pieces = chunk(word, w);
      out.push(...pieces.slice(0, -1));
      line = pieces.at(-1) ?? '';
    } else if (width(line) + 1 + width(word) <= w) {
      line += ` ${word}`;
    } else {
      out.push(line);
      const pieces = chunk(word, w);
      out.push(...pieces.slice(0, -1));
      line = pieces.at(-1) ?? '';
    }
  }
  if (line !== '' || out.length === 0) out.push(line);
  return out;
}

const padStart = (text: string, w: number): string => ' '.repeat(Math.max(0, w - width(text))) + text;
const padEnd = (text: string, w: number): string => text + ' '.repeat(Math.max(0, w - width(text)));
const center = (text: string, w: number): string => ' '.repeat(Math.floor(Math.max(0, w - width(text)) / 2)) + text;

/** "Label          value" on one line; if both do not fit, the label and then the value right-aligned below it. */
function labelValue(label: string, value: string, w: number): string[] {
  const l = clean(label);
  const v = clean(value);
  if (width(l) + 1 + width(v) <= w) return [l + padStart(v, w - width(l))];
  const pieces = chunk(v, w);
  return [...wrap(l, w), ...(pieces.length === 1 ? pieces.map((piece) => padStart(piece, w)) : pieces)];
}

/** A product: its name wrapped beside the line's amount, then "  3 x 2.50" when more than one, then its discount. */
function itemLines(item: ReceiptLine, money: (minor: number) => string, w: number, words: Words): string[] {
  const amount = money(item.unitPrice * item.quantity);
  const nameWidth = w - width(amount) - 1;
  const out: string[] = [];
  if (nameWidth >= 8) {
    const name = wrap(item.name, nameWidth);
    out.push(padEnd(name[0] ?? '', nameWidth) + ' ' + amount, ...name.slice(1));
  } else {
    out.push(...wrap(item.name, w), ...chunk(amount, w).map((piece) => padStart(piece, w)));
  }
  if (item.quantity !== 1) out.push(...wrap(`${item.quantity} x ${money(item.unitPrice)}`, w - 2).map((l) => `  ${l}`));
  if (item.discount) out.push(...labelValue(`  ${words.discount}: ${item.discount.reason}`, `-${money(item.discount.amount)}`, w));
  return out;
}

/** VAT per rate as a table (rate, net, VAT, gross) when it fits the paper, else one block per rate. */
function vatLines(r: ReceiptData, words: Words, money: (minor: number) => string, w: number): string[] {
  const rows = r.vat.map((v) => [rateText(v.rate, r.language), money(v.gross - v.vat), money(v.vat), money(v.gross)] as const);
  const head = [words.rateHead, words.net, words.vat, words.gross] as const;
  const first = Math.max(...[head, ...rows].map((row) => width(row[0])));
  const col = Math.max(...[head, ...rows].flatMap((row) => [row[1], row[2], row[3]].map(width)));
  const out: string[] = [];
  if (first + 3 * (col + 1) <= w) {
    const lead = w - 3 * (col + 1);
    for (const row of [head, ...rows])
      out.push(padEnd(row[0], lead) + [row[1], row[2], row[3]].map((c) => ' ' + padStart(c, col)).join(''));
  } else {
    for (const row of rows) {
      out.push(`${words.vat} ${row[0]}`);
      out.push(...labelValue(words.net, row[1], w), ...labelValue(words.vat, row[2], w), ...labelValue(words.gross, row[3], w));
    }
  }
  const totalVat = r.vat.reduce((s, v) => s + v.vat, 0);
  out.push(...labelValue(words.totalVat, money(totalVat), w));
  return out;
}

/** At most the last four digits of a card number, masked: "**** 1234". */
export function maskedCard(last4: string | undefined): string | undefined {
  const digits = (last4 ?? '').replace(/\D/g, '').slice(-4);
  return digits === '' ? undefined : `**** ${digits}`;
}

/** What the receipt says, in characters the receipt printer's code page has (see codepage.ts). */
export function inCodePage(r: ReceiptData): ReceiptData {
  const t = (s: string): string => toCodePage(clean(s));
  const out: ReceiptData = {
    ...r,
    merchantName: t(r.merchantName),
    merchantAddress: r.merchantAddress.split(/\r?\n/).map(t).join('\n'),
    lines: r.lines.map((l) => ({ ...l, name: t(l.name) })),
    currency: t(r.currency),
  };
  out.tenders = r.tenders.map((tender) => {
    if (tender.kind === 'cash' || tender.kind === 'credit') return tender;
    const next: ReceiptCardTender = { ...tender };
    if (tender.card) {
      const card: NonNullable<typeof tender.card> = {};
      for (const k of ['type', 'last4', 'authorizationCode', 'entryMode'] as const)
        if (tender.card[k] !== undefined) card[k] = t(tender.card[k]);
      next.card = card;
    }
    for (const k of ['transactionId', 'orderId', 'terminalId'] as const) if (tender[k] !== undefined) next[k] = t(tender[k]);
    return next;
  });
  if (r.staff !== undefined) out.staff = t(r.staff);
  return out;
}

/**
 * The lines to print, each at most the paper's width in columns. `codePage`: for a receipt printer - the text in
 * the characters of its one code page (a wide character is then a '?', one column).
 */
export function receiptText(data: ReceiptData, paper: Paper, codePage = false): string[] {
  const r = codePage ? inCodePage(data) : data;
  const w = PAPER_WIDTH[paper];
  const words = WORDS[r.language];
  const money = (minor: number): string => plainAmount(minor, r.currency, r.language);
  const rule = '-'.repeat(w);
  const out: string[] = [];

  for (const part of [r.merchantName, ...r.merchantAddress.split(/\r?\n/)]) {
    if (clean(part) !== '') out.push(...wrap(part, w).map((l) => center(l, w)));
  }
  out.push('');
  if (r.copy) out.push(center(words.copy, w), '');
  if (r.kind === 'refund') out.push(center(words.refund, w), '');
  out.push(...labelValue(words.receiptNo, String(r.number), w));
  out.push(...labelValue(words.date, dateText(r.at, r.language), w));
  if (r.kind === 'refund' && r.refundOf !== undefined) out.push(...labelValue(words.refundOf, String(r.refundOf), w));
  out.push(rule);

  for (const item of r.lines) out.push(...itemLines(item, money, w, words));
  out.push(rule);
  out.push(...labelValue(`${r.kind === 'refund' ? words.totalRefund : words.total} ${clean(r.currency)}`, money(r.total), w));
  out.push(rule);

  if (r.vat.length > 0) {
    out.push(...vatLines(r, words, money, w));
    out.push(rule);
  }

  for (const t of r.tenders) {
    if (t.kind === 'cash') {
      // Rounded cash: the difference, then the rounded amount; then what the customer handed over and the change.
      if (t.rounding) {
        out.push(...labelValue(words.rounding, money(t.rounding), w));
        if (r.kind === 'sale') out.push(...labelValue(words.cashRounded, money(t.amount + t.rounding), w));
      }
      out.push(...labelValue(words.cash, money(t.given ?? t.amount + (t.rounding ?? 0)), w));
      if (t.given !== undefined) out.push(...labelValue(words.change, money(t.change ?? 0), w));
      continue;
    }
    if (t.kind === 'credit') {
      // Store credit: what the note paid (or is worth, given for a return), its code, and what is left on it.
      out.push(...labelValue(words.credit, money(t.amount), w), ...labelValue(words.creditCode, t.code, w));
      if (t.left !== undefined) out.push(...labelValue(words.creditLeft, money(t.left), w));
      else out.push(...wrap(words.creditKeep, w));
      continue;
    }
    out.push(...labelValue(words.card, money(t.amount), w));
    if (t.tip > 0) out.push(...labelValue(words.tip, money(t.tip), w));
    const masked = maskedCard(t.card?.last4);
    const type = clean(t.card?.type ?? '');
    if (masked !== undefined || type !== '') out.push(...labelValue(type === '' ? words.card : type, masked ?? '', w));
    if (t.card?.authorizationCode) out.push(...labelValue(words.auth, t.card.authorizationCode, w));
    if (t.card?.entryMode) out.push(...labelValue(words.entry, t.card.entryMode, w));
    if (t.terminalId) out.push(...labelValue(words.terminal, t.terminalId, w));
    if (t.transactionId) out.push(...labelValue(words.transaction, t.transactionId, w));
    if (t.orderId) out.push(...labelValue(words.order, t.orderId, w));
  }
  if (r.staff && clean(r.staff) !== '') out.push(...labelValue(words.staff, r.staff, w));

  out.push('', center(words.thanks, w));
  return out;
}
