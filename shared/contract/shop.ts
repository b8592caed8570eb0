/** The shop database: how this till stands with it, and the shop's day across its tills. */
import type { DayTotals, Reconciliation } from './day';

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
  /**
   * Store credit notes spent that day beyond their amount across the tills (a till that could not reach the shop
   * database spent its own note on what it knew, while another till spent it too). Minor units. Absent: none.
   */
  overdrawnNotes?: { code: string; currency: string; amount: number; spent: number }[];
  /** When the shop database answered (this till's clock, ms). */
  at: number;
}
