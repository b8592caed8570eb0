import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import type { SaleRecord } from '../../shared/contract';
import { PAYMENT_REASONS, type PaymentView } from '../../shared/payment';
import { answerCharges, fakeApi, payment } from '../helpers/fake-api';

async function renderApp(f = fakeApi()) {
  render(<App api={f.api} />);
  await screen.findByRole('button', { name: 'Charge' });
  return { f, user: userEvent.setup() };
}
const amount = () => screen.getByRole('textbox', { name: 'Amount' });
const total = () => Number(screen.getByTestId('basket-total').getAttribute('data-amount'));
const charges = (f: ReturnType<typeof fakeApi>) => answerCharges(f, act);
const cashSale = (over: Partial<SaleRecord> = {}): SaleRecord => ({
  saleId: 'c-7',
  createdAt: Date.now(),
  lines: [{ name: 'Amount', unitPrice: 1230, quantity: 1 }],
  total: 1230,
  currency: 'EUR',
  tender: 'cash',
  status: 'paid',
  attempts: [],
  cash: { given: 2000, change: 770 },
  refunds: [],
  ...over,
});

describe('the basket stays until the sale is paid', () => {
  it('an unpaid card returns to the tender choice with the basket; another terminal is charged for the same sale', async () => {
    const { f, user } = await renderApp();
    charges(f);
    await user.type(amount(), '12.50{Enter}');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    const first = f.api.charge.mock.results[0]!.value as Promise<PaymentView>;
    const view = await first;
    act(() => f.push({ type: 'payment', payment: { ...view, state: 'initialized' } }));
    expect(total()).toBe(1250);
    expect(screen.getByTestId('basket-paying')).toHaveTextContent('Paying on T1');
    expect(amount()).toBeDisabled();
    act(() => f.push({ type: 'payment', payment: { ...view, state: 'cancelled', reason: 'declined', finalAt: Date.now() } }));
    const panel = screen.getByTestId('payment');
    expect(panel).toHaveAttribute('data-reason', 'declined');
    expect(panel).toHaveTextContent('Card declined - ask for another card');
    expect(total()).toBe(1250);
    expect(screen.getByTestId('tender-choice')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Charge' })).toHaveFocus();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Terminal' }), 'T2');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(f.api.charge).toHaveBeenLastCalledWith({
      terminalId: 'T2',
      lines: [{ name: 'Other item', unitPrice: 1250, quantity: 1 }],
      saleId: 's-1',
    });
    const second = await (f.api.charge.mock.results[1]!.value as Promise<PaymentView>);
    act(() => f.push({ type: 'payment', payment: { ...second, state: 'completed', finalAt: Date.now() } }));
    expect(total()).toBe(0);
    expect(amount()).toBeEnabled();
  });

  it('the panel says why for every unpaid reason, and carries it as data-reason', async () => {
    const text: Record<(typeof PAYMENT_REASONS)[number], string> = {
      declined: 'Card declined - ask for another card',
      cancelled_on_terminal: 'Cancelled on the terminal',
      cancelled_by_till: 'Cancelled from the till',
      expired: 'Timed out',
      not_sent: 'Not sent',
      refused: 'Refused by MultiSafepay: The amount was refused.',
    };
    const f = fakeApi({
      payments: PAYMENT_REASONS.map((reason, i) =>
        payment({
          orderId: `o-${i}`,
          terminalId: `T${i}`,
          state: reason === 'refused' || reason === 'not_sent' ? 'failed' : 'cancelled',
          reason,
          ...(reason === 'refused' ? { message: 'The amount was refused.', messageKey: 'refused_1001' } : {}),
        }),
      ),
    });
    await renderApp(f);
    const panels = screen.getAllByTestId('payment');
    PAYMENT_REASONS.forEach((reason, i) => {
      expect(panels[i]).toHaveAttribute('data-reason', reason);
      expect(panels[i]).toHaveTextContent(text[reason]);
    });
  });

  it('a paid or open payment carries no data-reason', async () => {
    await renderApp(fakeApi({ payments: [payment({ state: 'completed' }), payment({ orderId: 'o-2', terminalId: 'T2' })] }));
    for (const p of screen.getAllByTestId('payment')) expect(p).not.toHaveAttribute('data-reason');
  });
});

