import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShopDay, ShopTillDay, Snapshot, TillApi } from '../../../shared/contract';
import { DateField } from '../components/DateField';
import { ReconciliationView } from '../components/ReconciliationView';
import { localDay } from '../day';
import { errorText } from '../errors';
import { money, time } from '../format';
import { Totals, VatTotals } from '../features/day/Totals';

interface Props {
  api: TillApi;
  snapshot: Snapshot;
  /** Bumped when this till's sales change or another till's reach the shop database, so the view is read again. */
  version: number;
}

/** A clock more than this far off the shop database's is pointed out beside its till (ms). */
const CLOCK_OFF_MS = 2 * 60_000;

/**
 * The shop's day across its counters, from the shop database: each till by name with its total, tenders, VAT per
 * rate and cash, all of them together, and the check against MultiSafepay over every till's card payments.
 */
export function ShopScreen({ api, snapshot, version }: Props) {
  const { t } = useTranslation();
  const today = localDay();
  const [date, setDate] = useState(today);
  const [day, setDay] = useState<ShopDay>();
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  const none = snapshot.settings.shopDatabase === 'none';
  useEffect(() => {
    setError(undefined);
    if (none) return;
    api.shopDay(date === today ? {} : { date }).then(
      (d) => setDay((old) => (old?.reconciliation && old.date === d.date ? { ...d, reconciliation: old.reconciliation } : d)),
      (e: unknown) => setError(errorText(e)),
    );
  }, [api, date, today, version, none]);

  const check = () => {
    setChecking(true);
    setError(undefined);
    api
      .shopDay({ date, reconcile: true })
      .then(setDay, (e: unknown) => setError(errorText(e)))
      .finally(() => setChecking(false));
  };

  if (none)
    return (
      <section className="shop" aria-label={t('shop.title')}>
        <h2>{t('shop.title')}</h2>
        <p className="muted">{t('shop.none')}</p>
      </section>
    );
  return (
    <section className="shop" aria-label={t('shop.title')}>
      <h2>{t('shop.title')}</h2>
      <div className="no-print row">
        <DateField label={t('day.date')} value={date} max={today} onChange={(d) => (setDay(undefined), setDate(d))} />
        <button onClick={check} disabled={checking}>
          {t('shop.check')}
        </button>
        <button onClick={() => window.print()}>{t('report.print')}</button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {day && (
        <div className="printable" data-testid="shop-day" data-date={day.date}>
          <p className="muted">{t('shop.asOf', { time: time(day.at) })}</p>
          <table className="figures" data-testid="shop-tills">
            <caption>{t('shop.tills')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('shop.till')}</th>
                <th scope="col">{t('report.card')}</th>
                <th scope="col">{t('report.cash')}</th>
                <th scope="col">{t('report.refunds')}</th>
                <th scope="col">{t('report.net')}</th>
                <th scope="col">{t('shop.drawer')}</th>
              </tr>
            </thead>
            <tbody>
              {day.tills.map((till) => (
                <TillRow key={till.tillId} till={till} />
              ))}
            </tbody>
          </table>
          {day.tills.length === 0 && <p className="muted">{t('shop.noTills')}</p>}
          {day.tills.map((till) =>
            till.totals
              .filter((x) => x.vat && x.vat.length > 0)
              .map((x) => (
                <div key={`${till.tillId}-${x.currency}`} data-testid="shop-till-vat" data-till={till.name}>
                  <h3>{till.name}</h3>
                  <VatTotals vat={x.vat!} currency={x.currency} />
                </div>
              )),
          )}
          <h3>{t('shop.allTills')}</h3>
          {day.totals.length === 0 && <p className="muted">{t('report.empty')}</p>}
          {day.totals.map((x) => (
            <div key={x.currency} data-testid="shop-totals">
              <Totals totals={x} />
            </div>
          ))}
          {day.overdrawnNotes && (
            <div className="warning" role="alert" data-testid="shop-overdrawn-notes">
              <h3>{t('shop.overdrawn')}</h3>
              <ul>
                {day.overdrawnNotes.map((x) => (
                  <li key={x.code} data-code={x.code} data-amount={x.amount} data-spent={x.spent}>
                    {t('shop.overdrawnNote', { code: x.code, spent: money(x.spent, x.currency), amount: money(x.amount, x.currency) })}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {day.reconciliation && <ReconciliationView rec={day.reconciliation} />}
        </div>
      )}
    </section>
  );
}

function TillRow({ till }: { till: ShopTillDay }) {
  const { t } = useTranslation();
  const x = till.totals[0];
  const cur = x?.currency ?? till.cash?.currency ?? 'EUR';
  const clockOff = Math.abs(till.clockSkewMs) > CLOCK_OFF_MS;
  return (
    <tr data-testid="shop-till" data-till={till.name} data-net={x?.net ?? 0}>
      <th scope="row">
        {till.name}
        {till.thisTill && <span className="muted"> ({t('shop.thisTill')})</span>}
        {till.sameName && <span className="warning"> · {t('shop.sameName', { id: till.tillId.slice(0, 8) })}</span>}
        {clockOff && (
          <span className="warning" data-testid="shop-clock-off">
            {' '}
            · {t('shop.clockOff', { minutes: Math.round(till.clockSkewMs / 60_000) })}
          </span>
        )}
        <br />
        <span className="muted">{t('shop.lastSeen', { time: time(till.lastSeen) })}</span>
      </th>
      <td className="num">{money(x?.tenders.card.amount ?? 0, cur)}</td>
      <td className="num">{money(x?.tenders.cash.amount ?? 0, cur)}</td>
      <td className="num">{money(x?.refunds.amount ?? 0, cur)}</td>
      <td className="num">
        <strong>{money(x?.net ?? 0, cur)}</strong>
      </td>
      <td className="num">
        {till.cash ? (
          <>
            {t('day.expected')}: {money(till.cash.expected, till.cash.currency)}
            {till.cash.counted !== undefined && (
              <>
                <br />
                {t('day.counted')}: {money(till.cash.counted, till.cash.currency)}
              </>
            )}
          </>
        ) : (
          <span className="muted">{t('shop.notOpened')}</span>
        )}
      </td>
    </tr>
  );
}
