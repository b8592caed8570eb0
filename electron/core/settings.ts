/** Till settings (everything but the API key), with defaults and the demo catalog. */
import { DEFAULT_DISCOUNT_LIMIT } from '../../shared/discount';
import { z } from 'zod';
import { type CatalogItem, CatalogItemSchema, LANGUAGES, MODES, type PublicSettings, ScaleLayoutSchema } from '../../shared/contract';
import { DEFAULT_SCALE_LAYOUT, type ScaleLayout } from '../../shared/barcode';
import { baseUrlProblem } from './connection';
import { DEFAULT_VAT_RATES } from '../../shared/vat';
import { type CashRoundingStep, DEFAULT_CASH_ROUNDING } from '../../shared/cash';
import type { KeyValueStore } from './storage/kv';

/** What is kept on disk: the public settings less what is derived at run time. */
export type StoredSettings = Omit<
  PublicSettings,
  | 'apiKeySet'
  | 'keyStorage'
  | 'lockedByEnv'
  | 'vatRates'
  | 'customVatRate'
  | 'printerHost'
  | 'printerPort'
  | 'paper'
  | 'systemPrinter'
  | 'idleMinutes'
  | 'cashRounding'
  | 'discountLimit'
  | 'scaleLayout'
  | 'tillName'
  | 'shopDatabase'
  | 'tillNameByEnv'
> & {
  vatRates: number[];
  customVatRate: number;
  printerHost: string;
  printerPort: number;
  paper: '58mm' | '80mm';
  systemPrinter: string;
  idleMinutes: number;
  cashRounding: CashRoundingStep;
  discountLimit: number;
  scaleLayout: ScaleLayout;
  /** This till's name in the shop ('': the computer's name). */
  tillName: string;
};

export const DEFAULT_SETTINGS: StoredSettings = {
  mode: 'demo',
  baseUrl: '',
  terminalIds: [],
  defaultTerminalId: '',
  currency: 'EUR',
  merchantName: 'Demo Coffee Bar',
  merchantAddress: 'Damrak 1, 1012 LG Amsterdam',
  language: 'en',
  vatRates: [...DEFAULT_VAT_RATES],
  customVatRate: 21,
  printerHost: '',
  printerPort: 9100,
  paper: '80mm',
  systemPrinter: '',
  idleMinutes: 15,
  cashRounding: DEFAULT_CASH_ROUNDING,
  discountLimit: DEFAULT_DISCOUNT_LIMIT,
  scaleLayout: DEFAULT_SCALE_LAYOUT,
  tillName: '',
};

/** Food and non-alcoholic drinks take the reduced rate (9 %) in the Netherlands. */
export const DEMO_CATALOG: CatalogItem[] = [
  { id: 'espresso', name: 'Espresso', price: 250, vatRate: 9 },
  { id: 'cappuccino', name: 'Cappuccino', price: 350, vatRate: 9 },
  { id: 'latte', name: 'Latte', price: 390, vatRate: 9 },
  { id: 'tea', name: 'Tea', price: 275, vatRate: 9 },
  { id: 'croissant', name: 'Croissant', price: 225, vatRate: 9 },
  { id: 'cake', name: 'Apple cake', price: 450, vatRate: 9 },
  { id: 'sandwich', name: 'Sandwich', price: 695, vatRate: 9 },
  { id: 'juice', name: 'Orange juice', price: 395, vatRate: 9 },
];

const StoredSettingsSchema = z
  .object({
    mode: z.enum(MODES),
    baseUrl: z.string().max(300),
    terminalIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,50}$/)).max(100),
    defaultTerminalId: z.string().max(50),
    currency: z.string().regex(/^[A-Z]{3}$/),
    merchantName: z.string().max(80),
    merchantAddress: z.string().max(200),
    language: z.enum(LANGUAGES),
    vatRates: z.array(z.number().min(0).max(100)).min(1).max(6),
    customVatRate: z.number().min(0).max(100),
    printerHost: z.string().max(253),
    printerPort: z.number().int().min(1).max(65535),
    paper: z.enum(['58mm', '80mm']),
    systemPrinter: z.string().max(200),
    idleMinutes: z.number().int().min(0).max(480),
    cashRounding: z.union([z.literal(0), z.literal(5), z.literal(10)]),
    discountLimit: z.number().min(0).max(100),
    scaleLayout: ScaleLayoutSchema,
    tillName: z.string().max(40),
  })
  .partial();

/**
 * The settings as stored, checked before use. Settings that parse but are wrong (a hand-edited or restored
 * file) are not trusted: the till starts on safe defaults for what is wrong and says so (`problem`). A stored
 * custom URL that breaks the URL rules falls back to demo, so a bad setting never stops the till from starting.
 */
export function readSettings(store: KeyValueStore): { settings: StoredSettings; problem?: string } {
  const raw = store.get('settings');
  if (raw === undefined) return { settings: { ...DEFAULT_SETTINGS } };
  const parsed = StoredSettingsSchema.safeParse(raw);
  if (!parsed.success) return { settings: { ...DEFAULT_SETTINGS }, problem: 'The saved settings were not readable' };
  const settings: StoredSettings = { ...DEFAULT_SETTINGS, ...parsed.data } as StoredSettings;
  if (settings.mode === 'custom' && baseUrlProblem(settings.baseUrl))
    return { settings: { ...settings, mode: 'demo' }, problem: 'The saved API URL is not allowed, so the till started in demo mode' };
  return { settings };
}

export function readCatalog(store: KeyValueStore): { catalog: CatalogItem[]; problem?: string } {
  const raw = store.get('catalog');
  if (raw === undefined) return { catalog: DEMO_CATALOG };
  const parsed = z.array(CatalogItemSchema).max(60).safeParse(raw);
  return parsed.success ? { catalog: parsed.data } : { catalog: DEMO_CATALOG, problem: 'The saved quick keys were not readable' };
}

/** The merchant's details and VAT rates: the shop's, shared by its tills. */
export const merchantOf = (s: StoredSettings) => ({
  merchantName: s.merchantName,
  merchantAddress: s.merchantAddress,
  vatRates: s.vatRates,
  customVatRate: s.customVatRate,
});
