import { describe, expect, it } from 'vitest';
import { DRAWER_PULSE, receiptBytes } from '../../electron/core/printing/escpos';
import { receiptHtml } from '../../electron/core/printing/receipts';
import {
  opensDrawer,
  PAPER_WIDTH,
  type Paper,
  plainAmount,
  type ReceiptData,
  receiptText,
  width,
} from '../../electron/core/printing/receipt';
import type { ReceiptCardTender } from '../../shared/receipt';
import { vatByRate } from '../../shared/vat';
import { cashSaleReceipt, parseEscPos } from '../helpers/fake-printer';

const PAPERS: Paper[] = ['58mm', '80mm'];
const LANGUAGES: ReceiptData['language'][] = ['en', 'nl'];

function sale(over: Partial<ReceiptData> = {}): ReceiptData {
  const lines = over.lines ?? [
    { name: 'Koffie', quantity: 2, unitPrice: 250, vatRate: 9 },
    { name: 'Appeltaart', quantity: 1, unitPrice: 475, vatRate: 9 },
    { name: 'Tas', quantity: 1, unitPrice: 121, vatRate: 21 },
  ];
  return {
    ...cashSaleReceipt({
      number: 1042,
      merchantName: 'Bakkerij De Korenaar',
      merchantAddress: 'Lange Nieuwstraat 12\n3512 PH Utrecht',
      at: new Date(2026, 4, 1, 14, 3).getTime(),
      lines,
      given: 2000,
      staff: 'Anna',
    }),
    ...over,
  };
}

/** A card tender of `amount` (minor units) with MultiSafepay's ids. */
const card = (amount: number, over: Partial<ReceiptCardTender> = {}): ReceiptCardTender => ({
  kind: 'card',
  amount,
  tip: 0,
  card: { type: 'Visa', last4: '4242', authorizationCode: 'A1B2C3', entryMode: 'contactless' },
  transactionId: 'TX-77001',
  orderId: 'ord-2026-0501-0007',
  terminalId: 'T1',
  ...over,
});

/** The same sale paid by card (its total, or the total given in `over`). */
const cardSale = (over: Partial<ReceiptData> & { cardOver?: Partial<ReceiptCardTender> } = {}): ReceiptData => {
  const { cardOver, ...rest } = over;
  const r = sale(rest);
  return { ...r, tenders: [card(r.total, cardOver)] };
};

/** A refund of the sale's total from the drawer. */
const cashRefund = (over: Partial<ReceiptData> = {}): ReceiptData => {
  const r = sale({ kind: 'refund', ...over });
  return { ...r, tenders: [{ kind: 'cash', amount: r.total }] };
};

/** The line that starts with `label` (after trimming), for reading a value off a receipt. */
function lineWith(lines: string[], label: string): string {
  const line = lines.find((l) => l.trim().startsWith(label));
  if (line === undefined) throw new Error(`no line starting with "${label}" in:\n${lines.join('\n')}`);
  return line;
}

/** Minor units of a plainly printed amount ("1.234,50" in Dutch, "1,234.50" in English) at the end of a line. */
function amountAtEnd(line: string, language: ReceiptData['language']): number {
  const m = /(-?[\d.,]+)$/.exec(line.trim());
  if (!m) throw new Error(`no amount at the end of "${line}"`);
  const group = language === 'nl' ? '.' : ',';
  return Number(m[1]!.split(group).join('').replace(',', '.').replace('.', '')) || 0;
}

