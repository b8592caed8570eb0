import { TillError } from '../../shared/errors';
import i18n from './i18n';

/**
 * Refusals the core words in English without a code of their own (all `not_allowed`): matched by their sentence so
 * a Dutch cashier reads them in Dutch. English keeps the core's own sentence, which names the action refused.
 */
const SENTENCES: [RegExp, string][] = [
  [/needs a manager/, 'needs_manager'],
  [/^Sign in with your PIN first/, 'sign_in_first'],
  [/^Today has been closed -/, 'day_closed'],
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
  const keys = [
    ...(err.mspCode !== undefined ? [`errors.${err.code}_${err.mspCode}`] : []),
    ...(err.field ? [`errors.${err.code}_${err.field}`] : []),
    ...(known ? [`errors.${known}`] : []),
    `errors.${err.code}`,
  ];
  // A known refusal without a sentence in this language (English) keeps the core's sentence, not a generic one.
  if (known && !i18n.exists(`errors.${known}`)) return err.message;
  return i18n.t(keys, { defaultValue: err.message });
}
