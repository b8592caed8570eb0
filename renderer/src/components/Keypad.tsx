import { useTranslation } from 'react-i18next';

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '00', '0'] as const;

/** Big-target number pad for cents entry: digits fill the amount from the right; ⌫ takes one back, C clears. */
export function Keypad({
  onDigits,
  onBack,
  onClear,
  label,
  keys = KEYS,
}: {
  onDigits(d: string): void;
  onBack(): void;
  onClear(): void;
  label?: string;
  keys?: readonly string[];
}) {
  const { t } = useTranslation();
  return (
    <div className="keypad" role="group" aria-label={label ?? t('sale.keypad')}>
      {keys.map((k) => (
        <button key={k} type="button" className="pad" onClick={() => onDigits(k)}>
          {k}
        </button>
      ))}
      <button type="button" className="pad" aria-label={t('sale.backspace')} onClick={onBack}>
        ⌫
      </button>
      <button type="button" className="pad pad-clear" aria-label={t('sale.clearAmount')} onClick={onClear}>
        C
      </button>
    </div>
  );
}
