import { useId, useState } from 'react';
import { parseAmount } from '../../../shared/money';
import { decimalComma, money } from '../format';
import { keypadText } from '../sale';
import { Keypad } from './Keypad';

interface Props {
  label: string;
  currency: string;
  /** The amount in minor units, or null while what is typed is not an amount. */
  onChange(minor: number | null): void;
  describedBy?: string;
  autoFocus?: boolean;
  /** The keypad's own name (several keypads may share a screen). */
  keypadLabel?: string;
}

/**
 * An amount typed (12.50 or 12,50) or entered on the keypad, which fills from the right as on the sale screen. Empty is
 * zero: a float or a count of nothing is a real answer.
 */
/** An amount that may be zero ("0", "0,00"); null when it is not an amount. */
const amountOrZero = (text: string, currency: string): number | null =>
  !text.trim() || /^\s*0+(?:[.,]0*)?\s*$/.test(text) ? 0 : parseAmount(text, currency);

export function AmountField({ label, currency, onChange, describedBy, autoFocus, keypadLabel }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const [keyed, setKeyed] = useState<string>();
  const set = (next: string, digits?: string) => {
    setText(next);
    setKeyed(digits);
    onChange(amountOrZero(next, currency));
  };
  const press = (d: string) => {
    const digits = ((keyed ?? '') + d).replace(/^0+/, '').slice(0, 9);
    set(keypadText(digits, currency, decimalComma()), digits);
  };
  const back = () => {
    if (keyed === undefined) return set(text.slice(0, -1));
    const digits = keyed.slice(0, -1);
    set(keypadText(digits, currency, decimalComma()), digits);
  };
  const minor = amountOrZero(text, currency);
  return (
    <div className="amount-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        autoFocus={autoFocus}
        value={text}
        placeholder={money(0, currency)}
        aria-invalid={minor === null ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => set(e.target.value)}
      />
      <Keypad label={keypadLabel} onDigits={press} onBack={back} onClear={() => set('')} />
    </div>
  );
}
