/**
 * The sales ledger's SQLite database, through Node's built-in `node:sqlite` (Node 24, the Node of Electron's
 * main process: no native module to rebuild per platform). WAL with synchronous=FULL, so a committed
 * transaction survives a power cut; the schema is versioned with `PRAGMA user_version` and migrated forwards
 * in one transaction per step. The file is created readable by the till's user only.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** The books the outbox follows: each table's key, its columns (JSON ones marked `*`), and which writes it sees. */
const OUTBOX_TABLES: { tbl: string; key: string; cols: string; on: ('INSERT' | 'UPDATE')[]; order: string }[] = [
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
 * the rows the till already had, appended once in the same order. Part of a shipped migration: never change it.
 */
function outboxTriggers(tables: typeof OUTBOX_TABLES = OUTBOX_TABLES): string {
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
      `INSERT INTO outbox (tbl, row_key, row) SELECT '${t.tbl}', CAST(${t.key} AS TEXT), ${json('', t.cols)} FROM ${t.tbl} ORDER BY ${t.order};`,
    ])
    .join('\n');
}

/** The tenders' outbox (a later migration than the other books'). */
const TENDERS_OUTBOX: typeof OUTBOX_TABLES = [
  {
    tbl: 'tenders',
    key: 'tender_id',
    cols: 'tender_id sale_id kind provider order_id amount given change step rounding currency at day session_id staff',
    on: ['INSERT'],
    order: 'tender_id',
  },
];

