import { DateField, dateText } from '../components/DateField';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CashMove, DayState, DayTotals, DenominationCounts, DrawerSession, Snapshot, TillApi } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { CountSheet, FloatCorrection, SessionsTable } from '../components/DrawerSession';
import { CashMoveDialog, CashMovesTable } from '../components/CashMoveDialog';
import { AmountField } from '../components/AmountField';
import { closingReport, expectedCash, localDay } from '../day';
import { ActionResult } from '../components/ActionResult';
import { errorText } from '../errors';
import { money, time } from '../format';
import { ClosedDay, Difference } from '../features/day/ClosedDay';

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