describe('receipt layout', () => {
  it.each(PAPERS.flatMap((p) => LANGUAGES.map((l) => [p, l] as const)))('fits %s paper in %s, with every part on it', (paper, language) => {
    const w = PAPER_WIDTH[paper];
    for (const r of [sale({ language }), cardSale({ language }), cashRefund({ language, refundOf: 1001 })]) {
      const lines = receiptText(r, paper);
      for (const line of lines) expect(width(line), `"${line}"`).toBeLessThanOrEqual(w);
      expect(lines).toContain('-'.repeat(w));
      expect(lineWith(lines, language === 'nl' ? 'Bonnummer' : 'Receipt no.')).toMatch(/ 1042$/);
      expect(lineWith(lines, language === 'nl' ? 'Datum' : 'Date')).toMatch(language === 'nl' ? /01-05-2026 14:03$/ : /2026-05-01 14:03$/);
      expect(lines.some((l) => l.includes('Bakkerij De Korenaar'))).toBe(true);
      expect(lines.some((l) => l.includes('3512 PH Utrecht'))).toBe(true);
      if (r.tenders.some((t) => t.kind === 'card'))
        expect(lineWith(lines, language === 'nl' ? 'Transactie' : 'Transaction')).toMatch(/TX-77001$/);
    }
  });

  it('a wider paper gives wider lines', () => {
    const narrow = receiptText(sale(), '58mm');
    const wide = receiptText(sale(), '80mm');
    expect(Math.max(...narrow.map(width))).toBe(32);
    expect(Math.max(...wide.map(width))).toBe(48);
    expect(lineWith(narrow, 'TOTAAL EUR')).toBe('TOTAAL EUR' + ' '.repeat(32 - 10 - 5) + '10,96');
    expect(lineWith(wide, 'TOTAAL EUR')).toBe('TOTAAL EUR' + ' '.repeat(48 - 10 - 5) + '10,96');
  });

  it('speaks Dutch and English', () => {
    const nl = receiptText(sale(), '80mm').join('\n');
    for (const word of ['Bonnummer', 'TOTAAL EUR', 'BTW%', 'Totaal BTW', 'Contant', 'Wisselgeld', 'Geholpen door']) {
      expect(nl).toContain(word);
    }
    expect(receiptText(cardSale(), '80mm').join('\n')).toContain('Transactie');
    expect(receiptText(cardSale(), '80mm').join('\n')).toContain('Kaart');
    expect(receiptText(sale({ kind: 'refund', refundOf: 7 }), '80mm').join('\n')).toContain('TERUGBETALING');

    const en = receiptText(sale({ language: 'en' }), '80mm').join('\n');
    for (const word of ['Receipt no.', 'TOTAL EUR', 'VAT%', 'Total VAT', 'Cash', 'Change', 'Served by']) expect(en).toContain(word);
    expect(receiptText(cardSale({ language: 'en' }), '80mm').join('\n')).toContain('Transaction');
    expect(en).not.toMatch(/BTW|Totaal|Contant|Wisselgeld/);
    expect(nl).not.toMatch(/VAT|Total |Change/);
  });

  it('prints amounts plainly in the language, exactly, with the currency decimals', () => {
    expect(plainAmount(1250, 'EUR', 'nl')).toBe('12,50');
    expect(plainAmount(1250, 'EUR', 'en')).toBe('12.50');
    expect(plainAmount(123456789, 'EUR', 'nl')).toBe('1.234.567,89');
    expect(plainAmount(123456789, 'EUR', 'en')).toBe('1,234,567.89');
    expect(plainAmount(5, 'EUR', 'en')).toBe('0.05');
    expect(plainAmount(1250, 'JPY', 'en')).toBe('1,250');
    expect(plainAmount(1250, 'KWD', 'en')).toBe('1.250');
    expect(plainAmount(Number.MAX_SAFE_INTEGER, 'EUR', 'en')).toBe('90,071,992,547,409.91');
    expect(plainAmount(-1250, 'EUR', 'nl')).toBe('-12,50');
  });

  it.each(PAPERS)('wraps a long product name on %s paper, its price right-aligned on the first line', (paper) => {
    const w = PAPER_WIDTH[paper];
    const name = 'Biologische volkoren zuurdesembrollen met zonnebloempitten en pompoenpitten, per zak van zes';
    const lines = receiptText(sale({ lines: [{ name, quantity: 1, unitPrice: 695, vatRate: 9 }] }), paper);
    const first = lines.findIndex((l) => l.startsWith('Biologische'));
    expect(lines[first]).toMatch(/ 6,95$/);
    expect(width(lines[first]!)).toBe(w);
    // The name, word for word, over the lines up to the next rule; nothing lost, nothing beside the price cut.
    const rule = lines.indexOf('-'.repeat(w), first);
    const text = lines
      .slice(first, rule)
      .map((l, i) => (i === 0 ? l.replace(/\s+6,95$/, '') : l))
      .join(' ');
    expect(text.split(/\s+/)).toEqual(name.split(' '));
    expect(rule - first).toBeGreaterThan(1);
    for (const line of lines) expect(width(line)).toBeLessThanOrEqual(w);
  });

  it('splits a word longer than the line instead of cutting it', () => {
    const name = 'X'.repeat(70);
    const lines = receiptText(sale({ lines: [{ name, quantity: 1, unitPrice: 100, vatRate: 21 }] }), '58mm');
    const rule = '-'.repeat(32);
    const items = lines.slice(lines.indexOf(rule) + 1, lines.indexOf(rule, lines.indexOf(rule) + 1));
    expect(items.join('').replace(/[^X]/g, '')).toHaveLength(70);
    expect(items.at(0)).toMatch(/^X+ +1,00$/);
    for (const line of lines) expect(width(line)).toBeLessThanOrEqual(32);
  });

  it.each(PAPERS)('keeps a huge amount whole on %s paper', (paper) => {
    const w = PAPER_WIDTH[paper];
    // The till's largest amount, 99 times, and the VAT of it.
    const lines99 = [{ name: 'Gouden taart met een heel lange naam', quantity: 99, unitPrice: 9_999_999_99, vatRate: 21 }];
    for (const language of LANGUAGES) {
      const r = cardSale({ language, lines: lines99, vat: vatByRate(lines99, 21), total: 99 * 9_999_999_99 });
      const lines = receiptText(r, paper);
      const big = plainAmount(99 * 9_999_999_99, 'EUR', language);
      expect(big).toBe(language === 'nl' ? '989.999.999,01' : '989,999,999.01');
      expect(lines.filter((l) => l.endsWith(` ${big}`)).length).toBeGreaterThanOrEqual(3); // item, total, card
      expect(lines.some((l) => l.trim() === `99 x ${plainAmount(9_999_999_99, 'EUR', language)}`)).toBe(true);
      for (const line of lines) expect(width(line), `"${line}"`).toBeLessThanOrEqual(w);
    }
  });

  it.each(PAPERS.flatMap((p) => LANGUAGES.map((l) => [p, l] as const)))(
    'VAT per rate on %s paper (%s): net + VAT = gross, and the rates add up to the total VAT',
    (paper, language) => {
      for (const unitPrice of [121, 1_234_56, 9_999_999_99]) {
        const items = [
          { name: 'Boek', quantity: 1, unitPrice, vatRate: 9 },
          { name: 'Pen', quantity: 3, unitPrice: 250, vatRate: 21 },
          { name: 'Postzegel', quantity: 1, unitPrice: 110, vatRate: 0 },
        ];
        const vat = vatByRate(items, 21);
        const r = sale({ language, lines: items, vat, total: items.reduce((s, l) => s + l.unitPrice * l.quantity, 0) });
        const lines = receiptText(r, paper);
        const vatWord = language === 'nl' ? 'BTW' : 'VAT';
        const totalVat = amountAtEnd(lineWith(lines, language === 'nl' ? 'Totaal BTW' : 'Total VAT'), language);
        expect(totalVat).toBe(vat.reduce((s, v) => s + v.vat, 0));
        expect(totalVat).toBeGreaterThan(0);

        const printed: { rate: string; net: number; vat: number; gross: number }[] = [];
        const table = lines.findIndex((l) => l.startsWith(`${vatWord}%`));
        if (table >= 0) {
          for (const row of lines.slice(table + 1).filter((l) => /^\d+%/.test(l))) {
            const cells = row.trim().split(/\s+/);
            printed.push({
              rate: cells[0]!,
              net: amountAtEnd(cells[1]!, language),
              vat: amountAtEnd(cells[2]!, language),
              gross: amountAtEnd(cells[3]!, language),
            });
          }
        } else {
          // Too wide for a table: one block per rate.
          for (let i = 0; i < lines.length; i++) {
            const m = new RegExp(`^${vatWord} (\\d+%)$`).exec(lines[i]!);
            if (!m) continue;
            const [net, v, gross] = [lines[i + 1]!, lines[i + 2]!, lines[i + 3]!].map((l) => amountAtEnd(l, language));
            printed.push({ rate: m[1]!, net: net!, vat: v!, gross: gross! });
          }
        }
        expect(printed.map((p) => p.rate)).toEqual(['21%', '9%', '0%']);
        for (const p of printed) expect(p.net + p.vat).toBe(p.gross);
        expect(printed.reduce((s, p) => s + p.vat, 0)).toBe(totalVat);
        expect(printed.reduce((s, p) => s + p.gross, 0)).toBe(r.total);
        expect(printed.map((p) => p.vat)).toEqual(vat.map((v) => v.vat));
        for (const line of lines) expect(width(line)).toBeLessThanOrEqual(PAPER_WIDTH[paper]);
      }
    },
  );

  it('a large VAT table falls back to one block per rate on 58 mm paper, and stays a table on 80 mm', () => {
    const items = [{ name: 'Auto', quantity: 1, unitPrice: 9_999_999_99, vatRate: 21 }];
    const r = sale({ lines: items, vat: vatByRate(items, 21), total: 9_999_999_99 });
    expect(receiptText(r, '58mm')).toContain('BTW 21%');
    expect(receiptText(r, '80mm').some((l) => l.startsWith('BTW%'))).toBe(true);
  });

  it('a refund receipt says so, names the sale it refunds, and gives no change', () => {
    for (const language of LANGUAGES) {
      const r = cashRefund({ language, number: 1043, refundOf: 1042 });
      const lines = receiptText(r, '58mm');
      const words =
        language === 'nl'
          ? { head: '*** TERUGBETALING ***', of: 'Terugbetaling van bon', total: 'TERUGBETAALD EUR', change: 'Wisselgeld' }
          : { head: '*** REFUND ***', of: 'Refund of receipt', total: 'REFUNDED EUR', change: 'Change' };
      expect(lines.map((l) => l.trim())).toContain(words.head);
      expect(lines.findIndex((l) => l.trim() === words.head)).toBeLessThan(lines.findIndex((l) => l.startsWith('-')));
      expect(lineWith(lines, words.of)).toMatch(/ 1042$/);
      expect(lineWith(lines, language === 'nl' ? 'Bonnummer' : 'Receipt no.')).toMatch(/ 1043$/);
      expect(amountAtEnd(lineWith(lines, words.total), language)).toBe(r.total);
      expect(lines.join('\n')).not.toContain(words.change);
    }
    const saleLines = receiptText(sale(), '58mm').join('\n');
    expect(saleLines).not.toMatch(/TERUGBETAL|REFUND/);
  });

  it('shows cash given and change on a cash sale', () => {
    const lines = receiptText(sale(), '58mm');
    expect(amountAtEnd(lineWith(lines, 'Contant'), 'nl')).toBe(2000);
    expect(amountAtEnd(lineWith(lines, 'Wisselgeld'), 'nl')).toBe(2000 - 1096);
  });

  it('shows at most the last four digits of a card', () => {
    const lines = receiptText(
      cardSale({ cardOver: { card: { type: 'Mastercard', last4: '5555 4444 3333 1111', authorizationCode: '0H7K2' } } }),
      '58mm',
    );
    const text = lines.join('\n');
    expect(lineWith(lines, 'Mastercard')).toMatch(/\*\*\*\* 1111$/);
    expect(text).not.toMatch(/5555|4444|3333/);
    expect(lineWith(lines, 'Autorisatiecode')).toMatch(/0H7K2$/);
    expect(amountAtEnd(lineWith(lines, 'Kaart'), 'nl')).toBe(1096);
    expect(text).not.toContain('Contant');
  });

  it('a long id moves under its label instead of being cut', () => {
    const orderId = 'b3f1c2d4-1111-2222-3333-444455556666';
    const lines = receiptText(cardSale({ cardOver: { orderId } }), '58mm');
    const at = lines.findIndex((l) => l === 'Bestelling');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3).join('')).toBe(orderId);
    expect(receiptText(cardSale({ cardOver: { orderId } }), '80mm')).toContain('Bestelling' + ' '.repeat(48 - 10 - 36) + orderId);
  });

  it('prints no control characters a product name may carry (ESC/POS would obey them)', () => {
    const lines = receiptText(
      sale({ lines: [{ name: 'Thee\x1bp\x00\x19\xfa\nmet\tmunt', quantity: 1, unitPrice: 300, vatRate: 9 }] }),
      '58mm',
    );
    expect(lines.join('')).not.toMatch(/\p{Cc}/u);
    expect(lines.some((l) => l.startsWith('Thee p'))).toBe(true);
  });

  it('opens the drawer for cash, not for card', () => {
    expect(opensDrawer(sale())).toBe(true);
    expect(opensDrawer(sale({ kind: 'refund' }))).toBe(true);
    expect(opensDrawer(cardSale())).toBe(false);
    // A split: part by card, the rest in cash - cash moved, so the drawer opens.
    const split = cardSale();
    expect(opensDrawer({ ...split, tenders: [card(500), { kind: 'cash', amount: 596, given: 1000, change: 404 }] })).toBe(true);
  });
});

