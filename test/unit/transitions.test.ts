import { describe, expect, it } from 'vitest';
import { type AttemptEvent, transition } from '../../electron/core/engine/transitions';
import { endReason } from '../../electron/core/engine/engine';
import { classifyStatus, readStatus } from '../../electron/core/payments/multisafepay/statuses';
import { ATTEMPT_STATES, type AttemptState } from '../../shared/payment';

const S = (status: string): AttemptEvent => ({ type: 'status', status, reading: readStatus(status) });
const EVENTS: Record<string, AttemptEvent> = {
  initialized: S('initialized'),
  declined: S('declined'),
  completed: S('completed'),
  cancelled: S('cancelled'),
  expired: S('expired'),
  void: S('void'),
  refunded: S('refunded'),
  uncleared: S('uncleared'),
  weird: S('weird_status'),
  cancel_requested: { type: 'cancel_requested' },
  cancel_failed_from_soft: { type: 'cancel_failed', previous: 'soft_declined' },
  create_refused: { type: 'create_refused' },
  not_found: { type: 'not_found' },
  COMPLETED: S('COMPLETED'),
  shipped: S('shipped'),
  partial_refunded: S('partial_refunded'),
  chargedback: S('chargedback'),
  Reserved: S('Reserved'),
  Void: S(' Void '),
  released: { type: 'released' },
};

// Expected next state for every state x event pair. "=" means unchanged (ignored).
const TABLE: Record<AttemptState, Record<keyof typeof EVENTS, AttemptState | '='>> = {
  creating: {
    initialized: 'initialized',
    declined: 'soft_declined',
    completed: 'completed',
    cancelled: 'cancelled',
    expired: 'cancelled',
    void: 'cancelled',
    refunded: 'completed',
    uncleared: 'initialized',
    weird: 'initialized',
    cancel_requested: '=',
    cancel_failed_from_soft: '=',
    create_refused: 'failed',
    not_found: 'failed',
    COMPLETED: 'completed',
    shipped: 'completed',
    partial_refunded: 'completed',
    chargedback: 'completed',
    Reserved: 'initialized',
    Void: 'cancelled',
    released: 'failed',
  },
  initialized: {
    initialized: '=',
    declined: 'soft_declined',
    completed: 'completed',
    cancelled: 'cancelled',
    expired: 'cancelled',
    void: 'cancelled',
    refunded: 'completed',
    uncleared: '=',
    weird: '=',
    cancel_requested: 'cancelling',
    cancel_failed_from_soft: '=',
    create_refused: '=',
    not_found: '=',
    COMPLETED: 'completed',
    shipped: 'completed',
    partial_refunded: 'completed',
    chargedback: 'completed',
    Reserved: '=',
    Void: 'cancelled',
    released: 'failed',
  },
  soft_declined: {
    initialized: 'initialized',
    declined: '=',
    completed: 'completed',
    cancelled: 'cancelled',
    expired: 'cancelled',
    void: 'cancelled',
    refunded: 'completed',
    uncleared: 'initialized',
    weird: 'initialized',
    cancel_requested: 'cancelling',
    cancel_failed_from_soft: '=',
    create_refused: '=',
    not_found: '=',
    COMPLETED: 'completed',
    shipped: 'completed',
    partial_refunded: 'completed',
    chargedback: 'completed',
    Reserved: 'initialized',
    Void: 'cancelled',
    released: 'failed',
  },
  cancelling: {
    initialized: '=',
    declined: '=',
    completed: 'completed',
    cancelled: 'cancelled',
    expired: 'cancelled',
    void: 'cancelled',
    refunded: 'completed',
    uncleared: '=',
    weird: '=',
    cancel_requested: '=',
    cancel_failed_from_soft: 'soft_declined',
    create_refused: '=',
    not_found: '=',
    COMPLETED: 'completed',
    shipped: 'completed',
    partial_refunded: 'completed',
    chargedback: 'completed',
    Reserved: '=',
    Void: 'cancelled',
    released: 'failed',
  },
  completed: {
    initialized: '=',
    declined: '=',
    completed: '=',
    cancelled: '=',
    expired: '=',
    void: '=',
    refunded: '=',
    uncleared: '=',
    weird: '=',
    cancel_requested: '=',
    cancel_failed_from_soft: '=',
    create_refused: '=',
    not_found: '=',
    COMPLETED: '=',
    shipped: '=',
    partial_refunded: '=',
    chargedback: '=',
    Reserved: '=',
    Void: '=',
    released: '=',
  },
  cancelled: {
    initialized: '=',
    declined: '=',
    completed: '=',
    cancelled: '=',
    expired: '=',
    void: '=',
    refunded: '=',
    uncleared: '=',
    weird: '=',
    cancel_requested: '=',
    cancel_failed_from_soft: '=',
    create_refused: '=',
    not_found: '=',
    COMPLETED: '=',
    shipped: '=',
    partial_refunded: '=',
    chargedback: '=',
    Reserved: '=',
    Void: '=',
    released: '=',
  },
  failed: {
    initialized: '=',
    declined: '=',
    completed: '=',
    cancelled: '=',
    expired: '=',
    void: '=',
    refunded: '=',
    uncleared: '=',
    weird: '=',
    cancel_requested: '=',
    cancel_failed_from_soft: '=',
    create_refused: '=',
    not_found: '=',
    COMPLETED: '=',
    shipped: '=',
    partial_refunded: '=',
    chargedback: '=',
    Reserved: '=',
    Void: '=',
    released: '=',
  },
};

