/** Exports to a folder: the ledger's backup, the transactions and the bookkeeping journal as CSV, the audit trail. */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TillError } from '../../../shared/errors';
import { exportAudit } from '../audit-export';
import { storageAsync } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';

export function exportHandlers(
  ctx: Pick<ServiceContext, 'dataDir' | 'ledger' | 'sales' | 'settings' | 'now'>,
): Pick<Handlers, 'exportBackup' | 'exportAudit' | 'exportJournal' | 'exportTransactions'> {
  return {
    exportBackup: async (p) => {
      const dir = exportFolder(p.folder ?? join(ctx.dataDir, 'backups'));
      const stamp = new Date(ctx.now()).toISOString().replace(/[:.]/g, '-');
      const path = join(dir, `ledger-${stamp}.sqlite`);
      await storageAsync(() => ctx.ledger.backup(path));
      return { path };
    },
    exportAudit: async (p) =>
      storageAsync(() => exportAudit(ctx.ledger, exportFolder(p.folder ?? join(ctx.dataDir, 'exports')), p.from, p.to)),
    exportJournal: async (p) => {
      return storageAsync(() =>
        ctx.sales.exports.exportJournal(exportFolder(p.folder ?? join(ctx.dataDir, 'exports')), p.from, p.to, {
          language: ctx.settings().language,
          decimalComma: p.decimalComma ?? ctx.settings().language === 'nl',
        }),
      );
    },
    exportTransactions: async (p) => {
      return storageAsync(() =>
        ctx.sales.exports.exportCsv(exportFolder(p.folder ?? join(ctx.dataDir, 'exports')), p.from, p.to, ctx.settings().language),
      );
    },
  };
}

/** A folder to export into: created when it is the till's own, and it must be a folder. */
export function exportFolder(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (!statSync(path).isDirectory()) throw new TillError({ code: 'bad_request', field: 'folder', message: 'That is not a folder.' });
  return path;
}