describe('keypad and amounts', () => {
  it('enters cents from the right, with 00, delete and clear', async () => {
    const { user } = await renderApp();
    const pad = screen.getByRole('group', { name: 'Keypad' });
    for (const k of ['1', '2', '5', '0']) await user.click(within(pad).getByRole('button', { name: k }));
    expect(amount()).toHaveValue('12.50');
    await user.click(within(pad).getByRole('button', { name: 'Delete last digit' }));
    expect(amount()).toHaveValue('1.25');
    await user.click(within(pad).getByRole('button', { name: '00' }));
    expect(amount()).toHaveValue('125.00');
    await user.click(within(pad).getByRole('button', { name: 'Clear amount' }));
    expect(amount()).toHaveValue('');
    for (const k of ['7', '5']) await user.click(within(pad).getByRole('button', { name: k }));
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(total()).toBe(75);
  });

  it('asks once before adding 1000 or more, and No (or Escape) changes nothing', async () => {
    const { f, user } = await renderApp();
    await user.type(amount(), '1250{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Check the amount' });
    expect(dialog).toHaveTextContent(/EUR\s1,250\.00\?/);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(total()).toBe(0);
    expect(amount()).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, add it' }));
    expect(total()).toBe(125000);
    expect(f.api.charge).toHaveBeenCalledTimes(1);
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: [{ name: 'Other item', unitPrice: 125000, quantity: 1 }] });
  });

  it('Charge with an amount typed and an empty basket adds it and charges in one step', async () => {
    const { f, user } = await renderApp();
    await user.type(amount(), '9,99');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: [{ name: 'Other item', unitPrice: 999, quantity: 1 }] });
  });

  it('an amount typed but not added counts in the total shown, which is what Charge sends', async () => {
    const { f, user } = await renderApp();
    await user.type(amount(), '2,25{Enter}');
    // Something that is not an amount adds nothing to the total.
    await user.type(amount(), 'abc');
    expect(total()).toBe(225);
    expect(screen.queryByTestId('pending-amount')).toBeNull();
    await user.clear(amount());
    await user.type(amount(), '4,95');
    expect(total()).toBe(720);
    expect(screen.getByTestId('pending-amount').getAttribute('data-amount')).toBe('495');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    const sent = f.api.charge.mock.calls[0]![0] as { lines: { unitPrice: number; quantity: number }[] };
    expect(sent.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0)).toBe(total());
    expect(total()).toBe(720);
  });

  it('two custom lines have buttons with names of their own', async () => {
    const { user } = await renderApp();
    await user.type(amount(), '5{Enter}');
    await user.type(amount(), '7{Enter}');
    const basket = screen.getByRole('region', { name: 'Basket' });
    const names = within(basket)
      .getAllByRole('button')
      .map((b) => b.getAttribute('aria-label') ?? b.textContent);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('Remove Other item €5.00');
    expect(names).toContain('Remove Other item €7.00');
  });

  it('Clear can be undone', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(total()).toBe(0);
    await user.click(await screen.findByRole('button', { name: 'Undo clear' }));
    expect(total()).toBe(150);
  });
});

