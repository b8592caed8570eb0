import { useTranslation } from 'react-i18next';
import { type ScaleLayout, scaleLayoutProblem } from '../../../shared/barcode';

/** The scale layout as typed in Settings: the prefix lists as text, the rest as chosen. */
export type ScaleLayoutText = Omit<ScaleLayout, 'price' | 'weight'> & { price: string; weight: string };

export const scaleLayoutText = (l: ScaleLayout): ScaleLayoutText => ({ ...l, price: l.price.join(', '), weight: l.weight.join(', ') });

const prefixes = (text: string): number[] | null => {
  const parts = text
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  return parts.every((p) => /^\d{1,3}$/.test(p)) ? parts.map(Number) : null;
};

/** The layout typed, or the key of what is wrong with it (`scale.problems.<key>`). */
export function readScaleLayout(text: ScaleLayoutText): { layout: ScaleLayout } | { problem: string } {
  const price = prefixes(text.price);
  const weight = prefixes(text.weight);
  if (!price || !weight) return { problem: 'prefix' };
  const layout: ScaleLayout = { ...text, price, weight };
  const problem = scaleLayoutProblem(layout);
  return problem ? { problem: problem.key } : { layout };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * **Scale labels** in Settings: which prefixes (20-29) of the shop's scale labels carry a price and which a weight,
 * how many digits the item code and the value take, and the decimals of each - as the shop's scale prints them.
 */
export function ScaleLayoutFields({
  value,
  onChange,
  error,
}: {
  value: ScaleLayoutText;
  onChange(next: ScaleLayoutText): void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<ScaleLayoutText>) => onChange({ ...value, ...patch });
  const invalid = error ? { 'aria-invalid': true, 'aria-describedby': 'scaleLayout-error' } : {};
  type Choice = 'itemDigits' | 'valueDigits' | 'priceDecimals' | 'weightDecimals';
  const choice = (key: Choice, from: number, to: number) => (
    <label>
      {t(`scale.${key}`)}
      <select value={value[key]} onChange={(e) => set({ [key]: Number(e.target.value) })} {...invalid}>
        {range(from, to).map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <fieldset data-testid="scale-layout">
      <legend>{t('scale.legend')}</legend>
      <p className="hint" id="scale-hint">
        {t('scale.hint')}
      </p>
      <label>
        {t('scale.price')}
        <input value={value.price} inputMode="numeric" onChange={(e) => set({ price: e.target.value })} {...invalid} />
      </label>
      <label>
        {t('scale.weight')}
        <input value={value.weight} inputMode="numeric" onChange={(e) => set({ weight: e.target.value })} {...invalid} />
      </label>
      {choice('itemDigits', 3, 7)}
      {choice('valueDigits', 3, 7)}
      {choice('priceDecimals', 0, 2)}
      {choice('weightDecimals', 0, 3)}
      {error && (
        <span className="error" role="alert" id="scaleLayout-error">
          {error}
        </span>
      )}
    </fieldset>
  );
}
