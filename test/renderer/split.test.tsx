import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import type { Params, SaleRecord } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';
import { answerCharges, fakeApi } from '../helpers/fake-api';

const LINES = [{ name: 'Other item', unitPrice: 1584, quantity: 1 }];
const amount = () => screen.getByRole('textbox', { name: 'Amount' });
const total = () => Number(screen.getByTestId('basket-total').getAttribute('data-amount'));

async function renderApp(f = fakeApi()) {
  render(<App api={f.api} />);
  await screen.findByRole('button', { name: 'Charge' });
  answerCharges(f, act);
  return { f, user: userEvent.setup() };
}

/** The charge's attempt, as the till answered it, moved on to `state`. */
async function settle(f: ReturnType<typeof fakeApi>, call: number, over: Partial<PaymentView>) {
  const view = await (f.api.charge.mock.results[call]!.value as Promise<PaymentView>);
  act(() => f.push({ type: 'payment', payment: { ...view, ...over } }));
  return view;
}
const paid = { state: 'completed', finalAt: Date.now(), card: { type: 'VISA', last4: '4242' } } as const;

/** 15.84 in the basket, split with 10.00 on the card (keypad), the card part paid. */
async function cardPartPaid(f: ReturnType<typeof fakeApi>, user: ReturnType<typeof userEvent.setup>) {
  await user.type(amount(), '15.84{Enter}');
  await user.click(screen.getByRole('button', { name: 'Split' }));
  const dialog = screen.getByRole('dialog', { name: 'Split payment' });
  const part = within(dialog).getByRole('textbox', { name: 'Card part' });
  expect(part).toHaveValue('7.92');
  expect(part).toHaveFocus();
  const pad = within(dialog).getByRole('group', { name: 'Card part keypad' });
  for (const k of ['1', '0', '00']) await user.click(within(pad).getByRole('button', { name: k }));
  expect(part).toHaveValue('10.00');
  expect(within(dialog).getByTestId('split-rest')).toHaveTextContent('Then due: €5.84 - in cash or on another card.');
  await user.click(within(dialog).getByRole('button', { name: 'Charge card part on T1' }));
  expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: LINES, amount: 1000 });
  await settle(f, 0, { state: 'initialized' });
  expect(screen.getByTestId('payment')).toHaveTextContent('Part of €15.84');
  await settle(f, 0, paid);
}

const splitSale = (over: Partial<SaleRecord> = {}): SaleRecord => ({
  saleId: 's-9',
  createdAt: Date.now(),
  lines: LINES,
  total: 1584,
  currency: 'EUR',
  tender: 'card',
  status: 'paid',
  receiptNumber: 3,
  attempts: [
    { orderId: 's-9-1', terminalId: 'T1', state: 'completed', amount: 1000, card: { type: 'VISA', last4: '4242' }, createdAt: Date.now() },
  ],
  cash: { given: 1000, change: 416, amount: 584 },
  refunds: [],
  ...over,
});

describe('split tender at the counter', () => {
  it('part on the card, the rest in cash: one sale, the basket kept until it is paid, both tenders on the receipt', async () => {
    const { f, user } = await renderApp();
    await cardPartPaid(f, user);
    expect(total()).toBe(1584);
    const due = screen.getByTestId('split-due');
    expect(due).toHaveAttribute('data-due', '584');
    expect(due).toHaveTextContent('Paid by card €10.00 - due €5.84');
    expect(screen.getByTestId('announcer')).toHaveTextContent('Payment on T1: Paid. Paid by card €10.00 - due €5.84');
    expect(screen.getByRole('button', { name: /^Cash/ })).toHaveFocus();
    expect(amount()).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Split' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Clear' })).toBeDisabled();
    // The card part is not the end of the sale: its panel offers no New sale, and F8 keeps the basket.
    expect(within(screen.getByTestId('payment').parentElement!).queryByRole('button', { name: 'New sale' })).toBeNull();
    await user.keyboard('{F8}');
    expect(total()).toBe(1584);

    const record = splitSale({ saleId: 's-1', receiptNumber: 7, attempts: [{ ...splitSale().attempts[0]!, orderId: 's-1-1' }] });
    f.api.payCash.mockResolvedValue(record);
    await user.keyboard('{F4}');
    const dialog = screen.getByRole('dialog', { name: 'Cash payment' });
    expect(within(dialog).getByTestId('cash-due')).toHaveTextContent('Total €15.84 · Paid by card €10.00 · Due in cash: €5.84');
    const notes = within(within(dialog).getByRole('group', { name: 'Cash given' }))
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(notes).toEqual(['Exact', '€10.00', '€20.00', '€50.00']);
    await user.click(within(dialog).getByRole('button', { name: '€10.00' }));
    expect(f.api.payCash).toHaveBeenCalledWith({ lines: LINES, given: 1000, saleId: 's-1' });
    expect(await screen.findByTestId('change-due')).toHaveTextContent('€4.16');
    expect(within(dialog).getByRole('status')).toHaveTextContent('Sale paid by card and cash. Change: €4.16');
    expect(total()).toBe(0);
    await user.click(within(dialog).getByRole('button', { name: 'Print receipt' }));
    const receipt = screen.getByTestId('receipt');
    expect(receipt).toHaveAttribute('data-receipt-number', '7');
    expect(screen.getByTestId('receipt-card')).toHaveTextContent('Paid by card: VISA **** 4242€10.00');
    expect(screen.getByTestId('receipt-cash')).toHaveTextContent('Paid in cash€5.84');
    expect(screen.getByTestId('receipt-change')).toHaveTextContent('€4.16');
  });

  it('the rest on another card: charged for what is due, on the same sale; paid, the basket empties', async () => {
    const { f, user } = await renderApp();
    await cardPartPaid(f, user);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Terminal' }), 'T2');
    await user.keyboard('{F2}');
    expect(f.api.charge).toHaveBeenLastCalledWith({ terminalId: 'T2', lines: LINES, saleId: 's-1', amount: 584 });
    // Declined: the rest is still due, and Charge asks for it again.
    await settle(f, 1, { state: 'cancelled', reason: 'declined', finalAt: Date.now() });
    expect(screen.getByTestId('split-due')).toHaveAttribute('data-due', '584');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(f.api.charge).toHaveBeenLastCalledWith({ terminalId: 'T2', lines: LINES, saleId: 's-1', amount: 584 });
    await settle(f, 2, paid);
    expect(screen.getByTestId('announcer')).toHaveTextContent(/^Payment on T2: Paid$/);
    expect(total()).toBe(0);
    expect(screen.queryByTestId('split-due')).toBeNull();
    expect(amount()).toBeEnabled();
  });

  it('the card part is more than zero and less than the total; Enter charges it, Escape goes back', async () => {
    const { f, user } = await renderApp();
    await user.type(amount(), '15.84{Enter}');
    await user.click(screen.getByRole('button', { name: 'Split' }));
    const part = () => screen.getByRole('textbox', { name: 'Card part' });
    for (const bad of ['0', '15.84', '20', 'abc']) {
      await user.clear(part());
      await user.type(part(), `${bad}{Enter}`);
      expect(screen.getByRole('alert')).toHaveTextContent('The card part must be more than zero and less than €15.84.');
    }
    expect(f.api.charge).not.toHaveBeenCalled();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Split' })).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.keyboard('{Enter}');
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: LINES, amount: 792 });
  });

  it('a split after an unpaid card charges the part on the same sale', async () => {
    const { f, user } = await renderApp();
    await user.type(amount(), '15.84{Enter}');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    await settle(f, 0, { state: 'cancelled', reason: 'declined', finalAt: Date.now() });
    await user.click(screen.getByRole('button', { name: 'Split' }));
    await user.clear(screen.getByRole('textbox', { name: 'Card part' }));
    await user.type(screen.getByRole('textbox', { name: 'Card part' }), '5{Enter}');
    expect(f.api.charge).toHaveBeenLastCalledWith({ terminalId: 'T1', lines: LINES, saleId: 's-1', amount: 500 });
  });
});