describe('cash', () => {
  it('exact and next-note buttons take the cash at once; the change, the real total and a receipt follow', async () => {
    const { f, user } = await renderApp();
    f.api.payCash.mockImplementation(async (p: { given: number }) => cashSale({ cash: { given: p.given, change: p.given - 1230 } }));
    f.api.history.mockResolvedValue([]);
    await user.type(amount(), '12.30{Enter}');
    await user.click(screen.getByRole('button', { name: 'Cash' }));
    const dialog = screen.getByRole('dialog', { name: 'Cash payment' });
    const notes = within(within(dialog).getByRole('group', { name: 'Cash given' }))
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(notes).toEqual(['Exact', '€15.00', '€20.00', '€50.00']);
    await user.click(within(dialog).getByRole('button', { name: '€20.00' }));
    expect(f.api.payCash).toHaveBeenCalledWith({ lines: [{ name: 'Other item', unitPrice: 1230, quantity: 1 }], given: 2000 });
    expect(await screen.findByTestId('change-due')).toHaveTextContent('€7.70');
    expect(screen.getByTestId('cash-sale-total')).toHaveTextContent('€12.30');
    expect(total()).toBe(0);
    await user.click(screen.getByRole('button', { name: 'Print receipt' }));
    const receipt = screen.getByTestId('receipt');
    expect(receipt).toHaveTextContent('Paid in cash');
    expect(screen.getByTestId('receipt-change')).toHaveTextContent('€7.70');
    expect(receipt).not.toHaveTextContent('1 ×');
  });

  it('a cash sale is refunded from the drawer in History', async () => {
    const { f, user } = await renderApp();
    f.api.history.mockResolvedValue([cashSale()]);
    f.api.refund.mockResolvedValue(cashSale({ status: 'partially_refunded' }));
    await user.click(screen.getByRole('button', { name: 'History' }));
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    await user.type(screen.getByRole('textbox', { name: 'Refund amount' }), '2,30');
    await user.click(screen.getByRole('button', { name: 'Refund' }));
    expect(screen.getByRole('group', { name: 'Refund €2.30 in cash from the drawer?' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yes, refund' }));
    expect(f.api.refund).toHaveBeenCalledWith({ orderId: 'c-7', amount: 230 });
  });

  it('a refund whose outcome is unknown says so, as the till wrote it', async () => {
    const { f, user } = await renderApp();
    f.api.history.mockResolvedValue([cashSale()]);
    f.api.refund.mockRejectedValue({ code: 'refund_unknown', message: 'The refund may have gone through - the till is checking.' });
    await user.click(screen.getByRole('button', { name: 'History' }));
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    await user.click(screen.getByRole('button', { name: 'Refund' }));
    await user.click(screen.getByRole('button', { name: 'Yes, refund' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The refund may have gone through - the till is checking.');
  });
});

describe('keyboard', () => {
  it('F2 charges, F4 opens cash, Escape closes it and gives focus back, F9 opens History, F8 starts a new sale', async () => {
    const { f, user } = await renderApp();
    await user.type(amount(), '4{Enter}');
    await user.keyboard('{F4}');
    const dialog = screen.getByRole('dialog', { name: 'Cash payment' });
    expect(within(dialog).getByRole('textbox', { name: 'Amount given' })).toHaveFocus();
    // Focus stays inside the dialog.
    for (let i = 0; i < 8; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(amount()).toHaveFocus();
    await user.keyboard('{F2}');
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: [{ name: 'Other item', unitPrice: 400, quantity: 1 }] });
    await user.keyboard('{F8}');
    expect(total()).toBe(0);
    expect(amount()).toHaveFocus();
    await user.keyboard('{F9}');
    expect(await screen.findByRole('searchbox')).toBeInTheDocument();
  });

  it('Enter on an empty amount field charges the basket', async () => {
    const { f, user } = await renderApp();
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    await user.click(amount());
    await user.keyboard('{Enter}');
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: [{ name: 'Apple', unitPrice: 150, quantity: 1 }] });
  });

  it('the rest of the page is inert while a dialog is open', async () => {
    const { user } = await renderApp();
    await user.type(amount(), '1000{Enter}');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(document.querySelector('.app')!.closest('[inert]')).not.toBeNull();
    await user.click(screen.getByRole('button', { name: 'No, change it' }));
    expect(document.querySelector('[inert]')).toBeNull();
  });
});

describe('screen readers and panels', () => {
  it('one polite announcement per change; the elapsed timer is outside the status element', async () => {
    const f = fakeApi({ payments: [payment()] });
    const { user: _u } = await renderApp(f);
    const panel = screen.getByTestId('payment');
    expect(panel).toHaveAttribute('aria-live', 'off');
    expect(panel.contains(screen.getByTestId('elapsed'))).toBe(false);
    act(() => f.push({ type: 'payment', payment: payment({ state: 'cancelled', reason: 'cancelled_on_terminal' }) }));
    expect(screen.getByTestId('announcer')).toHaveTextContent('Payment on T1: Cancelled - not paid. Cancelled on the terminal');
    expect(document.querySelectorAll('[aria-live="polite"], [aria-live="assertive"]')).toHaveLength(1);
  });

  it('an outcome that arrives while History is open becomes a notice that leads to it', async () => {
    const f = fakeApi({ payments: [payment()] });
    const { user } = await renderApp(f);
    await user.click(screen.getByRole('button', { name: 'History' }));
    act(() => f.push({ type: 'payment', payment: payment({ state: 'completed', finalAt: Date.now() }) }));
    const notice = screen.getByTestId('outcome-notice');
    expect(notice).toHaveTextContent('Payment on T1: Paid');
    await user.click(within(notice).getByRole('button', { name: /Show payment/ }));
    expect(screen.getByTestId('payment')).toHaveAttribute('data-status', 'completed');
    expect(screen.queryByTestId('outcome-notice')).toBeNull();
  });

  it('finished panels collapse after New sale, and terminal names are shown with their ids', async () => {
    const f = fakeApi({
      terminals: [
        { id: 'T1', name: 'Counter 1', source: 'api' },
        { id: 'T2', name: 'Counter 2', source: 'api' },
      ],
      payments: [
        payment({ state: 'completed', finalAt: Date.now() - 5000 }),
        payment({ orderId: 'o-2', saleId: 'o', terminalId: 'T2', state: 'cancelled', reason: 'declined', finalAt: Date.now() - 5000 }),
      ],
    });
    const { user } = await renderApp(f);
    expect(screen.getByRole('region', { name: 'Payment on Counter 1 (T1)' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Counter 2 (T2)' })).toBeInTheDocument();
    const second = screen.getByRole('region', { name: 'Payment on Counter 2 (T2)' });
    expect(within(second).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    await user.keyboard('{F8}');
    expect(second).toHaveClass('collapsed');
    expect(within(second).queryByRole('button', { name: 'Try again' })).toBeNull();
    await user.click(within(second).getByRole('button', { name: 'Details' }));
    expect(within(second).getByRole('button', { name: 'Details' })).toHaveAttribute('aria-expanded', 'true');
  });
});

describe('Dutch', () => {
  it('reasons, receipts and labels read in Dutch', async () => {
    const f = fakeApi({
      payments: [payment({ state: 'completed' }), payment({ orderId: 'o-2', terminalId: 'T2', state: 'cancelled', reason: 'declined' })],
    });
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.history.mockResolvedValue([cashSale()]);
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await screen.findByRole('button', { name: 'Afrekenen' });
    expect(screen.getAllByTestId('payment')[1]).toHaveTextContent('Kaart geweigerd - vraag om een andere kaart');
    expect(screen.getByRole('region', { name: 'Betalingen' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Producten' })).toContainElement(screen.getByRole('button', { name: /Apple/ }));
    await user.click(screen.getByRole('button', { name: 'Geschiedenis' }));
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    await user.click(screen.getByRole('button', { name: 'Bon afdrukken' }));
    const receipt = screen.getByTestId('receipt');
    expect(receipt).toHaveTextContent('Diversen');
    expect(receipt).not.toHaveTextContent('Bedrag');
    expect(receipt).not.toHaveTextContent('1 ×');
  });
});
