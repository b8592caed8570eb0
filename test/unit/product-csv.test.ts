/** Reading a product list as shops write it: Excel in English and in Dutch, quotes, any column order. */
import { describe, expect, it } from 'vitest';
import { CsvReader, parsePrice, parseRate, readHeader, readRow } from '../../electron/core/catalog/csv';
import { DEFAULT_SCALE_LAYOUT } from '../../shared/barcode';

const RATES = [21, 9, 0];

function readAll(text: string) {
  const r = new CsvReader(text);
  const out: { line: number; cells: string[] }[] = [];
  for (let rec = r.next(); rec; rec = r.next()) out.push(rec);
  return { separator: r.separator, records: out };
}

function rows(text: string) {
  const { records } = readAll(text);
  const head = readHeader(records[0]!.cells);
  if ('problem' in head) throw new Error(head.problem);
  return records.slice(1).map((r) => readRow(r.line, r.cells, head.columns, RATES));
}

describe('CSV records', () => {
  it('reads comma-separated text with quotes, doubled quotes and a line break inside a cell, counting lines', () => {
    const { separator, records } = readAll('a,b\r\n"x, ""y""",2\n"two\nlines",3\n\n4,5');
    expect(separator).toBe(',');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', '2'] },
      { line: 3, cells: ['two\nlines', '3'] },
      { line: 6, cells: ['4', '5'] },
    ]);
  });
  it('takes the semicolon when the header has more of them, and drops a byte-order mark', () => {
    const { separator, records } = readAll('\uFEFFbarcode;name;price\n1;a,b;2,50');
    expect(separator).toBe(';');
    expect(records[0]!.cells[0]).toBe('barcode');
    expect(records[1]!.cells).toEqual(['1', 'a,b', '2,50']);
  });
});

describe('product rows', () => {
  it('English Excel: comma separated, decimal point', () => {
    expect(rows('barcode,name,price,vat_rate,category\n8712345678906,Cola 33cl,1.25,9,Drinks')).toEqual([
      { line: 2, barcodes: ['8712345678906'], name: 'Cola 33cl', price: 125, vatRate: 9, category: 'Drinks' },
    ]);
  });
  it('Dutch Excel: semicolons, decimal comma, columns in another order, a rate with a percent sign', () => {
    expect(rows('Category;Price;Name;Barcode;VAT_rate\nDranken;1,25;Cola;8712345678906;9%')).toEqual([
      { line: 2, barcodes: ['8712345678906'], name: 'Cola', price: 125, vatRate: 9, category: 'Dranken' },
    ]);
  });
  it('a decimal comma in a comma-separated file comes quoted', () => {
    expect(rows('barcode,name,price,vat_rate\n96385074,Bread,"2,10",9')[0]).toMatchObject({ price: 210, category: '' });
  });
  it('several barcodes of one product, and a UPC-A kept as its EAN-13', () => {
    expect(rows('barcode,name,price,vat_rate\n036000291452|96385074,Gum,0.99,21')[0]).toMatchObject({
      barcodes: ['0036000291452', '96385074'],
    });
  });
  it('names what is wrong with a row, with its line', () => {
    const out = rows(
      [
        'barcode,name,price,vat_rate',
        '8712345678907,Bad digit,1.00,21',
        ',No code,1.00,21',
        '96385074,,1.00,21',
        '4006381333931,Price,1.234,21',
        '5901234123457,Rate,1.00,7',
        '73513537,Zero,0,21',
      ].join('\n'),
    );
    expect(out).toMatchObject([
      { line: 2, message: 'barcode 8712345678907: the EAN-13 check digit is wrong' },
      { line: 3, message: 'barcode is empty' },
      { line: 4, message: 'name is empty' },
      { line: 5, message: 'price "1.234" is not an amount (e.g. 2.50 or 2,50)' },
      { line: 6, message: "vat_rate 7 is not one of the till's VAT rates (21, 9, 0)" },
      { line: 7, message: 'price "0" is not an amount (e.g. 2.50 or 2,50)' },
    ]);
  });
  it('a header without the needed columns is refused by name', () => {
    expect(readHeader(['code', 'name', 'price'])).toMatchObject({
      problem: 'The first line must name the columns barcode,name,price,vat_rate,category; barcode, vat_rate is missing.',
    });
  });
  it('prices and rates as they are written', () => {
    expect([parsePrice('2'), parsePrice('2.5'), parsePrice('2,50'), parsePrice('€ 3,00'), parsePrice('-1'), parsePrice('1.2.3')]).toEqual([
      200,
      250,
      250,
      300,
      null,
      null,
    ]);
    expect([parseRate('21'), parseRate('5,5'), parseRate('9 %'), parseRate('101'), parseRate('x')]).toEqual([21, 5.5, 9, null, null]);
  });
});

describe("a scale item's own code in a product list", () => {
  it('is kept as typed in the layout set (an EAN-8 length without its check digit), and refused as a misread EAN-8 otherwise', () => {
    const { records } = readAll('barcode,name,price,vat_rate\n28000042,Ham,20.00,9\n');
    const head = readHeader(records[0]!.cells);
    if ('problem' in head) throw new Error(head.problem);
    const six = { ...DEFAULT_SCALE_LAYOUT, itemDigits: 6, valueDigits: 4 };
    expect(readRow(2, records[1]!.cells, head.columns, RATES, 2, six)).toMatchObject({ barcodes: ['28000042'], name: 'Ham', price: 2000 });
    expect(readRow(2, records[1]!.cells, head.columns, RATES, 2, DEFAULT_SCALE_LAYOUT)).toMatchObject({ key: 'check_digit' });
  });
});
