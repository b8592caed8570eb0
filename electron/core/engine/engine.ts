/**
 * The payment engine: turns "charge this sale on that terminal" into orders at the payment provider and follows each
 * one to its final status, without ever charging twice or losing an outcome. This file holds the actions (charge,
 * cancel, resolve, reconcile), recovery at start and the follower's host; the state and the durable write path are
 * `EngineCore` (core.ts).
 *
 * Durability: the per-terminal guard is the store's `active` map (terminal id -> its one non-final attempt),
 * written atomically before the create request is sent. Every state change is appended to the journal; a final
 * state is journaled first and only then removed from `active`, which releases the guard. A crash between any
 * two writes is repaired on the next start by re-reading the order from the provider.
 */
import { TillError } from '../../../shared/errors';
import { lineTotal } from '../../../shared/money';
import type { ConnectionState, PaymentView, SaleLine } from '../../../shared/payment';
import { isFinal } from '../../../shared/payment';
import type { Reconciliation } from '../../../shared/contract';
import { ProviderError, type ProviderOrder } from '../payments/provider';
import { storageFailure } from '../storage/disk';
import type { AttemptSnapshot } from '../ledger/ledger';
import { Follower, type FollowerHost } from './follower';
import { checkAttempts, checkEarlierAttempts } from './reconcile';
import { CREATED, ID_USED, identityMismatch, lockedError, NOT_SENT, snapshot, toView } from './attempt';
import { transition } from './transitions';
import type { AttemptRecord } from './types';
import { EngineCore, type EngineEvent, type EngineOptions, type FailPoint } from './core';

export type { EngineEvent, EngineOptions, FailPoint };

export interface ChargeRequest {
  terminalId: string;
  lines: SaleLine[];
  currency: string;
  /** Retry an unpaid sale: a new attempt of the same sale. */
  saleId?: string;
  /** Who started it (when staff sign in). */
  staff?: string;
  /** What to charge: the basket's total, or part of it (split with cash or another card). */
  amount?: number;
}

export class PaymentEngine extends EngineCore implements FollowerHost {
  /** Loads every non-final attempt, shows it as recovered and reconciles it with MultiSafepay. */
  start(): void {
    for (const rec of [...Object.values(this.active), ...this.extraOpen]) {
      if (this.live.has(rec.orderId)) continue;
      this.live.set(rec.orderId, { rec, connection: 'reconnecting', recovered: true, newsAt: this.mono() });
      // The terminal's payment window is counted again from now: "not found" is trusted only after it.
      if (rec.state === 'creating') this.sentAt.set(rec.orderId, this.mono());
      this.emit(rec.orderId);
      this.#follow(rec.orderId);
      // A cancel the till was sending when it stopped: send it again (a cancel changes nothing of a finished order).
      if (rec.state === 'cancelling') this.#resendCancel(rec.orderId);
    }
    this.watches.resume();
  }