/** Each entry moves the schema from version i to i + 1. Never edit a shipped step: add one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sales (
    sale_id     TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    day         TEXT NOT NULL,
    tender      TEXT NOT NULL CHECK (tender IN ('card', 'cash')),
    total       INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    lines       TEXT NOT NULL,
    vat         TEXT NOT NULL DEFAULT '[]',
    staff       TEXT,
    cash_given  INTEGER,
    cash_change INTEGER,
    -- The part paid in cash: the whole total of a cash sale, the rest of a sale split between card and cash.
    cash_amount INTEGER
  );
  CREATE INDEX sales_created ON sales (created_at);
  CREATE INDEX sales_day ON sales (day, created_at);
  CREATE INDEX sales_total ON sales (total, created_at);

  CREATE TABLE attempts (
    order_id       TEXT PRIMARY KEY,
    sale_id        TEXT NOT NULL REFERENCES sales (sale_id),
    terminal_id    TEXT NOT NULL,
    state          TEXT NOT NULL,
    seq            INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    card_type      TEXT,
    card_last4     TEXT,
    data           TEXT NOT NULL
  );
  CREATE INDEX attempts_sale ON attempts (sale_id);
  CREATE INDEX attempts_open ON attempts (state) WHERE state NOT IN ('completed', 'cancelled', 'failed');
  CREATE INDEX attempts_terminal ON attempts (terminal_id, created_at);
  CREATE INDEX attempts_created ON attempts (created_at);
  CREATE INDEX attempts_seq ON attempts (seq);
  CREATE INDEX attempts_last4 ON attempts (card_last4) WHERE card_last4 IS NOT NULL;
  CREATE INDEX attempts_brand ON attempts (card_type) WHERE card_type IS NOT NULL;

  CREATE TABLE refunds (
    refund_id      TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL,
    sale_id        TEXT NOT NULL REFERENCES sales (sale_id),
    amount         INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    at             INTEGER NOT NULL,
    day            TEXT NOT NULL,
    settled_at     INTEGER,
    transaction_id TEXT,
    tender         TEXT NOT NULL DEFAULT 'card' CHECK (tender IN ('card', 'cash')),
    vat            TEXT NOT NULL DEFAULT '[]',
    staff          TEXT
  );
  CREATE INDEX refunds_order ON refunds (order_id);
  CREATE INDEX refunds_sale ON refunds (sale_id);
  CREATE INDEX refunds_day ON refunds (day);
  CREATE INDEX refunds_pending ON refunds (state) WHERE state = 'pending';

  CREATE TABLE resolutions (
    id          INTEGER PRIMARY KEY,
    order_id    TEXT NOT NULL,
    at          INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    msp_status  TEXT NOT NULL
  );
  CREATE INDEX resolutions_order ON resolutions (order_id);

  -- Words to find a sale by: products, card brands, last four digits (rowid = the sale's rowid).
  CREATE VIRTUAL TABLE sales_search USING fts5 (words, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');

  -- Gap-free receipt numbers: given in the transaction that makes a sale paid or a refund done.
  CREATE TABLE receipts (
    number    INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
    sale_id   TEXT NOT NULL,
    refund_id TEXT UNIQUE,
    at        INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX receipts_sale ON receipts (sale_id) WHERE kind = 'sale';
  CREATE INDEX receipts_of_sale ON receipts (sale_id);

  -- Opening and closing the day.
  CREATE TABLE days (
    day         TEXT PRIMARY KEY,
    opened_at   INTEGER NOT NULL,
    float       INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    opened_by   TEXT,
    closed_at   INTEGER,
    counted     INTEGER,
    expected    INTEGER,
    closed_by   TEXT,
    report      TEXT
  );

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  `
  -- What MultiSafepay knew of an order's refunds when a card refund began (JSON: amount refunded and refund
  -- transaction ids, its own dashboard's included), so a refund whose answer was lost is settled against that.
  ALTER TABLE refunds ADD COLUMN msp_before TEXT;
  `,
  `
  -- Sign-in guard: every wrong PIN, lockout, unlock, PIN reset and sign-in, with its time and the till it was on.
  -- A member's wrong PINs are those since their last sign-in, unlock or new PIN.
  CREATE TABLE staff_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    till      TEXT NOT NULL,
    staff_id  TEXT NOT NULL,
    event     TEXT NOT NULL CHECK (event IN ('pin_failed', 'locked', 'unlocked', 'pin_reset', 'signed_in')),
    by        TEXT
  );
  CREATE INDEX staff_log_member ON staff_log (staff_id, id);
  `,
  `
  -- When each receipt was printed: a receipt not printed yet (the till stopped, the printer was off) is printed at
  -- the next start. Receipts from before this was kept count as printed.
  ALTER TABLE receipts ADD COLUMN printed_at INTEGER;
  UPDATE receipts SET printed_at = at;
  CREATE INDEX receipts_unprinted ON receipts (at) WHERE printed_at IS NULL;
  `,
  `
  -- Cash rounding: the step the cash part of a sale was rounded to (minor units, 0: not rounded) and the difference
  -- the drawer took (rounded - due, e.g. -2 for 16.57 taken as 16.55); the same difference for a refund from the
  -- drawer. VAT is never changed by it.
  ALTER TABLE sales ADD COLUMN cash_step INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sales ADD COLUMN cash_rounding INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE refunds ADD COLUMN cash_rounding INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Cash moved without a sale: paid in and paid out (with the reason) and the drawer opened without a sale (no sale),
  -- with who and when. Paid in and out change the cash expected in the drawer.
  CREATE TABLE cash_moves (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    day       TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'no_sale')),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    currency  TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    staff     TEXT
  );
  CREATE INDEX cash_moves_day ON cash_moves (day, id);
  `,
  `
  -- The audit trail of the counter: baskets cleared (and clears undone) and lines removed before payment, with who,
  -- when and how much. Drawer opens without a sale are the no sales of cash_moves. Neither can be changed or deleted.
  CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    day       TEXT NOT NULL,
    event     TEXT NOT NULL CHECK (event IN ('basket_cleared', 'clear_undone', 'line_removed')),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    currency  TEXT NOT NULL,
    lines     INTEGER NOT NULL DEFAULT 0,
    detail    TEXT NOT NULL DEFAULT '',
    staff     TEXT
  );
  CREATE INDEX audit_log_day ON audit_log (day, id);
  CREATE TRIGGER audit_log_kept_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER audit_log_kept_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER cash_moves_kept_update BEFORE UPDATE ON cash_moves BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER cash_moves_kept_delete BEFORE DELETE ON cash_moves BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  `,
  `
  -- The product catalog: each product with one or more barcodes (each on one product only), found by barcode
  -- through the barcodes table and by name, category or barcode through products_search (rowid = the product's id).
  CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    price       INTEGER NOT NULL CHECK (price > 0),
    vat_rate    REAL NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at  INTEGER NOT NULL
  );
  CREATE INDEX products_name ON products (name);
  CREATE TABLE barcodes (
    code        TEXT PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id)
  ) WITHOUT ROWID;
  CREATE INDEX barcodes_product ON barcodes (product_id);
  CREATE VIRTUAL TABLE products_search USING fts5 (words, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
  -- Its index segments are merged a little at a time by whoever writes (Products.mergeSlice), never in one go.
  INSERT INTO products_search (products_search, rank) VALUES ('automerge', 0);

  -- A product list being imported: every row checked, then kept here until it is merged into the catalog. Once
  -- meta 'product_import' names an import, it is merged to the end, also after a restart; rows of any other
  -- import were left by one that never got that far and are dropped.
  CREATE TABLE product_import (
    import_id   TEXT NOT NULL,
    line        INTEGER NOT NULL,
    barcodes    TEXT NOT NULL,
    name        TEXT NOT NULL,
    price       INTEGER NOT NULL,
    vat_rate    REAL NOT NULL,
    category    TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
  ) WITHOUT ROWID;
  `,
  `
  -- Baskets put aside at the counter (Park sale), with an optional note, until they are resumed: kept across
  -- restarts. Resuming one removes it; it then becomes a sale when it is charged or paid.
  CREATE TABLE parked_sales (
    park_id   TEXT PRIMARY KEY,
    at        INTEGER NOT NULL,
    lines     TEXT NOT NULL,
    currency  TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    staff     TEXT
  );
  CREATE INDEX parked_sales_at ON parked_sales (at);
  `,
  `
  -- Money belongs to the day it moved: the cash part of a sale to the day the cash was taken (the rest of a split
  -- may be paid the next day), a card payment to the day it ended. Rows from before keep the sale's day.
  ALTER TABLE sales ADD COLUMN cash_day TEXT;
  UPDATE sales SET cash_day = day WHERE cash_amount IS NOT NULL;
  CREATE INDEX sales_cash_day ON sales (cash_day) WHERE cash_day IS NOT NULL;
  ALTER TABLE attempts ADD COLUMN final_day TEXT;
  UPDATE attempts SET final_day = (SELECT day FROM sales WHERE sales.sale_id = attempts.sale_id);
  CREATE INDEX attempts_final_day ON attempts (final_day);
  `,
  `
  -- A manager's approval on a cashier's screen: the manager types their PIN for one action (a refund, a paid out)
  -- while the cashier stays signed in. Recorded with the PIN events ('approved', with the action in \`by\`), and it
  -- ends a run of wrong PINs as a sign-in does. SQLite cannot widen a CHECK, so the table is copied.
  CREATE TABLE staff_log_new (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    till      TEXT NOT NULL,
    staff_id  TEXT NOT NULL,
    event     TEXT NOT NULL CHECK (event IN ('pin_failed', 'locked', 'unlocked', 'pin_reset', 'signed_in', 'approved')),
    by        TEXT
  );
  INSERT INTO staff_log_new (id, at, till, staff_id, event, by) SELECT id, at, till, staff_id, event, by FROM staff_log;
  DROP TABLE staff_log;
  ALTER TABLE staff_log_new RENAME TO staff_log;
  CREATE INDEX staff_log_member ON staff_log (staff_id, id);
  `,
  `
  -- The sale on the counter, kept as the cashier works: its lines and, once charged, its sale and attempts. One row
  -- (the till has one counter); rev counts the changes, so a window that reconnects knows whether it is behind.
  CREATE TABLE counter_basket (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    rev    INTEGER NOT NULL,
    at     INTEGER NOT NULL,
    basket TEXT NOT NULL,
    staff  TEXT
  );
  `,
  `
  -- Discounts given at the counter: percent or amount off a line or the basket, the reason, who gave it and the
  -- manager who approved one over a cashier's limit; sale_id is set once, when a sale is taken with it. Nothing in
  -- it can be changed or deleted after.
  CREATE TABLE discounts (
    discount_id TEXT PRIMARY KEY,
    at          INTEGER NOT NULL,
    day         TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('line', 'basket')),
    base        INTEGER NOT NULL CHECK (base > 0),
    percent     REAL,
    amount      INTEGER NOT NULL CHECK (amount > 0 AND amount <= base),
    reason      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    staff       TEXT,
    approved_by TEXT,
    sale_id     TEXT
  );
  CREATE INDEX discounts_day ON discounts (day);
  CREATE TRIGGER discounts_kept_delete BEFORE DELETE ON discounts BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER discounts_kept_update BEFORE UPDATE ON discounts
    WHEN OLD.sale_id IS NOT NULL OR NEW.amount IS NOT OLD.amount OR NEW.base IS NOT OLD.base OR NEW.reason IS NOT OLD.reason
      OR NEW.staff IS NOT OLD.staff OR NEW.approved_by IS NOT OLD.approved_by OR NEW.at IS NOT OLD.at
    BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  `,
  `
  -- Lines of a sale given back (Return items), each tied to the refund that paid it back: a line counts as returned
  -- while that refund is pending or done, so it is never returned twice; a failed refund frees it again. The amount
  -- and VAT are what the refund reversed for the line (its VAT rate kept for the day's VAT per rate).
  CREATE TABLE returned_lines (
    refund_id  TEXT NOT NULL REFERENCES refunds (refund_id),
    sale_id    TEXT NOT NULL REFERENCES sales (sale_id),
    line_index INTEGER NOT NULL CHECK (line_index >= 0),
    product_id INTEGER,
    name       TEXT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    vat_rate   REAL NOT NULL,
    vat        INTEGER NOT NULL,
    PRIMARY KEY (refund_id, line_index)
  ) WITHOUT ROWID;
  CREATE INDEX returned_lines_sale ON returned_lines (sale_id, line_index);
  -- Why the items were returned, one row per return (its refund).
  CREATE TABLE returns (
    refund_id  TEXT PRIMARY KEY REFERENCES refunds (refund_id),
    reason     TEXT NOT NULL
  ) WITHOUT ROWID;
  -- Items brought back without a receipt (a manager's return): cash from the drawer, its lines (JSON, as
  -- returned_lines) and VAT per rate, the reason and who. Counted on its day as a cash refund; its refund receipt
  -- number is in receipts (kind 'refund', sale_id and refund_id both the return's id).
  CREATE TABLE receiptless_returns (
    return_id     TEXT PRIMARY KEY,
    at            INTEGER NOT NULL,
    day           TEXT NOT NULL,
    currency      TEXT NOT NULL,
    amount        INTEGER NOT NULL CHECK (amount > 0),
    cash_rounding INTEGER NOT NULL DEFAULT 0,
    lines         TEXT NOT NULL,
    vat           TEXT NOT NULL,
    reason        TEXT NOT NULL,
    staff         TEXT
  ) WITHOUT ROWID;
  CREATE INDEX receiptless_returns_day ON receiptless_returns (day);
  `,
  `
  -- Changes made to the catalog at the till (a product added from an unknown barcode, a price changed, a product
  -- taken off sale), with who and when, the product before and after (JSON): part of the audit trail, so never
  -- changed or deleted. Imports are not listed here (their file is the record).
  CREATE TABLE product_changes (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    product_id  INTEGER NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('added', 'changed')),
    before      TEXT NOT NULL DEFAULT '{}',
    after       TEXT NOT NULL,
    staff       TEXT
  );
  CREATE INDEX product_changes_product ON product_changes (product_id, id);
  CREATE TRIGGER product_changes_kept_update BEFORE UPDATE ON product_changes BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER product_changes_kept_delete BEFORE DELETE ON product_changes BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  -- Favourites: the products a manager picked for the quick keys of the sale screen (the snapshot carries these,
  -- never the catalog).
  ALTER TABLE products ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1));
  CREATE INDEX products_favourites ON products (name) WHERE favourite = 1;
  `,
  `
  -- Drawer sessions (shifts): a drawer is opened with a float and closed with the cash counted, any number of times a
  -- day (a hand-over between cashiers, a close by mistake). At most one session is open. Money belongs to the session
  -- open when it moved: the sale a session began (its VAT and products), the cash part of a sale, a card payment's
  -- end, a refund, a paid in or out; set at that moment, never moved afterwards. Each earlier day becomes one session.
  CREATE TABLE drawer_sessions (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,
    opened_at   INTEGER NOT NULL,
    opened_by   TEXT,
    float       INTEGER NOT NULL CHECK (float >= 0),
    currency    TEXT NOT NULL,
    closed_at   INTEGER,
    closed_by   TEXT,
    counted     INTEGER,
    expected    INTEGER,
    -- The count sheet at closing (JSON: denomination in minor units -> how many), absent when only a total was typed.
    counts      TEXT,
    report      TEXT,
    -- 1: opened by the till itself, because money moved while no session was open (its float is 0 until one is given).
    implicit    INTEGER NOT NULL DEFAULT 0
  );
  -- The till opens a session only while none is open; days never closed before this step stay open sessions, to be
  -- closed, and money goes to the newest open one.
  CREATE INDEX drawer_sessions_open ON drawer_sessions (id) WHERE closed_at IS NULL;
  CREATE INDEX drawer_sessions_day ON drawer_sessions (day, id);
  CREATE INDEX drawer_sessions_opened ON drawer_sessions (opened_at);
  INSERT INTO drawer_sessions (day, opened_at, opened_by, float, currency, closed_at, closed_by, counted, expected, report)
    SELECT day, opened_at, opened_by, float, currency, closed_at, closed_by, counted, expected, report FROM days ORDER BY day;

  -- A float corrected by a manager, with the reason: the session's float is the last correction's. Never changed.
  CREATE TABLE float_corrections (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES drawer_sessions (id),
    at          INTEGER NOT NULL,
    float       INTEGER NOT NULL CHECK (float >= 0),
    reason      TEXT NOT NULL,
    staff       TEXT
  );
  CREATE INDEX float_corrections_session ON float_corrections (session_id, id);
  CREATE TRIGGER float_corrections_kept_update BEFORE UPDATE ON float_corrections BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER float_corrections_kept_delete BEFORE DELETE ON float_corrections BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;

  ALTER TABLE sales ADD COLUMN session_id INTEGER;
  ALTER TABLE sales ADD COLUMN cash_session INTEGER;
  ALTER TABLE attempts ADD COLUMN final_session INTEGER;
  ALTER TABLE refunds ADD COLUMN session_id INTEGER;
  ALTER TABLE cash_moves ADD COLUMN session_id INTEGER;
  ALTER TABLE receiptless_returns ADD COLUMN session_id INTEGER;
  UPDATE sales SET session_id = (SELECT id FROM drawer_sessions d WHERE d.day = sales.day);
  UPDATE sales SET cash_session = (SELECT id FROM drawer_sessions d WHERE d.day = sales.cash_day) WHERE cash_day IS NOT NULL;
  UPDATE attempts SET final_session = (SELECT id FROM drawer_sessions d WHERE d.day = attempts.final_day)
    WHERE state IN ('completed', 'cancelled', 'failed');
  UPDATE refunds SET session_id = (SELECT id FROM drawer_sessions d WHERE d.day = refunds.day);
  UPDATE receiptless_returns SET session_id = (SELECT id FROM drawer_sessions d WHERE d.day = receiptless_returns.day);
  CREATE INDEX receiptless_returns_session ON receiptless_returns (session_id) WHERE session_id IS NOT NULL;
  DROP TRIGGER cash_moves_kept_update;
  UPDATE cash_moves SET session_id = (SELECT id FROM drawer_sessions d WHERE d.day = cash_moves.day);
  CREATE TRIGGER cash_moves_kept_update BEFORE UPDATE ON cash_moves BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE INDEX sales_session ON sales (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX sales_cash_session ON sales (cash_session) WHERE cash_session IS NOT NULL;
  CREATE INDEX attempts_final_session ON attempts (final_session) WHERE final_session IS NOT NULL;
  CREATE INDEX refunds_session ON refunds (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX cash_moves_session ON cash_moves (session_id, id) WHERE session_id IS NOT NULL;
  `,
  `
  -- The outbox: every write to the till's own books (sales, attempts, refunds, receipts, cash moves, days, the audit
  -- trail) appends the row as it now is, in the same transaction, numbered by seq. The shop database is sent these
  -- rows in seq order (shop/shipper.ts); meta 'shop_shipped' is the last seq the shop database has confirmed.
  -- Append-only: rows are never changed.
  CREATE TABLE outbox (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    row      TEXT NOT NULL,
    at       INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
  );
  CREATE TRIGGER outbox_kept_update BEFORE UPDATE ON outbox BEGIN SELECT RAISE(ABORT, 'the outbox cannot be changed'); END;
  ${outboxTriggers()}
  `,
  `
  -- The sale screen's category buttons and a category's products, read through an index of the products on sale.
  CREATE INDEX products_category ON products (category, name) WHERE active = 1;
  `,
  `
  -- One payment at a time per terminal, in the ledger itself: a new attempt that is not final cannot be written while
  -- another attempt on its terminal is not final (the engine's guard refuses it first; this is the line behind it).
  -- Rows already written are left as they are.
  CREATE TRIGGER attempts_one_open_per_terminal BEFORE INSERT ON attempts
    WHEN NEW.state NOT IN ('completed', 'cancelled', 'failed') AND EXISTS (
      SELECT 1 FROM attempts WHERE terminal_id = NEW.terminal_id AND order_id != NEW.order_id
        AND state NOT IN ('completed', 'cancelled', 'failed'))
    BEGIN SELECT RAISE(ABORT, 'terminal busy: another payment on this terminal is not finished'); END;
  `,
  `
  -- Training: a sale made while the till runs in demo mode (on the embedded simulator) is marked, so the day report
  -- counts it apart and the audit trail lists it; every switch between demo and the real MultiSafepay is recorded
  -- with who and when. Nothing in mode_log can be changed or deleted.
  ALTER TABLE sales ADD COLUMN training INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE mode_log (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    day    TEXT NOT NULL,
    mode   TEXT NOT NULL,
    staff  TEXT
  );
  CREATE TRIGGER mode_log_kept_update BEFORE UPDATE ON mode_log BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  CREATE TRIGGER mode_log_kept_delete BEFORE DELETE ON mode_log BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
  `,
  `
  -- Tenders: one row per payment of a sale, in the order they were made. A card row is the card attempt (its state,
  -- what it charged and the card are the attempt's, in table attempts: the provider's side); a cash row carries
  -- what it paid of the sale (amount), what the customer gave, the change, the rounding step and the rounding, and
  -- the day and drawer session the cash moved in. A later tender (a voucher, store credit) is one more kind.
  -- Rows are never changed or deleted. Filled from the sales and attempts the till already has: a cash part's time
  -- is its sale receipt's (given when the cash paid), else the sale's. The sales' cash_* columns are kept as they
  -- were and no longer written or read.
  CREATE TABLE tenders (
    tender_id   INTEGER PRIMARY KEY,
    sale_id     TEXT NOT NULL REFERENCES sales (sale_id),
    kind        TEXT NOT NULL CHECK (kind IN ('card', 'cash')),
    provider    TEXT,
    order_id    TEXT UNIQUE REFERENCES attempts (order_id),
    amount      INTEGER,
    given       INTEGER,
    change      INTEGER,
    step        INTEGER NOT NULL DEFAULT 0,
    rounding    INTEGER NOT NULL DEFAULT 0,
    currency    TEXT NOT NULL,
    at          INTEGER NOT NULL,
    day         TEXT,
    session_id  INTEGER REFERENCES drawer_sessions (id),
    staff       TEXT,
    CHECK ((kind = 'card') = (order_id IS NOT NULL)),
    CHECK (kind != 'cash' OR (amount IS NOT NULL AND given IS NOT NULL AND change IS NOT NULL AND day IS NOT NULL))
  );
  CREATE INDEX tenders_sale ON tenders (sale_id, tender_id);
  -- One cash part per sale, as the till takes cash today (the rest of a sale, once).
  CREATE UNIQUE INDEX tenders_one_cash ON tenders (sale_id) WHERE kind = 'cash';
  CREATE INDEX tenders_cash_day ON tenders (day) WHERE kind = 'cash';
  CREATE INDEX tenders_cash_session ON tenders (session_id) WHERE kind = 'cash';
  CREATE TRIGGER tenders_kept_update BEFORE UPDATE ON tenders BEGIN SELECT RAISE(ABORT, 'a tender cannot be changed'); END;
  CREATE TRIGGER tenders_kept_delete BEFORE DELETE ON tenders BEGIN SELECT RAISE(ABORT, 'a tender cannot be changed'); END;
  -- A card attempt is a tender of its sale from the moment it is written, in the same transaction.
  CREATE TRIGGER tenders_of_attempts AFTER INSERT ON attempts BEGIN
    INSERT INTO tenders (sale_id, kind, provider, order_id, amount, currency, at, staff)
    SELECT NEW.sale_id, 'card', 'multisafepay', NEW.order_id, json_extract(NEW.data, '$.amount'), s.currency, NEW.created_at,
           json_extract(NEW.data, '$.staff')
    FROM sales s WHERE s.sale_id = NEW.sale_id;
  END;
  INSERT INTO tenders (sale_id, kind, provider, order_id, amount, given, change, step, rounding, currency, at, day, session_id, staff)
  SELECT sale_id, kind, provider, order_id, amount, given, change, step, rounding, currency, at, day, session_id, staff FROM (
    SELECT a.sale_id, 'card' AS kind, 'multisafepay' AS provider, a.order_id, json_extract(a.data, '$.amount') AS amount,
           NULL AS given, NULL AS change, 0 AS step, 0 AS rounding, s.currency, a.created_at AS at, NULL AS day,
           NULL AS session_id, json_extract(a.data, '$.staff') AS staff, 0 AS part
    FROM attempts a JOIN sales s ON s.sale_id = a.sale_id
    UNION ALL
    SELECT s.sale_id, 'cash', NULL, NULL, coalesce(s.cash_amount, s.total), coalesce(s.cash_given, s.total),
           coalesce(s.cash_change, 0), s.cash_step, s.cash_rounding, s.currency,
           coalesce((SELECT r.at FROM receipts r WHERE r.sale_id = s.sale_id AND r.kind = 'sale'), s.created_at),
           coalesce(s.cash_day, s.day), s.cash_session, s.staff, 1
    FROM sales s WHERE s.cash_amount IS NOT NULL OR s.tender = 'cash'
  ) ORDER BY at, part;
  DROP INDEX sales_cash_day;
  DROP INDEX sales_cash_session;
  ${outboxTriggers(TENDERS_OUTBOX)}
  `,
];
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Who holds the ledger, as the till that holds it wrote down beside it (`ledger.sqlite.owner`). */
export interface LedgerHolder {
  pid: number;
  host: string;
  since: number;
}

