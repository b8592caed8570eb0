/**
 * Tenders: one row per payment of a sale (table `tenders`), on real SQLite files. Card attempts and the cash part
 * are rows in the order they were made; cash is kept there only (the sales' old cash columns stay empty); rows are
 * never changed; a ledger from before tenders gets every old sale's payments as rows, with the same totals.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AttemptSnapshot, Ledger, localDate } from '../../electron/core/ledger/ledger';
import { MIGRATIONS } from '../../electron/core/ledger/db';
import { tempDir } from '../helpers/engine';
import { closeLedger, ledger } from '../helpers/ledgers';

const at = (h: number, min = 0) => new Date(2026, 10, 26, h, min).getTime();
const DAY = localDate(at(12));
const LINES = [
  { name: 'Mok', unitPrice: 400, quantity: 1, vatRate: 21 },
  { name: 'Brood', unitPrice: 300, quantity: 1, vatRate: 9 },
];
const attempt = (orderId: string, saleId: string, state: AttemptSnapshot['state'], createdAt: number, amount = 700): AttemptSnapshot => ({
  attemptId: orderId,
  saleId,
  orderId,
  terminalId: 'T1',
  amount,
  currency: 'EUR',
  lines: LINES,
  state,
  createdAt,
  updatedAt: createdAt,
  ...(state === 'completed' || state === 'failed' ? { finalAt: createdAt } : {}),
});
/** The ledger's file read directly, once the till let go of it (a ledger is opened by one program at a time). */
function raw(l: Ledger): DatabaseSync {
  closeLedger(l);
  return new DatabaseSync(l.path, { readOnly: true });
}

describe('tenders', () => {
  it('a split sale is its card attempts and its cash part, in the order they were made, and cash lives only there', () => {
    const l = ledger();
    l.recordAttempt(attempt('x-1', 'x', 'creating', at(10)));
    l.recordAttempt(attempt('x-1', 'x', 'failed', at(10)));
    l.recordAttempt(attempt('x-2', 'x', 'creating', at(10, 1), 400));
    l.recordAttempt(attempt('x-2', 'x', 'completed', at(10, 1), 400));
    expect(l.sale('x')!.status).toBe('partly_paid');
    expect(l.payInCash({ saleId: 'x', at: at(10, 2), given: 500, change: 200, amount: 300, split: true, step: 5, rounding: 0 })).toBe(true);

    const rows = l.tendersOf('x');
    expect(rows.map((t) => [t.kind, t.order_id, t.amount])).toEqual([
      ['card', 'x-1', 700],
      ['card', 'x-2', 400],
      ['cash', null, 300],
    ]);
    expect(rows[2]).toMatchObject({ given: 500, change: 200, step: 5, rounding: 0, day: DAY, currency: 'EUR', at: at(10, 2) });
    expect(rows[2]!.session_id).toBe(l.sessions.current()!.id);
    const sale = l.sale('x')!;
    expect(sale.status).toBe('paid');
    expect(sale.cash).toEqual({ given: 500, change: 200, amount: 300, step: 5 });
    expect(sale.receiptNumber).toBe(1);
    const day = l.dayTotals(DAY)[0]!;
    expect([day.tenders.card.amount, day.tenders.cash.amount, day.net]).toEqual([400, 300, 700]);
    // The sale row's old cash columns are not written any more.
    const db = raw(l);
    expect(db.prepare(`SELECT cash_amount, cash_given, cash_day, cash_session FROM sales WHERE sale_id = 'x'`).get()).toEqual({
      cash_amount: null,
      cash_given: null,
      cash_day: null,
      cash_session: null,
    });
    db.close();
  });

  it('a cash sale is one cash tender with what was given and the rounding; a second cash part is refused and changes nothing', () => {
    const l = ledger();
    l.recordCashSale({
      saleId: 'c',
      at: at(11),
      lines: LINES,
      total: 700,
      currency: 'EUR',
      given: 1000,
      change: 300,
      step: 5,
      rounding: 0,
    });
    expect(l.tendersOf('c').map((t) => [t.kind, t.amount, t.given, t.change])).toEqual([['cash', 700, 1000, 300]]);
    // A card sale already paid in cash takes no more cash.
    l.recordAttempt(attempt('y-1', 'y', 'creating', at(12)));
    l.recordAttempt(attempt('y-1', 'y', 'failed', at(12)));
    expect(l.payInCash({ saleId: 'y', at: at(12, 1), given: 700, change: 0, amount: 700, split: false, step: 0, rounding: 0 })).toBe(true);
    expect(l.payInCash({ saleId: 'y', at: at(12, 2), given: 700, change: 0, amount: 700, split: false, step: 0, rounding: 0 })).toBe(false);
    expect(l.tendersOf('y').map((t) => t.kind)).toEqual(['card', 'cash']);
    expect(l.sale('y')).toMatchObject({ tender: 'cash', status: 'paid', cash: { amount: 700, given: 700, change: 0 } });
    expect(l.dayTotals(DAY)[0]!.tenders.cash).toEqual({ count: 2, amount: 1400 });
  });

  it('a tender cannot be changed or deleted', () => {
    const l = ledger();
    l.recordCashSale({ saleId: 'c', at: at(11), lines: LINES, total: 700, currency: 'EUR', given: 700, change: 0 });
    closeLedger(l);
    const w = new DatabaseSync(l.path);
    try {
      expect(() => w.exec(`UPDATE tenders SET amount = 1 WHERE sale_id = 'c'`)).toThrow(/a tender cannot be changed/);
      expect(() => w.exec(`DELETE FROM tenders WHERE sale_id = 'c'`)).toThrow(/a tender cannot be changed/);
      expect(() => w.exec(`INSERT INTO tenders (sale_id, kind, currency, at) VALUES ('c', 'cash', 'EUR', 1)`)).toThrow();
    } finally {
      w.close();
    }
    expect(
      ledger(l.path)
        .tendersOf('c')
        .map((t) => t.amount),
    ).toEqual([700]);
  });
});