  #resendCancel(orderId: string): void {
    const p = this.provider()
      .cancel(orderId)
      .then(
        (order) => this.apply(orderId, this.statusEvent(order.status), this.patchOf(order)),
        (err: unknown) => {
          const why = err instanceof ProviderError ? err.cashierMessage : 'Unknown error.';
          this.apply(
            orderId,
            { type: 'cancel_failed', previous: 'initialized' },
            { message: `The cancel did not go through: ${why}`, messageKey: 'cancel_failed' },
          );
        },
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /**
   * Starts a card payment. The guard is taken and written to disk synchronously, before the first await, so a
   * second request for the same terminal (double click, second window) is refused with `terminal_busy`.
   */
  async charge(req: ChargeRequest): Promise<PaymentView> {
    const busy = this.active[req.terminalId];
    if (busy) {
      throw new TillError({
        code: 'terminal_busy',
        message: `Terminal ${req.terminalId} is busy with payment ${busy.orderId} - finish or cancel that one first.`,
      });
    }
    const seq = this.seq + 1;
    const saleId = req.saleId ?? `${this.ownInstallId}-${seq}`;
    // A random part makes every order id new, even from a data folder restored from a backup or copied to a
    // second till: MultiSafepay never sees an id twice, and an existing order is never mistaken for this one.
    const orderId = `${saleId}-${seq}-${this.randomId()}`;
    if (orderId.length > 50) throw new TillError({ code: 'bad_request', message: 'That sale id is too long.' });
    const now = this.now();
    const rec: AttemptRecord = {
      attemptId: orderId,
      saleId,
      orderId,
      terminalId: req.terminalId,
      amount: req.amount ?? lineTotal(req.lines),
      currency: req.currency,
      lines: req.lines,
      state: 'creating',
      seq,
      description: `Sale ${saleId}`,
      ...(req.staff ? { staff: req.staff } : {}),
      createdAt: now,
      updatedAt: now,
    };
    const active = { ...this.active, [req.terminalId]: rec };
    try {
      this.store.set({ active, seq });
    } catch (err) {
      throw storageFailure(err, 'the payment was not started');
    }
    this.failpoint('guard-taken');
    try {
      this.ledger.recordAttempt(snapshot(rec));
      this.failpoint('attempt-journaled');
    } catch (err) {
      this.store.set({ active: this.active, seq: this.seq }); // put the guard back as it was
      throw storageFailure(err, 'the payment was not started');
    }
    this.active = active;
    this.seq = seq;
    this.live.set(orderId, { rec, connection: 'live', recovered: false, newsAt: this.mono() });
    this.emit(orderId);

    this.sentAt.set(orderId, this.mono());
    try {
      const created = await this.provider().create({
        orderId,
        amount: rec.amount,
        currency: rec.currency,
        description: rec.description!,
        terminalId: rec.terminalId,
      });
      this.failpoint('order-created');
      const patch: Partial<AttemptRecord> = {};
      if (created.eventsToken) patch.eventsToken = created.eventsToken;
      if (created.eventsStreamUrl) patch.eventsStreamUrl = created.eventsStreamUrl;
      this.apply(orderId, CREATED, patch);
      this.#follow(orderId);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'refused' && !err.isNotFound) {
        const messageKey = err.terminalBusy ? 'terminal_busy' : `refused_${err.code ?? 'other'}`;
        this.apply(orderId, { type: 'create_refused' }, { message: err.message, messageKey });
      } else {
        // Unknown outcome (timeout, 5xx, lost answer) or "order id exists": ask MultiSafepay before anything else,
        // and adopt an existing order only if it is this attempt's.
        this.log.warn('create answer unknown; checking the order', { orderId });
        this.setMessage(orderId, 'Checking with MultiSafepay whether the payment reached the terminal...', 'checking');
        this.#follow(orderId);
      }
    }
    return this.payment(orderId)!;
  }

  /** Cancels a waiting payment with POST /cancel. The final state is what MultiSafepay reports next. */
  async cancel(orderId: string): Promise<PaymentView> {
    const live = this.requireLive(orderId);
    const previous = live.rec.state;
    const next = transition(previous, { type: 'cancel_requested' });
    if (next.ignored) {
      throw new TillError({
        code: 'not_allowed',
        message:
          previous === 'creating'
            ? 'The payment is still being sent to the terminal - wait a moment.'
            : 'This payment cannot be cancelled now.',
      });
    }
    this.apply(orderId, { type: 'cancel_requested' }, { message: 'Cancelling...', messageKey: 'cancelling' });
    try {
      const order = await this.provider().cancel(orderId);
      this.apply(orderId, this.statusEvent(order.status), this.patchOf(order));
    } catch (err) {
      const why = err instanceof ProviderError ? err.cashierMessage : 'Unknown error.';
      this.apply(
        orderId,
        { type: 'cancel_failed', previous },
        { message: `The cancel did not go through: ${why}`, messageKey: 'cancel_failed' },
      );
      void this.followers.get(orderId)?.refresh();
    }
    return this.payment(orderId)!;
  }

