import { DateField, dateText } from '../components/DateField';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bucket, CashMove, DayState, DayTotals, DenominationCounts, DrawerSession, Snapshot, TillApi } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { CountSheet, CountsTable, FloatCorrection, SessionsTable } from '../components/DrawerSession';
import { AUDIT_EVENTS } from '../../../shared/constants';
import { CashMoveDialog, CashMovesTable } from '../components/CashMoveDialog';
import { AmountField } from '../components/AmountField';
import { ReconciliationView } from '../components/ReconciliationView';
import { closingReport, expectedCash, localDay, type ClosingReport } from '../day';
import { ActionResult } from '../components/ActionResult';
import { errorText } from '../errors';
import { money, time } from '../format';
import { isCustomLine } from '../sale';

interface Props {
  api: TillApi;
  snapshot: Snapshot;
  /** Bumped when sales change, so the expected cash is re-read. */
  version: number;
  /** After the day was opened or closed here. */
  onChanged(): void;
}

/** Whether this person may do what only a manager may (everyone may while no manager is set up). */
export const isManager = (s: Snapshot) => !s.staff?.some((m) => m.role === 'manager') || s.user?.role === 'manager';

/**
 * Opening the day with the cash float, closing it with the cash counted (expected cash, the difference, totals per
 * tender and card brand, refunds, VAT per rate and the check against MultiSafepay), and any closed day again, to
 * print or export.
 */
