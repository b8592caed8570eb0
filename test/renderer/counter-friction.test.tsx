/**
 * Friction at the counter and in Settings: Save staff keeps the person at work and their unsaved settings, staff
 * boxes carry visible labels, VAT typed with percent signs, F3 for Split, F9 puts the cursor in the search box,
 * dates in the till's language, and the core's refusals in Dutch.
 */
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { parseDate } from '../../renderer/src/components/DateField';
import { localDay } from '../../renderer/src/day';
import { SENTENCES } from '../../renderer/src/errors';
import { nl } from '../../renderer/src/locales/nl';
import { parseRates } from '../../renderer/src/features/settings/vatRates';
import type { Params, StaffMember } from '../../shared/contract';
import { fakeApi } from '../helpers/fake-api';

async function renderApp(f = fakeApi()) {
  render(<App api={f.api} />);
  await screen.findByRole('button', { name: 'Settings' });
  return { f, user: userEvent.setup() };
}

describe('Settings', () => {
  it('Save staff on a till without staff: the person who set up the manager stays at work, unsaved shop details stay on the screen, each box has a visible label', async () => {
    const { f, user } = await renderApp();
    // The core signs in the first manager whose PIN was just typed (tested against the real core in books.test.ts).
    f.api.saveStaff.mockImplementation(async (p: Params<'saveStaff'>) => {
      const staff: StaffMember[] = p.staff.map(({ id, name, role }) => ({ id, name, role }));
      act(() => f.push({ type: 'staff', user: staff.find((m) => m.role === 'manager') ?? null, staff }));
      return staff;
    });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const shop = screen.getByRole('textbox', { name: /Shop name/ });
    await user.clear(shop);
    await user.type(shop, 'Bakkerij Jansen');
    await user.click(screen.getByRole('button', { name: 'Add person' }));
    const row = screen.getAllByTestId('staff-row')[0]!;
    await user.type(within(row).getByRole('textbox', { name: 'Name 1' }), 'Anna');
    await user.type(within(row).getByLabelText('PIN 1'), '1234');
    for (const label of ['Name', 'Role', 'PIN']) expect(within(row).getByText(label)).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Save staff' }));
    expect(await screen.findByText('Staff saved.', { exact: false })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
    expect(screen.getByRole('textbox', { name: /Shop name/ })).toHaveValue('Bakkerij Jansen');
  });

  it('VAT rates typed with percent signs are read as rates', async () => {
    expect(parseRates('21%, 9%, 0%')).toEqual([21, 9, 0]);
    expect(parseRates('21 %; 9 %')).toEqual([21, 9]);
    expect(parseRates('21%, x%')).toBeNull();
    const { f, user } = await renderApp();
    f.snap.settings = { ...f.snap.settings, vatRates: [21, 9, 0], customVatRate: 21 };
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const rates = screen.getByRole('textbox', { name: /VAT rates offered/ });
    await user.clear(rates);
    await user.type(rates, '21%, 9%, 0%');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ vatRates: [21, 9, 0] }));
  });
});

describe('keys', () => {
  it('F3 opens Split for the basket', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    expect(screen.getByRole('button', { name: /Split/ })).toHaveAttribute('aria-keyshortcuts', 'F3');
    await user.keyboard('{F3}');
    expect(screen.getByRole('dialog', { name: 'Split payment' })).toBeInTheDocument();
  });

  it('F9 opens History with the cursor in the search box, from a sale too', async () => {
    const { user } = await renderApp();
    await user.keyboard('{F9}');
    const search = await screen.findByRole('searchbox', { name: /Search sales/ });
    await act(() => new Promise(requestAnimationFrame));
    expect(search).toHaveFocus();
    search.blur();
    await user.keyboard('{F9}');
    await act(() => new Promise(requestAnimationFrame));
    expect(screen.getByRole('searchbox', { name: /Search sales/ })).toHaveFocus();
  });
});

describe('dates in the till’s language', () => {
  it('reads the ways a day is typed, and only real days', () => {
    expect(parseDate('30-11-2026')).toBe('2026-11-30');
    expect(parseDate('1/2/2026')).toBe('2026-02-01');
    expect(parseDate('2026-11-30')).toBe('2026-11-30');
    expect(parseDate('31-02-2026')).toBeUndefined();
    expect(parseDate('11/30/2026')).toBeUndefined();
  });

  it('Dutch: the day is shown as dd-mm-jjjj, a typed day is looked up, a wrong one is refused in Dutch and nothing is asked', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [] });
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Dag' }));
    const [y, m, d] = localDay().split('-');
    const field = await screen.findByRole('textbox', { name: 'Dag' });
    expect(field).toHaveValue(`${d}-${m}-${y}`);
    await user.clear(field);
    await user.type(field, '1-11-2025');
    expect(f.api.dayState).toHaveBeenLastCalledWith({ date: '2025-11-01' });
    const calls = f.api.dayState.mock.calls.length;
    await user.clear(field);
    await user.type(field, '31-02-2025');
    expect(screen.getByRole('alert')).toHaveTextContent(/^Typ een datum zoals \d\d-\d\d-\d{4}\.$/);
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(f.api.dayState.mock.calls.length).toBe(calls);
    await user.click(screen.getByRole('button', { name: 'Vorige dag' }));
    expect(f.api.dayState).toHaveBeenLastCalledWith({ date: '2025-10-31' });
  });

  it('English: the day is shown day first, never in the US order', async () => {
    const f = fakeApi();
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [] });
    const { user } = await renderApp(f);
    await user.click(screen.getByRole('button', { name: 'Day' }));
    const [y, m, d] = localDay().split('-');
    expect(await screen.findByRole('textbox', { name: 'Day' })).toHaveValue(`${d}/${m}/${y}`);
  });
});

describe('refusals in Dutch', () => {
  it('every refusal the core words in English has a Dutch sentence', () => {
    const errors = nl.errors as Record<string, string>;
    for (const [, key] of SENTENCES) expect(errors[key], key).toEqual(expect.any(String));
  });

  it('cash for a sale the core no longer has reads in Dutch, not in English', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.payCash.mockRejectedValue({ code: 'not_found', message: 'No card sale eb2a1db9-10 to pay in cash.' });
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Apple/ }));
    await user.click(screen.getByRole('button', { name: /Contant/ }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /Gepast/ }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Deze verkoop kan niet contant worden betaald - hij is al betaald of bestaat niet meer.',
    );
  });
});
