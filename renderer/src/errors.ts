import { TillError } from '../../shared/errors';
import i18n from './i18n';

/**
 * Refusals the core words in English without a code of their own: matched by their sentence so a Dutch cashier
 * reads them in Dutch. English keeps the core's own sentence, which names the action (and the sale) refused.
 */
export const SENTENCES: [RegExp, string][] = [
  [/needs a manager/, 'needs_manager'],
  [/^Sign in with your PIN first/, 'sign_in_first'],
  [/^Today has been closed - no cash/, 'day_closed_cash'],
  [/^The drawer session has been closed - open a new drawer session to go on selling/, 'session_closed_sale'],
  [/^The drawer session has been closed - open a new drawer session to pay cash/, 'session_closed_cash'],
  [/^A drawer session is open already/, 'session_open_already'],
  [/^A float of .* is unusual/, 'float_unusual'],
  [/^The count sheet adds up to/, 'count_mismatch'],
  [/^No drawer session is open/, 'no_session'],
  [/^That drawer session is not open/, 'session_not_open'],
  [/^Another drawer session is still open/, 'another_session_open'],
  [/^Today has been closed -/, 'day_closed'],
  [/^That is more than the drawer should hold/, 'more_than_drawer'],
  [/^Open drawer needs a receipt printer/, 'no_drawer'],
  [/^The receipt printer.*[-?] [Tt]he cash drawer did not open\.$/, 'drawer_failed'],
  [/^Today has been closed already/, 'day_closed_already'],
  [/^Today is open already/, 'day_open_already'],
  [/^Finish the open payments before closing the day/, 'open_payments'],
  [/^The computer's clock is behind/, 'clock_behind'],
  [/^Too many wrong PINs: .* is locked/, 'pin_locked'],
  [/^Too many wrong PINs - wait/, 'pin_wait'],
  [/^The till is busy checking PINs/, 'pins_busy'],
  [/^The till is locked/, 'till_locked'],
  [/^This sale is being paid right now/, 'sale_busy'],
  [/needs the MultiSafepay API key/, 'api_key_needed'],
  [/^Type the API key again to leave demo mode/, 'leave_demo'],
  [/^Enter the API key again for the new address/, 'key_again'],
  [/^This sale is in [A-Z]{3}: every part/, 'sale_currency'],
  [/must unlock you\.$/, 'unlock_self'],
  [/^That person is not locked/, 'not_locked'],
  [/^No card sale .* to try again/, 'no_sale_to_retry'],
  [/^No card sale .* to pay in cash/, 'no_sale_for_cash'],
  [/^This sale is already paid or still in progress/, 'paid_or_in_progress'],
  [/^This sale is already paid\.$/, 'already_paid'],
  [/^This payment is still in progress/, 'payment_in_progress'],
  [/^The basket changed since the card payment/, 'basket_changed'],
  [/^That is more than is due on this sale/, 'more_than_due'],
  [/^That is more than what is left to refund/, 'more_than_left'],
  [/^That total is too large for one sale/, 'total_too_large'],
  [/^The amount given is less than/, 'given_too_little'],
  [/^Unknown terminal .* - add it in Settings/, 'unknown_terminal'],
  [/^No API key is set/, 'no_api_key'],
  [/^No shop database is set/, 'no_shop_database'],
  [/^That sale has no receipt yet/, 'no_receipt'],
  [/^Only a completed card payment can be refunded/, 'refund_not_paid'],
  [/^That is more than was sold less what was returned/, 'return_too_many'],
  [/^Line \d+ of the sale has been returned already/, 'returned_already'],
  [/^Only items of a sale paid in full/, 'return_not_paid'],
  [/^No one payment of this sale can take all of this back/, 'return_split'],
  [/^The earlier attempt of this sale cannot be checked/, 'earlier_unchecked'],
  [/^This sale was paid after all/, 'paid_after_all'],
  [/^An earlier payment of this sale .* is still open/, 'earlier_open'],
  [/^Keep at least one manager/, 'keep_manager'],
  [/^.+ needs a PIN\.$/, 'staff_needs_pin'],
  [/^The default terminal is not in the list/, 'default_terminal'],
  [/^Finish the open payments before changing the connection/, 'open_payments_connection'],
  [/^Barcode .* is on another product already/, 'barcode_taken'],
  [/^That barcode cannot be used/, 'barcode_unusable'],
  [/^VAT rate .* is not one of the till's VAT rates/, 'rate_not_offered'],
  [/^That product is not in the catalog/, 'product_unknown'],
  [/^The quick keys hold at most/, 'quick_keys_full'],
  [/^That is not a credit note code/, 'credit_bad_code'],
  [/^No credit note has the code/, 'credit_unknown'],
  [/^Nothing is left on credit note/, 'credit_used'],
  [/^Credit note \S+ is in [A-Z]{3}, this sale in/, 'credit_currency'],
  [/^Credit note \S+ or this sale changed at the same moment/, 'credit_race'],
  [/^Credit note \S+ was given in demo mode/, 'credit_training'],
  [/^Credit note \S+ is a real one: it cannot pay a sale in demo mode/, 'credit_real'],
  [/^The shop database cannot be reached, so a credit note from another till/, 'credit_offline'],
];

/** Whether the core refused because a manager must do this (the screen then says so plainly). */
export const needsManager = (e: unknown): boolean => /needs a manager/.test(TillError.from(e).message);

/**
 * The sentence to show for a failed request, in the cashier's language where one is written for its code
 * (`errors.<code>_<MultiSafepay code>`, `errors.<code>_<field>`, a known refusal, or `errors.<code>`); otherwise the
 * till's own English sentence.
 */
export function errorText(e: unknown): string {
  const err = TillError.from(e);
  const known = SENTENCES.find(([re]) => re.test(err.message))?.[1];
  // A known sentence first: it says more than a field's or a code's general one.
  const keys = [
    ...(known ? [`errors.${known}`] : []),
    ...(err.mspCode !== undefined ? [`errors.${err.code}_${err.mspCode}`] : []),
    ...(err.field ? [`errors.${err.code}_${err.field}`] : []),
    `errors.${err.code}`,
  ];
  // A known refusal without a sentence in this language (English) keeps the core's sentence, not a generic one.
  if (known && !i18n.exists(`errors.${known}`)) return err.message;
  return i18n.t(keys, { defaultValue: err.message });
}