export function DayScreen({ api, snapshot, version, onChanged }: Props) {
  const { t } = useTranslation();
  const today = localDay();
  const currency = snapshot.settings.currency;
  const [date, setDate] = useState(today);
  const [state, setState] = useState<DayState | null>();
  const [totals, setTotals] = useState<DayTotals>();
  const [float, setFloat] = useState<number | null>(0);
  const [typed, setCounted] = useState<number | null>(0);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [moves, setMoves] = useState<CashMove[]>([]);
  const [moveDialog, setMoveDialog] = useState<'paid_in' | 'paid_out'>();
  const [drawerResult, setDrawerResult] = useState<{ saved?: string; error?: string }>({});
  const [sessions, setSessions] = useState<DrawerSession[]>([]);
  const [unusual, setUnusual] = useState(false);
  const [sheet, setSheet] = useState<{ counts: DenominationCounts; total: number }>();
  const [handOver, setHandOver] = useState(false);
  const manager = isManager(snapshot);

  useEffect(() => {
    setError(undefined);
    api.dayState(date === today ? {} : { date }).then(setState, (e: unknown) => setError(errorText(e)));
    api.dayReport({ date }).then(
      (r) => {
        setTotals(r.totals.find((x) => x.currency === currency));
        setMoves(r.cashMoves ?? []);
        setSessions(r.sessions ?? []);
      },
      () => setTotals(undefined),
    );
  }, [api, date, today, currency, version]);

  const openDrawer = () => {
    setDrawerResult({});
    api.openDrawer({}).then(
      () => setDrawerResult({ saved: t('cashMove.opened') }),
      (e: unknown) => setDrawerResult({ error: errorText(e) }),
    );
  };

  const run = (call: () => Promise<DayState>) => {
    setBusy(true);
    setError(undefined);
    call()
      .then(
        (d) => {
          setState(d);
          setUnusual(false);
          setSheet(undefined);
          setHandOver(false);
          onChanged();
        },
        (e: unknown) => {
          // An unusual float is asked to confirm, not refused for good.
          if (TillError.from(e).key === 'float_unusual') setUnusual(true);
          setError(errorText(e));
        },
      )
      .finally(() => {
        setBusy(false);
        setConfirm(false);
      });
  };

  const isToday = date === today;
  // A session the till opened by itself for money moved without one, and no float given: not opened by anyone yet.
  const notOpened = state === null || Boolean(state?.implicit);
  // The session in use has its own expected cash (a day may have several sessions); else the day's.
  const current = sessions.find((x) => x.id === state?.sessionId && x.closedAt === undefined);
  const expected = current?.expectedNow ?? expectedCash(state?.float ?? 0, totals);
  const counted = sheet ? sheet.total : typed;
  const report = state?.closedAt ? closingReport(state) : undefined;
  const closeParams = (n: number) => ({ counted: n, ...(sheet ? { counts: sheet.counts } : {}), ...(handOver ? { handOver: true } : {}) });

  return (
    <section className="day" aria-label={t('day.title')}>
      <h2>{t('day.title')}</h2>
      <div className="no-print">
        <DateField label={t('day.date')} value={date} max={today} onChange={setDate} />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {state === null && !isToday && <p className="muted">{t('day.nothing')}</p>}
      {isToday && (notOpened || state?.closedAt !== undefined) && (
        <form
          className="day-open no-print"
          onSubmit={(e) => {
            e.preventDefault();
            if (float !== null) run(() => api.openDay({ float }));
          }}
        >
          <p>{notOpened ? t('day.notOpen') : t('session.openNext')}</p>
          <AmountField
            label={t('day.float')}
            keypadLabel={t('day.float')}
            currency={currency}
            onChange={(v) => (setFloat(v), setUnusual(false))}
          />
          {unusual && float !== null ? (
            <div role="group" className="confirm" aria-label={t('session.unusual')} data-testid="float-unusual">
              <p>{t('session.unusual')}</p>
              <button type="button" className="danger" disabled={busy} onClick={() => run(() => api.openDay({ float, confirm: true }))}>
                {t('session.yesFloat')}
              </button>
              <button type="button" onClick={() => (setUnusual(false), setError(undefined))}>
                {t('cash.cancel')}
              </button>
            </div>
          ) : (
            <button type="submit" className="primary big" disabled={busy || float === null}>
              {notOpened ? t('day.openDay') : t('session.open')}
            </button>
          )}
        </form>
      )}
      {isToday && !state?.closedAt && state !== undefined && (
        <div className="cash-drawer no-print" role="group" aria-label={t('cashMove.drawer')}>
          <div className="row">
            <button type="button" onClick={() => (setDrawerResult({}), setMoveDialog('paid_in'))}>
              {t('cashMove.paidIn')}
            </button>
            <button
              type="button"
              onClick={() => (setDrawerResult({}), setMoveDialog('paid_out'))}
              aria-describedby={manager ? undefined : 'paid-out-needs-manager'}
            >
              {t('cashMove.paidOut')}
            </button>
            <button type="button" onClick={openDrawer}>
              {t('cashMove.openDrawer')}
            </button>
          </div>
          {!manager && (
            <p className="needs-manager" id="paid-out-needs-manager">
              {t('cashMove.paidOut')}: {t('staff.needsManager')}
            </p>
          )}
          <ActionResult saved={drawerResult.saved} error={drawerResult.error} />
          <CashMovesTable moves={moves} />
        </div>
      )}
      {moveDialog && (
        <CashMoveDialog
          api={api}
          kind={moveDialog}
          currency={currency}
          onClose={() => setMoveDialog(undefined)}
          onDone={(m) => {
            setMoveDialog(undefined);
            setDrawerResult({
              saved: t('cashMove.recorded', {
                what: t(m.kind === 'paid_in' ? 'cashMove.paidIn' : 'cashMove.paidOut'),
                amount: money(m.amount, m.currency),
              }),
            });
            onChanged();
          }}
        />
      )}
      {state && !state.closedAt && !state.implicit && (
        <div data-testid="day-open" data-day={state.day} data-session={state.sessionId}>
          <p>
            {t('day.openSince', { time: time(state.openedAt), float: money(state.float, state.currency) })}{' '}
            {state.openedBy && t('day.by', { name: state.openedBy })}
          </p>
          {isToday && state.day !== today && (
            <p className="orphan" role="status" data-testid="session-unclosed">
              {t('session.unclosed', { date: dateText(state.day) })}
            </p>
          )}
          {isToday && <FloatCorrection api={api} currency={state.currency} onDone={onChanged} />}
          {isToday && (
            <form
              className="day-close"
              onSubmit={(e) => {
                e.preventDefault();
                if (counted !== null) setConfirm(true);
              }}
            >
              <p>
                {t('day.expected')}:{' '}
                <strong data-testid="day-expected-now" data-amount={expected}>
                  {money(expected, currency)}
                </strong>
              </p>
              {sheet ? (
                <>
                  <CountSheet currency={currency} onChange={(counts, total) => setSheet({ counts, total })} />
                  <button type="button" className="small" onClick={() => setSheet(undefined)}>
                    {t('session.typeTotal')}
                  </button>
                </>
              ) : (
                <>
                  <AmountField label={t('day.counted')} keypadLabel={t('day.counted')} currency={currency} onChange={setCounted} />
                  <button type="button" className="small" onClick={() => setSheet({ counts: {}, total: 0 })}>
                    {t('session.countSheet')}
                  </button>
                </>
              )}
              <label className="check">
                <input type="checkbox" checked={handOver} onChange={(e) => setHandOver(e.target.checked)} /> {t('session.handOver')}
              </label>
              {counted !== null && (
                <p>
                  {t('day.difference')}: <Difference amount={counted - expected} currency={currency} />
                </p>
              )}
              {!manager && (
                <p className="needs-manager" id="close-needs-manager">
                  {t('staff.needsManager')}
                </p>
              )}
              {confirm ? (
                <div role="group" className="confirm" aria-label={t('day.confirmClose', { date: dateText(state.day) })}>
                  <p>{t('day.confirmClose', { date: dateText(state.day) })}</p>
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() => counted !== null && run(() => api.closeDay(closeParams(counted)))}
                  >
                    {t('day.yesClose')}
                  </button>
                  <button type="button" onClick={() => setConfirm(false)}>
                    {t('cash.cancel')}
                  </button>
                </div>
              ) : (
                <button
                  type="submit"
                  className="primary big"
                  disabled={busy || counted === null}
                  aria-describedby={manager ? undefined : 'close-needs-manager'}
                >
                  {t('day.closeDay')}
                </button>
              )}
            </form>
          )}
        </div>
      )}
      {state?.closedAt && <ClosedDay api={api} day={state} report={report} />}
      {sessions.length > 0 && <SessionsTable sessions={sessions} />}
    </section>
  );
}

