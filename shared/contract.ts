/**
 * The typed till API: every request the renderer may make and every event the core pushes.
 * Both transports (Electron IPC and the headless WebSocket) implement exactly this, and
 * validate every request with these schemas at the boundary.
 */
import { z } from 'zod';
import type { AttemptState, CardDetails, PaymentReason, PaymentView, SaleLine } from './payment';
import type { MethodName } from './methods';
import type { VatLine } from './vat';
import type { CashRoundingStep } from './cash';

export { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES, type MethodName } from './methods';

import {
  AUDIT_EVENTS,
  type AuditEvent,
  type CashMoveKind,
  IMPORT_PART_CHARS,
  type Language,
  LANGUAGES,
  type Mode,
  POS_CURRENCIES,
  SELECTABLE_MODES,
} from './constants';

export { AUDIT_EVENTS, CASH_MOVE_KINDS, IMPORT_PART_CHARS, type AuditEvent, type CashMoveKind } from './constants';
export { LANGUAGES, MODES, POS_CURRENCIES, SELECTABLE_MODES, isPosCurrency, type Language, type Mode, type PosCurrency } from './constants';

// ---- schemas (inputs) ----
const id = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(50, 'At most 50 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'Only letters, digits, - and _');
const minor = z.number().int('Whole cents only').positive('Must be more than zero').max(9_999_999_99);
const vatRate = z.number().min(0, 'A VAT rate is 0 or more').max(100).multipleOf(0.01);
export const SaleLineSchema = z.object({
  name: z.string().trim().min(1).max(80),
  unitPrice: minor,
  quantity: z.number().int().min(1).max(999),
  vatRate: vatRate.optional(),
  /** The catalog product the line was made from (lines typed as an amount, and older lines, have none). */
  productId: z.number().int().positive().optional(),
});
const lines = z.array(SaleLineSchema).min(1, 'The basket is empty').max(200);
const currency = z.string().regex(/^[A-Z]{3}$/, 'Three capital letters, e.g. EUR');
const Empty = z.object({}).strict();
const MAX_FLOAT = 100_000_00;
const staffId = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'Only letters, digits, - and _');
const pin = z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits');
const reason = z.string().trim().min(3, 'Give a reason').max(200, 'At most 200 characters');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD');
/** A folder chosen by the person (the desktop app's folder picker): an absolute path. */
const folderPath = z
  .string()
  .max(1000)
  .refine((p) => /^(\/|[A-Za-z]:[\\/])/.test(p) && !p.includes('\0'), 'Choose a folder (a full path)');

export const CatalogItemSchema = z.object({
  id: z.string().min(1).max(40),
  name: z.string().trim().min(1, 'Required').max(40),
  price: minor,
  /** Percent; the product's price includes it. */
  vatRate: vatRate.optional(),
});
export type CatalogItem = z.infer<typeof CatalogItemSchema>;

/** A product of the catalog (kept in the ledger's database; never sent whole in the snapshot). */
export interface Product {
  id: number;
  /** EAN-13, EAN-8 (a UPC-A kept as its EAN-13) or the shop's own codes; each on one product only. */
  barcodes: string[];
  name: string;
  /** Minor units, VAT included. */
  price: number;
  /** Percent. */
  vatRate: number;
  category: string;
  active: boolean;
}

/** Names what is wrong with a row of a product list, so the screen can say it in the cashier's language. */
export type ProductProblemKey =
  | 'empty_file'
  | 'header'
  | 'no_products'
  | 'too_many'
  | 'barcode_empty'
  | 'check_digit'
  | 'barcode_format'
  | 'too_many_barcodes'
  | 'name_empty'
  | 'name_long'
  | 'price'
  | 'rate'
  | 'rate_unknown'
  | 'category_long'
  | 'barcode_twice'
  | 'two_products';

/** One bad row of a product list: its line, the sentence in English, and its key and values. */
export interface ProductProblem {
  line: number;
  message: string;
  key: ProductProblemKey;
  params?: Record<string, string | number>;
}

/** What importing a product list did: all of it, or (any bad row) nothing, with the bad rows by line. */
export type ProductImportResult =
  | { state: 'received' }
  | { state: 'imported'; /** Products in the catalog now. */ products: number; added: number; updated: number }
  | { state: 'refused'; problems: ProductProblem[]; badRows: number };