  /** Takes a final payment off the screen (New sale). */
  dismiss(orderId: string): void {
    const live = this.requireLive(orderId);
    if (!isFinal(live.rec.state)) throw new TillError({ code: 'not_allowed', message: 'This payment is still in progress.' });
    this.live.delete(orderId);
    for (const l of this.listeners) l({ type: 'payment_removed', orderId });
  }

  /**
   * Supervisor action for an attempt stuck without an answer. The till first re-reads the order from
   * MultiSafepay; a payment still waiting is cancelled with POST /cancel. Whatever MultiSafepay then reports is
   * recorded with the supervisor's reason, and the terminal is released - also when the status is not final
   * (the attempt ends as failed, "released", and is still watched in case MultiSafepay later reports it paid).
   */
  async resolve(orderId: string, reason: string): Promise<PaymentView> {
    const live = this.requireLive(orderId);
    if (isFinal(live.rec.state)) return toView(live);
    let order: ProviderOrder;
    try {
      order = await this.provider().get(orderId);
    } catch (err) {
      if (err instanceof ProviderError && err.isNotFound && this.live.get(orderId)?.rec.state === 'creating') {
        this.notFoundCount.set(orderId, (this.notFoundCount.get(orderId) ?? 0) + 1);
        if (!this.#notFoundIsCertain(orderId)) {
          throw new TillError({
            code: 'not_allowed',
            message: 'MultiSafepay may still be processing this payment - try again in a minute.',
          });
        }
        this.ledger.recordResolution(orderId, this.now(), reason, 'not_found');
        this.apply(orderId, { type: 'not_found' }, { message: NOT_SENT, messageKey: 'not_sent', resolvedReason: reason });
        this.watches.watchLate(this.live.get(orderId)!.rec);
        return this.payment(orderId)!;
      }
      throw lockedError(err);
    }
    if (live.rec.state === 'creating' && identityMismatch(live.rec, order)) {
      this.adopt(orderId, order);
      return this.payment(orderId)!;
    }
    const cls = this.classOf(order.status);
    if (cls !== 'paid' && cls !== 'not_paid') {
      try {
        // Only `status` is read from a cancel answer (it has no order id, amount or card).
        const cancelled = await this.provider().cancel(orderId);
        order = { ...order, status: cancelled.status };
      } catch (err) {
        this.log.warn('cancel during resolve failed; releasing on the status read', {
          orderId,
          reason: err instanceof ProviderError ? err.kind : 'error',
        });
      }
    }
    const patch = { ...this.patchOf(order), resolvedReason: reason };
    this.ledger.recordResolution(orderId, this.now(), reason, order.status);
    const final = this.classOf(order.status);
    if (final === 'paid' || final === 'not_paid') this.apply(orderId, this.statusEvent(order.status), patch);
    else
      this.apply(
        orderId,
        { type: 'released' },
        {
          ...patch,
          message: `Released by a supervisor while MultiSafepay reported "${order.status}". Check the payment in the MultiSafepay dashboard.`,
          messageKey: 'released',
        },
      );
    const after = this.live.get(orderId)?.rec;
    if (after?.state === 'failed') this.watches.watchLate(after);
    return this.payment(orderId)!;
  }

  /**
   * Re-reads every card attempt created in [from, to) from MultiSafepay and flags each mismatch with the journal,
   * above all an orphan payment: MultiSafepay says paid, the till recorded it as not paid.
   */
  async reconcile(from: number, to: number): Promise<Reconciliation> {
    return this.checkAttempts(
      async (after) => this.ledger.history.attemptsBetween(from, to, after, 200),
      async (orderId) => this.ledger.refunds.ofOrder(orderId).some((r) => r.state === 'done'),
    );
  }

  /**
   * Checks attempts against the provider, a page at a time (`page` gives the page after a cursor, empty at the end):
   * this till's own, or every till's of the shop (shop/shop-day.ts). `refunded`: the books hold a refund done of it.
   */
  checkAttempts(
    page: (after: { createdAt: number; orderId: string } | undefined) => Promise<AttemptSnapshot[]>,
    refunded: (orderId: string) => Promise<boolean>,
  ): Promise<Reconciliation> {
    return checkAttempts({ provider: () => this.provider(), now: () => this.now() }, page, refunded);
  }

