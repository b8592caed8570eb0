import { type RefObject, useRef, useState } from 'react';
import { decimalComma } from '../../format';
import { keypadText } from '../../sale';

/** What the amount field holds, typed or keyed in on the keypad, and what is wrong with it. */
export interface AmountEntryState {
  text: string;
  error: string | undefined;
  ref: RefObject<HTMLInputElement | null>;
  /** Typed into the field (or put back after a scan): the keypad starts afresh. */
  type(value: string): void;
  /** A character typed with focus outside any field. */
  append(char: string): void;
  pressKeypad(digits: string): void;
  backspace(): void;
  reset(): void;
  fail(message: string): void;
}

/**
 * The custom amount: typed in the field, or keyed on the keypad, where digits fill it from the right (`keyed` holds
 * the keypad's digits; undefined once the field was typed in).
 */
export function useAmountEntry(currency: string): AmountEntryState {
  const [text, setText] = useState('');
  const [keyed, setKeyed] = useState<string>();
  const [error, setError] = useState<string>();
  const ref = useRef<HTMLInputElement>(null);
  const keyIn = (next: string) => {
    setKeyed(next);
    setText(keypadText(next, currency, decimalComma()));
  };
  return {
    text,
    error,
    ref,
    type: (value) => {
      setText(value);
      setKeyed(undefined);
      setError(undefined);
    },
    append: (char) => {
      setText((v) => v + char);
      setKeyed(undefined);
    },
    pressKeypad: (digits) => {
      keyIn(((keyed ?? '') + digits).replace(/^0+/, '').slice(0, 9));
      setError(undefined);
    },
    backspace: () => {
      if (keyed === undefined) return setText((v) => v.slice(0, -1));
      keyIn(keyed.slice(0, -1));
    },
    reset: () => {
      setText('');
      setKeyed(undefined);
      setError(undefined);
    },
    fail: (message) => {
      setError(message);
      ref.current?.focus();
    },
  };
}
