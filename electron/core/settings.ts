/** Till settings (everything but the API key), with defaults and the demo catalog. */
import type { CatalogItem, PublicSettings } from '../../shared/contract';
import type { KeyValueStore } from './storage/kv';

/** What is kept on disk: the public settings less what is derived at run time. */
export type StoredSettings = Omit<PublicSettings, 'apiKeySet' | 'keyStorage' | 'lockedByEnv'>;

export const DEFAULT_SETTINGS: StoredSettings = {
  mode: 'demo',
  baseUrl: '',
  terminalIds: [],
  defaultTerminalId: '',
  currency: 'EUR',
  merchantName: 'Demo Coffee Bar',
  merchantAddress: 'Damrak 1, 1012 LG Amsterdam',
  language: 'en',
};

export const DEMO_CATALOG: CatalogItem[] = [
  { id: 'espresso', name: 'Espresso', price: 250 },
  { id: 'cappuccino', name: 'Cappuccino', price: 350 },
  { id: 'latte', name: 'Latte', price: 390 },
  { id: 'tea', name: 'Tea', price: 275 },
  { id: 'croissant', name: 'Croissant', price: 225 },
  { id: 'cake', name: 'Apple cake', price: 450 },
  { id: 'sandwich', name: 'Sandwich', price: 695 },
  { id: 'juice', name: 'Orange juice', price: 395 },
];

export function readSettings(store: KeyValueStore): StoredSettings {
  const raw = store.get('settings');
  const s = raw && typeof raw === 'object' ? (raw as Partial<StoredSettings>) : {};
  return { ...DEFAULT_SETTINGS, ...s };
}

export function readCatalog(store: KeyValueStore): CatalogItem[] {
  const raw = store.get('catalog');
  return Array.isArray(raw) ? (raw as CatalogItem[]) : DEMO_CATALOG;
}
