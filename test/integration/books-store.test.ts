/**
 * One interface, two databases: the same till's books read through its own SQLite ledger and through the shop's
 * PostgreSQL (a real throwaway cluster) give the same totals, VAT per rate and cash of the day.
 */
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { DayTotals } from '../../shared/contract';
import { Ledger, localDate } from '../../electron/core/ledger/ledger';
import { type BooksStore, PostgresBooks, SqliteBooks } from '../../electron/core/ledger/store';
import { Shipper } from '../../electron/core/shop/shipper';
import { tempDir } from '../helpers/engine';
import { postgresPerFile } from '../helpers/postgres';

const pgs = postgresPerFile();

/** What both keep of a day: tenders, refunds, net, VAT, cash moves (the SQLite ledger also keeps products and the audit trail). */
const kept = ({ currency, tenders, refunds, refundsByTender, net, vat, paidIn, paidOut, cashRounding }: DayTotals) => ({
  currency,
  tenders,
  refunds,
  refundsByTender,
  net,
  vat,
  paidIn,
  paidOut,
  cashRounding,
});

describe('the books store, in SQLite and in PostgreSQL', () => {
  it('answers the same for the same till', async () => {
    const ledger = new Ledger(join(tempDir('till-store-'), 'ledger.sqlite'));
    pgs.cleanups.push(() => ledger.close());
    const at = Date.now();
    const date = localDate(at);
    ledger.sessions.open({ at, float: 10_000, currency: 'EUR' });
    for (let i = 0; i < 12; i++)
      ledger.recordCashSale({
        saleId: `s${i}`,
        at: at + i,
        lines: [{ name: i % 3 ? 'Tea' : 'Wine', unitPrice: i % 3 ? 275 : 1250, quantity: 1 + (i % 2), vatRate: i % 3 ? 9 : 21 }],
        total: (i % 3 ? 275 : 1250) * (1 + (i % 2)),
        currency: 'EUR',
        given: 5000,
        change: 5000 - (i % 3 ? 275 : 1250) * (1 + (i % 2)),
        ...(i === 4 ? { step: 5, rounding: -2 } : {}),
      });
    ledger.recordCashMove({ at, kind: 'paid_in', amount: 2000, currency: 'EUR', reason: 'Change' });
    // A sale a card paid only part of: its VAT counts once it is paid in full, in neither store yet.
    const book = [{ name: 'Boek', unitPrice: 1999, quantity: 1, vatRate: 9 }];
    const part = { attemptId: 'p-1', saleId: 'p', orderId: 'p-1', terminalId: 'T1', amount: 500, currency: 'EUR', lines: book };
    ledger.recordAttempt({ ...part, state: 'completed', createdAt: at, updatedAt: at, finalAt: at });
    expect(ledger.sale('p')!.status).toBe('partly_paid');
    ledger.refunds.begin({ refundId: 'r1', orderId: 's0', saleId: 's0', amount: 1250, currency: 'EUR', at, tender: 'cash' });
    ledger.refunds.settle('r1', 'done', at);

    const url = await pgs.fresh();
    const shipper = new Shipper({ outbox: ledger.outbox, url, tillName: () => 'Front' });
    shipper.start();
    await shipper.shipped();
    await shipper.stop();
    const pool = new pg.Pool({ connectionString: url });
    pgs.cleanups.push(() => pool.end());

    const stores: BooksStore[] = [new SqliteBooks(ledger, () => 'Front'), new PostgresBooks(pool)];
    const answers = await Promise.all(
      stores.map(async (s) => {
        const tills = await s.tills();
        return { tills, totals: (await s.dayTotals(date, tills[0]!.tillId)).map(kept) };
      }),
    );
    expect(answers[0]!.tills).toEqual([{ tillId: ledger.outbox.tillId(), name: 'Front' }]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]!.totals[0]).toMatchObject({ refunds: { count: 1, amount: 1250 }, paidIn: { count: 1, amount: 2000 } });
    // VAT is the cash sales' less the refund's: the part paid by card adds none.
    const cashSales = ledger.history.page({ limit: 50 }).filter((s) => s.saleId !== 'p');
    const gross = (answers[0]!.totals[0]!.vat ?? []).reduce((s, v) => s + v.gross, 0);
    expect(gross).toBe(cashSales.reduce((s, x) => s + x.total, 0) - 1250);
    expect(answers[0]!.totals[0]!.tenders.card.amount).toBe(500);
  });
});