describe('the sales row a card sale ships', () => {
  it('is written once when the sale begins and once when the card paid it in full, with its session and where it was paid', () => {
    const l = ledger();
    l.sessions.open({ at: at(9), float: 0, currency: 'EUR' });
    l.recordAttempt(attempt('y-1', 'y', 'creating', at(10)));
    l.recordAttempt(attempt('y-1', 'y', 'completed', at(10, 1)));
    const rows = l.outbox.after(0, 100).filter((r) => r.tbl === 'sales' && r.rowKey === 'y');
    expect(rows).toHaveLength(2);
    const session = l.sessions.current()!.id;
    expect(JSON.parse(rows[1]!.row)).toMatchObject({ session_id: session, paid_session: session, paid_day: DAY });
    expect(l.sale('y')).toMatchObject({ status: 'paid', receiptNumber: 1 });
  });
});

describe('the migration to tenders', () => {
  it('gives every earlier sale its payments as tender rows, each once and in order, with the same day totals', () => {
    const path = join(tempDir(), 'ledger.sqlite');
    const mine = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE tenders'));
    expect(mine).toBeGreaterThan(0);
    const db = new DatabaseSync(path);
    for (let v = 0; v < mine; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${mine}`);
    const session = (db
      .prepare(`INSERT INTO drawer_sessions (day, opened_at, float, currency) VALUES (?, ?, 5000, 'EUR') RETURNING id`)
      .get(DAY, at(9)) as { id: number })!.id;
    const sale = db.prepare(
      `INSERT INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, cash_given, cash_change, cash_amount, cash_step,
                          cash_rounding, cash_day, session_id, cash_session) VALUES (?, ?, ?, ?, 700, 'EUR', ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const card = db.prepare(
      `INSERT INTO attempts (order_id, sale_id, terminal_id, state, created_at, data, final_day, final_session) VALUES (?, ?, 'T1', ?, ?, ?, ?, ?)`,
    );
    const lines = JSON.stringify(LINES);
    // a cash sale: 7.00 paid with 10.00, rounded to 5 cents (nothing to round)
    sale.run('cash', at(10), DAY, 'cash', lines, 1000, 300, 700, 5, 0, DAY, session, session);
    // a split: 4.00 by card, then 3.00 in cash with 5.00 given, numbered when the cash paid
    sale.run('split', at(11), DAY, 'card', lines, 500, 200, 300, 5, 0, DAY, session, session);
    card.run('split-1', 'split', 'completed', at(11), JSON.stringify(attempt('split-1', 'split', 'completed', at(11), 400)), DAY, session);
    db.exec(`INSERT INTO receipts (number, kind, sale_id, at) VALUES (1, 'sale', 'cash', ${at(10)}), (2, 'sale', 'split', ${at(11, 5)})`);
    // a card sale paid on its second attempt
    sale.run('card', at(12), DAY, 'card', lines, null, null, null, 0, 0, null, session, null);
    card.run('card-1', 'card', 'failed', at(12), JSON.stringify(attempt('card-1', 'card', 'failed', at(12))), DAY, session);
    card.run('card-2', 'card', 'completed', at(12, 1), JSON.stringify(attempt('card-2', 'card', 'completed', at(12, 1))), DAY, session);
    db.exec(`INSERT INTO receipts (number, kind, sale_id, at) VALUES (3, 'sale', 'card', ${at(12, 1)})`);
    const shippedBefore = (db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n;
    db.close();

    const l = ledger(path);
    expect(l.tendersOf('cash').map((t) => [t.kind, t.amount, t.given, t.change, t.step, t.day, t.session_id, t.at])).toEqual([
      ['cash', 700, 1000, 300, 5, DAY, session, at(10)],
    ]);
    expect(l.tendersOf('split').map((t) => [t.kind, t.order_id, t.amount, t.given, t.change, t.at])).toEqual([
      ['card', 'split-1', 400, null, null, at(11)],
      ['cash', null, 300, 500, 200, at(11, 5)],
    ]);
    expect(l.tendersOf('card').map((t) => [t.kind, t.order_id])).toEqual([
      ['card', 'card-1'],
      ['card', 'card-2'],
    ]);
    expect(l.sale('cash')!.cash).toEqual({ given: 1000, change: 300, amount: 700, step: 5 });
    expect(l.sale('split')).toMatchObject({ status: 'paid', cash: { given: 500, change: 200, amount: 300 } });
    expect(l.sale('card')!.cash).toBeUndefined();
    const day = l.dayTotals(DAY)[0]!;
    expect([day.tenders.card.amount, day.tenders.cash.amount]).toEqual([1100, 1000]);
    expect(l.sessionTotals(session)[0]!.tenders.cash.amount).toBe(1000);
    // New payments keep going to tenders after the migration.
    l.recordCashSale({ saleId: 'later', at: at(13), lines: LINES, total: 700, currency: 'EUR', given: 700, change: 0 });
    expect(l.dayTotals(DAY)[0]!.tenders.cash.amount).toBe(1700);
    // Every tender row is queued for the shop database once: the five from before, then the new one.
    const r = raw(l);
    const queued = r.prepare(`SELECT row_key FROM outbox WHERE tbl = 'tenders' AND seq > ? ORDER BY seq`).all(shippedBefore) as {
      row_key: string;
    }[];
    r.close();
    expect(queued.map((q) => q.row_key)).toEqual(['1', '2', '3', '4', '5', '6']);
  });
});

/** The VAT of LINES (4.00 at 21 %, 3.00 at 9 %). */
const vatOf700 = [
  { rate: 21, gross: 400, vat: 69 },
  { rate: 9, gross: 300, vat: 25 },
];

describe('VAT where the sale was paid in full', () => {
  it('a split partly paid at a close adds no VAT to that close; the session that takes the rest counts all of it, with its products', () => {
    const l = ledger();
    const first = l.sessions.open({ at: at(9), float: 0, currency: 'EUR' });
    l.recordAttempt(attempt('p-1', 'p', 'creating', at(10), 400));
    l.recordAttempt(attempt('p-1', 'p', 'completed', at(10), 400));
    expect(l.sale('p')!.status).toBe('partly_paid');
    // The close: the card part is in the drawer session's card tender, the sale's VAT is not.
    const atClose = l.sessionTotals(first)[0]!;
    expect(atClose.tenders.card.amount).toBe(400);
    expect(atClose.vat ?? []).toEqual([]);
    expect(atClose.products).toBeUndefined();
    l.atomically(() => l.sessions.closeInTransaction({ id: first, at: at(11), counted: 0, expected: 0, report: undefined }));
    // The next session takes the rest in cash: the whole sale's VAT and products count there.
    const second = l.sessions.open({ at: at(12), float: 0, currency: 'EUR' });
    expect(l.payInCash({ saleId: 'p', at: at(12, 5), given: 300, change: 0, amount: 300, split: true, step: 0, rounding: 0 })).toBe(true);
    const next = l.sessionTotals(second)[0]!;
    expect(next.tenders.cash.amount).toBe(300);
    expect(next.vat).toEqual(l.sale('p')!.vat);
    expect(next.products?.map((p) => [p.name, p.quantity])).toEqual([
      ['Mok', 1],
      ['Brood', 1],
    ]);
    expect(l.sessionTotals(first)[0]!.vat ?? []).toEqual([]);
    // By calendar date alike: the day it was paid in full.
    expect(l.dayTotals(DAY)[0]!.vat).toEqual(l.sale('p')!.vat);
  });

  it('the migration keeps the totals of sales paid before it where they were', () => {
    const mine = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN paid_day'));
    expect(mine).toBeGreaterThan(0);
    // A ledger as a till from before left it, with a cash sale paid in full.
    const old = join(tempDir(), 'old.sqlite');
    const o = new DatabaseSync(old);
    for (let v = 0; v < mine; v++) o.exec(MIGRATIONS[v]!);
    o.exec(`PRAGMA user_version = ${mine}`);
    const session = (
      o
        .prepare(`INSERT INTO drawer_sessions (day, opened_at, float, currency) VALUES ('2026-11-20', ?, 0, 'EUR') RETURNING id`)
        .get(at(9)) as { id: number }
    ).id;
    o.prepare(
      `INSERT INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, session_id) VALUES ('old', ?, '2026-11-20', 'cash', 700, 'EUR', ?, ?, ?)`,
    ).run(at(10), JSON.stringify(LINES), JSON.stringify(vatOf700), session);
    o.exec(`INSERT INTO receipts (number, kind, sale_id, at) VALUES (1, 'sale', 'old', ${at(10)})`);
    // And a split whose card part was paid that day, the rest still due: the earlier rule counted its VAT then.
    o.prepare(
      `INSERT INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, session_id) VALUES ('part', ?, '2026-11-20', 'card', 700, 'EUR', ?, ?, ?)`,
    ).run(at(11), JSON.stringify(LINES), JSON.stringify(vatOf700), session);
    o.prepare(
      `INSERT INTO attempts (order_id, sale_id, terminal_id, state, created_at, data, final_day, final_session) VALUES ('part-1', 'part', 'T1', 'completed', ?, ?, '2026-11-20', ?)`,
    ).run(at(11), JSON.stringify(attempt('part-1', 'part', 'completed', at(11), 400)), session);
    o.close();
    const l = ledger(old);
    const both = [
      { rate: 21, gross: 800, vat: 138 },
      { rate: 9, gross: 600, vat: 50 },
    ];
    expect(l.dayTotals('2026-11-20')[0]!.vat).toEqual(both);
    expect(l.sessionTotals(session)[0]!.vat).toEqual(both);
    // Its rest paid after the upgrade, in a new session: the VAT stays where it was counted, never twice.
    l.atomically(() => l.sessions.closeInTransaction({ id: session, at: at(12), counted: 0, expected: 0, report: undefined }));
    const next = l.sessions.open({ at: at(13), float: 0, currency: 'EUR' });
    expect(l.payInCash({ saleId: 'part', at: at(13, 5), given: 300, change: 0, amount: 300, split: true, step: 0, rounding: 0 })).toBe(
      true,
    );
    expect(l.sale('part')!.status).toBe('paid');
    expect(l.sessionTotals(next)[0]!.vat ?? []).toEqual([]);
    expect(l.sessionTotals(session)[0]!.vat).toEqual(both);
  });
});