function Difference({ amount, currency }: { amount: number; currency: string }) {
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
function ClosedDay({ api, day, report }: { api: TillApi; day: DayState; report: ClosingReport | undefined }) {
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

export function Totals({ totals: x }: { totals: DayTotals }) {
  const { t } = useTranslation();
  const rows: [string, string, Bucket][] = [
    ['tender-card', t('report.card'), x.tenders.card],
    ['tender-cash', t('report.cash'), x.tenders.cash],
    ...Object.entries(x.cardTypes).map(([k, b]): [string, string, Bucket] => [`card-${k}`, `· ${k}`, b]),
    // Tips customers added on the terminal: part of the card tender, never of sales or VAT.
    ...(x.tips ? [['tips', `· ${t('receipt.tip')}`, x.tips] as [string, string, Bucket]] : []),
    ...Object.entries(x.tipsByStaff ?? {}).map(([k, b]): [string, string, Bucket] => [`tips-${k}`, `· ${t('receipt.tip')} · ${k}`, b]),
    ['refunds-card', `${t('report.refunds')} · ${t('report.card')}`, x.refundsByTender.card],
    ['refunds-cash', `${t('report.refunds')} · ${t('report.cash')}`, x.refundsByTender.cash],
    ...(x.paidIn ? [['paid-in', t('report.paidIn'), x.paidIn] as [string, string, Bucket]] : []),
    ...(x.paidOut ? [['paid-out', t('report.paidOut'), x.paidOut] as [string, string, Bucket]] : []),
    ...(x.noSale ? [['no-sale', t('report.noSale'), x.noSale] as [string, string, Bucket]] : []),
    ...(x.discounts ? [['discounts', t('report.discounts'), x.discounts] as [string, string, Bucket]] : []),
    ...(x.training ? [['training', t('report.training'), x.training] as [string, string, Bucket]] : []),
    // The audit trail: baskets cleared, clears undone and lines removed before payment.
    ...AUDIT_EVENTS.flatMap((e): [string, string, Bucket][] => {
      const b = x.audit?.[e];
      return b ? [[`audit-${e}`, t(`report.audit.${e}`), b]] : [];
    }),
    // Cash rounding: what the drawer took more (or less) than the sales; never in VAT.
    ...(x.cashRounding ? [['cash-rounding', t('report.cashRounding'), x.cashRounding] as [string, string, Bucket]] : []),
  ];
  return (
    <>
      <table className="figures" data-currency={x.currency}>
        <caption>
          {t('report.tenders')} ({x.currency})
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{t('report.outcome')}</span>
            </th>
            <th scope="col">{t('report.count')}</th>
            <th scope="col">{t('report.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, name, b]) => (
            <tr key={k} data-testid={`day-${k}`} data-amount={b.amount}>
              <th scope="row">{name}</th>
              <td className="num">{b.count}</td>
              <td className="num">{money(b.amount, x.currency)}</td>
            </tr>
          ))}
          <tr className="receipt-total">
            <th scope="row">{t('report.net')}</th>
            <td />
            <td className="num" data-testid="day-net" data-amount={x.net}>
              {money(x.net, x.currency)}
            </td>
          </tr>
        </tbody>
      </table>
      {x.vat && x.vat.length > 0 && <VatTotals vat={x.vat} currency={x.currency} />}
      {x.products && x.products.length > 0 && (
        <table className="figures" data-testid="day-products">
          <caption>
            {t('report.products')} ({x.currency})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('report.product')}</th>
              <th scope="col">{t('report.quantity')}</th>
              <th scope="col">{t('report.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {x.products.map((p) => (
              <tr key={p.productId ?? p.name} data-testid="day-product" data-quantity={p.quantity} data-amount={p.amount}>
                <th scope="row">{isCustomLine(p.name) ? t('sale.customLine') : p.name}</th>
                <td className="num">{p.quantity}</td>
                <td className="num">{money(p.amount, x.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function VatTotals({ vat, currency }: { vat: NonNullable<DayTotals['vat']>; currency: string }) {
  const { t } = useTranslation();
  return (
    <table className="figures" data-testid="vat-totals">
      <caption>{t('day.vat')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('day.vatRate')}</th>
          <th scope="col">{t('day.gross')}</th>
          <th scope="col">{t('day.vatAmount')}</th>
        </tr>
      </thead>
      <tbody>
        {vat.map((v) => (
          <tr key={v.rate} data-rate={v.rate} data-vat={v.vat}>
            <td>{v.rate}%</td>
            <td className="num">{money(v.gross, currency)}</td>
            <td className="num">{money(v.vat, currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
