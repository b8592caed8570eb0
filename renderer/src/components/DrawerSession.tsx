import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DenominationCounts, DrawerSession, TillApi } from '../../../shared/contract';
import { EUR_DENOMINATIONS } from '../../../shared/constants';
import { countTotal } from '../../../shared/cash';
import { errorText } from '../errors';
import { money, time } from '../format';
import { ActionResult } from './ActionResult';
import { AmountField } from './AmountField';

/**
 * The count sheet at closing: how many of each euro note and coin, 500.00 down to 0.01; the total is what is counted.
 * `onChange` gets the counts (denominations counted at least once) and their total.
 */
export function CountSheet({ currency, onChange }: { currency: string; onChange(counts: DenominationCounts, total: number): void }) {
  const { t } = useTranslation();
  const [counts, setCounts] = useState<DenominationCounts>({});
  const set = (d: number, text: string) => {
    const n = /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : 0;
    const next = { ...counts, [String(d)]: n };
    if (!n) delete next[String(d)];
    setCounts(next);
    onChange(next, countTotal(next));
  };
  const total = countTotal(counts);
  return (
    <table className="figures count-sheet" data-testid="count-sheet">
      <caption>{t('session.countSheet')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('session.denomination')}</th>
          <th scope="col">{t('session.number')}</th>
          <th scope="col">{t('session.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {EUR_DENOMINATIONS.map((d) => (
          <tr key={d}>
            <th scope="row">{money(d, currency)}</th>
            <td>
              <input
                type="text"
                inputMode="numeric"
                className="count"
                size={5}
                aria-label={t('session.countOf', { amount: money(d, currency) })}
                data-testid={`count-${d}`}
                onChange={(e) => set(d, e.target.value)}
              />
            </td>
            <td className="num">{money(d * (counts[String(d)] ?? 0), currency)}</td>
          </tr>
        ))}
        <tr className="receipt-total">
          <th scope="row">{t('session.countTotal')}</th>
          <td />
          <td className="num" data-testid="count-total" data-amount={total}>
            {money(total, currency)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** A count sheet kept with a close, read back. */
export function CountsTable({ counts, currency }: { counts: DenominationCounts; currency: string }) {
  const { t } = useTranslation();
  const rows = EUR_DENOMINATIONS.filter((d) => (counts[String(d)] ?? 0) > 0);
  return (
    <table className="figures" data-testid="closed-counts">
      <caption>{t('session.counts')}</caption>
      <tbody>
        {rows.map((d) => (
          <tr key={d} data-denomination={d} data-count={counts[String(d)]}>
            <th scope="row">{money(d, currency)}</th>
            <td className="num">{counts[String(d)]}</td>
            <td className="num">{money(d * counts[String(d)]!, currency)}</td>
          </tr>
        ))}
        <tr className="receipt-total">
          <th scope="row">{t('session.countTotal')}</th>
          <td />
          <td className="num">{money(countTotal(counts), currency)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** A manager corrects the float of the open session, with the reason (recorded beside the opening float). */
export function FloatCorrection({ api, currency, onDone }: { api: TillApi; currency: string; onDone(): void }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const [float, setFloat] = useState<number | null>(0);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ saved?: string; error?: string }>({});
  if (!shown)
    return (
      <div className="no-print">
        <button type="button" onClick={() => (setResult({}), setShown(true))}>
          {t('session.correctFloat')}
        </button>
        <ActionResult saved={result.saved} error={result.error} />
      </div>
    );
  return (
    <form
      className="float-correction no-print"
      aria-label={t('session.correctFloat')}
      onSubmit={(e) => {
        e.preventDefault();
        if (float === null) return;
        api.correctFloat({ float, reason }).then(
          (s) => {
            setShown(false);
            setResult({ saved: t('session.corrected', { float: money(s.float, s.currency) }) });
            onDone();
          },
          (err: unknown) => setResult({ error: errorText(err) }),
        );
      }}
    >
      <AmountField label={t('session.newFloat')} keypadLabel={t('session.newFloat')} currency={currency} onChange={setFloat} />
      <label>
        {t('session.reason')}
        <input type="text" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={float === null}>
        {t('session.saveFloat')}
      </button>
      <ActionResult saved={result.saved} error={result.error} />
    </form>
  );
}

/** The drawer sessions of a date: each with its float, expected cash, counted cash and difference. */
export function SessionsTable({ sessions }: { sessions: DrawerSession[] }) {
  const { t } = useTranslation();
  return (
    <table className="figures" data-testid="sessions">
      <caption>{t('session.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('session.opened')}</th>
          <th scope="col">{t('session.closedAtCol')}</th>
          <th scope="col">{t('session.float')}</th>
          <th scope="col">{t('session.expected')}</th>
          <th scope="col">{t('session.counted')}</th>
          <th scope="col">{t('session.difference')}</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr key={s.id} data-session={s.id} data-expected={s.expectedNow} data-counted={s.counted}>
            <td>
              {time(s.openedAt)} {s.openedBy ?? ''}
              {s.handedOverBy !== undefined && (
                <div className="muted" data-testid="handed-over-by" data-taken-over={s.openedBy !== undefined}>
                  {t('session.handedOverBy', { name: s.handedOverBy })}
                  {s.openedBy === undefined && ` · ${t('session.notTakenOver')}`}
                </div>
              )}
            </td>
            <td>{s.closedAt !== undefined ? `${time(s.closedAt)} ${s.closedBy ?? ''}` : t('session.stillOpen')}</td>
            <td className="num">
              {money(s.float, s.currency)}
              {s.corrections?.map((c, i) => (
                <div key={i} className="muted" data-testid="float-correction">
                  {money(c.from, s.currency)} → {money(c.float, s.currency)}: {c.reason} {c.staff ?? ''}
                </div>
              ))}
            </td>
            <td className="num">{money(s.expectedNow, s.currency)}</td>
            <td className="num">{s.counted !== undefined ? money(s.counted, s.currency) : ''}</td>
            <td className="num">{s.counted !== undefined ? money(s.counted - s.expectedNow, s.currency) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
