/** Payment outcomes in the cashier's language: the till's messages by key, and why a payment ended unpaid. */
import type { PaymentReason } from '../../shared/payment';
import i18n from './i18n';

interface HasMessage {
  message?: string;
  messageKey?: string;
  reason?: PaymentReason;
}

/** The till's message in the cashier's language (by its key), else its own English sentence. */
export function messageText(p: HasMessage): string | undefined {
  if (!p.message && !p.messageKey) return undefined;
  if (!p.messageKey) return p.message;
  const code = /^refused_(.+)$/.exec(p.messageKey)?.[1];
  // A refusal code without a sentence of its own still reads in the cashier's language, with the code for support.
  const keys = [`payment.msg.${p.messageKey}`, ...(code ? ['payment.msg.refused_other'] : [])];
  return i18n.t(keys, { defaultValue: p.message ?? '', code });
}

/** Why a payment ended unpaid, as a sentence: "Card declined - ask for another card". */
export function reasonText(p: HasMessage): string | undefined {
  if (!p.reason) return undefined;
  if (p.reason === 'refused') return i18n.t('payment.reason.refused', { message: messageText(p) ?? '' });
  return i18n.t(`payment.reason.${p.reason}`);
}
