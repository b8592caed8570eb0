import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TillApi } from '../../../shared/contract';
import { errorText } from '../errors';

/**
 * Prints a sale's receipt (or one of its refunds') again on the till's receipt printer - a copy marked COPY, never
 * opening the drawer - and says how that went: a polite status, or an alert with the printer's trouble.
 */
export function usePrintReceipt(api: TillApi): { print(saleId: string, refundId?: string): void; result: ReactNode } {
  const { t } = useTranslation();
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  const print = (saleId: string, refundId?: string) => {
    setMsg(undefined);
    api.printReceipt({ saleId, ...(refundId ? { refundId } : {}) }).then(
      () => setMsg({ ok: true, text: t('receipt.printed') }),
      (e: unknown) => setMsg({ ok: false, text: errorText(e) }),
    );
  };
  const result = msg && (
    <span role={msg.ok ? 'status' : 'alert'} className={msg.ok ? 'ok' : 'error'}>
      {msg.text}
    </span>
  );
  return { print, result };
}
