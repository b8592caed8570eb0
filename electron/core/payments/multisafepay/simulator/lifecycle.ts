/**
 * How a simulated order moves on: its timers (the inactivity expiry, the approval delay, the terminal asking again
 * after a soft decline), completing and finishing it (the terminal freed), each status change (saved and sent to the
 * event streams), and refunds added to it. Part of the simulator, on its terminals, settings and dialect.
 */
import type { Dialect } from './faults';
import { isWaiting, mspTime, newTransactionId, readCard, type SimOrder, type SimStatus, type SimTerminal } from './orders';
import type { SimulatorConfig } from './simulator';

/** What the lifecycle works on: the simulator's terminals, settings and dialect, its state saving and event streams. */
export interface LifecycleContext {
  terminals: Map<string, SimTerminal>;
  config: SimulatorConfig;
  dialect: Dialect;
  /** Sends an order's new status to its event streams. */
  emit: (order: SimOrder) => void;
  /** Saves the demo state (when the simulator keeps one). */
  save: () => void;
}

export class OrderLifecycle {
  readonly #s: LifecycleContext;
  readonly #timers = new Map<string, Set<NodeJS.Timeout>>();

  constructor(s: LifecycleContext) {
    this.#s = s;
  }

  /** Stops every timer of every order (the simulator stops). */
  clearAll(): void {
    for (const set of this.#timers.values()) for (const t of set) clearTimeout(t);
    this.#timers.clear();
  }

  /** Adds a refund to a paid order (the API's or the dashboard's); the order reads refunded or partly refunded. */
  addRefund(order: SimOrder, amount: number, description: string): SimOrder['refunds'][number] {
    const refunded = order.refunds.reduce((s, r) => s + r.amount, 0);
    const refund = {
      transaction_id: newTransactionId(this.#s.dialect.longIds),
      amount,
      currency: order.currency,
      description,
      created: mspTime(),
      at: Date.now(),
    };
    order.refunds.push(refund);
    order.status = refunded + amount === order.amount ? 'refunded' : 'partial_refunded';
    order.modified = mspTime();
    this.#s.save();
    return refund;
  }

  /** The customer paid (`charged`: another amount than asked, e.g. a tip): the order completes with a card read. */
  complete(order: SimOrder, charged?: number): void {
    if (!isWaiting(order)) return;
    if (charged !== undefined) order.amount = charged;
    order.card = readCard();
    order.cardVisibleAt = Date.now() + this.#s.dialect.cardDetailsDelayMs;
    order.completed = mspTime();
    this.finish(order, 'completed', ['Approved', '1000']);
  }

  /** Ends a waiting order as completed or cancelled and frees its terminal. */
  finish(order: SimOrder, status: 'completed' | 'cancelled', reason: [string, string] | null = null): void {
    if (!isWaiting(order)) return;
    this.clearTimers(order.order_id);
    const term = this.#s.terminals.get(order.terminal_id);
    if (term?.busyOrderId === order.order_id) term.busyOrderId = null;
    this.setStatus(order, status, reason);
  }

  /** Sets an order's status and reason, saves it and tells its event streams. */
  setStatus(order: SimOrder, status: SimStatus, reason: [string, string] | null = null): void {
    order.status = status;
    order.financial_status = status;
    order.modified = mspTime();
    order.reason = reason?.[0] ?? null;
    order.reason_code = reason?.[1] ?? null;
    order.history.push(status);
    this.#s.save();
    this.#s.emit(order);
  }

  /** (Re)starts the inactivity window after which a waiting order ends as cancelled. */
  armExpiry(order: SimOrder): void {
    this.clearTimers(order.order_id);
    this.later(order.order_id, this.#s.config.expiryMs, () => this.finish(order, 'cancelled'));
  }

  /** Runs `fn` after `ms`, as one of the order's timers. */
  later(orderId: string, ms: number, fn: () => void): void {
    let set = this.#timers.get(orderId);
    if (!set) this.#timers.set(orderId, (set = new Set()));
    const t = setTimeout(() => {
      set.delete(t);
      fn();
    }, ms);
    set.add(t);
  }

  /** Stops the order's timers. */
  clearTimers(orderId: string): void {
    const set = this.#timers.get(orderId);
    if (!set) return;
    for (const t of set) clearTimeout(t);
    this.#timers.delete(orderId);
  }
}
