import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/App';
import type { DayReport, SaleRecord } from '../../shared/contract';
import { fakeApi } from '../helpers/fake-api';

const sale: SaleRecord = {
  saleId: 'abc-1',
  createdAt: Date.now(),
  lines: [{ name: 'Apple', unitPrice: 150, quantity: 2 }],
  total: 300,
  currency: 'EUR',
  tender: 'card',
  status: 'paid',
  attempts: [
    {
      orderId: 'abc-1-1',
      terminalId: 'T1',
      state: 'completed',
      createdAt: Date.now(),
      card: { type: 'VISA', last4: '4242', authorizationCode: '999999' },
    },
  ],
  refunds: [],
};

describe('settings screen', () => {
  it('never shows the saved API key; a new key is write-only', async () => {
    const f = fakeApi();
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(screen.getByText('An API key is saved (hidden).')).toBeInTheDocument();
    const key = screen.getByLabelText('API key');
    expect(key).toHaveAttribute('type', 'password');
    expect(key).toHaveValue('');
    await user.type(key, 'secret-key-1234567890');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ apiKey: 'secret-key-1234567890', mode: 'live' }));
    expect(key).toHaveValue('');
  });

  it('shows a refused field next to the field and asks before storing a key without a keychain', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, keyStorage: 'basic_text' };
    f.api.saveSettings.mockRejectedValueOnce({
      code: 'bad_request',
      field: 'currency',
      message: 'Card payments on the terminal are taken in EUR',
    });
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Card payments on the terminal are taken in EUR')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: /Currency/ })).toHaveAttribute('aria-invalid', 'true');
    // MultiSafepay has no POS test environment: Test is not offered, and Settings says why.
    expect(screen.getByRole('combobox', { name: 'Mode' }).querySelectorAll('option')).toHaveLength(3);
    expect(screen.getByText(/no test environment/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('API key'), 'secret-key-1234567890');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ apiKey: 'secret-key-1234567890' }));
  });
});

describe('history and report screens', () => {
  it('searches history and opens the detail view with card details', async () => {
    const f = fakeApi();
    f.api.history.mockResolvedValue([sale]);
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'History' }));
    await user.type(screen.getByRole('searchbox'), '3,00');
    expect(f.api.history).toHaveBeenLastCalledWith({ query: '3,00', limit: 50 });
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    expect(screen.getByTestId('attempt')).toHaveTextContent('VISA 4242 · 999999');
    expect(screen.getByRole('textbox', { name: 'Refund amount' })).toBeInTheDocument();
  });

  it('refuses a refund above what is left, without calling the till', async () => {
    const f = fakeApi();
    f.api.history.mockResolvedValue([sale]);
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'History' }));
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    await user.type(screen.getByRole('textbox', { name: 'Refund amount' }), '4');
    await user.click(screen.getByRole('button', { name: 'Refund' }));
    expect(screen.getByRole('alert')).toBeInTheDocument();
    expect(f.api.refund).not.toHaveBeenCalled();
  });

  it('day report flags orphan payments loudly', async () => {
    const f = fakeApi();
    const b = { count: 0, amount: 0 };
    const report: DayReport = {
      date: '2026-11-26',
      totals: [
        {
          currency: 'EUR',
          outcomes: { completed: { count: 1, amount: 300 }, cancelled: b, failed: b, pending: b },
          tenders: { card: { count: 1, amount: 300 }, cash: b },
          cardTypes: { VISA: { count: 1, amount: 300 } },
          refunds: b,
          refundsByTender: { card: b, cash: b },
          net: 300,
        },
      ],
    };
    f.api.dayReport.mockImplementation(async (p: { reconcile?: boolean }) =>
      p.reconcile
        ? {
            ...report,
            reconciliation: {
              at: 1,
              checked: 2,
              mismatches: [
                {
                  orderId: 'o-9',
                  saleId: 's',
                  terminalId: 'T1',
                  amount: 500,
                  currency: 'EUR',
                  till: 'cancelled',
                  msp: 'completed',
                  kind: 'orphan_payment',
                },
              ],
            },
          }
        : report,
    );
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Day report' }));
    expect(await screen.findByTestId('report-net')).toHaveTextContent('€3.00');
    await user.click(screen.getByRole('button', { name: 'Check with MultiSafepay' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('PAID AT MULTISAFEPAY BUT NOT RECORDED AS PAID');
    expect(alert).toHaveTextContent('o-9');

    // Export CSV: the day's figures and the mismatch, in minor units.
    let blob: Blob | undefined;
    const create = vi.fn((b: Blob) => ((blob = b), 'blob:report'));
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(click).toHaveBeenCalled();
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blob!);
    });
    const csv = text.trim().split('\n');
    expect(csv[0]).toBe('section,name,count,amount_minor,currency');
    expect(csv).toContain('outcome,"Completed",1,300,EUR');
    expect(csv).toContain('card_type,"VISA",1,300,EUR');
    expect(csv).toContain('net,"Net takings",,300,EUR');
    expect(csv).toContain('mismatch,"orphan_payment o-9 till=cancelled msp=completed",1,500,EUR');
  });
});
