import { formatMoney } from '../../shared/money';
import i18n from './i18n';

export const locale = () => (i18n.language === 'nl' ? 'nl-NL' : 'en-IE');
export const money = (minor: number, currency: string) => formatMoney(minor, currency, locale());
export const time = (ms: number) => new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(ms);
