/**
 * The typed till API: every request the renderer may make and every event the core pushes.
 * Both transports (Electron IPC and the headless WebSocket) implement exactly this, and
 * validate every request with these schemas at the boundary. The schemas and records live by domain in
 * `contract/` (sales, day and drawer, catalog, settings, staff, shop, events); this module is the one everything
 * imports: it re-exports them and holds the method table.
 */
import { z } from 'zod';
import type { PaymentView, SaleLine } from './payment';
import type { MethodName } from './methods';
import { AUDIT_EVENTS, IMPORT_PART_CHARS } from './constants';
import { Empty, MAX_FLOAT, creditCode, currency, folderPath, id, isoDate, minor, reason, vatRate } from './contract/fields';
import { CounterBasketSchema, lines, returnPicks } from './contract/sales';
import type { CreditNote, Discount, OpenSales, ParkedSale, ReceiptlessReturn, SaleRecord } from './contract/sales';
import { denominationCounts } from './contract/day';
import type { CashMove, DayReport, DayState, DrawerSession } from './contract/day';
import { CatalogItemSchema, NewProductSchema } from './contract/catalog';
import type { CatalogItem, Product, ProductImportResult } from './contract/catalog';
import { SettingsInputSchema, TERMINAL_ACTIONS } from './contract/settings';
import type { ConnectionTest, PublicSettings, Terminal } from './contract/settings';
import { pin, staffId } from './contract/staff';
import type { StaffMember } from './contract/staff';
import type { ShopDay } from './contract/shop';
import type { Snapshot, TillEvent } from './contract/events';

export { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES, type MethodName } from './methods';

export {
  AUDIT_EVENTS,
  CASH_MOVE_KINDS,
  EUR_DENOMINATIONS,
  IMPORT_PART_CHARS,
  UNUSUAL_FLOAT,
  UNUSUAL_FLOAT_FACTOR,
  type AuditEvent,
  type CashMoveKind,
} from './constants';
export { LANGUAGES, MODES, POS_CURRENCIES, SELECTABLE_MODES, isPosCurrency, type Language, type Mode, type PosCurrency } from './constants';

export { CounterBasketSchema, SaleLineSchema } from './contract/sales';
export type {
  AttemptSummary,
  CounterBasket,
  CreditNote,
  CreditPart,
  Discount,
  OpenSales,
  ParkedSale,
  ReceiptlessReturn,
  RefundRecord,
  ReturnedLine,
  SaleRecord,
  SaleStatus,
} from './contract/sales';
export type {
  Bucket,
  CashMove,
  DayCloseReport,
  DayReport,
  DayState,
  DayTotals,
  DenominationCounts,
  DrawerSession,
  FloatCorrection,
  Mismatch,
  MismatchKind,
  Reconciliation,
} from './contract/day';
export { CatalogItemSchema, NewProductSchema } from './contract/catalog';
export type { CatalogItem, Product, ProductImportResult, ProductProblem, ProductProblemKey } from './contract/catalog';
export { ScaleLayoutSchema, SettingsInputSchema, TERMINAL_ACTIONS } from './contract/settings';
export type { ConnectionTest, PublicSettings, SettingsInput, Terminal, TerminalAction } from './contract/settings';
export { ApprovalSchema } from './contract/staff';
export type { Approval, StaffMember } from './contract/staff';
export type { ShopDay, ShopStatus, ShopTillDay } from './contract/shop';
export type { Notice, NoticeKey, Snapshot, TillEvent } from './contract/events';

// ---- the method table ----
/** `method<Result>()(paramsSchema)`: params are inferred from the schema, the result is declared. */
const method =
  <R>() =>
  <P extends z.ZodType>(params: P) => ({ params, result: undefined as unknown as R });