describe('ESC/POS bytes', () => {
  it('initialises, picks the euro code page, prints the lines, cuts, and pulses the drawer only when asked', () => {
    const r = sale({
      lines: [{ name: 'Café crème €', quantity: 1, unitPrice: 350, vatRate: 9 }],
      total: 350,
      vat: vatByRate([{ unitPrice: 350, quantity: 1, vatRate: 9 }], 21),
    });
    const withDrawer = parseEscPos(receiptBytes(r, '58mm', true));
    expect(withDrawer.commands.slice(0, 2)).toEqual(['ESC @', 'ESC t 19']);
    expect(withDrawer.lines).toEqual(receiptText(r, '58mm'));
    expect(withDrawer.lines.some((l) => l.startsWith('Café crème €'))).toBe(true);
    const cut = withDrawer.commands.indexOf('GS V 0');
    expect(cut).toBeGreaterThan(1);
    expect(withDrawer.commands.at(-1)).toBe('ESC p 0 25 250');
    expect(withDrawer.commands.indexOf('ESC p 0 25 250')).toBeGreaterThan(cut);

    const bytes = receiptBytes(r, '58mm', false);
    expect(bytes.indexOf(Buffer.from([0x1b, 0x70]))).toBe(-1);
    expect(parseEscPos(bytes).commands).toContain('GS V 0');
    expect(Buffer.from(DRAWER_PULSE).equals(Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]))).toBe(true);
  });
});

describe('a receipt for a printer of this computer', () => {
  it('is the same lines as on the receipt printer, in a page with nothing active: markup in a product name stays text', () => {
    const r = cashSaleReceipt({
      number: 7,
      merchantName: 'Bakkerij <b>&</b>',
      merchantAddress: 'Straat 1',
      at: new Date(2026, 4, 1, 14, 3).getTime(),
      lines: [{ name: '<script>alert(1)</script>', quantity: 1, unitPrice: 250, vatRate: 9 }],
      given: 500,
    });
    const html = receiptHtml(r, '58mm');
    expect(html).not.toMatch(/<script>|<b>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('width:54mm');
    for (const line of receiptText(r, '58mm'))
      expect(html).toContain(line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });
});
