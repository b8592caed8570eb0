import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { locale } from '../format';

/** yyyy-mm-dd of a date at noon UTC (a day's name, free of time zones and daylight saving). */
const iso = (d: Date) => d.toISOString().slice(0, 10);
const atNoon = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 12));

/** A day as the till's language writes it: 30-11-2026 in Dutch, 30/11/2026 in English. */
export function dateText(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(atNoon(y, m, d));
}

/** "30-11-2026", "30/11/2026", "30.11.2026", "1-2-2026" or "2026-11-30" as yyyy-mm-dd; undefined when not a real day. */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  const dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t);
  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const [y, m, d] = dmy ? [dmy[3], dmy[2], dmy[1]].map(Number) : ymd ? [ymd[1], ymd[2], ymd[3]].map(Number) : [];
  if (y === undefined || m === undefined || d === undefined) return undefined;
  const date = atNoon(y, m, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? iso(date) : undefined;
}

/**
 * A day, typed the way the till's language writes it (never in the browser's own date format, which follows the
 * computer's locale, not the till's), with buttons for the day before and after.
 */
export function DateField({ label, value, max, onChange }: { label: string; value: string; max?: string; onChange(day: string): void }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState(() => dateText(value));
  const [bad, setBad] = useState(false);
  const errorId = useId();
  useEffect(() => {
    setText(dateText(value));
    setBad(false);
  }, [value, i18n.language]);
  const step = (days: number) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const next = iso(atNoon(y, m, d + days));
    if (!max || next <= max) onChange(next);
  };
  const take = (typed: string) => {
    const day = parseDate(typed);
    const ok = day !== undefined && (!max || day <= max);
    setBad(!ok && typed.trim() !== '');
    if (ok && day !== value) onChange(day);
  };
  return (
    <span className="date-field">
      <label>
        {label}{' '}
        <input
          type="text"
          inputMode="numeric"
          size={10}
          value={text}
          placeholder={t('date.placeholder')}
          aria-invalid={bad || undefined}
          aria-describedby={bad ? errorId : undefined}
          onChange={(e) => {
            setText(e.target.value);
            take(e.target.value);
          }}
          onBlur={() => {
            if (!bad) setText(dateText(value));
          }}
        />
      </label>
      <button type="button" className="small" aria-label={t('date.previous')} onClick={() => step(-1)}>
        ‹
      </button>
      <button type="button" className="small" aria-label={t('date.next')} disabled={Boolean(max && value >= max)} onClick={() => step(1)}>
        ›
      </button>
      {bad && (
        <span className="error" role="alert" id={errorId}>
          {t('date.bad', { example: dateText(max ?? value) })}
        </span>
      )}
    </span>
  );
}
