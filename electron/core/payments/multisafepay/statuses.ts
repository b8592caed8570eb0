/**
 * MultiSafepay's order statuses as the till reads them (docs/multisafepay.md, "Statuses"): the provider-neutral
 * class the engine branches on, whether the order expired, and what became of a paid order afterwards.
 */
import type { AfterPayment, StatusClass, StatusReading } from '../provider';

/**
 * How the till reads a MultiSafepay order status (compared case-insensitively; docs/multisafepay.md):
 * completed and shipped are paid; refunded, partial_refunded and chargedback are paid and then refunded or
 * charged back; cancelled, void and expired are not paid; declined is a soft decline (never final on POS);
 * initialized, uncleared and reserved are waiting. Anything else is `other`: waiting, with the status shown, and
 * never auto-cancelled.
 */
export function classifyStatus(status: string): StatusClass {
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
export function afterPayment(status: string | undefined): AfterPayment | undefined {
  const s = status === undefined ? '' : normalizeStatus(status);
  return s === 'refunded' || s === 'partial_refunded' || s === 'chargedback' ? s : undefined;
}

/** A MultiSafepay status in the till's words: its class, `expired`, and what became of it after it was paid. */
export function readStatus(status: string): StatusReading {
  return { class: classifyStatus(status), expired: normalizeStatus(status) === 'expired', after: afterPayment(status) };
}
