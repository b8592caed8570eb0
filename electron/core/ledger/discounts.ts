/**
 * Discounts given at the counter, in the ledger (table `discounts`, which cannot be edited): who gave it, who
 * approved it, why, and the sale it was taken with (once). Part of the Ledger (`ledger.discounts`).
 */
import { type DiscountRecord, localDate } from './rows';
import type { LedgerContext } from './statements';

export class Discounts {
  readonly #c: LedgerContext;

  constructor(c: LedgerContext) {
    this.#c = c;
  }

  /** Records a discount given at the counter (`authorizeDiscount`). */
  record(d: DiscountRecord): void {
    this.#c.q.insertDiscount!.run(
      d.id,
      d.at,
      localDate(d.at),
      d.scope,
      d.base,
      d.percent ?? null,
      d.amount,
      d.reason,
      d.currency,
      d.staff ?? null,
      d.approvedBy ?? null,
    );
  }

  /** A discount as recorded, with the sale it was used on (if any). */
  get(id: string): (DiscountRecord & { saleId?: string }) | undefined {
    const r = this.#c.q.discount!.get(id) as
      | {
          discount_id: string;
          at: number;
          scope: 'line' | 'basket';
          base: number;
          percent: number | null;
          amount: number;
          reason: string;
          currency: string;
          staff: string | null;
          approved_by: string | null;
          sale_id: string | null;
        }
      | undefined;
    if (!r) return undefined;
    return {
      id: r.discount_id,
      at: r.at,
      scope: r.scope,
      base: r.base,
      amount: r.amount,
      reason: r.reason,
      currency: r.currency,
      ...(r.percent !== null ? { percent: r.percent } : {}),
      ...(r.staff !== null ? { staff: r.staff } : {}),
      ...(r.approved_by !== null ? { approvedBy: r.approved_by } : {}),
      ...(r.sale_id !== null ? { saleId: r.sale_id } : {}),
    };
  }

  /** Binds discounts to the sale taken with them (once: a discount already on a sale stays on that one). */
  use(ids: readonly string[], saleId: string): void {
    this.#c.atomically(() => {
      for (const id of ids) this.#c.q.useDiscount!.run(saleId, id);
    });
  }
}
