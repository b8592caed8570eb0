/**
 * The journal: an append-only JSON Lines file of everything the till did that a person may ask about later
 * (attempt snapshots with final outcomes and card details, cash sales, refunds, supervisor resolutions).
 * Each entry is one line written with a single write and fsync: a crash mid-write can only leave a torn last
 * line, which is dropped at the next start, so nothing already committed is lost and the file never corrupts.
 * A failed write (disk full) is rolled back by truncating to the previous size.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { AttemptFields, SaleLine } from '../../../shared/payment';

export interface AttemptSnapshot extends AttemptFields {
  /** Set when a supervisor resolved the attempt. */
  resolvedReason?: string;
}

export type JournalEntry =
  | { k: 'attempt'; at: number; attempt: AttemptSnapshot }
  | { k: 'cash'; at: number; saleId: string; lines: SaleLine[]; total: number; currency: string; given: number; change: number }
  | { k: 'refund'; at: number; orderId: string; saleId: string; amount: number; currency: string; transactionId?: string }
  | { k: 'resolve'; at: number; orderId: string; reason: string; mspStatus: string };

export interface JournalOpenReport {
  entries: number;
  /** Lines that could not be read (including a torn last line). */
  droppedLines: number;
  damagedCopy?: string;
}

export class Journal {
  readonly path: string;
  #fd: number;
  #size: number;
  readonly report: JournalOpenReport;
  /** Called after each successful append. */
  onAppend: ((e: JournalEntry) => void) | undefined;

  constructor(path: string, now = Date.now()) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    let dropped = 0;
    let kept = 0;
    let damagedCopy: string | undefined;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const good: string[] = [];
      for (const line of text.split('\n')) {
        if (!line) continue;
        const entry = parseEntry(line);
        if (entry) {
          good.push(line);
          kept++;
        } else dropped++;
      }
      if (dropped > 0 || (text.length > 0 && !text.endsWith('\n'))) {
        // Keep the damaged file for support, then rewrite a clean one atomically.
        damagedCopy = `${path}.damaged-${now}`;
        copyFileSync(path, damagedCopy);
        const tmp = `${path}.tmp`;
        writeFileSync(tmp, good.map((l) => `${l}\n`).join(''), { flush: true });
        renameSync(tmp, path);
      }
    }
    this.#fd = openSync(path, 'a');
    this.#size = fstatSync(this.#fd).size;
    this.report = { entries: kept, droppedLines: dropped, ...(damagedCopy ? { damagedCopy } : {}) };
  }

  /**
   * The entries, compacted (the latest snapshot of each attempt; every cash sale, refund and resolution), in the
   * order each was first written. Read from the file on demand - for history, reports and reconciliation, never
   * on the payment path - so the till's memory stays flat however many sales it records.
   */
  get entries(): readonly JournalEntry[] {
    const index = new Map<string, JournalEntry>();
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      const e = line ? parseEntry(line) : null;
      if (!e) continue;
      const key =
        e.k === 'attempt'
          ? `a:${e.attempt.orderId}`
          : e.k === 'cash'
            ? `c:${e.saleId}`
            : e.k === 'refund'
              ? `r:${e.orderId}:${e.at}:${e.amount}`
              : `v:${e.orderId}`;
      index.set(key, e);
    }
    return [...index.values()];
  }

  /** Appends one entry durably, or throws and leaves the file as it was. */
  append(entry: JournalEntry): void {
    const buf = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
      fsyncSync(this.#fd);
    } catch (err) {
      try {
        ftruncateSync(this.#fd, this.#size);
      } catch {
        // the truncate failing too leaves a torn line, which the next start drops
      }
      throw err;
    }
    this.#size += buf.length;
    this.onAppend?.(entry);
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}

function parseEntry(line: string): JournalEntry | null {
  try {
    const v = JSON.parse(line) as JournalEntry;
    if (!v || typeof v !== 'object' || typeof v.at !== 'number') return null;
    if (v.k === 'attempt' && v.attempt && typeof v.attempt.orderId === 'string') return v;
    if (v.k === 'cash' && typeof v.saleId === 'string') return v;
    if (v.k === 'refund' && typeof v.orderId === 'string') return v;
    if (v.k === 'resolve' && typeof v.orderId === 'string') return v;
    return null;
  } catch {
    return null;
  }
}
