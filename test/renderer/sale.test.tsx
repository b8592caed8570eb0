import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import type { PaymentView } from '../../shared/payment';
import { answerCharges, fakeApi, payment } from '../helpers/fake-api';

async function renderApp(f = fakeApi()) {
  render(<App api={f.api} />);
  await screen.findByRole('button', { name: 'Charge' });
  return f;
}

/** An apple charged on T1: the till's answer to the charge. */
async function chargedApple() {
  const f = fakeApi();
  answerCharges(f, act);
  await renderApp(f);
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: /Apple/ }));
  await user.click(screen.getByRole('button', { name: 'Charge' }));
  const view = await (f.api.charge.mock.results[0]!.value as Promise<PaymentView>);
  return { f, user, view };
}

describe('sale screen', () => {
  it('adds custom amounts typed with a comma or a dot, and totals the basket', async () => {
    const f = await renderApp();
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Amount' }), '12,34');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await user.type(screen.getByRole('textbox', { name: 'Amount' }), '0.66{Enter}');
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    expect(screen.getByTestId('basket-total')).toHaveTextContent('€14.50');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(f.api.charge).toHaveBeenCalledWith({
      terminalId: 'T1',
      lines: [
        { name: 'Other item', unitPrice: 1234, quantity: 1 },
        { name: 'Other item', unitPrice: 66, quantity: 1 },
        { name: 'Apple', unitPrice: 150, quantity: 1 },
      ],
    });
  });

  it('refuses a bad amount with a message next to the field and changes nothing', async () => {
    const f = await renderApp();
    const user = userEvent.setup();
    for (const bad of ['abc', '0', '12.345', '-5', '1,2,3']) {
      await user.clear(screen.getByRole('textbox', { name: 'Amount' }));
      await user.type(screen.getByRole('textbox', { name: 'Amount' }), bad);
      await user.click(screen.getByRole('button', { name: 'Add' }));
      expect(screen.getByRole('alert')).toHaveTextContent('Type an amount like 12.50');
      expect(screen.getByRole('textbox', { name: 'Amount' })).toHaveAttribute('aria-invalid', 'true');
    }
    expect(screen.getByTestId('basket-total')).toHaveTextContent('€0.00');
    // Charge adds what is typed first: a bad amount stops it there.
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Type an amount like 12.50');
    await user.clear(screen.getByRole('textbox', { name: 'Amount' }));
    expect(screen.getByRole('button', { name: 'Charge' })).toBeDisabled();
    expect(f.api.charge).not.toHaveBeenCalled();
  });

  it('keyboard: digits typed anywhere go to the amount, Enter adds (or charges), Escape clears', async () => {
    const f = await renderApp();
    const user = userEvent.setup();
    await user.keyboard('7');
    expect(screen.getByRole('textbox', { name: 'Amount' })).toHaveValue('7');
    await user.keyboard('{Escape}');
    expect(screen.getByRole('textbox', { name: 'Amount' })).toHaveValue('');
    await user.keyboard('5{Enter}');
    expect(screen.getByTestId('basket-total')).toHaveTextContent('€5.00');
    // With nothing typed, Enter charges the basket.
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('{Enter}');
    expect(f.api.charge).toHaveBeenCalledWith({ terminalId: 'T1', lines: [{ name: 'Other item', unitPrice: 500, quantity: 1 }] });
  });

  it('a busy terminal cannot be charged and the UI says why; a free one can', async () => {
    const f = fakeApi({ payments: [payment({ terminalId: 'T1' })] });
    await renderApp(f);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    expect(screen.getByRole('button', { name: 'Charge' })).toBeDisabled();
    expect(screen.getByText('Terminal T1 is busy with another payment.')).toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Terminal' }), 'T2');
    expect(screen.getByRole('button', { name: 'Charge' })).toBeEnabled();
  });

  it('shows the engine refusal when the till says the terminal is busy', async () => {
    const f = fakeApi();
    f.api.charge.mockRejectedValueOnce({
      code: 'terminal_busy',
      message: 'Terminal T1 is busy with payment x - finish or cancel that one first.',
    });
    await renderApp(f);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('busy with payment x');
    expect(screen.getByTestId('basket-total')).toHaveTextContent('€1.50');
  });
});

