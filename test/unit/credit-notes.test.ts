/**
 * Store credit notes in the ledger, on real SQLite files: what is left on a note is its amount less the credit
 * tenders that spent it, and the database itself refuses a tender that would spend more (whatever the caller checked);
 * notes and tenders cannot be changed; a ledger from before store credit keeps its tenders, ids and triggers.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localDate } from '../../electron/core/ledger/ledger';
import { MIGRATIONS } from '../../electron/core/ledger/db';
import { creditCodeOf, readCreditCode } from '../../shared/credit';
import { tempDir } from '../helpers/engine';
import { closeLedger, ledger } from '../helpers/ledgers';

const at = (h: number, min = 0) => new Date(2026, 10, 27, h, min).getTime();
const LINE = (name: string, unitPrice: number) => [{ name, unitPrice, quantity: 1, vatRate: 21 }];
const returned = (amount: number) => [
  { index: 0, name: 'Coat', quantity: 1, unitPrice: amount, amount, vatRate: 21, vat: Math.round((amount * 21) / 121) },
];

describe('credit note codes', () => {
  it('are ten Crockford base32 characters, read back however a cashier types them', () => {
    const code = creditCodeOf(new Uint8Array([0, 1, 8, 17, 18, 21, 22, 27, 31, 255]));
    expect(code).toBe('018HJ-NPVZZ');
    expect(readCreditCode(' 018hj npvzz ')).toBe(code);
    expect(readCreditCode('O18HJ-NPVZZ')).toBe(code);
    expect(readCreditCode('0l8HJ-NPVZZ')).toBe(code);
    expect(readCreditCode('018HJ-NPVZ')).toBeUndefined();
    expect(readCreditCode('018HJ-NPVZU')).toBeUndefined();
  });
});

describe('credit notes in the ledger', () => {
  it('a note is spent in parts down to nothing; one more cent is refused by the database and writes nothing', () => {
    const l = ledger();
    const ret = l.refunds.recordReceiptless({
      returnId: 'x1',
      at: at(10),
      currency: 'EUR',
      amount: 1000,
      lines: returned(1000),
      vat: [{ rate: 21, gross: 1000, vat: 174 }],
      reason: 'No receipt',
      creditCode: 'AAAAA-BBBBB',
    });
    expect(ret.creditNote).toMatchObject({ code: 'AAAAA-BBBBB', amount: 1000, left: 1000 });
    l.payWithCredit({ saleId: 's1', at: at(11), code: 'AAAAA-BBBBB', amount: 600, currency: 'EUR', lines: LINE('Hat', 600) });
    expect(l.sale('s1')).toMatchObject({ status: 'paid', receiptNumber: 2, credit: [{ code: 'AAAAA-BBBBB', amount: 600, left: 400 }] });
    l.payWithCredit({ saleId: 's2', at: at(12), code: 'AAAAA-BBBBB', amount: 400, currency: 'EUR', lines: LINE('Gloves', 900) });
    expect(l.sale('s2')).toMatchObject({ status: 'partly_paid', credit: [{ amount: 400, left: 0 }] });
    expect(l.creditNotes.get('AAAAA-BBBBB')).toMatchObject({ left: 0 });
    // Past the checks a caller makes: the database refuses, and the new sale is not written either.
    expect(() =>
      l.payWithCredit({ saleId: 's3', at: at(13), code: 'AAAAA-BBBBB', amount: 1, currency: 'EUR', lines: LINE('Pin', 100) }),
    ).toThrow(/more than is left on this credit note/);
    expect(l.sale('s3')).toBeUndefined();
    // Nor more than is due on the sale, nor a note that does not exist, nor one in another currency.
    expect(() => l.payWithCredit({ saleId: 's2', at: at(13), code: 'AAAAA-BBBBB', amount: 600, currency: 'EUR', lines: [] })).toThrow(
      /more than is due/,
    );
    expect(() =>
      l.payWithCredit({ saleId: 's4', at: at(13), code: 'ZZZZZ-ZZZZZ', amount: 1, currency: 'EUR', lines: LINE('Pin', 100) }),
    ).toThrow();
    expect(l.sale('s4')).toBeUndefined();
    const day = l.dayTotals(localDate(at(12)))[0]!;
    expect(day.storeCredit).toEqual({ issued: { count: 1, amount: 1000 }, spent: { count: 2, amount: 1000 } });
    expect(day.net).toBe(0);
    closeLedger(l);
    const db = new DatabaseSync(l.path);
    expect(() => db.exec(`UPDATE credit_notes SET amount = 5000`)).toThrow(/cannot be changed/);
    expect(() => db.exec(`DELETE FROM tenders WHERE kind = 'credit'`)).toThrow(/cannot be changed/);
    db.close();
  });

  it('a ledger from before store credit keeps every tender with its id, and card attempts still become tenders', () => {
    const path = join(tempDir(), 'ledger.sqlite');
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE credit_notes'));
    expect(mine).toBeGreaterThan(0);
    // A ledger as the till before this step left it: a cash sale and a card attempt, each a tender row.
    const db = new DatabaseSync(path);
    db.exec('PRAGMA foreign_keys = ON');
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const day = localDate(at(9));
    const session = (db
      .prepare(`INSERT INTO drawer_sessions (day, opened_at, float, currency) VALUES (?, ?, 0, 'EUR') RETURNING id`)
      .get(day, at(9)) as { id: number })!.id;
    const sale = db.prepare(
      `INSERT INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, session_id) VALUES (?, ?, ?, ?, ?, 'EUR', ?, '[]', ?)`,
    );
    sale.run('c', at(9), day, 'cash', 400, JSON.stringify(LINE('Tea', 400)), session);
    db.prepare(
      `INSERT INTO tenders (sale_id, kind, amount, given, change, currency, at, day, session_id) VALUES ('c', 'cash', 400, 500, 100, 'EUR', ?, ?, ?)`,
    ).run(at(9), day, session);
    sale.run('k', at(10), day, 'card', 700, JSON.stringify(LINE('Mug', 700)), null);
    const snapshot = {
      attemptId: 'k-1',
      orderId: 'k-1',
      saleId: 'k',
      terminalId: 'T1',
      amount: 700,
      currency: 'EUR',
      lines: LINE('Mug', 700),
    };
    db.prepare(
      `INSERT INTO attempts (order_id, sale_id, terminal_id, state, created_at, data) VALUES ('k-1', 'k', 'T1', 'creating', ?, ?)`,
    ).run(at(10), JSON.stringify({ ...snapshot, state: 'creating', createdAt: at(10), updatedAt: at(10) }));
    const before = db.prepare('SELECT * FROM tenders ORDER BY tender_id').all();
    expect(before.map((t) => [t.tender_id, t.kind])).toEqual([
      [1, 'cash'],
      [2, 'card'],
    ]);
    db.close();

    const l = ledger(path);
    expect([...l.tendersOf('c'), ...l.tendersOf('k')]).toEqual(before.map((t) => ({ ...t, credit_code: null })));
    expect(l.sale('c')).toMatchObject({ status: 'paid', cash: { amount: 400, given: 500, change: 100 } });
    l.recordAttempt({
      attemptId: 'k-2',
      orderId: 'k-2',
      saleId: 'k',
      terminalId: 'T2',
      amount: 700,
      currency: 'EUR',
      lines: LINE('Mug', 700),
      state: 'creating',
      createdAt: at(11),
      updatedAt: at(11),
    });
    expect(l.tendersOf('k').map((t) => [t.kind, t.order_id])).toEqual([
      ['card', 'k-1'],
      ['card', 'k-2'],
    ]);
  });

  it('a ledger from before refunds as store credit keeps its refunds, their returned lines and reasons', () => {
    const path = join(tempDir(), 'ledger.sqlite');
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE refunds_before'));
    expect(mine).toBeGreaterThan(0);
    const db = new DatabaseSync(path);
    db.exec('PRAGMA foreign_keys = ON');
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const day = localDate(at(10));
    db.prepare(
      `INSERT INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, paid_day) VALUES ('s', ?, ?, 'cash', 600, 'EUR', ?, ?, ?)`,
    ).run(at(10), day, JSON.stringify(LINE('Hat', 600)), JSON.stringify([{ rate: 21, gross: 600, vat: 104 }]), day);
    db.prepare(
      `INSERT INTO refunds (refund_id, order_id, sale_id, amount, currency, state, at, day, tender, vat, cash_rounding, provider_before)
       VALUES ('r1', 's', 's', 600, 'EUR', 'done', ?, ?, 'cash', ?, -1, '{"x":1}')`,
    ).run(at(11), day, JSON.stringify([{ rate: 21, gross: 600, vat: 104 }]));
    db.exec(`INSERT INTO returned_lines (refund_id, sale_id, line_index, name, quantity, unit_price, amount, vat_rate, vat)
             VALUES ('r1', 's', 0, 'Hat', 1, 600, 600, 21, 104);
             INSERT INTO returns (refund_id, reason) VALUES ('r1', 'Too big');
             INSERT INTO receipts (number, kind, sale_id, refund_id, at) VALUES (1, 'refund', 's', 'r1', ${at(11)});`);
    db.close();

    const l = ledger(path);
    expect(l.sale('s')!.refunds).toEqual([
      expect.objectContaining({ refundId: 'r1', tender: 'cash', amount: 600, rounding: -1, receiptNumber: 1, reason: 'Too big' }),
    ]);
    expect(l.sale('s')!.refunds[0]!.lines).toEqual([expect.objectContaining({ index: 0, name: 'Hat', quantity: 1, amount: 600 })]);
    expect(l.dayTotals(day)[0]!.refundsByTender.cash).toEqual({ count: 1, amount: 600 });
    closeLedger(l);
    const after = new DatabaseSync(path, { readOnly: true });
    expect(after.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(after.prepare(`SELECT provider_before FROM refunds`).get()).toEqual({ provider_before: '{"x":1}' });
    after.close();
  });
});
