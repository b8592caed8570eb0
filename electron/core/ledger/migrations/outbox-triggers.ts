/**
 * The outbox's triggers, written into the migrations that made the outbox and the tenders' outbox. Part of shipped
 * migrations: never change what they write.
 */
/** The books the outbox follows: each table's key, its columns (JSON ones marked `*`), and which writes it sees. */
export const OUTBOX_TABLES: { tbl: string; key: string; cols: string; on: ('INSERT' | 'UPDATE')[]; order: string }[] = [
  {
    tbl: 'sales',
    key: 'sale_id',
    cols: 'sale_id created_at day tender total currency *lines *vat staff cash_given cash_change cash_amount cash_step cash_rounding cash_day session_id cash_session',
    on: ['INSERT', 'UPDATE'],
    order: 'created_at',
  },
  {
    tbl: 'attempts',
    key: 'order_id',
    cols: 'order_id sale_id terminal_id state created_at card_type card_last4 final_day final_session *data',
    on: ['INSERT', 'UPDATE'],
    order: 'created_at',
  },
  {
    tbl: 'refunds',
    key: 'refund_id',
    cols: 'refund_id order_id sale_id amount currency state at day settled_at transaction_id tender *vat staff cash_rounding session_id',
    on: ['INSERT', 'UPDATE'],
    order: 'at',
  },
  { tbl: 'receipts', key: 'number', cols: 'number kind sale_id refund_id at', on: ['INSERT'], order: 'number' },
  { tbl: 'cash_moves', key: 'id', cols: 'id at day kind amount currency reason staff session_id', on: ['INSERT'], order: 'id' },
  {
    tbl: 'drawer_sessions',
    key: 'id',
    cols: 'id day opened_at opened_by float currency closed_at closed_by counted expected implicit',
    on: ['INSERT', 'UPDATE'],
    order: 'id',
  },
  {
    tbl: 'receiptless_returns',
    key: 'return_id',
    cols: 'return_id at day currency amount cash_rounding *lines *vat reason staff session_id',
    on: ['INSERT'],
    order: 'at',
  },
  {
    tbl: 'discounts',
    key: 'discount_id',
    cols: 'discount_id at day scope base percent amount reason currency staff approved_by sale_id',
    on: ['INSERT', 'UPDATE'],
    order: 'at',
  },
  { tbl: 'audit_log', key: 'id', cols: 'id at day event amount currency lines detail staff', on: ['INSERT'], order: 'id' },
  {
    tbl: 'days',
    key: 'day',
    cols: 'day opened_at float currency opened_by closed_at counted expected closed_by',
    on: ['INSERT', 'UPDATE'],
    order: 'day',
  },
];

/**
 * The outbox's triggers (a row appended after each write of a followed table, as `json_object` of its columns) and
 * the rows the till already had, appended once in the same order (unless `copyExisting` is false: a table whose
 * triggers are made again with more columns). Part of shipped migrations: never change what it writes.
 */
export function outboxTriggers(tables: typeof OUTBOX_TABLES = OUTBOX_TABLES, copyExisting = true): string {
  const json = (prefix: string, cols: string) =>
    `json_object(${cols
      .split(' ')
      .map((c) => (c.startsWith('*') ? `'${c.slice(1)}', json(${prefix}${c.slice(1)})` : `'${c}', ${prefix}${c}`))
      .join(', ')})`;
  return tables
    .flatMap((t) => [
      ...t.on.map(
        (on) =>
          `CREATE TRIGGER outbox_${t.tbl}_${on.toLowerCase()} AFTER ${on} ON ${t.tbl} BEGIN
           INSERT INTO outbox (tbl, row_key, row) VALUES ('${t.tbl}', CAST(NEW.${t.key} AS TEXT), ${json('NEW.', t.cols)});
         END;`,
      ),
      ...(copyExisting
        ? [
            `INSERT INTO outbox (tbl, row_key, row) SELECT '${t.tbl}', CAST(${t.key} AS TEXT), ${json('', t.cols)} FROM ${t.tbl} ORDER BY ${t.order};`,
          ]
        : []),
    ])
    .join('\n');
}

/** The sales' outbox from the migration that added when a sale was paid in full (and ships training too). */
export const SALES_PAID_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'sales',
    key: 'sale_id',
    cols: 'sale_id created_at day tender total currency *lines *vat staff cash_given cash_change cash_amount cash_step cash_rounding cash_day session_id cash_session training paid_day paid_session',
    on: ['INSERT', 'UPDATE'],
    order: 'created_at',
  },
];

/** The tenders' outbox (a later migration than the other books'). */
export const TENDERS_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'tenders',
    key: 'tender_id',
    cols: 'tender_id sale_id kind provider order_id amount given change step rounding currency at day session_id staff',
    on: ['INSERT'],
    order: 'tender_id',
  },
];

/** The tenders' outbox again, with the credit note a credit tender spent (the tenders table was made again). */
export const CREDIT_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'tenders',
    key: 'tender_id',
    cols: 'tender_id sale_id kind provider order_id amount given change step rounding currency at day session_id staff credit_code',
    on: ['INSERT'],
    order: 'tender_id',
  },
];

/** Credit notes given (store credit). */
export const CREDIT_NOTES_OUTBOX: typeof OUTBOX_TABLES = [
  { tbl: 'credit_notes', key: 'code', cols: 'code amount currency at day session_id staff return_id', on: ['INSERT'], order: 'at' },
];

/** Returns without a receipt, with the credit note one gave instead of cash. */
export const RECEIPTLESS_CREDIT_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'receiptless_returns',
    key: 'return_id',
    cols: 'return_id at day currency amount cash_rounding *lines *vat reason staff session_id credit_code',
    on: ['INSERT'],
    order: 'at',
  },
];

/** The refunds' outbox again, with the credit note a refund given as store credit gave (the refunds table was made again). */
export const REFUNDS_CREDIT_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'refunds',
    key: 'refund_id',
    cols: 'refund_id order_id sale_id amount currency state at day settled_at transaction_id tender *vat staff cash_rounding session_id credit_code',
    on: ['INSERT', 'UPDATE'],
    order: 'at',
  },
];

/** Credit notes again, with whether one was given in training and the giving till of a copy (`origin`). */
export const CREDIT_NOTES_ORIGIN_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'credit_notes',
    key: 'code',
    cols: 'code amount currency at day session_id staff return_id training origin',
    on: ['INSERT'],
    order: 'at',
  },
];