  /**
   * Before a sale is tried again: re-reads every earlier attempt at the provider. Refuses while one of them is paid
   * (recorded at once), still open, or cannot be checked - except, with `cashIfUnreadable`, an attempt that ended
   * unpaid here and cannot be read now: its order id is returned, and it is watched for a late "paid".
   */
  checkEarlierAttempts(saleId: string, opts: { cashIfUnreadable?: boolean } = {}): Promise<string[]> {
    const ctx = { provider: () => this.provider(), now: () => this.now(), ledger: this.ledger, watches: this.watches };
    return checkEarlierAttempts(ctx, saleId, opts);
  }

  // ---- FollowerHost ----

  record(orderId: string): AttemptRecord | undefined {
    return this.live.get(orderId)?.rec;
  }

  onStatus(orderId: string, status: string, order?: ProviderOrder, transactionId?: string): void {
    const patch: Partial<AttemptRecord> = order ? this.patchOf(order) : { mspStatus: status };
    if (transactionId) patch.transactionId = transactionId;
    if (this.classOf(status) === 'other') {
      // A status the till has no meaning for: keep waiting, and say what MultiSafepay reports.
      patch.message = `MultiSafepay reports "${status}" - waiting for a final status.`;
      patch.messageKey = 'msp_status';
    }
    this.apply(orderId, this.statusEvent(status), patch);
  }

  /** Whether "not found" is certain: asked often enough, and past the terminal's window since the create was sent. */
  #notFoundIsCertain(orderId: string): boolean {
    const sent = this.sentAt.get(orderId);
    return (
      (this.notFoundCount.get(orderId) ?? 0) >= this.timing.notFoundAnswers &&
      sent !== undefined &&
      this.mono() - sent >= this.timing.createGraceMs
    );
  }

  notFound(orderId: string): boolean {
    const rec = this.live.get(orderId)?.rec;
    if (!rec || rec.state !== 'creating') return false;
    this.notFoundCount.set(orderId, (this.notFoundCount.get(orderId) ?? 0) + 1);
    if (!this.#notFoundIsCertain(orderId)) {
      this.setMessage(orderId, 'Checking with MultiSafepay whether the payment reached the terminal...', 'checking');
      return false;
    }
    this.apply(orderId, { type: 'not_found' }, { message: NOT_SENT, messageKey: 'not_sent' });
    const after = this.live.get(orderId)?.rec;
    // MultiSafepay may still process a create late: keep looking for a while.
    if (after?.state === 'failed') this.watches.watchLate(after);
    return true;
  }

  adopt(orderId: string, order: ProviderOrder): boolean {
    const rec = this.live.get(orderId)?.rec;
    if (!rec) return false;
    const mismatch = identityMismatch(rec, order);
    if (!mismatch) return true;
    this.log.error('order id already used by another order; not adopted', { orderId, field: mismatch });
    this.apply(orderId, { type: 'create_refused' }, { message: ID_USED, messageKey: 'order_id_used' });
    this.alarm(
      'error',
      `Order ${orderId} already exists at MultiSafepay with a different ${mismatch}: it is not this sale's and was not used. Nothing was charged for this sale. This happens when a data folder was restored from a backup or copied to another till - check the till's data folder.`,
      'order_id_used',
      { orderId, field: mismatch },
      orderId,
    );
    return false;
  }

  onConnection(orderId: string, state: ConnectionState): void {
    const live = this.live.get(orderId);
    if (!live || isFinal(live.rec.state) || live.connection === state) return;
    live.connection = state;
    this.emit(orderId);
  }

  // ---- internals ----

  #follow(orderId: string): void {
    if (this.followers.has(orderId)) return;
    const rec = this.live.get(orderId)?.rec;
    if (!rec || isFinal(rec.state)) return;
    const f = new Follower(orderId, this);
    this.followers.set(orderId, f);
    f.start();
  }
}

export { endReason, identityMismatch, paidAmountOf } from './attempt';
