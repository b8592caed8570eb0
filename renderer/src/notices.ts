/** The core's notices in the cashier's language, by their key; the core's English sentence when there is none. */
import type { Notice } from '../../shared/contract';
import { money } from './format';
import i18n from './i18n';

export function noticeText(n: Notice): string {
  if (!n.key || !i18n.exists(`notices.${n.key}`)) return n.message;
  const p: Record<string, string | number> = { ...n.params };
  if (typeof p.currency === 'string')
    for (const k of ['amount', 'paid', 'due', 'tip'] as const) if (typeof p[k] === 'number') p[k] = money(p[k], p.currency);
  return i18n.t(`notices.${n.key}`, { ...p, defaultValue: n.message });
}

/** What a notice is about, to lead there: a payment (order id) or a sale (sale id). */
export function noticeTarget(n: Notice): { orderId: string } | { saleId: string } | undefined {
  if (n.orderId) return { orderId: n.orderId };
  const saleId = n.params?.saleId;
  return typeof saleId === 'string' ? { saleId } : undefined;
}
