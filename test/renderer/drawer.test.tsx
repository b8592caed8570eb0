/** Drawer sessions on the screens: the sale screen asks to open one, an unusual float asks to confirm, the count sheet. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { localDay } from '../../renderer/src/day';
import type { DayState, DrawerSession } from '../../shared/contract';
import { TillError } from '../../shared/errors';
import { fakeApi } from '../helpers/fake-api';

/** A drawer session of today with a 50.00 float, and `more`. */
const drawerSession = (id: number, more: Partial<DrawerSession> = {}): DrawerSession => ({
  id,
  day: localDay(),
  openedAt: Date.now(),
  float: 5000,
  openingFloat: 5000,
  currency: 'EUR',
  totals: [],
  expectedNow: 5000,
  ...more,
});

async function renderApp(f = fakeApi()) {
  render(<App api={f.api} />);
  return { f, user: userEvent.setup() };
}

describe('drawer sessions on the screens', () => {
  it('with no session open the sale screen asks to open one and leads to the Day screen', async () => {
    const f = fakeApi();
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [] });
    const { user } = await renderApp(f);
    const banner = await screen.findByTestId('no-session-banner');
    expect(banner).toHaveTextContent('No drawer session is open');
    await user.click(within(banner).getByRole('button', { name: 'Open drawer session' }));
    expect(await screen.findByText('The day has not been opened.')).toBeInTheDocument();
  });

  it('a session open: no banner', async () => {
    const open: DayState = { day: localDay(), openedAt: Date.now(), float: 10_000, currency: 'EUR', sessionId: 3 };
    await renderApp(fakeApi({ today: open }));
    await screen.findByRole('button', { name: 'Charge' });
    expect(screen.queryByTestId('no-session-banner')).toBeNull();
  });

  it('an unusual float asks to confirm and is sent again with confirm', async () => {
    const f = fakeApi();
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [] });
    f.api.openDay.mockRejectedValueOnce(
      new TillError({
        code: 'bad_request',
        field: 'float',
        key: 'float_unusual',
        message: 'A float of €2,000.00 is unusual - check it and confirm.',
      }),
    );
    f.api.openDay.mockResolvedValueOnce({ day: localDay(), openedAt: Date.now(), float: 200_000, currency: 'EUR', sessionId: 1 });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Day' }));
    await user.type(await screen.findByRole('textbox', { name: 'Cash float' }), '2000');
    await user.click(screen.getByRole('button', { name: 'Open day' }));
    const ask = await screen.findByTestId('float-unusual');
    expect(f.api.openDay).toHaveBeenLastCalledWith({ float: 200_000 });
    await user.click(within(ask).getByRole('button', { name: 'Yes, open with this float' }));
    expect(f.api.openDay).toHaveBeenLastCalledWith({ float: 200_000, confirm: true });
    expect(await screen.findByTestId('day-open')).toHaveTextContent('€2,000.00');
  });

  it('closes with the count sheet: its total is what is counted, the counts and a hand-over are sent', async () => {
    const open: DayState = { day: localDay(), openedAt: Date.now(), float: 10_000, currency: 'EUR', sessionId: 1 };
    const f = fakeApi({ today: open });
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [] });
    f.api.closeDay.mockResolvedValue({ ...open, closedAt: Date.now(), counted: 10_060, expected: 10_000 });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Day' }));
    await user.click(await screen.findByRole('button', { name: 'Count by note and coin' }));
    await user.type(screen.getByRole('textbox', { name: 'Number of €50.00' }), '2');
    await user.type(screen.getByRole('textbox', { name: 'Number of €0.20' }), '3');
    expect(screen.getByTestId('count-total')).toHaveAttribute('data-amount', '10060');
    expect(screen.getByTestId('day-difference')).toHaveAttribute('data-amount', '60');
    await user.click(screen.getByRole('checkbox', { name: /Hand over/ }));
    await user.click(screen.getByRole('button', { name: 'Close day' }));
    await user.click(screen.getByRole('button', { name: 'Yes, close the day' }));
    expect(f.api.closeDay).toHaveBeenCalledWith({ counted: 10_060, counts: { '5000': 2, '20': 3 }, handOver: true });
  });

  it('the Day report lists the drawer sessions of the date and exports the bookkeeping journal', async () => {
    const f = fakeApi({ today: { day: localDay(), openedAt: Date.now(), float: 5000, currency: 'EUR', sessionId: 2 } });
    const session = (id: number, counted?: number) =>
      drawerSession(id, counted !== undefined ? { closedAt: Date.now(), counted, expected: 5000 } : {});
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [], sessions: [session(1, 4990), session(2)] });
    f.api.exportJournal.mockResolvedValue({ path: '/tmp/journal.csv', rows: 24 });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Day report' }));
    const rows = (await screen.findByTestId('sessions')).querySelectorAll('tr[data-session]');
    expect([...rows].map((r) => [r.getAttribute('data-session'), r.getAttribute('data-counted')])).toEqual([
      ['1', '4990'],
      ['2', null],
    ]);
    await user.click(screen.getByRole('button', { name: 'Export bookkeeping journal (CSV)' }));
    expect(f.api.exportJournal).toHaveBeenCalledWith({ from: localDay(), to: localDay() });
    expect(await screen.findByTestId('export-result')).toHaveTextContent('24 journal row(s) saved to /tmp/journal.csv');
  });

  it('the Day screen names who handed a drawer over, and who took it over or that nobody has yet', async () => {
    const f = fakeApi({ today: { day: localDay(), openedAt: Date.now(), float: 5000, currency: 'EUR', sessionId: 3 } });
    const session = drawerSession;
    f.api.dayReport.mockResolvedValue({
      date: localDay(),
      totals: [],
      sessions: [
        session(1, { openedBy: 'Anna' }),
        session(2, { handedOverBy: 'Anna', openedBy: 'Bob' }),
        session(3, { handedOverBy: 'Bob' }),
      ],
    });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Day' }));
    const table = await screen.findByTestId('sessions');
    const row = (id: number) => table.querySelector<HTMLElement>(`tr[data-session="${id}"]`)!;
    await within(table).findAllByTestId('handed-over-by');
    expect(within(row(1)).queryByTestId('handed-over-by')).toBeNull();
    expect(row(1)).toHaveTextContent('Anna');
    expect(within(row(2)).getByTestId('handed-over-by')).toHaveTextContent('Handed over by Anna');
    expect(within(row(2)).getByTestId('handed-over-by')).not.toHaveTextContent('Not taken over yet');
    expect(row(2)).toHaveTextContent('Bob');
    expect(within(row(3)).getByTestId('handed-over-by')).toHaveTextContent('Handed over by Bob · Not taken over yet');
  });
});
