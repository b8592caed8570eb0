/** What the core pushes to the screen: the snapshot it starts from, notices, and every event after. */
import type { Mode } from '../constants';
import type { PaymentView } from '../payment';
import type { CatalogItem } from './catalog';
import type { DayState } from './day';
import type { CounterBasket } from './sales';
import type { PublicSettings, Terminal } from './settings';
import type { ShopStatus } from './shop';
import type { StaffMember } from './staff';

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
