/**
 * Ledger versions 16 on: drawer sessions, the outbox to the shop database, category browsing, one open payment per
 * terminal, training sales and the mode log, tenders. Shipped steps are never edited: a new step is appended here.
 */
import {
  CREDIT_NOTES_OUTBOX,
  CREDIT_NOTES_ORIGIN_OUTBOX,
  CREDIT_OUTBOX,
  outboxTriggers,
  RECEIPTLESS_CREDIT_OUTBOX,
  REFUNDS_CREDIT_OUTBOX,
  SALES_PAID_OUTBOX,
  TENDERS_OUTBOX,
} from './outbox-triggers';

export const SESSIONS_STEPS: readonly string[] = [
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
  `
  -- When a sale was paid in full: the day (the till's own date) and the drawer session its receipt number was given
  -- in. The sale's VAT, products, discounts and training count there, so a sale partly paid at a close adds no VAT to
  -- that close and all of it to the session that takes the rest. Sales the earlier rule counted already (paid in
  -- cash, or by a card that completed, numbered or not) keep their day and session, so their totals do not change
  -- and the rest of one paid later does not count it again. The sales' outbox triggers are made again with these
  -- columns and training; rows shipped before keep theirs (the shop database reads those by the earlier rule).
  DROP TRIGGER outbox_sales_insert;
  DROP TRIGGER outbox_sales_update;
  ALTER TABLE sales ADD COLUMN paid_day TEXT;
  ALTER TABLE sales ADD COLUMN paid_session INTEGER;
  UPDATE sales SET paid_day = day, paid_session = session_id
    WHERE tender = 'cash' OR EXISTS (SELECT 1 FROM receipts r WHERE r.sale_id = sales.sale_id AND r.kind = 'sale')
       OR EXISTS (SELECT 1 FROM attempts a WHERE a.sale_id = sales.sale_id AND a.state = 'completed');
  CREATE INDEX sales_paid_day ON sales (paid_day) WHERE paid_day IS NOT NULL;
  CREATE INDEX sales_paid_session ON sales (paid_session) WHERE paid_session IS NOT NULL;
  ${outboxTriggers(SALES_PAID_OUTBOX, false)}
  `,
  `
  -- The drawer session open when an event of the audit trail happened (none: no session was open, or it happened
  -- before sessions were kept): a session's report counts its own events.
  ALTER TABLE audit_log ADD COLUMN session_id INTEGER;
  CREATE INDEX audit_log_session ON audit_log (session_id) WHERE session_id IS NOT NULL;
  `,
  `
  -- Provider-neutral names: what the payment provider knew of an order's refunds before a card refund, and the
  -- status it reported when a supervisor released a payment.
  ALTER TABLE refunds RENAME COLUMN msp_before TO provider_before;
  ALTER TABLE resolutions RENAME COLUMN msp_status TO provider_status;
  `,
  `
  -- Store credit: a credit note given for items returned without a receipt, instead of cash (its code printed on the
  -- return's receipt), spent at the counter as a tender of a later sale, all at once or in parts. What is left on a
  -- note is its amount less the credit tenders that spent it; a tender that would spend more is refused by the
  -- database itself. Notes cannot be changed or deleted. The tenders table is made again to take the new kind (its
  -- rows, ids and order kept; its triggers and indexes made again as they were, the outbox's with the note's code).
  CREATE TABLE credit_notes (
    code        TEXT PRIMARY KEY,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    at          INTEGER NOT NULL,
    day         TEXT NOT NULL,
    session_id  INTEGER REFERENCES drawer_sessions (id),
    staff       TEXT,
    return_id   TEXT NOT NULL UNIQUE
  );
  CREATE INDEX credit_notes_day ON credit_notes (day);
  CREATE INDEX credit_notes_session ON credit_notes (session_id);
  CREATE TRIGGER credit_notes_kept_update BEFORE UPDATE ON credit_notes BEGIN SELECT RAISE(ABORT, 'a credit note cannot be changed'); END;
  CREATE TRIGGER credit_notes_kept_delete BEFORE DELETE ON credit_notes BEGIN SELECT RAISE(ABORT, 'a credit note cannot be changed'); END;
  -- A return without a receipt given as store credit (not cash from the drawer): the note it gave.
  ALTER TABLE receiptless_returns ADD COLUMN credit_code TEXT REFERENCES credit_notes (code);
  DROP TRIGGER tenders_of_attempts;
  CREATE TABLE tenders_next (
    tender_id   INTEGER PRIMARY KEY,
    sale_id     TEXT NOT NULL REFERENCES sales (sale_id),
    kind        TEXT NOT NULL CHECK (kind IN ('card', 'cash', 'credit')),
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
    credit_code TEXT REFERENCES credit_notes (code),
    CHECK ((kind = 'card') = (order_id IS NOT NULL)),
    CHECK ((kind = 'credit') = (credit_code IS NOT NULL)),
    CHECK (kind != 'cash' OR (amount IS NOT NULL AND given IS NOT NULL AND change IS NOT NULL AND day IS NOT NULL)),
    CHECK (kind != 'credit' OR (amount > 0 AND day IS NOT NULL))
  );
  INSERT INTO tenders_next (tender_id, sale_id, kind, provider, order_id, amount, given, change, step, rounding, currency, at, day,
                            session_id, staff)
  SELECT tender_id, sale_id, kind, provider, order_id, amount, given, change, step, rounding, currency, at, day, session_id, staff
  FROM tenders ORDER BY tender_id;
  DROP TABLE tenders;
  ALTER TABLE tenders_next RENAME TO tenders;
  CREATE INDEX tenders_sale ON tenders (sale_id, tender_id);
  CREATE UNIQUE INDEX tenders_one_cash ON tenders (sale_id) WHERE kind = 'cash';
  CREATE INDEX tenders_cash_day ON tenders (day) WHERE kind = 'cash';
  CREATE INDEX tenders_cash_session ON tenders (session_id) WHERE kind = 'cash';
  CREATE INDEX tenders_credit ON tenders (credit_code) WHERE kind = 'credit';
  CREATE INDEX tenders_credit_day ON tenders (day) WHERE kind = 'credit';
  CREATE INDEX tenders_credit_session ON tenders (session_id) WHERE kind = 'credit';
  CREATE TRIGGER tenders_kept_update BEFORE UPDATE ON tenders BEGIN SELECT RAISE(ABORT, 'a tender cannot be changed'); END;
  CREATE TRIGGER tenders_kept_delete BEFORE DELETE ON tenders BEGIN SELECT RAISE(ABORT, 'a tender cannot be changed'); END;
  CREATE TRIGGER tenders_credit_covered BEFORE INSERT ON tenders WHEN NEW.kind = 'credit' BEGIN
    SELECT RAISE(ABORT, 'more than is left on this credit note')
    WHERE coalesce((SELECT c.amount FROM credit_notes c WHERE c.code = NEW.credit_code AND c.currency = NEW.currency), 0)
          < coalesce((SELECT sum(t.amount) FROM tenders t WHERE t.kind = 'credit' AND t.credit_code = NEW.credit_code), 0) + NEW.amount;
  END;
  CREATE TRIGGER tenders_of_attempts AFTER INSERT ON attempts BEGIN
    INSERT INTO tenders (sale_id, kind, provider, order_id, amount, currency, at, staff)
    SELECT NEW.sale_id, 'card', 'multisafepay', NEW.order_id, json_extract(NEW.data, '$.amount'), s.currency, NEW.created_at,
           json_extract(NEW.data, '$.staff')
    FROM sales s WHERE s.sale_id = NEW.sale_id;
  END;
  ${outboxTriggers(CREDIT_OUTBOX, false)}
  ${outboxTriggers(CREDIT_NOTES_OUTBOX)}
  DROP TRIGGER outbox_receiptless_returns_insert;
  ${outboxTriggers(RECEIPTLESS_CREDIT_OUTBOX, false)}
  `,
  `
  -- A refund may be given as store credit (tender 'credit'): a return of a sale paid with a credit note, a return the
  -- customer takes as credit, or the returned lines of an exchange whose rest is paid on a card. Its credit note is
  -- given in the same transaction. The refunds table is made again to take the new tender, its rows kept.
  -- The rows are copied aside, the table made again under its own name and filled back, so every line and reason of a
  -- return finds its refund again before this step commits (foreign keys are checked then).
  PRAGMA defer_foreign_keys = ON;
  CREATE TABLE refunds_before AS SELECT rowid AS n, * FROM refunds;
  DROP TABLE refunds;
  CREATE TABLE refunds (
    refund_id       TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    sale_id         TEXT NOT NULL REFERENCES sales (sale_id),
    amount          INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    at              INTEGER NOT NULL,
    day             TEXT NOT NULL,
    settled_at      INTEGER,
    transaction_id  TEXT,
    tender          TEXT NOT NULL DEFAULT 'card' CHECK (tender IN ('card', 'cash', 'credit')),
    vat             TEXT NOT NULL DEFAULT '[]',
    staff           TEXT,
    provider_before TEXT,
    cash_rounding   INTEGER NOT NULL DEFAULT 0,
    session_id      INTEGER,
    credit_code     TEXT REFERENCES credit_notes (code),
    CHECK ((tender = 'credit') = (credit_code IS NOT NULL))
  );
  INSERT INTO refunds (refund_id, order_id, sale_id, amount, currency, state, at, day, settled_at, transaction_id, tender, vat, staff,
                       provider_before, cash_rounding, session_id)
  SELECT refund_id, order_id, sale_id, amount, currency, state, at, day, settled_at, transaction_id, tender, vat, staff, provider_before,
         cash_rounding, session_id
  FROM refunds_before ORDER BY n;
  DROP TABLE refunds_before;
  CREATE INDEX refunds_order ON refunds (order_id);
  CREATE INDEX refunds_sale ON refunds (sale_id);
  CREATE INDEX refunds_day ON refunds (day);
  CREATE INDEX refunds_pending ON refunds (state) WHERE state = 'pending';
  CREATE INDEX refunds_session ON refunds (session_id) WHERE session_id IS NOT NULL;
  ${outboxTriggers(REFUNDS_CREDIT_OUTBOX, false)}
  `,
  `
  -- A hand-over: the session it opens is opened by whoever takes the drawer over - the first person to sign in after
  -- it (opened_by stays empty until then) - and records who handed it over.
  ALTER TABLE drawer_sessions ADD COLUMN handed_by TEXT;
  `,
  `
  -- A credit note given while the till runs in demo mode (training) pays only training sales, and a real one only
  -- real sales: a note made up in training is never money.
  ALTER TABLE credit_notes ADD COLUMN training INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- A credit note another till of the shop gave, spent here: kept as a copy (origin: the giving till's id) so its
  -- credit tenders refer to it; what is left on it is the shop database's to say. Copies are never counted as given
  -- here. The notes' outbox ships the origin and training too.
  ALTER TABLE credit_notes ADD COLUMN origin TEXT;
  -- What was left on the note after a credit tender, as the till was told when it spent it (the shop database's word
  -- for a note spent at several tills); printed on the sale's receipt.
  ALTER TABLE tenders ADD COLUMN credit_left INTEGER;
  DROP TRIGGER outbox_credit_notes_insert;
  ${outboxTriggers(CREDIT_NOTES_ORIGIN_OUTBOX, false)}
  `,
];