export const SettingsInputSchema = z
  .object({
    mode: z.enum(SELECTABLE_MODES, 'MultiSafepay has no test environment for POS payments - use Demo to practise, Live to take payments.'),
    baseUrl: z.string().trim().max(300).url('Enter a full URL, e.g. https://api.multisafepay.com/v1/json').or(z.literal('')),
    apiKey: z.string().trim().min(10, 'That API key looks too short').max(200),
    clearApiKey: z.boolean(),
    terminalIds: z.array(id).max(100),
    defaultTerminalId: id.or(z.literal('')),
    currency: z.enum(POS_CURRENCIES, `Card payments on the terminal are taken in ${POS_CURRENCIES.join(', ')}`),
    merchantName: z.string().trim().max(80),
    merchantAddress: z.string().trim().max(200),
    language: z.enum(LANGUAGES),
    /** The VAT rates offered for products (Netherlands: 21, 9, 0). */
    vatRates: z.array(vatRate).min(1).max(6),
    /** The rate of amounts typed on the keypad. */
    customVatRate: vatRate,
    /** A network receipt printer (ESC/POS over TCP); empty: none. */
    printerHost: z
      .string()
      .trim()
      .max(253)
      .regex(/^[A-Za-z0-9.-]*$/, 'A host name or IPv4 address, e.g. 192.168.1.50'),
    printerPort: z.number().int().min(1).max(65535),
    paper: z.enum(['58mm', '80mm']),
    /** A printer of this computer for silent receipt printing (desktop app); empty: none. */
    systemPrinter: z.string().trim().max(200),
    /** Minutes without a request after which whoever is signed in is signed out (0: never). */
    idleMinutes: z.number().int().min(0).max(480),
    /** What the cash part of a sale is rounded to, in minor units: 0 (off), 5 (0.05) or 10 (0.10). */
    cashRounding: z.union([z.literal(0), z.literal(5), z.literal(10)], 'Cash rounding is off, 0.05 or 0.10'),
    /** This till's name in the shop (Settings -> Till name). */
    tillName: z.string().trim().min(1, 'Give the till a name').max(40, 'A till name is at most 40 characters'),
    /** The shop's PostgreSQL (a secret, kept like the API key): postgres://user:password@host:5432/shop?sslmode=require. */
    shopDatabaseUrl: z
      .string()
      .trim()
      .max(500)
      .regex(/^postgres(ql)?:\/\/\S+$/, 'Enter a PostgreSQL connection, e.g. postgres://till:secret@shop-server:5432/shop'),
    clearShopDatabase: z.boolean(),
  })
  .partial()
  .strict();
export type SettingsInput = z.infer<typeof SettingsInputSchema>;

export const TERMINAL_ACTIONS = ['approve', 'decline', 'soft_decline', 'cancel'] as const;
export type TerminalAction = (typeof TERMINAL_ACTIONS)[number];

// ---- results ----
export interface PublicSettings {
  mode: Mode;
  baseUrl: string;
  /** The key itself never leaves the main process. */
  apiKeySet: boolean;
  terminalIds: string[];
  defaultTerminalId: string;
  currency: string;
  merchantName: string;
  merchantAddress: string;
  language: Language;
  /** Always sent by the core. */
  vatRates?: number[];
  customVatRate?: number;
  printerHost?: string;
  printerPort?: number;
  paper?: '58mm' | '80mm';
  systemPrinter?: string;
  /** Minutes without a request after which whoever is signed in is signed out (0: never). */
  idleMinutes?: number;
  /** What the cash part of a sale is rounded to, in minor units (0: off). Always sent by the core. */
  cashRounding?: CashRoundingStep;
  /** Where the API key is kept: the OS keychain, plain-text keychain fallback, a file, or the environment. */
  keyStorage: 'os' | 'basic_text' | 'file' | 'env';
  /** Set by the environment (headless mode); the UI shows it read-only. */
  lockedByEnv: boolean;
  /** This till's name in the shop. Always sent by the core. */
  tillName?: string;
  /** A shop database is set (the connection itself never leaves the main process); `'env'`: by TILL_SHOP_DATABASE_URL. */
  shopDatabase?: 'none' | 'set' | 'env';
  /** TILL_NAME names the till: Settings shows it read-only. */
  tillNameByEnv?: boolean;
}

