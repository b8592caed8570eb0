/**
 * Product names in any script on a network receipt printer (real TCP on loopback to a fake ESC/POS printer):
 * one code page with the euro sign for the whole receipt, what it lacks as a close ASCII form or '?', no
 * code page switch and no control byte from the data, and every line within the paper's columns - on 58 and
 * 80 mm paper. The same receipt for a printer of this computer keeps every script, laid out by display width.
 */
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { printReceipt } from '../../electron/core/printing/escpos';
import { type Paper, PAPER_WIDTH, receiptText } from '../../electron/core/printing/receipt';
import { cashSaleReceipt, type FakePrinter, parseEscPos, startFakePrinter } from '../helpers/fake-printer';

const NAMES: [string, string][] = [
  ['Dim sum 点心', 'Dim sum ??'],
  ['شاي بالنعناع', '??? ????????'],
  ['Phở bò đặc biệt', 'Pho bò dac biet'],
  ['Χωριάτικη σαλάτα', 'Choriatiki salata'],
  ['Taart 🎂 + 👨‍👩‍👧 + 🇳🇱', 'Taart ? + ? + ?'],
  ['Cafe\u0301 cre\u0300me', 'Café crème'],
  ['Crème brûlée € 5', 'Crème brûlée € 5'],
  ['“Smörgås” – Œuvre…', '"Smörgås" - OEuvre...'],
  ['Evil \u001b\u0074\u0001 \u001d\u0056\u0000 \u202eeman', 'Evil t V eman'],
  ['點心點心點心點心點心點心點心點心點心點心點心點心點心點心點心點心', '?'.repeat(32)],
];

const receipt = () =>
  cashSaleReceipt({
    number: 88,
    merchantName: '茶館 Theehuis',
    merchantAddress: 'Ερμού 1, Αθήνα\nشارع 2',
    at: new Date(2026, 10, 30, 12, 0).getTime(),
    lines: NAMES.map(([name], i) => ({ name, quantity: 1, unitPrice: 100 + i, vatRate: 9 })),
    given: 5000,
  });

let printer: FakePrinter | undefined;
afterEach(async () => {
  await printer?.close();
  printer = undefined;
});

describe('any script on the receipt printer', () => {
  for (const paper of ['58mm', '80mm'] as Paper[]) {
    it(`${paper}: one code page throughout, a close ASCII form or '?' for what it lacks, no command from the data, every line within ${PAPER_WIDTH[paper]} columns`, async () => {
      printer = await startFakePrinter();
      await printReceipt({ host: printer.host, port: printer.port, paper, receipt: receipt(), openDrawer: false });
      const bytes = await printer.nextJob();
      // parseEscPos throws on any control byte or command a receipt does not hold.
      const job = parseEscPos(bytes);
      expect(job.commands.filter((c) => c.startsWith('ESC t'))).toEqual(['ESC t 19']);
      expect(
        job.commands.filter(
          (c) => !['ESC @', 'ESC t 19', 'ESC M 0', 'ESC ! 0', 'ESC a 0', 'GS ! 0', 'GS V 0', 'ESC E 0', 'ESC - 0', 'ESC d 4'].includes(c),
        ),
      ).toEqual([]);
      for (const line of job.lines) expect(line.length, line).toBeLessThanOrEqual(PAPER_WIDTH[paper]);
      const text = job.lines.join('\n');
      for (const [, printed] of NAMES.slice(0, -1)) {
        const w = PAPER_WIDTH[paper];
        // A name fits beside its amount on 80 mm; on 58 mm a long one wraps: compare without the line breaks.
        expect(text.replace(/ +\d+,\d\d\n/g, ' ').replace(/\s+/g, ' '), `${printed} on ${w}`).toContain(printed);
      }
      expect(text).toContain('?? Theehuis');
      expect(text).toContain('Ermoy 1, Athina');
      expect(text).toMatch(/^TOTAAL EUR +\d+,\d\d$/m);
      // The accented line after the Chinese, Arabic and Vietnamese ones still prints in code page 858.
      expect(bytes.indexOf(Buffer.from('Caf\x82 cr\x8ame', 'latin1'))).toBeGreaterThan(bytes.indexOf(Buffer.from('Dim sum ??')));
      expect(bytes.indexOf(Buffer.from('\xd5 5', 'latin1'))).toBeGreaterThan(0);
    });
  }

  it('for a printer of this computer every script is kept, and lines are laid out by display width (wide characters take two columns)', () => {
    for (const paper of ['58mm', '80mm'] as Paper[]) {
      const lines = receiptText(receipt(), paper);
      for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(PAPER_WIDTH[paper]);
      const text = lines.join('\n');
      expect(text).toContain('Dim sum 点心');
      expect(text).toContain('Χωριάτικη');
      expect(text).toContain('👨‍👩‍👧');
      for (const c of ['\u001b', '\u001d', '\u202e']) expect(text).not.toContain(c);
      // Sixteen wide characters are 32 columns: on 58 mm the long Chinese name wraps, never inside a character.
      const chinese = lines.filter((l) => l.includes('點'));
      expect(chinese.length).toBeGreaterThan(1);
      for (const l of chinese) expect(stringWidth(l)).toBeLessThanOrEqual(PAPER_WIDTH[paper]);
    }
  });
});
