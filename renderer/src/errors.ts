import { TillError } from '../../shared/errors';
import i18n from './i18n';

/**
 * The sentence to show for a failed request, in the cashier's language where one is written for its code
 * (`errors.<code>_<MultiSafepay code>`, `errors.<code>_<field>` or `errors.<code>`); otherwise the till's own English sentence.
 */
export function errorText(e: unknown): string {
  const err = TillError.from(e);
  const keys = [
    ...(err.mspCode !== undefined ? [`errors.${err.code}_${err.mspCode}`] : []),
    ...(err.field ? [`errors.${err.code}_${err.field}`] : []),
    `errors.${err.code}`,
  ];
  return i18n.t(keys, { defaultValue: err.message });
}
