import { useEffect } from 'react';
import { SHORTCUTS } from '../../shortcuts';
import type { AmountEntryState } from './useAmountEntry';

interface Actions {
  amount: AmountEntryState;
  chargeNow(): void;
  openCash(): void;
  openSplit(): void;
  newSale(): void;
}

/**
 * The sale screen's keyboard: digits go to the amount field, Enter adds (or charges when nothing is typed), Escape
 * clears the amount, F-keys as in SHORTCUTS. Dialogs take their own keys.
 */
export function useSaleKeys({ amount, chargeNow, openCash, openSplit, newSale }: Actions) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const fkey = Object.entries(SHORTCUTS).find(([, k]) => k === e.key)?.[0];
      if (fkey === 'charge' || fkey === 'cash' || fkey === 'split' || fkey === 'newSale') {
        e.preventDefault();
        if (fkey === 'charge') chargeNow();
        else if (fkey === 'cash') openCash();
        else if (fkey === 'split') openSplit();
        else newSale();
        return;
      }
      const el = e.target as HTMLElement;
      if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName) && el !== document.body) {
        if (el === amount.ref.current && e.key === 'Escape') amount.reset();
        return;
      }
      if (/^[0-9.,]$/.test(e.key)) {
        e.preventDefault();
        amount.append(e.key);
        amount.ref.current?.focus();
      } else if (e.key === 'Enter' && !e.repeat) {
        e.preventDefault();
        chargeNow();
      } else if (e.key === 'Escape') amount.reset();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
}
