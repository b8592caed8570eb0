import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import type { DayTotals, ShopDay } from '../../shared/contract';
import { fakeApi } from '../helpers/fake-api';

const b = (count: number, amount: number) => ({ count, amount });
function totals(card: number, cash: number, refunds = 0): DayTotals {
  return {
    currency: 'EUR',
    outcomes: { completed: b(2, card + cash), cancelled: b(0, 0), failed: b(0, 0), pending: b(0, 0) },
    tenders: { card: b(card ? 1 : 0, card), cash: b(cash ? 1 : 0, cash) },
    cardTypes: {},
    refunds: b(refunds ? 1 : 0, refunds),
    refundsByTender: { card: b(0, 0), cash: b(refunds ? 1 : 0, refunds) },
    net: card + cash - refunds,
    vat: [{ rate: 21, gross: card + cash - refunds, vat: Math.round(((card + cash - refunds) * 21) / 121) }],
  };
}

const day = (over: Partial<ShopDay> = {}): ShopDay => ({
  date: '2026-11-30',
  at: Date.now(),
  tills: [
    {
      tillId: '7c1e0a52-0000-4000-8000-000000000001',
      name: 'Back',
      lastSeen: Date.now(),
      clockSkewMs: -3 * 3600_000,
      totals: [totals(0, 275)],
    },
    {
      tillId: '7c1e0a52-0000-4000-8000-000000000002',
      name: 'Front',
      thisTill: true,
      lastSeen: Date.now(),
      clockSkewMs: 0,
      totals: [totals(1250, 1525, 275)],
      cash: { currency: 'EUR', float: 10_000, expected: 11_250 },
    },
  ],
  totals: [totals(1250, 1800, 275)],
  ...over,
});

describe('the Shop screen', () => {
  it('shows each till by name with its total, tenders, VAT and cash, and the check over every till names the till of an orphan', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, shopDatabase: 'set', tillName: 'Front' };
    f.api.shopDay.mockResolvedValueOnce(day());
    f.api.shopDay.mockResolvedValueOnce(
      day({
        reconciliation: {
          at: Date.now(),
          checked: 2,
          mismatches: [
            {
              orderId: 'o-9',
              saleId: 's-9',
              terminalId: 'T2',
              amount: 1250,
              currency: 'EUR',
              till: 'cancelled',
              msp: 'completed',
              kind: 'orphan_payment',
              tillName: 'Back',
            },
          ],
        },
      }),
    );
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Shop' }));
    const rows = await screen.findAllByTestId('shop-till');
    expect(rows.map((r) => [r.dataset.till, r.dataset.net])).toEqual([
      ['Back', '275'],
      ['Front', '2500'],
    ]);
    expect(within(rows[1]!).getByText(/this till/)).toBeInTheDocument();
    expect(within(rows[0]!).getByTestId('shop-clock-off')).toHaveTextContent('-180 min off');
    expect(within(rows[1]!).getByText(/Expected/)).toHaveTextContent('€112.50');
    expect(screen.getAllByTestId('shop-till-vat').map((v) => v.dataset.till)).toEqual(['Back', 'Front']);
    expect(within(screen.getByTestId('shop-totals')).getByTestId('day-net')).toHaveAttribute('data-amount', '2775');
    await user.click(screen.getByRole('button', { name: 'Check all tills with MultiSafepay' }));
    expect(f.api.shopDay).toHaveBeenLastCalledWith({ date: expect.any(String), reconcile: true });
    const orphan = await screen.findByTestId('mismatch');
    expect(orphan).toHaveAttribute('data-kind', 'orphan_payment');
    expect(orphan).toHaveTextContent('Back');
  });

  it('without a shop database says where to set one', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, shopDatabase: 'none' };
    render(<App api={f.api} />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Shop' }));
    expect(screen.getByText(/No shop database is set/)).toBeInTheDocument();
    expect(f.api.shopDay).not.toHaveBeenCalled();
  });

  it('a banner says since when the shop database is offline and how much is queued, and goes once it is back', async () => {
    const f = fakeApi({ shop: { online: false, offlineSince: Date.parse('2026-11-30T14:02:00'), queued: 37, nameTaken: false } });
    render(<App api={f.api} />);
    const banner = await screen.findByTestId('shop-offline');
    expect(banner).toHaveTextContent(/Shop database offline since .*14:02.* 37 change\(s\) queued/);
    act(() =>
      f.push({ type: 'shop', shop: { online: false, offlineSince: Date.parse('2026-11-30T14:02:00'), queued: 40, nameTaken: false } }),
    );
    expect(screen.getByTestId('shop-offline')).toHaveAttribute('data-queued', '40');
    act(() => f.push({ type: 'shop', shop: { online: true, queued: 0, nameTaken: false } }));
    expect(screen.queryByTestId('shop-offline')).toBeNull();
  });

  it('Settings keeps the shop database write-only and saves the till name', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, shopDatabase: 'set', tillName: 'Front' };
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(screen.getByText('A shop database is saved (hidden).')).toBeInTheDocument();
    const url = screen.getByLabelText('Shop database');
    expect(url).toHaveAttribute('type', 'password');
    expect(url).toHaveValue('');
    const name = screen.getByLabelText('Till name');
    await user.clear(name);
    await user.type(name, 'Terrace');
    await user.type(url, 'postgres://till:secret@shop:5432/shop');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ tillName: 'Terrace', shopDatabaseUrl: 'postgres://till:secret@shop:5432/shop' }),
    );
    expect(url).toHaveValue('');
  });
});
