/**
 * Ledger versions 1 to 15: the till's own books (sales, attempts, refunds, receipts, days), the staff log, cash
 * rounding, cash moves, the audit trail, the product catalog, parked sales, the counter basket, discounts, returns
 * and product changes. Shipped: never edit a step.
 */
export const BOOKS_STEPS: readonly string[] = [
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
];
