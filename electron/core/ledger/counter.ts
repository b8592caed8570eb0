/**
 * The sale on the counter and the baskets put aside, in the ledger: one row for the open basket (replaced on every
 * change, with a revision) and one per parked basket until it is resumed. Part of the Ledger (`ledger.counter`).
 */
import type { ParkedSale } from '../../../shared/contract';
import { parkedOf } from './rows';
import type { LedgerContext } from './statements';

/** The most parked baskets listed. */
const MAX_PARKED = 500;

export class CounterStore {
  readonly #c: LedgerContext;

  constructor(c: LedgerContext) {
    this.#c = c;
  }

  /** The sale on the counter as last saved (its JSON, as `saveCounterBasket` got it) and its revision. */
  basket(): { rev: number; basket: string } | undefined {
    const r = this.#c.q.counterBasket!.get() as { rev: number; basket: string } | undefined;
    return r ? { rev: Number(r.rev), basket: r.basket } : undefined;
  }

  /** Keeps the sale on the counter (one durable row, replaced each time); returns its new revision. */
  saveBasket(basket: string, at: number, staff: string | undefined): number {
    return Number((this.#c.q.saveCounterBasket!.get(at, basket, staff ?? null) as { rev: number }).rev);
  }

  /** Puts a basket aside (Park sale): one durable row, kept until it is resumed. */
  park(p: ParkedSale): void {
    this.#c.q.park!.run(p.parkId, p.at, JSON.stringify(p.lines), p.currency, p.note, p.staff ?? null);
    this.#c.changed('park');
  }

  /** The parked baskets, newest first. */
  parked(): ParkedSale[] {
    return (this.#c.q.parked!.all(MAX_PARKED) as unknown[]).map((r) => parkedOf(r));
  }

  /** Takes a parked basket back (Resume): removed from the parked ones and returned; undefined when it is gone. */
  unpark(parkId: string): ParkedSale | undefined {
    return this.#c.atomically(() => {
      const row = this.#c.q.parkedOne!.get(parkId);
      if (!row) return undefined;
      this.#c.q.unpark!.run(parkId);
      return parkedOf(row);
    });
  }
}
