/**
 * Brings an existing `journal.jsonl` (the append-only file earlier versions of the till wrote) into the ledger,
 * once, at first start: in chunks of lines, each chunk one transaction that also records how far the import got,
 * so a crash or power cut mid-way resumes where it stopped and nothing is imported twice. When done, the file is
 * kept, renamed `journal.jsonl.imported-<time>`.
 */
import { createReadStream, existsSync, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AttemptSnapshotSchema, type AttemptSnapshot, type Ledger } from './ledger';

const CashSchema = z.object({
  k: z.literal('cash'),
  at: z.number(),
  saleId: z.string(),
  lines: z.array(z.object({ name: z.string(), unitPrice: z.number().int(), quantity: z.number().int() })),
  total: z.number().int(),
  currency: z.string(),
  given: z.number().int(),
  change: z.number().int(),
});
const RefundSchema = z.object({
  k: z.literal('refund'),
  at: z.number(),
  orderId: z.string(),
  saleId: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  transactionId: z.string().optional(),
});
const ResolveSchema = z.object({ k: z.literal('resolve'), at: z.number(), orderId: z.string(), reason: z.string(), mspStatus: z.string() });
const AttemptEntrySchema = z.object({ k: z.literal('attempt'), at: z.number(), attempt: AttemptSnapshotSchema });
const EntrySchema = z.discriminatedUnion('k', [AttemptEntrySchema, CashSchema, RefundSchema, ResolveSchema]);

export interface ImportReport {
  imported: number;
  skipped: number;
  keptAs?: string;
}

const LINES_PER_CHUNK = 500;
/** The longest one import transaction may hold the event loop. */
const SLICE_MS = 5;
const DONE = 'journal_import_done';
const OFFSET = 'journal_import_line';

/**
 * Imports `journalPath` into the ledger if it was not imported yet. Yields to the event loop between chunks.
 * Returns undefined when there is nothing to import.
 */
export async function importJournal(ledger: Ledger, journalPath: string, now = Date.now()): Promise<ImportReport | undefined> {
  if (!existsSync(journalPath)) return undefined;
  if (ledger.meta(DONE)) {
    // Imported before a crash stopped the rename: finish that.
    return { imported: 0, skipped: 0, keptAs: keep(journalPath, now) };
  }
  const startAt = Number(ledger.meta(OFFSET) ?? 0);
  let lineNo = 0;
  let imported = 0;
  let skipped = 0;
  let chunk: { line: number; text: string }[] = [];
  /**
   * Writes what was read, a slice at a time: each slice is one transaction (with the import's progress) that
   * stops after about `SLICE_MS`, and the event loop gets a turn between slices - live payments keep flowing.
   */
  const flush = async (last: boolean) => {
    let from = 0;
    while (from < chunk.length || (last && from === chunk.length)) {
      const started = performance.now();
      // Money from before drawer sessions belongs to none: the import never opens one.
      ledger.sessions.without(() => {
        while (from < chunk.length && performance.now() - started < SLICE_MS) {
          if (applyLine(ledger, chunk[from]!.text)) imported++;
          else skipped++;
          from++;
        }
        ledger.setMeta(OFFSET, String(from > 0 ? chunk[from - 1]!.line : lineNo));
        if (last && from === chunk.length) ledger.setMeta(DONE, String(now));
      });
      await new Promise<void>((r) => setImmediate(r));
      if (last && from === chunk.length) break;
    }
    chunk = [];
  };
  const rl = createInterface({ input: createReadStream(journalPath, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of rl) {
    lineNo++;
    if (lineNo <= startAt || !text.trim()) continue;
    chunk.push({ line: lineNo, text });
    if (chunk.length >= LINES_PER_CHUNK) await flush(false);
  }
  await flush(true);
  return { imported, skipped, keptAs: keep(journalPath, now) };
}

function keep(path: string, now: number): string {
  const to = `${path}.imported-${now}`;
  renameSync(path, to);
  return to;
}

/** One journal line into the ledger; false when the line is unreadable (a torn last line, damage). */
function applyLine(ledger: Ledger, text: string): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return false;
  }
  const parsed = EntrySchema.safeParse(raw);
  if (!parsed.success) return false;
  try {
    return applyEntry(ledger, parsed.data);
  } catch {
    // A line that contradicts the rest (e.g. a refund of a sale whose lines were lost): kept out, counted.
    return false;
  }
}

function applyEntry(ledger: Ledger, e: z.infer<typeof EntrySchema>): boolean {
  switch (e.k) {
    case 'attempt': {
      // Lines are in time order: a later snapshot of the same attempt replaces the earlier one.
      ledger.recordAttemptInTransaction(e.attempt as AttemptSnapshot);
      return true;
    }
    case 'cash':
      ledger.recordCashSaleInTransaction({
        saleId: e.saleId,
        at: e.at,
        lines: e.lines,
        total: e.total,
        currency: e.currency,
        given: e.given,
        change: e.change,
      });
      return true;
    case 'refund':
      // Journal refunds were written only after MultiSafepay accepted them.
      ledger.refunds.recordDone({
        refundId: `j-${e.orderId}-${e.at}-${e.amount}`,
        orderId: e.orderId,
        saleId: e.saleId,
        amount: e.amount,
        currency: e.currency,
        at: e.at,
        ...(e.transactionId ? { transactionId: e.transactionId } : {}),
      });
      return true;
    case 'resolve':
      ledger.importResolution(e.orderId, e.at, e.reason, e.mspStatus);
      return true;
  }
}