describe('payment panel', () => {
  it('exposes the public data attributes and updates live from events', async () => {
    const f = fakeApi({ payments: [payment()] });
    await renderApp(f);
    const panel = screen.getByTestId('payment');
    expect(panel).toHaveAttribute('role', 'status');
    expect(panel).toHaveAttribute('data-terminal-id', 'T1');
    expect(panel).toHaveAttribute('data-order-id', 'x-1-1');
    expect(panel).toHaveAttribute('data-status', 'initialized');
    expect(panel).toHaveAttribute('data-connection', 'live');
    act(() =>
      f.push({
        type: 'payment',
        payment: payment({ state: 'completed', card: { type: 'VISA', last4: '4242', authorizationCode: '123456' } }),
      }),
    );
    expect(panel).toHaveAttribute('data-status', 'completed');
    expect(panel).toHaveTextContent('Paid');
    expect(panel).toHaveTextContent('VISA ending 4242');
    expect(panel).toHaveTextContent('Auth code 123456');
  });

  it('offline: says plainly the till does not know, and never shows Paid', async () => {
    await renderApp(fakeApi({ payments: [payment({ connection: 'offline' })] }));
    const panel = screen.getByTestId('payment');
    expect(panel).toHaveAttribute('data-connection', 'offline');
    expect(panel).toHaveTextContent('Offline - the till does not know the status yet');
    expect(panel).toHaveTextContent('Do not hand over goods');
    expect(panel).toHaveTextContent('Last known: Waiting for the card on the terminal');
    expect(panel).not.toHaveTextContent('Paid');
    expect(screen.getByRole('button', { name: 'Supervisor: resolve' })).toBeInTheDocument();
  });

  it('a recovered payment is shown at once with its badge', async () => {
    await renderApp(fakeApi({ payments: [payment({ recovered: true, connection: 'reconnecting' })] }));
    expect(screen.getByTestId('payment')).toHaveTextContent('Reopened after a restart');
    expect(screen.getByTestId('payment')).toHaveTextContent('Reconnecting');
  });

  it('a decline reads as a decline, never as a PIN request; cancel asks to confirm first', async () => {
    const f = fakeApi({ payments: [payment({ state: 'soft_declined' })] });
    await renderApp(f);
    const user = userEvent.setup();
    expect(screen.getByTestId('payment')).toHaveTextContent(
      'Declined at the terminal - the customer may try again, or cancel and take cash',
    );
    expect(screen.getByTestId('payment')).not.toHaveTextContent(/PIN/);
    expect(screen.queryByTestId('msp-reason')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Cancel payment' }));
    expect(f.api.cancelPayment).not.toHaveBeenCalled();
    const confirm = screen.getByRole('group', { name: /Cancel this payment of €12.34/ });
    await user.click(within(confirm).getByRole('button', { name: 'No, keep waiting' }));
    expect(f.api.cancelPayment).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Cancel payment' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    expect(f.api.cancelPayment).toHaveBeenCalledWith({ orderId: 'x-1-1' });
  });

  it("a decline in MultiSafepay's own words when its answer has them; Cancel and take cash cancels, then opens the cash dialog for the sale", async () => {
    const { f, user, view } = await chargedApple();
    act(() =>
      f.push({ type: 'payment', payment: { ...view, state: 'soft_declined', mspReason: 'Insufficient funds', mspReasonCode: '51' } }),
    );
    expect(screen.getByTestId('msp-reason')).toHaveTextContent('MultiSafepay says: Insufficient funds (51)');
    expect(screen.getByTestId('payment')).not.toHaveTextContent(/PIN/);
    await user.click(screen.getByRole('button', { name: 'Cancel and take cash' }));
    expect(f.api.cancelPayment).toHaveBeenCalledWith({ orderId: view.orderId });
    expect(screen.queryByRole('dialog', { name: 'Cash payment' })).toBeNull();
    act(() => f.push({ type: 'payment', payment: { ...view, state: 'cancelled', reason: 'cancelled_by_till', finalAt: Date.now() } }));
    const cash = await screen.findByRole('dialog', { name: 'Cash payment' });
    expect(within(cash).getByText('€1.50', { exact: false })).toBeInTheDocument();
  });

  it('Cancel and take cash that loses the race (the customer paid): no cash dialog', async () => {
    const { f, user, view } = await chargedApple();
    act(() => f.push({ type: 'payment', payment: { ...view, state: 'soft_declined' } }));
    await user.click(screen.getByRole('button', { name: 'Cancel and take cash' }));
    act(() => f.push({ type: 'payment', payment: { ...view, state: 'completed', finalAt: Date.now() } }));
    expect(screen.getByTestId('payment')).toHaveTextContent('Paid');
    expect(screen.queryByRole('dialog', { name: 'Cash payment' })).toBeNull();
  });

  it('final payments offer New sale; failed ones offer Try again', async () => {
    const f = fakeApi({ payments: [payment({ state: 'failed', message: 'The API key was refused - check Settings.' })] });
    await renderApp(f);
    const user = userEvent.setup();
    expect(screen.getByTestId('payment')).toHaveTextContent('The API key was refused');
    expect(screen.queryByRole('button', { name: 'Cancel payment' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(f.api.charge).toHaveBeenCalledWith({
      terminalId: 'T1',
      lines: [{ name: 'Amount', unitPrice: 1234, quantity: 1 }],
      saleId: 'x-1',
    });
    await user.click(screen.getByRole('button', { name: 'New sale' }));
    expect(f.api.dismissPayment).toHaveBeenCalledWith({ orderId: 'x-1-1' });
  });

  it('announces status changes to screen readers', async () => {
    const f = fakeApi({ payments: [payment()] });
    const { container } = render(<App api={f.api} />);
    await screen.findByTestId('payment');
    act(() => f.push({ type: 'payment', payment: payment({ state: 'cancelled' }) }));
    expect(container.querySelectorAll('[aria-live="polite"]')).toHaveLength(1);
    expect(screen.getByTestId('announcer')).toHaveTextContent('Payment on T1: Cancelled - not paid');
  });

  it('demo mode shows the virtual terminal', async () => {
    const f = fakeApi({ mode: 'demo', payments: [payment()] });
    await renderApp(f);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Soft decline (PIN)' }));
    expect(f.api.simulateTerminal).toHaveBeenCalledWith({ terminalId: 'T1', action: 'soft_decline' });
  });
});

describe('Dutch', () => {
  it('shows the till’s payment messages and refusals in Dutch, falling back to English where none is written', async () => {
    const f = fakeApi({
      payments: [
        payment({ state: 'failed', message: 'The payment never reached MultiSafepay. Nothing was charged.', messageKey: 'not_sent' }),
        payment({
          orderId: 'x-2-2',
          terminalId: 'T2',
          state: 'failed',
          message: 'Something new. (MultiSafepay code 1099)',
          messageKey: 'refused_1099',
        }),
      ],
    });
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.charge.mockRejectedValueOnce({
      code: 'terminal_busy',
      message: 'Terminal T1 is busy with payment x - finish or cancel that one first.',
    });
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await screen.findByRole('button', { name: 'Afrekenen' });
    const [first, second] = screen.getAllByTestId('payment');
    expect(first).toHaveTextContent('De betaling heeft MultiSafepay nooit bereikt');
    // A refusal without a Dutch sentence of its own still reads in Dutch, with MultiSafepay's code for support.
    expect(second).toHaveTextContent('MultiSafepay weigerde de betaling (code 1099).');
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    await user.click(screen.getByRole('button', { name: 'Afrekenen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Deze terminal is bezig met een andere betaling');
  });
});
