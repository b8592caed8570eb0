import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { resumedSale } from '../../renderer/src/components/OpenSales';
import type { SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { answerCharges, fakeApi } from '../helpers/fake-api';

const LINES = [{ name: 'Other item', unitPrice: 1584, quantity: 1 }];
const total = () => Number(screen.getByTestId('basket-total').getAttribute('data-amount'));

/** Sale s-1 of 15.84, 10.00 of it paid with credit note 7KQD3-MZPXR (nothing left on it). */
const partly = (over: Partial<SaleRecord> = {}): SaleRecord => ({
  saleId: 's-1',
  createdAt: Date.now(),
  lines: LINES,
  total: 1584,
  currency: 'EUR',
  tender: 'card',
  status: 'partly_paid',
  attempts: [],
  refunds: [],
  credit: [{ code: '7KQD3-MZPXR', amount: 1000, at: Date.now(), left: 0 }],
  ...over,
});

async function creditPartPaid() {
  const f = fakeApi();
  render(<App api={f.api} />);
  await screen.findByRole('button', { name: 'Charge' });
  answerCharges(f, act);
  const user = userEvent.setup();
  await user.type(screen.getByRole('textbox', { name: 'Amount' }), '15.84{Enter}');
  f.api.payCredit.mockResolvedValue(partly());
  await user.click(screen.getByRole('button', { name: 'Store credit' }));
  const dialog = screen.getByRole('dialog', { name: 'Store credit' });
  expect(within(dialog).getByTestId('credit-due')).toHaveAttribute('data-amount', '1584');
  await user.type(within(dialog).getByRole('textbox', { name: 'Credit note code' }), '7kqd3mzpxr');
  await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
  expect(f.api.payCredit).toHaveBeenCalledWith({ lines: LINES, code: '7kqd3mzpxr' });
  return { f, user };
}

describe('store credit at the counter', () => {
  it('a note worth less pays part: the basket stays with the rest due, and a card pays the rest on the same sale', async () => {
    const { f, user } = await creditPartPaid();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(total()).toBe(1584);
    const due = screen.getByTestId('split-due');
    expect(due).toHaveAttribute('data-due', '584');
    expect(due).toHaveTextContent('Paid €10.00 (store credit €10.00) - due €5.84');
    expect(screen.getByRole('button', { name: 'Clear' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: /^Charge/ }));
    expect(f.api.charge).toHaveBeenLastCalledWith({ terminalId: 'T1', lines: LINES, saleId: 's-1', amount: 584 });
    const view = await (f.api.charge.mock.results[0]!.value as Promise<PaymentView>);
    act(() => f.push({ type: 'payment', payment: { ...view, state: 'completed', finalAt: Date.now() } }));
    expect(total()).toBe(0);
    expect(screen.queryByTestId('split-due')).toBeNull();
  });

  it('the rest in cash: the cash dialog counts the credit, pays the same sale, and the basket empties', async () => {
    const { f, user } = await creditPartPaid();
    f.api.payCash.mockResolvedValue(partly({ status: 'paid', receiptNumber: 4, cash: { given: 1000, change: 416, amount: 584 } }));
    await user.click(screen.getByRole('button', { name: /^Cash/ }));
    const dialog = screen.getByRole('dialog', { name: 'Cash payment' });
    expect(within(dialog).getByTestId('cash-due')).toHaveTextContent('Total €15.84 · Store credit €10.00 · Due in cash: €5.84');
    await user.click(within(dialog).getByRole('button', { name: '€10.00' }));
    expect(f.api.payCash).toHaveBeenCalledWith({ lines: LINES, given: 1000, saleId: 's-1' });
    expect(await within(dialog).findByText('Sale paid with store credit and cash. Change: €4.16')).toBeInTheDocument();
    expect(total()).toBe(0);
  });

  it('a refused code is said in the dialog and changes nothing', async () => {
    const f = fakeApi();
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Apple/ }));
    f.api.payCredit.mockRejectedValue({ code: 'not_found', field: 'code', message: 'No credit note has the code ZZZZZ-ZZZZZ.' });
    await user.click(screen.getByRole('button', { name: 'Store credit' }));
    const dialog = screen.getByRole('dialog', { name: 'Store credit' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Credit note code' }), 'zzzzz-zzzzz{Enter}');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No credit note has the code ZZZZZ-ZZZZZ.');
    expect(total()).toBe(150);
    expect(screen.queryByTestId('split-due')).toBeNull();
  });

  it('Open sales: a sale partly paid by store credit resumes with its credit counted', () => {
    expect(resumedSale(partly())).toEqual({ lines: LINES, saleId: 's-1', paid: { 'credit:7KQD3-MZPXR': 1000 } });
  });
});
