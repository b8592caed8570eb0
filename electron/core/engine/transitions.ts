/**
 * The attempt state machine as a pure function: (state, event) -> state. All I/O sits around it.
 * Rules (ARCHITECTURE.md): statuses never move backwards; anything after a final state is ignored;
 * `declined` is a soft decline (not final on POS); `expired` and `void` end as cancelled; during `cancelling`
 * the outcome is whatever MultiSafepay says next (a customer who already paid wins).
 */
import type { AttemptState } from '../../../shared/payment';
import { isFinal } from '../../../shared/payment';

export type AttemptEvent =
  /** A status read from MultiSafepay: create answer, stream event or GET order. */
  | { type: 'msp_status'; status: string }
  /** The cashier asked to cancel. */
  | { type: 'cancel_requested' }
  /** The cancel request failed; go back to where we were. */
  | { type: 'cancel_failed'; previous: AttemptState }
  /** MultiSafepay refused the create: nothing was created. */
  | { type: 'create_refused' }
  /** MultiSafepay does not know the order (GET 1006) - it was never created. */
  | { type: 'not_found' }
  /** A supervisor released the terminal after re-reading an order MultiSafepay still reports as not final. */
  | { type: 'released' };

export type MspStatusClass = 'waiting' | 'soft_declined' | 'paid' | 'not_paid' | 'other';

/**
 * How the till reads a MultiSafepay order status (compared case-insensitively; docs/multisafepay.md):
 * completed and shipped are paid; refunded, partial_refunded and chargedback are paid and then refunded or
 * charged back; cancelled, void and expired are not paid; declined is a soft decline (never final on POS);
 * initialized, uncleared and reserved are waiting. Anything else is `other`: waiting, with the status shown, and
 * never auto-cancelled.
 */
export function classifyStatus(status: string): MspStatusClass {
  switch (normalizeStatus(status)) {
    case 'initialized':
    case 'uncleared':
    case 'reserved':
      return 'waiting';
    case 'declined':
      return 'soft_declined';
    case 'completed':
    case 'shipped':
    case 'refunded':
    case 'partial_refunded':
    case 'chargedback':
      return 'paid';
    case 'cancelled':
    case 'canceled':
    case 'expired':
    case 'void':
      return 'not_paid';
    default:
      return 'other';
  }
}

export const normalizeStatus = (status: string): string => status.trim().toLowerCase();

/** What happened to a paid order afterwards, if anything (history, receipts and reconciliation show it). */
export function afterPayment(status: string | undefined): 'refunded' | 'partial_refunded' | 'chargedback' | undefined {
  const s = status === undefined ? '' : normalizeStatus(status);
  return s === 'refunded' || s === 'partial_refunded' || s === 'chargedback' ? s : undefined;
}

export interface TransitionResult {
  state: AttemptState;
  /** Why an event did not change the state (for logs and tests). */
  ignored?: string;
}

const keep = (state: AttemptState, why: string): TransitionResult => ({ state, ignored: why });

export function transition(state: AttemptState, event: AttemptEvent): TransitionResult {
  if (isFinal(state)) return keep(state, 'already final');
  switch (event.type) {
    case 'msp_status': {
      const cls = classifyStatus(event.status);
      switch (cls) {
        case 'paid':
          return { state: 'completed' };
        case 'not_paid':
          return { state: 'cancelled' };
        case 'soft_declined':
          if (state === 'cancelling') return keep(state, 'cancel pending');
          return state === 'soft_declined' ? keep(state, 'duplicate') : { state: 'soft_declined' };
        case 'waiting':
        case 'other':
          if (state === 'cancelling') return keep(state, 'cancel pending');
          return state === 'initialized' ? keep(state, 'duplicate') : { state: 'initialized' };
      }
      break;
    }
    case 'cancel_requested':
      if (state === 'initialized' || state === 'soft_declined') return { state: 'cancelling' };
      return keep(state, state === 'cancelling' ? 'already cancelling' : 'nothing to cancel yet');
    case 'cancel_failed':
      if (state !== 'cancelling') return keep(state, 'not cancelling');
      return isFinal(event.previous) || event.previous === 'cancelling' ? { state: 'initialized' } : { state: event.previous };
    case 'create_refused':
      return state === 'creating' ? { state: 'failed' } : keep(state, 'already created');
    case 'not_found':
      return state === 'creating' ? { state: 'failed' } : keep(state, 'order was created');
    case 'released':
      return { state: 'failed' };
  }
  return assertNever(event);
}

function assertNever(x: never): never {
  throw new Error(`unhandled event ${JSON.stringify(x)}`);
}