describe('attempt transition function', () => {
  it('covers every state', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ATTEMPT_STATES].sort());
  });
  for (const state of ATTEMPT_STATES) {
    for (const [name, event] of Object.entries(EVENTS)) {
      const expected = TABLE[state][name as keyof typeof EVENTS];
      it(`${state} + ${name} -> ${expected === '=' ? state : expected}`, () => {
        const r = transition(state, event);
        if (expected === '=') {
          expect(r.state).toBe(state);
          expect(r.ignored).toBeTruthy();
        } else {
          expect(r.state).toBe(expected);
          expect(r.ignored).toBeUndefined();
        }
      });
    }
  }
  it('a failed cancel from a final-looking previous state falls back to initialized', () => {
    expect(transition('cancelling', { type: 'cancel_failed', previous: 'completed' }).state).toBe('initialized');
    expect(transition('cancelling', { type: 'cancel_failed', previous: 'initialized' }).state).toBe('initialized');
  });
  it('classifies MultiSafepay statuses', () => {
    expect(classifyStatus('declined')).toBe('soft_declined');
    expect(classifyStatus('chargedback')).toBe('paid');
    expect(classifyStatus('reserved')).toBe('waiting');
    expect(classifyStatus('')).toBe('other');
    expect(classifyStatus('SHIPPED')).toBe('paid');
    expect(classifyStatus('something_new')).toBe('other');
  });
});

describe('why an attempt ended unpaid (data-reason)', () => {
  const base = {
    attemptId: 'a',
    saleId: 's',
    orderId: 'a',
    terminalId: 'T',
    amount: 100,
    currency: 'EUR',
    lines: [],
    createdAt: 0,
    updatedAt: 1_000,
  };
  const S = (status: string): AttemptEvent => ({ type: 'status', status, reading: readStatus(status) });
  it.each([
    ['initialized', S('cancelled'), 2_000, {}, 'cancelled_on_terminal'],
    ['initialized', S('cancelled'), 61_000, {}, 'expired'],
    ['initialized', S('expired'), 2_000, {}, 'expired'],
    ['soft_declined', S('cancelled'), 2_000, { mspStatus: 'declined' }, 'declined'],
    ['soft_declined', S('cancelled'), 70_000, { mspStatus: 'declined' }, 'declined'],
    ['cancelling', S('cancelled'), 2_000, {}, 'cancelled_by_till'],
    ['initialized', S('void'), 2_000, { resolvedReason: 'frozen' }, 'cancelled_by_till'],
    ['creating', { type: 'not_found' } as AttemptEvent, 2_000, {}, 'not_sent'],
    ['creating', { type: 'create_refused' } as AttemptEvent, 2_000, {}, 'refused'],
    ['initialized', { type: 'released' } as AttemptEvent, 2_000, {}, 'cancelled_by_till'],
  ] as const)('%s + %o at %i ms -> %s', (state, event, now, extra, reason) => {
    const cur = { ...base, state, ...extra };
    expect(endReason(cur, transition(state, event).state, event, now - cur.updatedAt)).toBe(reason);
  });
  it('a paid attempt has no reason', () => {
    expect(endReason({ ...base, state: 'initialized' }, 'completed', S('completed'), 1_000)).toBeUndefined();
  });
});
