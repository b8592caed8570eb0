import { formatMoney, minorDigits } from '../../shared/money';
import i18n from './i18n';

export const locale = () => (i18n.language === 'nl' ? 'nl-NL' : 'en-IE');
export const money = (minor: number, currency: string) => formatMoney(minor, currency, locale());
/** With the currency's code, e.g. "EUR 1,250.00": unmistakable when an amount is confirmed. */
export const moneyCode = (minor: number, currency: string) =>
  new Intl.NumberFormat(locale(), { style: 'currency', currency, currencyDisplay: 'code' }).format(minor / 10 ** minorDigits(currency));
export const time = (ms: number) => new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(ms);
export const decimalComma = () => i18n.language === 'nl';

/**
 * Part of a split sale paid, the rest due: "Paid by card €10.00 - due €5.84"; with store credit among the parts,
 * "Paid €10.00 (store credit €10.00) - due €5.84".
 */
export function partPaidText(paid: number, credit: number, due: number, currency: string): string {
  const amounts = { paid: money(paid, currency), credit: money(credit, currency), due: money(due, currency) };
  return i18n.t(credit > 0 ? 'sale.partPaidCredit' : 'sale.partPaid', amounts);
}