/** How this till stands with the shop database. */
export interface ShopStatus {
  /** Connected and shipping. */
  online: boolean;
  /** Since when the shop database could not be reached (ms). */
  offlineSince?: number;
  /** Rows of this till's books not yet in the shop database. */
  queued: number;
  /** Another till of the shop carries this till's name. */
  nameTaken: boolean;
  /** Why the last try failed, as a sentence. */
  problem?: string;
}

/** One till's part of the shop's day. */
export interface ShopTillDay {
  tillId: string;
  name: string;
  /** This is the till asking. */
  thisTill?: true;
  /** Another till of the shop carries the same name. */
  sameName?: true;
  /** When it last reached the shop database (the database's clock, ms). */
  lastSeen: number;
  /** How far its clock was off the database's when it last shipped (ms; positive: ahead). */
  clockSkewMs: number;
  /** One block per currency, as the till's own day report counts it (from the rows it shipped). */
  totals: DayTotals[];
  /** Its drawer that day: the float, the cash it should hold, and what was counted at closing. */
  cash?: { currency: string; float: number; expected: number; counted?: number; closedAt?: number };
}

/** The shop's day across its tills, from the shop database. */
export interface ShopDay {
  date: string;
  tills: ShopTillDay[];
  /** All tills together, one block per currency. */
  totals: DayTotals[];
  /** The check against MultiSafepay over every till's card payments: each order once, with the till it is on. */
  reconciliation?: Reconciliation;
  /** When the shop database answered (this till's clock, ms). */
  at: number;
}

export interface Terminal {
  id: string;
  name?: string;
  source: 'api' | 'manual' | 'demo' | 'env';
}

export interface Notice {
  id: string;
  level: 'info' | 'warning' | 'error';
  /** The sentence in English; `key` and `params` let the screen say it in the cashier's language. */
  message: string;
  key?: NoticeKey;
  params?: Record<string, string | number>;
  /** The payment it is about, so the screen can lead to it. */
  orderId?: string;
  at: number;
}

export type NoticeKey =
  | 'late_paid'
  | 'late_waiting'
  | 'order_id_used'
  | 'paid_tip'
  | 'paid_less'
  | 'reversed'
  | 'cash_unchecked'
  | 'refund_went_through'
  | 'refund_not_made'
  | 'refund_unknown'
  | 'orphan_payments'
  | 'printer_failed'
  | 'till_name_taken';

export interface StaffMember {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  /** Locked after too many wrong PINs, until another manager or the API key unlocks them. */
  locked?: true;
}

/** A day of trading: opened with a float, closed with the cash counted. */
export interface DayState {
  day: string;
  openedAt: number;
  float: number;
  currency: string;
  openedBy?: string;
  closedAt?: number;
  counted?: number;
  expected?: number;
  closedBy?: string;
  /** The closed day's report as it was at closing (totals, VAT, cash, reconciliation). */
  report?: DayCloseReport;
}

/** What closing a day records. */
export interface DayCloseReport {
  date: string;
  currency: string;
  float: number;
  /** Float + cash sales + cash rounding + paid in - paid out - cash refunds. */
  expected: number;
  counted: number;
  /** Counted - expected: negative when cash is missing. */
  difference: number;
  totals: DayTotals[];
  /** The check against MultiSafepay, or 'unreachable' when it could not be made at closing. */
  reconciliation: Reconciliation | 'unreachable';
  /** Paid in, paid out and drawer opens without a sale that day. */
  cashMoves?: CashMove[];
}

export interface Snapshot {
  mode: Mode;
  /**
   * The staff list set up on this till could not be read: nothing works until the MultiSafepay API key is typed
   * (`unlockTill`). Nothing else is sent while locked, or while staff are set up and nobody is signed in.
   */
  locked?: true;
  /** Who is signed in (once staff are set up), the staff list (no PINs), and today. */
  user?: StaffMember;
  staff?: StaffMember[];
  today?: DayState;
  payments: PaymentView[];
  terminals: Terminal[];
  settings: PublicSettings;
  catalog: CatalogItem[];
  notices: Notice[];
  /** The shop database, when one is set. */
  shop?: ShopStatus;
}

