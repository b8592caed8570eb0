import { CashMovesTable } from '../components/CashMoveDialog';
import { SessionsTable } from '../components/DrawerSession';
import { DateField, dateText } from '../components/DateField';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionResult } from '../components/ActionResult';
import { errorText } from '../errors';
import type { Bucket, DayReport, DayTotals, TillApi } from '../../../shared/contract';
import { AUDIT_EVENTS } from '../../../shared/constants';
import { ReconciliationView } from '../components/ReconciliationView';
import { money } from '../format';
import { figureTestId, storeCreditRows } from '../features/day/Totals';

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Day totals and the end-of-day report, with the check against MultiSafepay. Printable and exportable as CSV. */
export function ReportScreen({ api, version }: { api: TillApi; version: number }) {
  const { t } = useTranslation();
  const [date, setDate] = useState(today());
  const [report, setReport] = useState<DayReport>();
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);
  const [saved, setSaved] = useState<string>();

  useEffect(() => {
    api.dayReport({ date }).then(setReport, (e: unknown) => setError(errorText(e)));
  }, [api, date, version]);

  const reconcile = () => {
    setChecking(true);
    setError(undefined);
    api
      .dayReport({ date, reconcile: true })
      .then(setReport, (e: unknown) => setError(errorText(e)))
      .finally(() => setChecking(false));
  };

  const rows = (r: DayTotals): [string, string, Bucket][] => [
    ['outcome', t('report.completed'), r.outcomes.completed],
    ['outcome', t('report.cancelled'), r.outcomes.cancelled],
    ['outcome', t('report.failed'), r.outcomes.failed],
    ['outcome', t('report.pending'), r.outcomes.pending],
    ['tender', t('report.card'), r.tenders.card],
    ['tender', t('report.cash'), r.tenders.cash],
    ...Object.entries(r.cardTypes).map(([k, b]): [string, string, Bucket] => ['card_type', k, b]),
    ['refunds', t('report.refunds'), r.refunds],
    ...(r.cashRounding ? [['cash_rounding', t('report.cashRounding'), r.cashRounding] as [string, string, Bucket]] : []),
    ...(r.paidIn ? [['paid_in', t('report.paidIn'), r.paidIn] as [string, string, Bucket]] : []),
    ...(r.paidOut ? [['paid_out', t('report.paidOut'), r.paidOut] as [string, string, Bucket]] : []),
    ...(r.noSale ? [['no_sale', t('report.noSale'), r.noSale] as [string, string, Bucket]] : []),
    ...(r.discounts ? [['discounts', t('report.discounts'), r.discounts] as [string, string, Bucket]] : []),
    ...storeCreditRows(t, r),
    ...(r.training ? [['training', t('report.training'), r.training] as [string, string, Bucket]] : []),
    ...AUDIT_EVENTS.flatMap((e): [string, string, Bucket][] => {
      const b = r.audit?.[e];
      return b ? [[e, t(`report.audit.${e}`), b]] : [];
    }),
  ];

  const exportCsv = (r: DayReport) => {
    const esc = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const lines = ['section,name,count,amount_minor,currency'];
    for (const totals of r.totals) {
      for (const [section, name, b] of rows(totals)) lines.push([section, esc(name), b.count, b.amount, totals.currency].join(','));
      lines.push(['net', esc(t('report.net')), '', totals.net, totals.currency].join(','));
    }
    for (const m of r.reconciliation?.mismatches ?? [])
      lines.push(['mismatch', esc(`${m.kind} ${m.orderId} till=${m.till} msp=${m.msp}`), 1, m.amount, m.currency].join(','));
    const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `day-report-${r.date}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="report printable" aria-label={t('report.title')}>
      <h2>
        {t('report.title')} {report?.date && dateText(report.date)}
      </h2>
      <div className="no-print row">
        <DateField label={t('report.date')} value={date} onChange={setDate} />
        <button onClick={reconcile} disabled={checking}>
          {t('report.reconcile')}
        </button>
        <button onClick={() => window.print()}>{t('report.print')}</button>
        {report && <button onClick={() => exportCsv(report)}>{t('report.csv')}</button>}
        {(['exportTransactions', 'exportJournal'] as const).map((m) => (
          <button
            key={m}
            onClick={() =>
              api[m]({ from: date, to: date }).then(
                (r) => setSaved(t(m === 'exportJournal' ? 'session.journalExported' : 'report.exported', { rows: r.rows, path: r.path })),
                (e: unknown) => setError(errorText(e)),
              )
            }
          >
            {t(m === 'exportTransactions' ? 'report.exportTransactions' : 'session.exportJournal')}
          </button>
        ))}
        <button
          onClick={() =>
            api.exportBackup({}).then(
              (r) => setSaved(t('report.backedUp', { path: r.path })),
              (e: unknown) => setError(errorText(e)),
            )
          }
        >
          {t('report.backup')}
        </button>
      </div>
      <ActionResult saved={saved} error={error} />
      {report && (
        <>
          {report.totals.length === 0 && <p className="muted">{t('report.empty')}</p>}
          {report.totals.map((totals) => (
            <table key={totals.currency} data-currency={totals.currency}>
              <thead>
                <tr>
                  <th>{report.totals.length > 1 ? totals.currency : <span className="sr-only">{t('report.outcome')}</span>}</th>
                  <th>{t('report.count')}</th>
                  <th>{t('report.amount')}</th>
                </tr>
              </thead>
              <tbody>
                {rows(totals).map(([section, name, b]) => (
                  <tr key={`${section}-${name}`} data-testid={figureTestId('report', section)} data-amount={b.amount}>
                    <td>{name}</td>
                    <td className="num">{b.count}</td>
                    <td className="num">{money(b.amount, totals.currency)}</td>
                  </tr>
                ))}
                <tr className="receipt-total">
                  <td>{t('report.net')}</td>
                  <td />
                  <td className="num" data-testid="report-net" data-amount={totals.net}>
                    {money(totals.net, totals.currency)}
                  </td>
                </tr>
              </tbody>
            </table>
          ))}
          <CashMovesTable moves={report.cashMoves ?? []} />
          {report.sessions && report.sessions.length > 0 && <SessionsTable sessions={report.sessions} />}
          {report.reconciliation && <ReconciliationView rec={report.reconciliation} />}
        </>
      )}
    </section>
  );
}
