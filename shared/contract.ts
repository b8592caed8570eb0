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
import { type ScaleLayout, scaleLayoutProblem } from './barcode';

export { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES, type MethodName } from './methods';

import {
  AUDIT_EVENTS,
  type AuditEvent,
  type CashMoveKind,
  EUR_DENOMINATIONS,
  IMPORT_PART_CHARS,
  type Language,
  LANGUAGES,
  type Mode,
  POS_CURRENCIES,
  SELECTABLE_MODES,
} from './constants';

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
  /**
   * The discount on this line (minor units off `unitPrice x quantity`), given by `authorizeDiscount`: its id, and the
   * reason. A basket discount is one id spread over the lines it covers.
   */
  discount: z
    .object({
      id: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/),
      amount: z.number().int().positive().max(9_999_999_99),
      reason: z.string().trim().min(1).max(80),
      percent: z.number().positive().max(100).optional(),
    })
    .strict()
    .optional(),
});
const lines = z.array(SaleLineSchema).min(1, 'The basket is empty').max(200);
/**
 * The sale on the counter, kept by the core as the cashier works (a reload, a second window or a restart shows the
 * same one): its lines and, once charged, the sale's id, the latest attempt's order id and the card parts already
 * paid of a split (order id -> minor units).
 */
export const CounterBasketSchema = z
  .object({
    lines: z.array(SaleLineSchema).max(200),
    saleId: z.string().max(100).optional(),
    orderId: z.string().max(100).optional(),
    paid: z.record(z.string().max(100), z.number().int().min(0).max(9_999_999_99)).optional(),
  })
  .strict();
export type CounterBasket = z.infer<typeof CounterBasketSchema>;
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
/**
 * Inline manager approval, allowed on any request: a manager-only action asked by a signed-in cashier runs when a
 * manager's id and PIN come with it (the cashier stays signed in; the PIN is checked and throttled as at sign-in,
 * and the approval is recorded in the staff log with the action's name).
 */
export const ApprovalSchema = z.object({ staffId, pin }).strict();
export type Approval = z.infer<typeof ApprovalSchema>;
/** Lines of a sale given back (Return items, an exchange): each line's place on the sale and how many of it. */
const returnPicks = z
  .array(z.object({ index: z.number().int().min(0).max(199), quantity: z.number().int().min(1).max(999) }).strict())
  .min(1, 'Choose the items to return')
  .max(200);
const reason = z.string().trim().min(3, 'Give a reason').max(200, 'At most 200 characters');
/** A count sheet: a euro note or coin (minor units, as text) -> how many (at most 100,000 of each). */
const denominationCounts = z
  .record(z.string(), z.number().int('Whole numbers only').min(0).max(100_000))
  .refine((c) => Object.keys(c).every((k) => (EUR_DENOMINATIONS as readonly number[]).map(String).includes(k)), 'Unknown note or coin');
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
  /** The catalog product of a favourite (quick keys picked from the catalog). */
  productId: z.number().int().positive().optional(),
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
  /** Picked by a manager for the quick keys. */
  favourite: boolean;
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

const scalePrefixes = z.array(z.number().int()).max(10);
/** How the shop's scale labels are laid out (GS1 variable-measure codes, prefixes 20-29); see shared/barcode.ts. */
export const ScaleLayoutSchema = z
  .object({
    price: scalePrefixes,
    weight: scalePrefixes,
    itemDigits: z.number().int(),
    valueDigits: z.number().int(),
    priceDecimals: z.number().int(),
    weightDecimals: z.number().int(),
  })
  .strict()
  .superRefine((l, ctx) => {
    const problem = scaleLayoutProblem(l);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
  });

/** A product a manager adds at the counter (an unknown barcode scanned) or in Settings. */
export const NewProductSchema = z
  .object({
    barcode: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1, 'Required').max(80, 'At most 80 characters'),
    price: minor,
    vatRate,
    category: z.string().trim().max(40, 'At most 40 characters'),
  })
  .strict();

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
    /** The largest discount a cashier may give without a manager's approval, in percent of what is discounted. */
    discountLimit: z.number().min(0, 'At least 0').max(100, 'At most 100').multipleOf(0.01),
    /** How the shop's scale labels (barcodes starting with 20-29) carry a price or a weight. */
    scaleLayout: ScaleLayoutSchema,
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
  /** A cashier's largest discount without a manager's approval, percent. Always sent by the core. */
  discountLimit?: number;
  /** How scale labels carry a price or a weight. Always sent by the core. */
  scaleLayout?: ScaleLayout;
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
  cash?: {
    currency: string;
    /** The first drawer session's float; the cash it should hold now (or at the last close); the last close's count. */
    float: number;
    expected: number;
    counted?: number;
    closedAt?: number;
    /** Drawer sessions opened that day, and the cash differences of those closed (counted less expected). */
    sessions?: number;
    difference?: number;
  };
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
  /** The drawer session this is (today's state is the session in use, or the last one closed today). */
  sessionId?: number;
  /** Opened by the till for money moved while no session was open, and no float given yet: not opened by anyone. */
  implicit?: true;
  /** The count sheet at closing: denomination (minor units) -> how many. */
  counts?: DenominationCounts;
  /** A calendar date's state (`dayState` with a date): every drawer session opened that date. */
  sessions?: DrawerSession[];
}