export interface AttemptSummary {
  orderId: string;
  terminalId: string;
  state: AttemptState;
  /** What this attempt asked for: the sale's total, or the card part of a split sale. */
  amount?: number;
  /** What MultiSafepay says it charged, once completed (more: a tip; less: the rest is still due). See `chargedOf`. */
  paidAmount?: number;
  card?: CardDetails;
  transactionId?: string;
  message?: string;
  createdAt: number;
  finalAt?: number;
  resolvedReason?: string;
  /** MultiSafepay's own status, e.g. `chargedback` or `refunded` after the sale was paid. */
  mspStatus?: string;
  /** What became of a paid attempt at the provider since: reversed (void after paid), refunded, charged back. */
  after?: 'reversed' | 'refunded' | 'partial_refunded' | 'chargedback';
  reason?: PaymentReason;
}

export interface RefundRecord {
  refundId: string;
  orderId: string;
  amount: number;
  at: number;
  /** pending: sent, outcome not known yet; done: refunded; failed: MultiSafepay refused it, nothing changed. */
  state: 'pending' | 'done' | 'failed';
  /** card: back to the card through MultiSafepay; cash: from the drawer. */
  tender: 'card' | 'cash';
  transactionId?: string;
  /** The refund receipt's number, once done. */
  receiptNumber?: number;
  /** Cash back from the drawer of a rounded sale: what the drawer gave back less `amount` (absent: 0). */
  rounding?: number;
  staff?: string;
  /** The VAT this refund reverses, per rate (the last refund of a sale takes exactly what is left). */
  vat?: VatLine[];
}

/** Cash moved without a sale: paid in, paid out, or the drawer opened without a sale (no sale). */
export interface CashMove {
  id: number;
  /** Epoch ms. */
  at: number;
  kind: CashMoveKind;
  /** Minor units; 0 for a no sale. */
  amount: number;
  currency: string;
  /** Why (paid in and paid out). */
  reason?: string;
  /** Who did it, when staff sign in. */
  staff?: string;
}

export type SaleStatus = 'paid' | 'partly_paid' | 'pending' | 'unpaid' | 'refunded' | 'partially_refunded' | 'charged_back';

export interface SaleRecord {
  saleId: string;
  createdAt: number;
  lines: SaleLine[];
  total: number;
  currency: string;
  tender: 'card' | 'cash';
  status: SaleStatus;
  /** VAT per rate of the sale (before refunds). Always sent by the core. */
  vat?: VatLine[];
  /** The gap-free receipt number, once the sale is paid in full, and when it was given (epoch ms). */
  receiptNumber?: number;
  receiptAt?: number;
  /** Who made the sale (staff name), when staff sign in. */
  staff?: string;
  attempts: AttemptSummary[];
  /**
   * The cash part: given, change and the amount it paid (the total of a cash sale, the rest of a split one). With cash
   * rounding, `step` is what it was rounded to and `rounding` what the drawer took less `amount` (16.57 taken as
   * 16.55: -2); the change is worked out from the rounded amount. Absent: 0.
   */
  cash?: { given: number; change: number; amount?: number; step?: number; rounding?: number };
  refunds: RefundRecord[];
}

/** A basket put aside at the counter (Park sale), until it is resumed. */
export interface ParkedSale {
  parkId: string;
  /** When it was parked (epoch ms). */
  at: number;
  lines: SaleLine[];
  currency: string;
  /** The cashier's note, e.g. "red coat, back in 10 min" (may be empty). */
  note: string;
  staff?: string;
}

/** What Open sales lists: sales not yet paid in full, and parked baskets, each newest first. */
export interface OpenSales {
  sales: SaleRecord[];
  parked: ParkedSale[];
}

export interface Bucket {
  count: number;
  amount: number;
}

export type MismatchKind =
  'orphan_payment' | 'recorded_paid_not_paid' | 'status_differs' | 'amount_differs' | 'refunded_at_msp' | 'charged_back' | 'unreachable';
export interface Mismatch {
  orderId: string;
  saleId: string;
  terminalId: string;
  amount: number;
  currency: string;
  till: AttemptState;
  msp: string;
  kind: MismatchKind;
  /** amount_differs: what MultiSafepay says it charged (minor units), against `amount` as the till recorded it. */
  mspAmount?: number;
  /** The shop's check: the name of the till the payment is on. */
  tillName?: string;
}
export interface Reconciliation {
  at: number;
  checked: number;
  mismatches: Mismatch[];
}

