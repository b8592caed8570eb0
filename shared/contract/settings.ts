/** Settings (what may be saved, and what the screen is sent), scale label layouts, terminals and the connection test. */
import { z } from 'zod';
import { type ScaleLayout, scaleLayoutProblem } from '../barcode';
import type { CashRoundingStep } from '../cash';
import { type Language, LANGUAGES, type Mode, POS_CURRENCIES, SELECTABLE_MODES } from '../constants';
import { id, vatRate } from './fields';

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

export interface Terminal {
  id: string;
  name?: string;
  source: 'api' | 'manual' | 'demo' | 'env';
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
  terminals?: number;
}
