import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product, TillApi } from '../../../../shared/contract';
import { checkBarcode } from '../../../../shared/barcode';
import { TillError } from '../../../../shared/errors';
import type { SaleLine } from '../../../../shared/payment';
import { errorText } from '../../errors';
import { ScanDetector } from '../../scanner';
import type { AmountEntryState } from './useAmountEntry';

interface Options {
  api: TillApi;
  /** The basket cannot change: a scan then adds nothing. */
  frozen: boolean;
  amount: AmountEntryState;
  addProduct(p: Product & { line?: SaleLine }): void;
  setError(text: string | undefined): void;
}

/**
 * Scanning: a scanner's burst (keys a few ms apart, then Enter) is caught before any field sees its Enter, the
 * digits it typed into whatever had focus are taken back out, and the product is added; an unknown or misread
 * code only says so. Scans are looked up one after another, so none is lost when they come quickly.
 * Returns the last unknown code scanned, while its notice is shown: a manager can add its product from there.
 */
export function useScanner({ api, frozen, amount, addProduct, setError }: Options) {
  const { t } = useTranslation();
  const amountNow = useRef(amount.text);
  useLayoutEffect(() => {
    amountNow.current = amount.text;
  });
  const detector = useRef(new ScanDetector());
  const beforeScan = useRef<{ field: HTMLInputElement | null; value: string; amount: string }>(undefined);
  const scans = useRef<Promise<void>>(Promise.resolve());
  const [unknown, setUnknown] = useState<{ code: string; text: string }>();
  const scan = (code: string) => {
    scans.current = scans.current.then(async () => {
      if (frozen) return;
      try {
        addProduct(await api.findBarcode({ code }));
        setError(undefined);
      } catch (e) {
        // Not found: unknown or misread, said in the till's language. Anything else (signed out, the link down) as itself.
        if (TillError.from(e).code !== 'not_found') return setError(errorText(e));
        const check = checkBarcode(code);
        const text = !check.ok && check.misread ? t('sale.misread', { code, kind: check.misread }) : t('sale.unknownBarcode', { code });
        setError(text);
        setUnknown(check.ok ? { code, text } : undefined);
      }
    });
  };
  useEffect(() => {
    const onScanKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const seen = detector.current.feed(e.key, e.timeStamp);
      if (seen?.kind === 'start') {
        const a = document.activeElement;
        const field = a instanceof HTMLInputElement && a !== amount.ref.current ? a : null;
        beforeScan.current = { field, value: field?.value ?? '', amount: amountNow.current };
      } else if (seen?.kind === 'scan') {
        e.preventDefault();
        e.stopPropagation();
        const before = beforeScan.current;
        if (before) {
          amount.type(before.amount);
          if (before.field && before.field.value !== before.value) setFieldValue(before.field, before.value);
        }
        scan(seen.code);
      }
    };
    window.addEventListener('keydown', onScanKey, true);
    return () => window.removeEventListener('keydown', onScanKey, true);
  });
  return { unknown, setUnknown };
}

/** Sets an input's value as typing would, so the field's own state follows (React listens for 'input'). */
function setFieldValue(field: HTMLInputElement, value: string): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}