describe('split sales in History', () => {
  it('shows both parts, and refunds each within what it paid', async () => {
    const f = fakeApi();
    f.api.history.mockResolvedValue([splitSale()]);
    f.api.refund.mockImplementation(async (_p: Params<'refund'>) => splitSale());
    const { user } = await renderApp(f);
    await user.click(screen.getByRole('button', { name: 'History' }));
    const row = await screen.findByTestId('history-row');
    expect(row).toHaveAttribute('data-status', 'paid');
    expect(within(row).getAllByRole('cell')[3]).toHaveTextContent('Card + cash');
    await user.click(within(row).getByRole('button', { name: /Details/ }));
    const parts = screen.getAllByTestId('tender-part').map((p) => [p.getAttribute('data-tender'), p.getAttribute('data-amount')]);
    expect(parts).toEqual([
      ['card', '1000'],
      ['cash', '584'],
    ]);
    const from = screen.getByRole('combobox', { name: 'Refund from' });
    expect(
      within(from)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Card s-9-1 · €10.00', 'Cash · €5.84']);
    await user.selectOptions(from, 's-9');
    expect(screen.getByRole('textbox', { name: 'Refund amount' })).toHaveAttribute('placeholder', '€5.84');
    await user.click(screen.getByRole('button', { name: 'Refund' }));
    expect(screen.getByRole('group', { name: 'Refund €5.84 in cash from the drawer?' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yes, refund' }));
    expect(f.api.refund).toHaveBeenCalledWith({ orderId: 's-9', amount: 584 });
  });

  it('a partly paid sale says so, in English and Dutch, with what is still due', async () => {
    const part = splitSale({ status: 'partly_paid', cash: undefined, receiptNumber: undefined });
    const f = fakeApi();
    f.api.history.mockResolvedValue([part]);
    const { user } = await renderApp(f);
    await user.click(screen.getByRole('button', { name: 'History' }));
    expect(within(await screen.findByTestId('history-row')).getByText('Partly paid')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Details/ }));
    expect(screen.getByTestId('tender-due')).toHaveTextContent('Still due: €5.84');
  });

  it('Dutch: Splitsen, Deels betaald, and what is due', async () => {
    const f = fakeApi({ payments: [] });
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.history.mockResolvedValue([splitSale({ status: 'partly_paid', cash: undefined })]);
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await screen.findByRole('button', { name: 'Afrekenen' });
    answerCharges(f, act);
    await user.type(screen.getByRole('textbox', { name: 'Bedrag' }), '15,84{Enter}');
    await user.click(screen.getByRole('button', { name: 'Splitsen' }));
    const part = screen.getByRole('textbox', { name: 'Deel per kaart' });
    expect(part).toHaveValue('7,92');
    await user.clear(part);
    await user.type(part, '10{Enter}');
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: [{ ...LINES[0]!, name: 'Diversen' }], amount: 1000 });
    await settle(f, 0, paid);
    expect(screen.getByTestId('split-due')).toHaveTextContent('Betaald met kaart € 10,00 - nog te betalen € 5,84');
    await user.click(screen.getByRole('button', { name: 'Geschiedenis' }));
    expect(within(await screen.findByTestId('history-row')).getByText('Deels betaald')).toBeInTheDocument();
  });
});
