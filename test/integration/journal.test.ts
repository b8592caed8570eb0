/**
 * The bookkeeping journal through the real service, a real SQLite ledger and the simulator over loopback: per drawer
 * session, sales per VAT rate, tenders, refunds, rounding, paid in and out and the cash difference; its sums equal
 * the day report; semicolons, quoted cells, a decimal comma when asked; a new 0600 file that never follows a link.
 */
import { lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localDate } from '../../electron/core/ledger/ledger';
import type { DayReport, DayState, SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { serviceWithSim } from '../helpers/engine';
import { ok, type Reply } from '../helpers/reply';
import { until } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The cells of a semicolon-separated file whose every cell is quoted. */
function parse(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((row) => [...row.matchAll(/"((?:[^"]|"")*)"(?:;|$)/g)].map((m) => m[1]!.replace(/""/g, '"')));
}

const cents = (text: string) => Math.round(Number(text.replace(',', '.')) * 100);

describe('the journal export', () => {
  it('per session: its figures add up to the day report to the cent; with a decimal comma for Dutch packages; a new private file', async () => {
    const { s, svc } = await serviceWithSim(cleanups);
    const call = <T>(m: string, p: unknown = {}) => svc.dispatch(m, p) as Promise<Reply<T>>;
    ok<DayState>(await call('openDay', { float: 10_000 }));
    const bread = ok<SaleRecord>(
      await call('payCash', {
        lines: [
          { name: 'Brood', unitPrice: 337, quantity: 2, vatRate: 9 },
          { name: 'Wijn', unitPrice: 1299, quantity: 1, vatRate: 21 },
        ],
        given: 2000,
      }),
    );
    ok(await call('refund', { orderId: bread.saleId, amount: 337 }));
    const card = ok<PaymentView>(
      await call('charge', { terminalId: 'DEMO0001', lines: [{ name: 'Kaas', unitPrice: 1850, quantity: 1, vatRate: 9 }] }),
    );
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => (svc.sales.sale(card.saleId)?.status === 'paid' ? true : undefined), 'card paid');
    ok(await call('paidIn', { amount: 2500, reason: 'Change from the bank' }));
    ok(await call('paidOut', { amount: 800, reason: 'Window cleaner' }));
    const first = ok<DayState>(await call('closeDay', { counted: 13_000 }));
    ok(await call('openDay', { float: 13_000 }));
    ok<SaleRecord>(await call('payCash', { lines: [{ name: 'Bloemen', unitPrice: 1499, quantity: 1, vatRate: 21 }], given: 1500 }));
    const second = ok<DayState>(await call('closeDay', { counted: 14_500 }));
    const today = localDate(Date.now());
    const day = ok<DayReport>(await call('dayReport', { date: today })).totals[0]!;

    const folder = mkdtempSync(join(tmpdir(), 'till-journal-'));
    // A link planted at the file's name is replaced, never followed.
    const precious = join(folder, 'precious.txt');
    writeFileSync(precious, 'precious');
    symlinkSync(precious, join(folder, `journal-${today}-to-${today}.csv`));
    const plain = ok<{ path: string; rows: number }>(await call('exportJournal', { from: today, to: today, folder }));
    expect(readFileSync(precious, 'utf8')).toBe('precious');
    expect(lstatSync(plain.path).isSymbolicLink()).toBe(false);
    expect(lstatSync(plain.path).mode & 0o777).toBe(0o600);
    const [header, ...rows] = parse(readFileSync(plain.path, 'utf8'));
    expect(header).toEqual(['date', 'session', 'opened', 'closed', 'entry', 'vat_rate', 'net', 'vat', 'gross', 'count', 'currency']);
    expect(rows).toHaveLength(plain.rows);
    const col = (name: string) => header!.indexOf(name);
    const of = (entry: string) => rows.filter((r) => r[col('entry')] === entry);
    const sum = (entry: string, column = 'gross') => of(entry).reduce((n, r) => n + cents(r[col(column)]!), 0);
    expect(new Set(rows.map((r) => r[col('session')]))).toEqual(new Set([String(first.sessionId), String(second.sessionId)]));
    // Sales per VAT rate: net + VAT = gross, and per rate the day's VAT.
    for (const v of day.vat!) {
      const rate = of('sales').filter((r) => Number(r[col('vat_rate')]) === v.rate);
      expect(rate.reduce((n, r) => n + cents(r[col('gross')]!), 0)).toBe(v.gross);
      expect(rate.reduce((n, r) => n + cents(r[col('vat')]!), 0)).toBe(v.vat);
      for (const r of rate) expect(cents(r[col('net')]!) + cents(r[col('vat')]!)).toBe(cents(r[col('gross')]!));
    }
    expect(sum('tender_card')).toBe(day.tenders.card.amount);
    expect(sum('tender_cash')).toBe(day.tenders.cash.amount);
    expect(sum('refund_cash')).toBe(day.refundsByTender.cash.amount);
    expect(sum('refund_card')).toBe(day.refundsByTender.card.amount);
    expect(sum('cash_rounding')).toBe(day.cashRounding?.amount ?? 0);
    expect(sum('paid_in')).toBe(day.paidIn!.amount);
    expect(sum('paid_out')).toBe(day.paidOut!.amount);
    expect(sum('tender_card') + sum('tender_cash') + sum('cash_rounding') - sum('refund_card') - sum('refund_cash')).toBe(day.net);
    expect(of('cash_difference').map((r) => [r[col('session')], cents(r[col('gross')]!)])).toEqual([
      [String(first.sessionId), first.report!.difference],
      [String(second.sessionId), second.report!.difference],
    ]);
    expect(of('expected_cash').map((r) => cents(r[col('gross')]!))).toEqual([first.expected, second.expected]);

    // Dutch: Dutch column names and a decimal comma, the same figures.
    ok(await call('saveSettings', { language: 'nl' }));
    const nl = ok<{ path: string; rows: number }>(
      await call('exportJournal', { from: today, to: today, folder: mkdtempSync(join(tmpdir(), 'till-journal-nl-')) }),
    );
    const [nlHeader, ...nlRows] = parse(readFileSync(nl.path, 'utf8'));
    expect(nlHeader).toEqual(['datum', 'sessie', 'geopend', 'gesloten', 'post', 'btw_tarief', 'netto', 'btw', 'bruto', 'aantal', 'valuta']);
    expect(nlRows.map((r) => r[8])).toEqual(rows.map((r) => r[8]!.replace('.', ',')));
    expect(nlRows.every((r) => !/\d\.\d/.test(r[8]!))).toBe(true);
    // Asked for a point, it writes a point.
    const point = ok<{ path: string }>(
      await call('exportJournal', { from: today, to: today, decimalComma: false, folder: mkdtempSync(join(tmpdir(), 'till-journal-pt-')) }),
    );
    expect(
      parse(readFileSync(point.path, 'utf8'))
        .slice(1)
        .map((r) => r[8]),
    ).toEqual(rows.map((r) => r[8]));
    // Bad input changes nothing.
    expect(await call('exportJournal', { from: today, to: '2000-01-01' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
