/** Plain constants of the contract, free of the schema library so the renderer can import them cheaply. */
export const MODES = ['demo', 'live', 'test', 'custom'] as const;
export type Mode = (typeof MODES)[number];
/**
 * The modes a person may choose. MultiSafepay has no test environment for POS payments (its TEST API cannot
 * reach a terminal), so `test` is only shown when the environment sets a TEST base URL, never offered.
 */
export const SELECTABLE_MODES = ['demo', 'live', 'custom'] as const satisfies readonly Mode[];
/** Currencies offered for card payments on MultiSafepay's SmartPOS terminals. */
export const POS_CURRENCIES = ['EUR'] as const;
export const LANGUAGES = ['en', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

export type PosCurrency = (typeof POS_CURRENCIES)[number];
export const isPosCurrency = (c: string): c is PosCurrency => (POS_CURRENCIES as readonly string[]).includes(c);

/** Cash moved without a sale: paid in, paid out, or the drawer opened without a sale (no sale). */
export const CASH_MOVE_KINDS = ['paid_in', 'paid_out', 'no_sale'] as const;
export type CashMoveKind = (typeof CASH_MOVE_KINDS)[number];

/** What the audit trail records at the counter (drawer opens without a sale are cash moves: `no_sale`). */
export const AUDIT_EVENTS = ['basket_cleared', 'clear_undone', 'line_removed'] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** The most text one part of an imported file may carry (a file is sent in parts). */
export const IMPORT_PART_CHARS = 40_000;

/** The euro's notes and coins in minor units, 500.00 down to 0.01: the rows of the count sheet at closing. */
export const EUR_DENOMINATIONS = [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1] as const;

/** A float is unusual (and asked to confirm) above this, or at ten times the usual float or more. */
export const UNUSUAL_FLOAT = 1000_00;
export const UNUSUAL_FLOAT_FACTOR = 10;