/** A count sheet: denomination in minor units ("5000" for a 50 note) -> how many were counted. */
export type DenominationCounts = Record<string, number>;

/** A float corrected by a manager, with the reason (kept; the session's float is the last one's). */
export interface FloatCorrection {
  at: number;
  /** The float before and after. */
  from: number;
  float: number;
  reason: string;
  staff?: string;
}

/**
 * A drawer session (shift): opened with a float, closed with the cash counted. Any number a day; at most one open.
 * Money belongs to the session open when it moved.
 */
export interface DrawerSession {
  id: number;
  /** The calendar date it was opened on. */
  day: string;
  openedAt: number;
  openedBy?: string;
  /** The float: the opening float, or the last correction's. */
  float: number;
  openingFloat: number;
  currency: string;
  corrections?: FloatCorrection[];
  closedAt?: number;
  closedBy?: string;
  counted?: number;
  expected?: number;
  counts?: DenominationCounts;
  report?: DayCloseReport;
  /** The session's totals (as closed, or so far) and the cash the drawer should hold (at closing, or now). */
  totals: DayTotals[];
  expectedNow: number;
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
  /** The drawer session closed, when it was opened, and its count sheet. */
  sessionId?: number;
  openedAt?: number;
  counts?: DenominationCounts;
}

/** A discount given at the counter (see `authorizeDiscount`). */
export interface Discount {
  id: string;
  /** Minor units off what it is for. */
  amount: number;
  percent?: number;
  reason: string;
  scope: 'line' | 'basket';
  /** Who gave it, and the manager who approved it when it was over a cashier's limit. */
  staff?: string;
  approvedBy?: string;
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
  /** The sale on the counter as the core keeps it, with its revision (absent: nothing was ever put in the basket). */
  basket?: { basket: CounterBasket; rev: number; client?: string };
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
  /** A return (Return items): the lines it gave back, and why. */
  lines?: ReturnedLine[];
  reason?: string;
}

/** Items brought back without a receipt: cash from the drawer, with a manager's approval. */
export interface ReceiptlessReturn {
  returnId: string;
  at: number;
  currency: string;
  /** What the lines are worth (minor units); the drawer gave back `amount + rounding`. */
  amount: number;
  rounding?: number;
  lines: ReturnedLine[];
  vat: VatLine[];
  reason: string;
  staff?: string;
  receiptNumber: number;
}

/** A line of a sale given back by a return: which line, how many, and what it paid back with its VAT. */
export interface ReturnedLine {
  /** The line's place on the sale (0 is the first). */
  index: number;
  name: string;
  productId?: number;
  quantity: number;
  /** Minor units, VAT included. */
  unitPrice: number;
  /** unitPrice x quantity. */
  amount: number;
  /** Percent. */
  vatRate: number;
  /** The VAT in `amount` (minor units): this part of the line's share of the sale's VAT at its rate. */
  vat: number;
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
  /** Discounts on the day's sales (given that day and taken with a sale): how many, and how much in all. */
  discounts?: Bucket;
  /** Sales made in demo mode (training) and paid in full: how many and how much (they are in the totals too). */
  training?: Bucket;
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
  /** The drawer sessions open during that date, each with its own totals (a per-session breakdown). */
  sessions?: DrawerSession[];
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
   * A return without a receipt: the items (lines as on a sale) given back in cash from the drawer, with the reason.
   * Manager.
   */
  returnWithoutReceipt: method<ReceiptlessReturn>()(z.object({ lines, reason }).strict()),
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
        given: z.number().int('Whole cents only').min(0).max(9_999_999_99),
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
  /** The sale on the counter changed (in the window `client`). */
  | { type: 'basket'; basket: CounterBasket; rev: number; client: string }
  /** The quick keys changed (a favourite picked or dropped, or a favourite's price or name changed). */
  | { type: 'catalog'; catalog: CatalogItem[] }
  /** Another till of the shop sent sales or other rows: Shop reads the day again. */
  | { type: 'shop_changed' }
  /** How this till stands with the shop database changed (online, offline since, queued). */
  | { type: 'shop'; shop: ShopStatus | null }
  /** How far a product import got (0 to 1): checking the rows, then saving them. */
  | { type: 'import_progress'; importId: string; phase: 'checking' | 'saving'; fraction: number };

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