/** One currency's totals of a day. */
export interface DayTotals {
  currency: string;
  outcomes: Record<'completed' | 'cancelled' | 'failed' | 'pending', Bucket>;
  tenders: Record<'card' | 'cash', Bucket>;
  cardTypes: Record<string, Bucket>;
  refunds: Bucket;
  refundsByTender: Record<'card' | 'cash', Bucket>;
  /**
   * Tips customers added on the terminal (included in the card tender; never in sales or VAT), and per staff member
   * who started the payment. Absent on a day without tips.
   */
  tips?: Bucket;
  tipsByStaff?: Record<string, Bucket>;
  /**
   * What the day's sales paid in full sold, per catalog product (a typed amount per its name): quantity and gross
   * amount (minor units, VAT included, before refunds), best sellers first (at most 500).
   */
  products?: { name: string; productId?: number; quantity: number; amount: number }[];
  /**
   * Cash rounding of the day: how many cash payments and refunds were rounded and the sum of the differences (what
   * the drawer took or kept more, negative when less). Counted in `net` and the expected cash, never in VAT or the
   * tenders. Absent on a day without rounding.
   */
  cashRounding?: Bucket;
  /** Cash paid in and paid out without a sale (in the expected cash, never in takings or VAT), and drawer opens without a sale. */
  paidIn?: Bucket;
  paidOut?: Bucket;
  noSale?: Bucket;
  /** The audit trail's count of the day: baskets cleared, clears undone and lines removed, with their amounts. */
  audit?: Partial<Record<AuditEvent, Bucket>>;
  /** Card + cash + cash rounding - refunds: the money taken that day. */
  net: number;
  /** VAT per rate of what was paid that day, less what refunds that day reversed. Always sent by the core. */
  vat?: VatLine[];
}

export interface DayReport {
  date: string;
  /** One block per currency sold in that day (amounts of different currencies are never added up). */
  totals: DayTotals[];
  reconciliation?: Reconciliation;
  /** Paid in, paid out and drawer opens without a sale that day, oldest first. */
  cashMoves?: CashMove[];
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
  terminals?: number;
}

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
  /** Refunds a card payment (its order id) through MultiSafepay, or a cash sale (its sale id) from the drawer. */
  refund: method<SaleRecord>()(z.object({ orderId: id, amount: minor.optional() }).strict()),
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
  /** Opens today with the cash in the drawer. */
  openDay: method<DayState>()(z.object({ float: z.number().int().min(0).max(MAX_FLOAT) }).strict()),
  /** Closes today: the cash counted against what is expected; no sale can be added to a closed day. Manager. */
  closeDay: method<DayState>()(
    z
      .object({
        counted: z
          .number()
          .int()
          .min(0)
          .max(MAX_FLOAT * 100),
      })
      .strict(),
  ),
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
  /** Products by name, category or barcode, as the cashier types. */
  searchProducts: method<Product[]>()(z.object({ query: z.string().max(60), limit: z.number().int().min(1).max(50).optional() }).strict()),
  exportBackup: method<{ path: string }>()(z.object({ folder: folderPath.optional() }).strict()),
  /** Every transaction of [from, to] (local days) as CSV, written a page at a time. */
  exportTransactions: method<{ path: string; rows: number }>()(
    z
      .object({ from: isoDate, to: isoDate, folder: folderPath.optional() })
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

export type TillEvent =
  | { type: 'payment'; payment: PaymentView }
  | { type: 'payment_removed'; orderId: string }
  | { type: 'terminals'; terminals: Terminal[] }
  | { type: 'settings'; settings: PublicSettings; mode: Mode }
  | { type: 'history_changed' }
  | { type: 'staff'; user: StaffMember | null; staff: StaffMember[] }
  /** Today was opened or closed (in this window or another). */
  | { type: 'day'; today: DayState | null }
  | { type: 'notice'; notice: Notice }
  /** The quick keys changed (on another till of the shop, say). */
  | { type: 'catalog'; catalog: CatalogItem[] }
  /** Another till of the shop sent sales or other rows: Shop reads the day again. */
  | { type: 'shop_changed' }
  /** How this till stands with the shop database changed (online, offline since, queued). */
  | { type: 'shop'; shop: ShopStatus | null }
  /** How far a product import got (0 to 1): checking the rows, then saving them. */
  | { type: 'import_progress'; importId: string; phase: 'checking' | 'saving'; fraction: number };

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
