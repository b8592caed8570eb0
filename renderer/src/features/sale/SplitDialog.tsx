import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseAmount } from '../../../../shared/money';
import { decimalComma, money } from '../../format';
import { halfOf, keypadText } from '../../sale';
import { Keypad } from '../../components/Keypad';
import { DialogActions, Modal } from '../../components/Modal';

interface Props {
  /** The basket's total, in minor units. */
  total: number;
  currency: string;
  /** The chosen terminal's name with its id. */
  terminal: string;
  onClose(): void;
  /** Charge this much of the basket on the card; the rest is paid afterwards in cash or on another card. */
  onCharge(part: number): void;
}

/**
 * Split tender, step one: how much of the sale the card pays. Starts at half the total; typed (12.50 or 12,50) or on
 * the keypad, which replaces the suggestion and fills from the right. More than zero and less than the total.
 */
export function SplitDialog({ total, currency, terminal, onClose, onCharge }: Props) {
  const { t } = useTranslation();
  const comma = decimalComma();
  const [text, setText] = useState(() => keypadText(String(halfOf(total)), currency, comma));
  const [keyed, setKeyed] = useState<string>();
  const [error, setError] = useState<string>();
  const part = parseAmount(text, currency);
  const valid = part !== null && part > 0 && part < total;
  const set = (next: string, digits?: string) => {
    setText(next);
    setKeyed(digits);
    setError(undefined);
  };
  const press = (d: string) => {
    const digits = ((keyed ?? '') + d).replace(/^0+/, '').slice(0, 9);
    set(keypadText(digits, currency, comma), digits);
  };
  const back = () => {
    if (keyed === undefined) return set(text.slice(0, -1));
    const digits = keyed.slice(0, -1);
    set(keypadText(digits, currency, comma), digits);
  };

  return (
    <Modal label={t('split.title')} onClose={onClose} testId="split-dialog">
      <h2>{t('split.title')}</h2>
      <p className="cash-total">
        {t('sale.total')}: <strong>{money(total, currency)}</strong>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return setError(t('split.bad', { total: money(total, currency) }));
          onCharge(part);
        }}
      >
        <label htmlFor="split-part">{t('split.part')}</label>
        <input
          id="split-part"
          autoFocus
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'split-error' : 'split-rest'}
          onFocus={(e) => e.currentTarget.select()}
          onChange={(e) => set(e.target.value)}
        />
        <Keypad label={t('split.keypad')} onDigits={press} onBack={back} onClear={() => set('', '')} />
        <p id="split-rest" className="hint" data-testid="split-rest">
          {valid ? t('split.rest', { amount: money(total - part, currency) }) : t('split.hint')}
        </p>
        <DialogActions error={error} errorId="split-error" submit={t('split.charge', { terminal })} onBack={onClose} />
      </form>
    </Modal>
  );
}
