/**
 * The ledger's prepared statements, by name: one SQLite statement each, prepared once when the ledger opens. Every
 * one reads or writes through an index (see db.ts for the schema).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** What a part of the ledger works with: the prepared statements, one transaction, and the change notice. */
export interface LedgerContext {
  q: Record<string, StatementSync>;
  /** Runs `fn` as one durable transaction. */
  atomically: <T>(fn: () => T) => T;
  /** Tells the ledger's listener that something changed (history screens refresh). */
  changed: (what: LedgerChange) => void;
  /** The open drawer session's id, if one is open. */
  openSession: () => number | null;
}

/** What changed in the ledger. */
export type LedgerChange = 'attempt' | 'final' | 'cash' | 'refund' | 'resolve' | 'cash_move' | 'park';

/** Prepares the ledger's statements on its database. */
export function prepareStatements(db: DatabaseSync): Record<string, StatementSync> {
  const p = (sql: string) => db.prepare(sql);
  return {
    insertSale: p(
      `INSERT OR IGNORE INTO sales (sale_id, created_at, day, tender, total, currency, lines, vat, staff, session_id, training, paid_day,
                                   paid_session)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertCashTender: p(
      `INSERT INTO tenders (sale_id, kind, amount, given, change, step, rounding, currency, at, day, session_id, staff)
       VALUES (?, 'cash', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    cashTenderOf: p(`SELECT 1 AS x FROM tenders WHERE sale_id = ? AND kind = 'cash'`),
    insertCreditTender: p(
      `INSERT INTO tenders (sale_id, kind, amount, currency, at, day, session_id, staff, credit_code, credit_left)
       VALUES (?, 'credit', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    creditNoteReturn: p('SELECT return_id FROM credit_notes WHERE code = ? AND origin IS NULL'),
    copyCreditNote: p(
      `INSERT OR IGNORE INTO credit_notes (code, amount, currency, at, day, staff, return_id, training, origin)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
    ),
    spentOnSale: p(`SELECT coalesce(sum(amount), 0) AS spent FROM tenders WHERE kind = 'credit' AND credit_code = ? AND sale_id = ?`),
    insertCreditNote: p(
      'INSERT INTO credit_notes (code, amount, currency, at, day, session_id, staff, return_id, training) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    creditNote: p(
      `SELECT c.code, c.amount, c.currency, c.at, c.staff, c.return_id, c.training, c.origin,
              coalesce((SELECT sum(t.amount) FROM tenders t WHERE t.kind = 'credit' AND t.credit_code = c.code), 0) AS spent
       FROM credit_notes c WHERE c.code = ?`,
    ),
    // Paid in full: where, and (for a sale whose session is not set yet, a card sale's) its session, in one write.
    salePaid: p(
      'UPDATE sales SET paid_day = ?, paid_session = ?, session_id = coalesce(session_id, ?) WHERE sale_id = ? AND paid_day IS NULL',
    ),
    saleReceipt: p(
      `INSERT INTO receipts (number, kind, sale_id, at)
       SELECT coalesce((SELECT max(number) FROM receipts), 0) + 1, 'sale', ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM receipts WHERE sale_id = ? AND kind = 'sale')`,
    ),
    refundReceipt: p(
      `INSERT INTO receipts (number, kind, sale_id, refund_id, at)
       SELECT coalesce((SELECT max(number) FROM receipts), 0) + 1, 'refund', sale_id, refund_id, ? FROM refunds WHERE refund_id = ?`,
    ),
    saleVat: p('SELECT vat FROM sales WHERE sale_id = ?'),
    refundVatOfSale: p(`SELECT vat FROM refunds WHERE sale_id = ? AND state != 'failed'`),
    openSession: p(
      'INSERT INTO drawer_sessions (day, opened_at, opened_by, float, currency, handed_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    ),
    takeOver: p('UPDATE drawer_sessions SET opened_by = ? WHERE closed_at IS NULL AND handed_by IS NOT NULL AND opened_by IS NULL'),
    openImplicit: p('INSERT INTO drawer_sessions (day, opened_at, float, currency, implicit) VALUES (?, ?, 0, ?, 1) RETURNING id'),
    closeSession: p(
      `UPDATE drawer_sessions SET closed_at = ?, counted = ?, expected = ?, closed_by = ?, counts = ?, report = ?
       WHERE id = ? AND closed_at IS NULL`,
    ),
    insertReturnedLine: p(
      `INSERT INTO returned_lines (refund_id, sale_id, line_index, product_id, name, quantity, unit_price, amount, vat_rate, vat)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertReturn: p('INSERT INTO returns (refund_id, reason) VALUES (?, ?)'),
    returnedOfLine: p(
      `SELECT coalesce(sum(l.quantity), 0) AS quantity FROM returned_lines l JOIN refunds r ON r.refund_id = l.refund_id
       WHERE l.sale_id = ? AND l.line_index = ? AND r.state != 'failed'`,
    ),
    insertReceiptless: p(
      `INSERT INTO receiptless_returns (return_id, at, day, currency, amount, cash_rounding, lines, vat, reason, staff, session_id,
                                        credit_code)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    receiptlessReceipt: p(
      `INSERT INTO receipts (number, kind, sale_id, refund_id, at)
       SELECT coalesce((SELECT max(number) FROM receipts), 0) + 1, 'refund', ?, ?, ?`,
    ),
    receiptless: p(
      `SELECT x.*, r.number AS receipt_number FROM receiptless_returns x JOIN receipts r ON r.refund_id = x.return_id
       WHERE x.return_id = ?`,
    ),
    currentSession: p('SELECT * FROM drawer_sessions WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1'),
    openSessions: p('SELECT * FROM drawer_sessions WHERE closed_at IS NULL ORDER BY id LIMIT 500'),
    sessionById: p('SELECT * FROM drawer_sessions WHERE id = ?'),
    lastSession: p('SELECT * FROM drawer_sessions ORDER BY id DESC LIMIT 1'),
    sessionsOfDay: p('SELECT * FROM drawer_sessions WHERE day = ? ORDER BY id LIMIT 500'),
    sessionsBetween: p('SELECT * FROM drawer_sessions WHERE day >= ? AND day <= ? AND id > ? ORDER BY id LIMIT 200'),
    sessionsDuring: p(
      `SELECT * FROM drawer_sessions WHERE opened_at < ? AND (closed_at IS NULL OR closed_at >= ?) OR day = ? ORDER BY id LIMIT 500`,
    ),
    recentFloats: p('SELECT float FROM drawer_sessions WHERE float > 0 ORDER BY id DESC LIMIT 5'),
    insertCorrection: p('INSERT INTO float_corrections (session_id, at, float, reason, staff) VALUES (?, ?, ?, ?, ?)'),
    correctionsOf: p('SELECT at, float, reason, staff FROM float_corrections WHERE session_id = ? ORDER BY id'),
    finalSessionOf: p('SELECT state, final_session FROM attempts WHERE order_id = ?'),
    saleSession: p('UPDATE sales SET session_id = coalesce(session_id, ?) WHERE sale_id = ?'),
    refundSession: p('UPDATE refunds SET session_id = ? WHERE refund_id = ?'),
    refundCurrency: p('SELECT currency FROM refunds WHERE refund_id = ?'),
    saleRow: p('SELECT rowid, * FROM sales WHERE sale_id = ?'),
    upsertAttempt: p(
      `INSERT INTO attempts (order_id, sale_id, terminal_id, state, seq, created_at, card_type, card_last4, data, final_day, final_session)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, card_type = excluded.card_type,
         card_last4 = excluded.card_last4, data = excluded.data, final_day = excluded.final_day,
         final_session = excluded.final_session`,
    ),
    attempt: p('SELECT data FROM attempts WHERE order_id = ?'),
    openAttempts: p(`SELECT data FROM attempts WHERE state NOT IN ('completed', 'cancelled', 'failed')`),
    attemptsOfSale: p('SELECT data FROM attempts WHERE sale_id = ? ORDER BY created_at'),
    cardsOfSale: p('SELECT card_type, card_last4 FROM attempts WHERE sale_id = ? AND (card_type IS NOT NULL OR card_last4 IS NOT NULL)'),
    orderIdsOfSale: p('SELECT order_id FROM attempts WHERE sale_id = ?'),
    attemptsBetween: p(
      `SELECT data FROM attempts WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND order_id > ?))
       ORDER BY created_at, order_id LIMIT ?`,
    ),
    deleteWords: p('DELETE FROM sales_search WHERE rowid = ?'),
    insertWords: p('INSERT INTO sales_search (rowid, words) VALUES (?, ?)'),
    insertRefund: p(
      `INSERT INTO refunds (refund_id, order_id, sale_id, amount, currency, state, at, day, tender, vat, staff, cash_rounding, session_id,
                            credit_code)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    settleRefund: p(`UPDATE refunds SET state = ?, settled_at = ?, transaction_id = ? WHERE refund_id = ? AND state = 'pending'`),
    refundsOfOrder: p('SELECT * FROM refunds WHERE order_id = ? ORDER BY at'),
    refundBaseline: p('UPDATE refunds SET provider_before = ? WHERE refund_id = ?'),
    lastReceipt: p('SELECT at FROM receipts ORDER BY number DESC LIMIT 1'),
    counterBasket: p('SELECT rev, basket FROM counter_basket WHERE id = 1'),
    insertModeLog: p('INSERT INTO mode_log (at, day, mode, staff) VALUES (?, ?, ?, ?)'),
    lastMode: p('SELECT mode FROM mode_log ORDER BY id DESC LIMIT 1'),
    newestTraining: p('SELECT training FROM sales ORDER BY created_at DESC LIMIT 1'),
    auditBetween: p(
      `SELECT * FROM (
         SELECT at, 'a' || id AS key, event, staff, NULL AS approved_by, amount, currency,
                CASE WHEN lines > 0 THEN lines || ' line(s)' ELSE detail END AS detail FROM audit_log WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT at, 'm' || id, kind, staff, NULL, CASE WHEN kind = 'no_sale' THEN NULL ELSE amount END, currency, reason
           FROM cash_moves WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT at, 'd' || discount_id, 'discount', staff, approved_by, amount, currency,
                reason || CASE WHEN percent IS NOT NULL THEN ' (' || printf('%g', percent) || '%)' ELSE '' END || CASE WHEN sale_id IS NULL THEN ', not used' ELSE ', sale ' || sale_id END
           FROM discounts WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT at, 's' || id, event, staff_id, NULL, NULL, NULL, by FROM staff_log WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT at, 'p' || id, 'product_' || change, staff, NULL, NULL, NULL, after FROM product_changes WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT f.at, 'f' || f.id, 'float_corrected', f.staff, NULL, f.float, s.currency, f.reason
           FROM float_corrections f JOIN drawer_sessions s ON s.id = f.session_id WHERE f.at >= ?1 AND f.at < ?2
         UNION ALL SELECT at, 'r' || id, 'terminal_released', NULL, NULL, NULL, NULL, order_id || ': ' || reason
           FROM resolutions WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT at, 'o' || id, 'mode_' || mode, staff, NULL, NULL, NULL, NULL FROM mode_log WHERE at >= ?1 AND at < ?2
         UNION ALL SELECT created_at, 'x' || sale_id, 'training_sale', staff, NULL, total, currency, sale_id
           FROM sales WHERE training = 1 AND created_at >= ?1 AND created_at < ?2
       ) WHERE at > ?3 OR (at = ?3 AND key > ?4) ORDER BY at, key LIMIT ?5`,
    ),
    insertDiscount: p(
      `INSERT INTO discounts (discount_id, at, day, scope, base, percent, amount, reason, currency, staff, approved_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    discount: p('SELECT * FROM discounts WHERE discount_id = ?'),
    useDiscount: p('UPDATE discounts SET sale_id = ? WHERE discount_id = ? AND sale_id IS NULL'),
    saveCounterBasket: p(
      `INSERT INTO counter_basket (id, rev, at, basket, staff) VALUES (1, 1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET rev = rev + 1, at = excluded.at, basket = excluded.basket, staff = excluded.staff
       RETURNING rev`,
    ),
    park: p('INSERT INTO parked_sales (park_id, at, lines, currency, note, staff) VALUES (?, ?, ?, ?, ?, ?)'),
    parked: p('SELECT * FROM parked_sales ORDER BY at DESC LIMIT ?'),
    parkedOne: p('SELECT * FROM parked_sales WHERE park_id = ?'),
    unpark: p('DELETE FROM parked_sales WHERE park_id = ?'),
    unpaidCardSales: p(
      `SELECT rowid, * FROM sales WHERE created_at >= ? AND tender = 'card'
       AND NOT EXISTS (SELECT 1 FROM tenders t WHERE t.sale_id = sales.sale_id AND t.kind = 'cash')
       AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = sales.sale_id AND r.kind = 'sale')
       AND (EXISTS (SELECT 1 FROM attempts a WHERE a.sale_id = sales.sale_id AND a.state NOT IN ('cancelled', 'failed'))
            OR EXISTS (SELECT 1 FROM tenders t WHERE t.sale_id = sales.sale_id AND t.kind = 'credit'))
       ORDER BY created_at DESC LIMIT ?`,
    ),
    receiptSale: p('SELECT sale_id FROM receipts WHERE number = ?'),
    hasSaleReceipt: p(`SELECT 1 AS x FROM receipts WHERE sale_id = ? AND kind = 'sale'`),
    receiptPrinted: p('UPDATE receipts SET printed_at = ? WHERE number = ? AND printed_at IS NULL'),
    unprinted: p('SELECT number, sale_id, refund_id FROM receipts WHERE printed_at IS NULL AND at >= ? ORDER BY number LIMIT 100'),
    pendingRefunds: p(`SELECT * FROM refunds WHERE state = 'pending'`),
    insertResolution: p('INSERT INTO resolutions (order_id, at, reason, provider_status) VALUES (?, ?, ?, ?)'),
    resolutionsOf: p('SELECT order_id, reason, provider_status, at FROM resolutions WHERE order_id = ? ORDER BY id'),
    latest: p('SELECT rowid, * FROM sales WHERE created_at < ? ORDER BY created_at DESC LIMIT ?'),
    byTotal: p('SELECT rowid, * FROM sales WHERE total = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?'),
    byWords: p('SELECT rowid FROM sales_search WHERE sales_search MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT ?'),
    lastRowBefore: p('SELECT rowid FROM sales WHERE created_at < ? ORDER BY created_at DESC LIMIT 1'),
    byOrderPrefix: p('SELECT DISTINCT sale_id FROM attempts WHERE order_id >= ? AND order_id < ? LIMIT ?'),
    exportPage: p(
      `SELECT rowid, * FROM sales WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND sale_id > ?))
       ORDER BY created_at, sale_id LIMIT ?`,
    ),
    insertCashMove: p(
      'INSERT INTO cash_moves (at, day, kind, amount, currency, reason, staff, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    cashMovesOfDay: p('SELECT * FROM cash_moves WHERE day = ? ORDER BY id LIMIT ?'),
    cashMovesOfSession: p('SELECT * FROM cash_moves WHERE session_id = ? ORDER BY id LIMIT ?'),
    insertAudit: p(
      'INSERT INTO audit_log (at, day, event, amount, currency, lines, detail, staff, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    dayAudit: p('SELECT currency, event, count(*) AS n, sum(amount) AS amount FROM audit_log WHERE day = ? GROUP BY currency, event'),
    sessionAudit: p(
      'SELECT currency, event, count(*) AS n, sum(amount) AS amount FROM audit_log WHERE session_id = ? GROUP BY currency, event',
    ),
    staffEvent: p('INSERT INTO staff_log (at, till, staff_id, event, by) VALUES (?, ?, ?, ?, ?)'),
    staffSince: p(
      `SELECT event, at FROM staff_log WHERE staff_id = ? AND id > coalesce(
         (SELECT max(id) FROM staff_log WHERE staff_id = ? AND event IN ('signed_in', 'approved', 'unlocked', 'pin_reset')), 0) ORDER BY id`,
    ),
    staffLog: p('SELECT at, till, staff_id, event, by FROM staff_log ORDER BY id DESC LIMIT ?'),
    getMeta: p('SELECT value FROM meta WHERE key = ?'),
    setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    counts: p('SELECT (SELECT count(*) FROM sales) AS sales, (SELECT count(*) FROM attempts) AS attempts'),
    maxSeq: p('SELECT max(seq) AS seq FROM attempts'),
  };
}