/**
 * The ledger cannot be taken. `till`: another till holds it (named when it said who it is); `program`: something
 * else kept it locked past the wait (a backup tool, a database browser), or a till that did not say who it is.
 */
export class LedgerLockedError extends Error {
  readonly holder: 'till' | 'program';
  readonly owner: LedgerHolder | undefined;
  constructor(holder: 'till' | 'program', owner?: LedgerHolder, waitedMs = 0) {
    const who = owner ? ` (process ${owner.pid} on ${owner.host === hostname() ? 'this computer' : `computer ${owner.host}`})` : '';
    super(
      holder === 'till'
        ? `Another till is already running on this data folder${who}. Close it first, or give this one its own data folder.`
        : `The sales ledger is in use by another program (a backup tool or a database browser?), or by a till that did not say who it is; it stayed locked for ${Math.round(waitedMs / 1000)} s. Close that program and start the till again.`,
    );
    this.name = 'LedgerLockedError';
    this.holder = holder;
    this.owner = owner;
  }
}

/** How long a start waits for a ledger another program holds for a moment (a backup tool reading it). */
export const LEDGER_BUSY_WAIT_MS = 10_000;

const ownerPath = (path: string) => `${path}.owner`;

/** The till that last wrote down it holds the ledger, if that till is still running (or runs elsewhere). */
export function liveHolder(path: string): LedgerHolder | undefined {
  let owner: LedgerHolder;
  try {
    owner = JSON.parse(readFileSync(ownerPath(path), 'utf8')) as LedgerHolder;
  } catch {
    return undefined;
  }
  if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return undefined;
  // On another computer (a shared folder) it cannot be asked: it holds the lock, so take it at its word.
  if (owner.host !== hostname()) return owner;
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch (err) {
    // EPERM: the process lives, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? owner : undefined;
  }
}