export const METHODS = {
  snapshot: method<Snapshot>()(Empty),
  /**
   * A card payment of the basket, or of `amount` of it (split: the rest is paid in cash, or on another card, with
   * `payCash`/`charge` and the same `saleId`).
   */
  charge: method<PaymentView>()(
    z.object({ terminalId: id, lines, currency: currency.optional(), saleId: id.optional(), amount: minor.optional() }).strict(),
  ),
  cancelPayment: method<PaymentView>()(z.object({ orderId: id }).strict()),
  dismissPayment: method<{ ok: true }>()(z.object({ orderId: id }).strict()),
  resolvePayment: method<PaymentView>()(z.object({ orderId: id, reason: z.string().trim().min(3, 'Give a reason').max(200) }).strict()),
  /** A cash sale, or (with `saleId`) cash for a card sale that ended unpaid: the same sale, paid in cash. */
  /** `given` may be 0 only when cash rounding takes nothing (0.02 rounded to 0.00); less than due is refused. */
  payCash: method<SaleRecord>()(
    z.object({ lines, given: z.number().int('Whole cents only').min(0).max(9_999_999_99), saleId: id.optional() }).strict(),
  ),
  /**
   * The sales of the last days not yet paid in full, newest first: partly paid (a card paid part, the rest is due)
   * or still paying on a terminal - each can be resumed at the counter.
   */
  openSales: method<OpenSales>()(z.object({}).strict()),
  /** Puts the basket aside with an optional note (Park sale); it is kept, also across restarts, until resumed. */
  parkSale: method<ParkedSale>()(
    z.object({ lines: lines.min(1, 'The basket is empty'), note: z.string().trim().max(80).optional() }).strict(),
  ),
  /**
   * Keeps the sale on the counter in the core as it changes; every window gets it as a `basket` event (`client`
   * names the window that sent it, so it can skip its own). Returns the basket's new revision.
   */
  saveBasket: method<{ rev: number }>()(
    z.object({ basket: CounterBasketSchema, client: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/) }).strict(),
  ),
  /**
   * Gives a discount (Discount): `percent` or `amount` (minor units) off `base` (minor units: the gross of the line,
   * or of the basket, it is for), with a reason. A cashier may give up to the till's limit (Settings, percent); more
   * needs a manager, or a manager's approval with the request. Recorded with who gave it and who approved it; the
   * lines carry its id and amount, and a sale is only taken with discounts given here (each on one sale only).
   */
  authorizeDiscount: method<Discount>()(
    z
      .object({
        base: minor,
        percent: z.number().positive('More than 0').max(100, 'At most 100%').multipleOf(0.01).optional(),
        amount: minor.optional(),
        reason: z.string().trim().min(3, 'Give a reason').max(80, 'At most 80 characters'),
        scope: z.enum(['line', 'basket']),
      })
      .strict()
      .refine((p) => (p.percent === undefined) !== (p.amount === undefined), { message: 'Give a percent or an amount', path: ['percent'] })
      .refine((p) => p.amount === undefined || p.amount <= p.base, { message: 'That is more than the price', path: ['amount'] }),
  ),
  /** Takes a parked basket back (Resume): it leaves the parked ones and its lines return to the counter. */
  resumeParked: method<ParkedSale>()(z.object({ parkId: id }).strict()),
  /** Newest first, a page at a time: `before` is the createdAt of the last sale of the previous page. */
  history: method<SaleRecord[]>()(
    z
      .object({
        query: z.string().max(60).optional(),
        limit: z.number().int().min(1).max(500).optional(),
        before: z.number().int().positive().optional(),
      })
      .strict(),
  ),
  /**
   * A return without a receipt: the items (lines as on a sale) given back in cash from the drawer, or (`tender`
   * credit) as a store credit note of their amount with a new code, with the reason. Manager.
   */
  returnWithoutReceipt: method<ReceiptlessReturn>()(z.object({ lines, reason, tender: z.enum(['cash', 'credit']).optional() }).strict()),
  /**
   * Store credit: pays the basket (a new sale), or what is due on the sale `saleId` (partly paid or unpaid, the same
   * lines), with the credit note `code` - what is left on it, up to what is due. The rest is paid as a split sale's,
   * in cash or on a card with the same `saleId`. Paid in full: the sale's receipt.
   */
  payCredit: method<SaleRecord>()(
    z.object({ lines: lines.min(1, 'The basket is empty'), code: creditCode, saleId: id.optional() }).strict(),
  ),
  /** A credit note by its code (as typed or scanned), with what is left on it. */
  creditNote: method<CreditNote>()(z.object({ code: creditCode }).strict()),
  /** Refunds a card payment (its order id) through MultiSafepay, or a cash sale (its sale id) from the drawer. */
  refund: method<SaleRecord>()(z.object({ orderId: id, amount: minor.optional() }).strict()),
  /**
   * Return items: gives back lines of a paid sale (each at most what was sold less what was returned), refunded to
   * the tender that paid (a card through MultiSafepay, cash from the drawer), with the reason. Manager.
   */
  returnItems: method<SaleRecord>()(
    z
      .object({
        saleId: id,
        lines: returnPicks,
        reason,
      })
      .strict(),
  ),
  /**
   * An exchange (a manager's): `lines` of sale `saleId` given back (index on the sale, quantity) with a reason, and
   * `newLines` sold, in one transaction; the difference is paid in cash (`given`: what the customer hands over,
   * minor units) or given back from the drawer. Returns the new sale, the original sale with its return, and the
   * return's refund id.
   */
  exchangeItems: method<{ sale: SaleRecord; original: SaleRecord; refundId: string }>()(
    z
      .object({
        saleId: id,
        lines: returnPicks,
        reason,
        newLines: lines,
        given: z.number().int('Whole cents only').min(0).max(9_999_999_99).optional(),
        restByCard: z.boolean().optional(),
      })
      .strict(),
  ),
  dayReport: method<DayReport>()(
    z
      .object({
        date: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD')
          .optional(),
        reconcile: z.boolean().optional(),
      })
      .strict(),
  ),
  saveSettings: method<PublicSettings>()(SettingsInputSchema),
  /** Tests what is typed (mode, URL, key), before it is saved; what is left out comes from the saved settings. */
  testConnection: method<ConnectionTest>()(SettingsInputSchema.pick({ mode: true, baseUrl: true, apiKey: true }).strict()),
  refreshTerminals: method<Terminal[]>()(Empty),
  saveCatalog: method<CatalogItem[]>()(z.object({ items: z.array(CatalogItemSchema).max(60) }).strict()),
  simulateTerminal: method<{ ok: true }>()(z.object({ terminalId: id, action: z.enum(TERMINAL_ACTIONS) }).strict()),
  /** A consistent copy of the sales ledger, made while the till keeps selling; into `folder` or the data folder's backups. */
  /** Cash put into the drawer without a sale (change from the bank, a float top-up), with the reason. */
  paidIn: method<CashMove>()(
    z.object({ amount: z.number().int('Whole cents only').positive('Must be more than zero').max(MAX_FLOAT), reason }).strict(),
  ),
  /** Cash taken from the drawer without a sale (a window cleaner, a delivery), with the reason. Manager. */
  paidOut: method<CashMove>()(
    z.object({ amount: z.number().int('Whole cents only').positive('Must be more than zero').max(MAX_FLOAT), reason }).strict(),
  ),
  /** Opens the cash drawer on the receipt printer without a sale (no sale); recorded with who and when. */
  openDrawer: method<CashMove>()(Empty),
  /**
   * Records in the audit trail what happened to a basket before payment: cleared (its total and number of lines), a
   * clear undone, or a line removed (its amount and name). Who and when are the core's.
   */
  recordAudit: method<{ ok: true }>()(
    z
      .object({
        event: z.enum(AUDIT_EVENTS),
        amount: z.number().int().min(0).max(9_999_999_99),
        lines: z.number().int().min(0).max(200).optional(),
        name: z.string().trim().max(80).optional(),
      })
      .strict(),
  ),
  /**
   * Opens a drawer session with the cash in the drawer (the float). An unusual float (10x the usual, or more than
   * 1,000.00) is refused with key `float_unusual` until it is sent again with `confirm`.
   */
  openDay: method<DayState>()(z.object({ float: z.number().int().min(0).max(MAX_FLOAT), confirm: z.boolean().optional() }).strict()),
  /**
   * Closes the drawer session: the cash counted (with the count sheet per denomination, whose total it must be)
   * against what is expected. `handOver`: the next session opens at once with the counted cash as its float. Manager.
   */
  closeDay: method<DayState>()(
    z
      .object({
        counted: z
          .number()
          .int()
          .min(0)
          .max(MAX_FLOAT * 100),
        counts: denominationCounts.optional(),
        handOver: z.boolean().optional(),
        /** An earlier session still open (a day never closed): closed instead of the one in use. */
        sessionId: z.number().int().positive().optional(),
      })
      .strict(),
  ),
  /** The drawer sessions open during a calendar date (today when left out), with their totals. */
  drawerSessions: method<DrawerSession[]>()(z.object({ date: isoDate.optional() }).strict()),
  /** Corrects the float of the open drawer session, with the reason (recorded; the opening float is kept). Manager. */
  correctFloat: method<DrawerSession>()(z.object({ float: z.number().int().min(0).max(MAX_FLOAT), reason }).strict()),
  dayState: method<DayState | null>()(z.object({ date: isoDate.optional() }).strict()),
  /** The shop's day across its tills (Shop), from the shop database; `reconcile`: check every till's card payments. */
  shopDay: method<ShopDay>()(z.object({ date: isoDate.optional(), reconcile: z.boolean().optional() }).strict()),
  signIn: method<StaffMember>()(z.object({ staffId: staffId, pin }).strict()),
  signOut: method<{ ok: true }>()(Empty),
  /** Replaces the staff list (a member without `pin` keeps theirs). Manager, once a manager exists. */
  saveStaff: method<StaffMember[]>()(
    z
      .object({
        staff: z
          .array(
            z
              .object({ id: staffId, name: z.string().trim().min(1).max(40), role: z.enum(['cashier', 'manager']), pin: pin.optional() })
              .strict(),
          )
          .max(50),
      })
      .strict(),
  ),
  /** A lost manager PIN: allowed only with the API key typed again (or on a demo till with no key stored). */
  resetManagerPin: method<{ ok: true }>()(z.object({ staffId, pin, apiKey: z.string().max(200).optional() }).strict()),
  /** Unlocks a member locked by wrong PINs: another manager, or the API key typed again. */
  unlockStaff: method<StaffMember[]>()(z.object({ staffId, apiKey: z.string().max(200).optional() }).strict()),
  /** Opens a till locked because the staff list set up on it could not be read: the API key typed again. */
  unlockTill: method<{ ok: true }>()(z.object({ apiKey: z.string().max(200).optional() }).strict()),
  /** The printers of this computer (desktop app; none in headless mode). */
  printers: method<string[]>()(Empty),
  /** Prints a sale's receipt (or one of its refunds') again on the receipt printer; never opens the drawer. */
  printReceipt: method<{ printed: boolean }>()(z.object({ saleId: id, refundId: z.string().max(40).optional() }).strict()),
  /**
   * Imports a product list (CSV): the file's text in parts of at most IMPORT_PART_CHARS, numbered from 0 under one
   * `importId`; the part with `last` runs the import and answers what it did. Manager.
   */
  importProducts: method<ProductImportResult>()(
    z
      .object({
        importId: id,
        index: z.number().int().min(0).max(10_000),
        text: z.string().max(IMPORT_PART_CHARS),
        last: z.boolean(),
      })
      .strict(),
  ),
  /** The catalog as CSV (the import's format), into `folder` or the data folder's exports. Manager. */
  exportProducts: method<{ path: string; rows: number }>()(z.object({ folder: folderPath.optional() }).strict()),
  /**
   * The product of a scanned barcode; an unknown or misread one is refused as "Unknown barcode ...". A GS1
   * variable-measure code (EAN-13 starting with 2) also answers the basket line it makes (its price or weight).
   */
  findBarcode: method<Product & { line?: SaleLine }>()(z.object({ code: z.string().trim().min(1).max(40) }).strict()),
  /** Adds a product to the catalog (an unknown barcode scanned at the counter), recorded with who and when. Manager. */
  addProduct: method<Product>()(NewProductSchema),
  /**
   * Changes a product of the catalog: its price, name, VAT rate or category, or takes it off sale (`active`); each
   * change is recorded with who, when, before and after. Lines already in a basket keep their price. Manager.
   */
  updateProduct: method<Product>()(
    z
      .object({
        id: z.number().int().positive(),
        name: z.string().trim().min(1, 'Required').max(80, 'At most 80 characters').optional(),
        price: minor.optional(),
        vatRate: vatRate.optional(),
        category: z.string().trim().max(40, 'At most 40 characters').optional(),
        active: z.boolean().optional(),
        /** On the quick keys of the sale screen (at most QUICK_KEYS favourites). */
        favourite: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Products by name, category or barcode, as the cashier types. */
  /** Products by name, category or barcode as typed; with `category`, the products of that category by name. */
  searchProducts: method<Product[]>()(
    z
      .object({ query: z.string().max(60), category: z.string().max(60).optional(), limit: z.number().int().min(1).max(50).optional() })
      .strict(),
  ),
  /** The categories of the products on sale, with how many each (the sale screen's category buttons, for touch). */
  productCategories: method<{ category: string; count: number }[]>()(z.object({}).strict()),
  exportBackup: method<{ path: string }>()(z.object({ folder: folderPath.optional() }).strict()),
  /** Every transaction of [from, to] (local days) as CSV, written a page at a time. */
  exportTransactions: method<{ path: string; rows: number }>()(
    z
      .object({ from: isoDate, to: isoDate, folder: folderPath.optional() })
      .strict()
      .refine((p) => p.from <= p.to, 'From must not be after To'),
  ),
  /**
   * The bookkeeping journal of [from, to] (local days) as CSV, one block of rows per drawer session (sales per VAT
   * rate, tenders, refunds, rounding, paid in and out, cash difference), semicolon separated. Manager.
   */
  /**
   * The audit trail of [from, to] (local days) as CSV, oldest first: baskets cleared, lines removed, drawer opens,
   * paid in/out, discounts, PIN events and approvals, catalog changes, float corrections, terminals released. Manager.
   */
  exportAudit: method<{ path: string; rows: number }>()(
    z
      .object({ from: isoDate, to: isoDate, folder: folderPath.optional() })
      .strict()
      .refine((p) => p.from <= p.to, 'From must not be after To'),
  ),
  exportJournal: method<{ path: string; rows: number }>()(
    z
      .object({ from: isoDate, to: isoDate, folder: folderPath.optional(), decimalComma: z.boolean().optional() })
      .strict()
      .refine((p) => p.from <= p.to, 'From must not be after To'),
  ),
} as const satisfies Record<MethodName, { params: z.ZodType; result: unknown }>;

// Every name in methods.ts has a schema here, and nothing else does.
const _exactMethods: [Exclude<keyof typeof METHODS, MethodName>, Exclude<MethodName, keyof typeof METHODS>] extends [never, never]
  ? true
  : never = true;
void _exactMethods;
export type Params<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>;
export type Result<M extends MethodName> = (typeof METHODS)[M]['result'];

/** The API the renderer calls: `window.till` in Electron, a WebSocket client in a browser. */
export type TillApi = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> } & {
  onEvent(listener: (event: TillEvent) => void): () => void;
};

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
