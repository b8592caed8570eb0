import { useTranslation } from 'react-i18next';
import { Keypad } from '../../components/Keypad';
import type { RefObject } from 'react';
import type { AmountEntryState } from './useAmountEntry';

/** The custom amount: the field, its Add button, its hint or error, and the keypad while the basket may change. */
interface Props {
  amount: AmountEntryState;
  /** The amount field (`amount.ref`): keys, scans and the sale's steps move focus to it. */
  inputRef: RefObject<HTMLInputElement | null>;
  frozen: boolean;
  onSubmit(): void;
}

export function AmountEntry({ amount, inputRef, frozen, onSubmit }: Props) {
  const { t } = useTranslation();
  return (
    <section className="amount-section" aria-label={t('sale.custom')}>
      <form
        className="amount-entry"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <label htmlFor="amount">{t('sale.amount')}</label>
        <input
          id="amount"
          ref={inputRef}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          disabled={frozen}
          value={amount.text}
          aria-invalid={amount.error ? true : undefined}
          aria-describedby={amount.error ? 'amount-error' : 'amount-hint'}
          onChange={(e) => amount.type(e.target.value)}
        />
        <button type="submit" disabled={frozen}>
          {t('sale.add')}
        </button>
        {amount.error ? (
          <p id="amount-error" className="error" role="alert">
            {amount.error}
          </p>
        ) : (
          <p id="amount-hint" className="hint">
            {t('sale.amountHint')}
          </p>
        )}
      </form>
      {!frozen && <Keypad onDigits={amount.pressKeypad} onBack={amount.backspace} onClear={amount.reset} />}
    </section>
  );
}
