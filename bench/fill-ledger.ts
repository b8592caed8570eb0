/**
 * Fills a data folder's sales ledger with `n` sales as the till records them (card attempts with their card
 * details, some declined and retried, cash sales, a few refunds), spread over the days before today at about
 * 300 sales a day, the drawer session closed at the end of each day as a shop does. `tsx bench/fill-ledger.ts
 * <dataDir> <n>` - for benchmarks and for trying the till at shop scale.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AttemptSnapshot, Ledger } from '../electron/core/ledger/ledger';

const PRODUCTS = ['Espresso', 'Cappuccino', 'Latte', 'Tea', 'Croissant', 'Apple cake', 'Sandwich', 'Orange juice', 'Muffin', 'Bagel'];
const BRANDS = ['VISA', 'MASTERCARD', 'MAESTRO', 'V PAY'];

export function fillLedger(dataDir: string, n: number, perDay = 300): { ms: number; firstAt: number } {
  const ledger = new Ledger(join(dataDir, 'ledger.sqlite'));
  const started = performance.now();
  const install = randomBytes(4).toString('hex');
  const dayMs = 24 * 3600_000;
  const days = Math.ceil(n / perDay);
  const firstAt = Date.now() - days * dayMs;
  let rnd = 12345;
  const next = () => (rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const BATCH = 2000;
  for (let i = 0; i < n; i += BATCH) {
    ledger.atomically(() => {
      for (let j = i; j < Math.min(n, i + BATCH); j++) {
        const at = firstAt + Math.floor((j / perDay) * dayMs) + Math.floor(next() * 60_000);
        // Closing time: the day's drawer session is closed before the next day's first sale.
        if (j > 0 && j % perDay === 0) {
          const open = ledger.sessions.current();
          if (open) ledger.sessions.closeInTransaction({ id: open.id, at: at - 1, counted: 0, expected: 0, report: undefined });
        }
        const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
          name: pick(PRODUCTS),
          unitPrice: 200 + Math.floor(next() * 800),
          quantity: 1 + Math.floor(next() * 2),
        }));
        const total = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
        const saleId = `${install}-${j + 1}`;
        const r = next();
        if (r < 0.1) {
          ledger.recordCashSaleInTransaction({
            saleId: `${install}-c${j}`,
            at,
            lines,
            total,
            currency: 'EUR',
            given: total + 500,
            change: 500,
          });
          continue;
        }
        const attempt = (k: number, state: AttemptSnapshot['state'], extra: Partial<AttemptSnapshot> = {}): AttemptSnapshot => ({
          attemptId: `${saleId}-${j + 1}-${k}`,
          saleId,
          orderId: `${saleId}-${j + 1}-${k}`,
          terminalId: `T${1 + (j % 5)}`,
          amount: total,
          currency: 'EUR',
          lines,
          state,
          seq: j + 1,
          description: `Sale ${saleId}`,
          createdAt: at + k,
          updatedAt: at + k + 15_000,
          finalAt: at + k + 15_000,
          ...extra,
        });
        if (r < 0.15) ledger.recordAttemptInTransaction(attempt(0, 'cancelled', { mspStatus: 'cancelled' }));
        const card = {
          type: pick(BRANDS),
          last4: String(Math.floor(next() * 10_000)).padStart(4, '0'),
          authorizationCode: '123456',
          entryMode: 'ICC_CONTACTLESS',
        };
        ledger.recordAttemptInTransaction(
          attempt(1, 'completed', { card, mspStatus: 'completed', transactionId: String(100_000_000 + j) }),
        );
      }
    });
  }
  ledger.close();
  return { ms: performance.now() - started, firstAt };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, count] = process.argv.slice(2);
  if (!dir || !count) {
    console.error('usage: tsx bench/fill-ledger.ts <dataDir> <sales>');
    process.exit(2);
  }
  const r = fillLedger(dir, Number(count));
  console.log(`${count} sales in ${(r.ms / 1000).toFixed(1)} s`);
}
