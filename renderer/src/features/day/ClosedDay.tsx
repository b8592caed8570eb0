import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DayState, TillApi } from '../../../../shared/contract';
import { CountsTable } from '../../components/DrawerSession';
import { CashMovesTable } from '../../components/CashMoveDialog';
import { ReconciliationView } from '../../components/ReconciliationView';
import { ActionResult } from '../../components/ActionResult';
import type { ClosingReport } from '../../day';
import { errorText } from '../../errors';
import { money, time } from '../../format';
import { Totals } from './Totals';

/** Counted against expected: short, over or even. */
export function Difference({ amount, currency }: { amount: number; currency: string }) {
  const { t } = useTranslation();
  const cls = amount < 0 ? 'difference-short' : amount > 0 ? 'difference-over' : 'ok';
  const text =
    amount < 0
      ? t('day.short', { amount: money(-amount, currency) })
      : amount > 0
        ? t('day.over', { amount: money(amount, currency) })
        : t('day.even');
  return (
    <strong className={cls} data-testid="day-difference" data-amount={amount}>
      {text}
    </strong>
  );
}

/** The closed day's exports: the method, its button, and what it says once saved. */
const EXPORTS = [
  ['exportTransactions', 'report.exportTransactions', 'report.exported'],
  ['exportJournal', 'session.exportJournal', 'session.journalExported'],
  ['exportAudit', 'session.exportAudit', 'session.auditExported'],
] as const;

/** A closed day: the cash, the totals and VAT as they were at closing, the check against MultiSafepay. */
export function ClosedDay({ api, day, report }: { api: TillApi; day: DayState; report: ClosingReport | undefined }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();
  const cur = report?.currency ?? day.currency;
  const rec = report?.reconciliation;
  const cashRows: [string, string, number][] = report
    ? [
        ['float', t('day.float'), report.float],
        ['expected', t('day.expected'), report.expected],
        ['counted', t('day.counted'), report.counted],
      ]
    : [];
  return (
    <div className="printable day-closed-report" data-testid="day-closed" data-day={day.day}>
      <p className="day-closed">{t('day.closed')}</p>
      <h3>
        {t('day.report')} {day.day}
      </h3>
      <p>
        {day.closedAt && t('day.closedAt', { time: time(day.closedAt) })} {day.closedBy && t('day.by', { name: day.closedBy })}
      </p>
      <div className="no-print row">
        <button onClick={() => window.print()}>{t('report.print')}</button>
        {EXPORTS.map(([m, label, done]) => (
          <button
            key={m}
            onClick={() =>
              api[m]({ from: day.day, to: day.day }).then(
                (r) => setSaved(t(done, { rows: r.rows, path: r.path })),
                (e: unknown) => setError(errorText(e)),
              )
            }
          >
            {t(label)}
          </button>
        ))}
      </div>
      <ActionResult saved={saved} error={error} />
      {report && (
        <>
          <table className="figures">
            <caption>{t('day.cashTitle')}</caption>
            <tbody>
              {cashRows.map(([k, name, amount]) => (
                <tr key={k} data-testid={`day-${k}`} data-amount={amount}>
                  <th scope="row">{name}</th>
                  <td className="num">{money(amount, cur)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t('day.difference')}</th>
                <td className="num">
                  <Difference amount={report.difference} currency={cur} />
                </td>
              </tr>
            </tbody>
          </table>
          {day.counts && <CountsTable counts={day.counts} currency={cur} />}
          {report.totals.map((x) => (
            <Totals key={x.currency} totals={x} />
          ))}
          <CashMovesTable moves={report.cashMoves ?? []} />
          {rec === 'unreachable' ? (
            <p className="orphan" role="alert">
              {t('day.unreachable')}
            </p>
          ) : (
            rec && <ReconciliationView rec={rec} />
          )}
        </>
      )}
    </div>
  );
}