/** Forgets the note that this process holds the ledger (when it closes it). */
export function releaseHolder(path: string): void {
  try {
    const owner = JSON.parse(readFileSync(ownerPath(path), 'utf8')) as LedgerHolder;
    if (owner.pid === process.pid && owner.host === hostname()) rmSync(ownerPath(path), { force: true });
  } catch {
    // no note, or not ours
  }
}

const isBusy = (err: unknown) => /locked|busy/i.test(String((err as Error)?.message));

/**
 * Opens the ledger and takes it for this process alone: `locking_mode = EXCLUSIVE` makes SQLite hold its file
 * lock for as long as the connection lives, so a second till on the same data folder is refused. The operating
 * system drops the lock when a process dies, so a till that crashed never blocks the next start.
 *
 * A lock held for a moment by another program (a backup tool, a database browser reading the file) is not a
 * second till: when no running till says it holds the ledger, the start waits up to `busyWaitMs` for it. The till
 * that holds the ledger writes down who it is beside it, so a second till is refused at once, by name.
 */
export function openDatabase(path: string, busyWaitMs = LEDGER_BUSY_WAIT_MS): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fresh = !existsSync(path);
  const db = new DatabaseSync(path);
  const started = performance.now();
  try {
    if (fresh) chmodSync(path, 0o600);
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    try {
      takeLock(db);
    } catch (err) {
      if (!isBusy(err)) throw err;
      const till = liveHolder(path);
      if (till) throw new LedgerLockedError('till', till);
      // Nobody says it is a till: wait for the lock to be let go.
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(busyWaitMs))}`);
      try {
        takeLock(db);
      } catch (again) {
        if (!isBusy(again)) throw again;
        const late = liveHolder(path);
        throw late ? new LedgerLockedError('till', late) : new LedgerLockedError('program', undefined, performance.now() - started);
      }
      db.exec('PRAGMA busy_timeout = 0');
    }
    writeFileSync(ownerPath(path), JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies LedgerHolder), {
      mode: 0o600,
    });
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof LedgerLockedError) throw err;
    if (isBusy(err)) throw new LedgerLockedError('program', undefined, performance.now() - started);
    throw err;
  }
  return db;
}

/** WAL, durable commits, and a first write that takes the exclusive lock, which is then kept. */
function takeLock(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  // Smaller, more frequent checkpoints: no single commit has to copy megabytes back into the database file.
  db.exec('PRAGMA wal_autocheckpoint = 200');
  transaction(db, () => db.exec(`CREATE TABLE IF NOT EXISTS lock_probe (x); DROP TABLE lock_probe;`));
}

function migrate(db: DatabaseSync): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version > MIGRATIONS.length)
    throw new Error(`The sales ledger was written by a newer version of the till (schema ${version}); update the till.`);
  for (let v = version; v < MIGRATIONS.length; v++) {
    transaction(db, () => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
  // A migration may rewrite much of the file (the outbox copies the books once): its write-ahead log is copied into
  // the database and emptied now, so it does not keep that disk space while the till runs.
  if (version < MIGRATIONS.length) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}

/** Runs `fn` in one transaction: all of it is durable, or none of it. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // the failed statement may have rolled back already
    }
    throw err;
  }
}
