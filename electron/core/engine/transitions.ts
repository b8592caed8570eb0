/**
 * The attempt state machine as a pure function: (state, event) -> state. All I/O sits around it.
 * Rules (ARCHITECTURE.md): statuses never move backwards; anything after a final state is ignored;
 * a soft decline is not final (the terminal asks again); not paid ends as cancelled; during `cancelling`
 * the outcome is whatever the provider says next (a customer who already paid wins). Statuses arrive read by the
 * provider (`payments/provider.ts`): this file knows the provider-neutral classes only.
 */
import type { AttemptState } from '../../../shared/payment';
import { isFinal } from '../../../shared/payment';
import type { StatusReading } from '../payments/provider';

export type AttemptEvent =
  /** A status from the provider (create answer, stream event or a read): the raw status and how it reads. */
  | { type: 'status'; status: string; reading: StatusReading }
  /** The cashier asked to cancel. */
  | { type: 'cancel_requested' }
  /** The cancel request failed; go back to where we were. */
  | { type: 'cancel_failed'; previous: AttemptState }
  /** The provider refused the create: nothing was created. */
  | { type: 'create_refused' }
  /** The provider does not know the order - it was never created. */
  | { type: 'not_found' }
  /** A supervisor released the terminal after re-reading an order the provider still reports as not final. */
  | { type: 'released' };

export interface TransitionResult {
  state: AttemptState;
  /** Why an event did not change the state (for logs and tests). */
  ignored?: string;
}

const keep = (state: AttemptState, why: string): TransitionResult => ({ state, ignored: why });

export function transition(state: AttemptState, event: AttemptEvent): TransitionResult {
  if (isFinal(state)) return keep(state, 'already final');
  switch (event.type) {
    case 'status': {
      switch (event.reading.class) {
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
