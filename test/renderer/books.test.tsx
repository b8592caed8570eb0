/** The books in the till's screens: VAT settings and receipts, printing again, the day, staff, cash for an unpaid card, notices. */
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { localDay } from '../../renderer/src/day';
import type { DayState, DayTotals, Params, SaleRecord, StaffMember } from '../../shared/contract';
import { fakeApi, payment } from '../helpers/fake-api';

const bucket = (count: number, amount: number) => ({ count, amount });
const cardSale = (over: Partial<SaleRecord> = {}): SaleRecord => ({
  saleId: 'abc-1',
  createdAt: Date.now(),
  lines: [
    { name: 'Espresso', unitPrice: 250, quantity: 3, vatRate: 9 },
    { name: 'Mug', unitPrice: 1210, quantity: 1, vatRate: 21 },
  ],
  total: 1960,
  currency: 'EUR',
  tender: 'card',
  status: 'paid',
  receiptNumber: 41,
  staff: 'Anna',
  vat: [
    { rate: 21, gross: 1210, vat: 210 },
    { rate: 9, gross: 750, vat: 62 },
  ],
  attempts: [
    {
      orderId: 'abc-1-1',
      terminalId: 'T1',
      state: 'completed',
      createdAt: Date.now(),
      transactionId: '987654321',
      card: { type: 'VISA', last4: '4242', authorizationCode: 'A1B2C3' },
    },
  ],
  refunds: [],
  ...over,
});
const totals = (over: Partial<DayTotals> = {}): DayTotals => ({
  currency: 'EUR',
  outcomes: { completed: bucket(2, 3000), cancelled: bucket(0, 0), failed: bucket(0, 0), pending: bucket(0, 0) },
  tenders: { card: bucket(1, 1960), cash: bucket(1, 1040) },
  cardTypes: { VISA: bucket(1, 1960) },
  refunds: bucket(1, 500),
  refundsByTender: { card: bucket(0, 0), cash: bucket(1, 500) },
  net: 2500,
  vat: [
    { rate: 21, gross: 1210, vat: 210 },
    { rate: 9, gross: 1290, vat: 107 },
  ],
  ...over,
});
const ANNA: StaffMember = { id: 'anna', name: 'Anna', role: 'manager' };
const BOB: StaffMember = { id: 'bob', name: 'Bob', role: 'cashier' };

async function renderApp(f = fakeApi()) {
  render(<App api={f.api} />);
  const user = userEvent.setup();
  return { f, user };
}

describe('settings: VAT, quick keys and the receipt printer', () => {
  it('saves the rates offered, the rate of typed amounts, a VAT rate per quick key and the printer with its paper', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, vatRates: [21, 9, 0], customVatRate: 21, printerHost: '', printerPort: 9100, paper: '80mm' };
    f.snap.catalog = [{ id: 'a', name: 'Apple', price: 150, vatRate: 9 }];
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const rates = screen.getByRole('textbox', { name: /VAT rates offered/ });
    await user.clear(rates);
    await user.type(rates, '21, 9, 0, 13');
    await user.selectOptions(screen.getByRole('combobox', { name: 'VAT rate of typed amounts' }), '9');
    await user.type(screen.getByRole('textbox', { name: /Printer address/ }), '192.168.1.50');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Paper width' }), '58mm');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({
        vatRates: [21, 9, 0, 13],
        customVatRate: 9,
        printerHost: '192.168.1.50',
        printerPort: 9100,
        paper: '58mm',
      }),
    );

    const vat = screen.getByRole('combobox', { name: 'VAT rate 1' });
    expect(vat).toHaveValue('9');
    await user.selectOptions(vat, '21');
    f.api.saveCatalog.mockResolvedValue([]);
    await user.click(screen.getByRole('button', { name: 'Save quick keys' }));
    expect(f.api.saveCatalog).toHaveBeenCalledWith({ items: [{ id: 'a', name: 'Apple', price: 150, vatRate: 21 }] });
  });

  it('cash rounding is chosen per till: 0.05 to start, then 0.10 or off', async () => {
    const { f, user } = await renderApp();
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const rounding = screen.getByRole('combobox', { name: 'Cash rounding' });
    expect(rounding).toHaveValue('5');
    expect([...(rounding as HTMLSelectElement).options].map((o) => o.text)).toEqual(['Off', '€0.05', '€0.10']);
    await user.selectOptions(rounding, '€0.10');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ cashRounding: 10 }));
    await user.selectOptions(rounding, 'Off');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ cashRounding: 0 }));
  });

  it('refuses VAT rates that are not rates, next to the field, and saves nothing', async () => {
    const { f, user } = await renderApp();
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const rates = screen.getByRole('textbox', { name: /VAT rates offered/ });
    await user.clear(rates);
    await user.type(rates, '21, abc');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText(/Type the VAT rates as numbers/)).toBeInTheDocument();
    expect(rates).toHaveAttribute('aria-invalid', 'true');
    expect(f.api.saveSettings).not.toHaveBeenCalled();
  });

  it('a quick key and a typed amount carry their VAT rates into the charge', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, customVatRate: 9 };
    f.snap.catalog = [{ id: 'a', name: 'Apple', price: 150, vatRate: 0 }];
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: /Apple/ }));
    await user.type(screen.getByRole('textbox', { name: 'Amount' }), '2.50');
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    expect(f.api.charge).toHaveBeenCalledWith({
      terminalId: 'T1',
      lines: [
        { name: 'Apple', unitPrice: 150, quantity: 1, vatRate: 0 },
        { name: 'Other item', unitPrice: 250, quantity: 1, vatRate: 9 },
      ],
    });
  });
});

describe('receipts', () => {
  async function openReceipt(sale: SaleRecord, paper: '58mm' | '80mm' = '80mm', printerHost = '') {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, merchantName: 'Koffiebar', merchantAddress: 'Kade 1, Utrecht', paper, printerHost };
    f.api.history.mockResolvedValue([sale]);
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'History' }));
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    return { f, user };
  }

  it('a card receipt: number, shop, lines, VAT per rate, card, auth code and MultiSafepay transaction id', async () => {
    const { user } = await openReceipt(cardSale(), '58mm');
    await user.click(screen.getByRole('button', { name: 'Print receipt' }));
    const r = screen.getByTestId('receipt');
    expect(r).toHaveAttribute('data-paper', '58mm');
    expect(r).toHaveClass('paper-58mm');
    for (const text of [
      'Receipt 41',
      'Koffiebar',
      'Kade 1, Utrecht',
      '3 × Espresso',
      'Mug',
      '€19.60',
      'VISA **** 4242',
      'A1B2C3',
      '987654321',
      'Served by Anna',
    ])
      expect(r).toHaveTextContent(text);
    const vat = within(screen.getByTestId('receipt-vat'));
    expect(vat.getByText('21%').closest('tr')).toHaveTextContent('21%€12.10€2.10');
    expect(vat.getByText('9%').closest('tr')).toHaveTextContent('9%€7.50€0.62');
  });

  it('a refund receipt says which receipt it refunds and reverses the VAT', async () => {
    const sale = cardSale({
      status: 'partially_refunded',
      refunds: [
        {
          refundId: 'r1',
          orderId: 'abc-1-1',
          amount: 1210,
          at: Date.now(),
          state: 'done',
          tender: 'card',
          receiptNumber: 42,
          transactionId: '555',
        },
      ],
    });
    const { user } = await openReceipt(sale);
    await user.click(screen.getByRole('button', { name: /Show receipt/ }));
    const r = screen.getByTestId('receipt');
    expect(r).toHaveAttribute('data-kind', 'refund');
    expect(r).toHaveTextContent('Refund receipt 42');
    expect(r).toHaveTextContent('Refund of receipt 41');
    expect(r).toHaveTextContent('Refunded to the card');
    expect(screen.getByTestId('receipt-total')).toHaveTextContent('-€12.10');
    // €12.10 of €19.60 is split over the rates in proportion, VAT reversed per part.
    const rows = within(screen.getByTestId('receipt-vat')).getAllByRole('row').slice(1);
    const parts = rows.map((row) => Number(row.getAttribute('data-vat')));
    expect(parts.every((v) => v < 0)).toBe(true);
  });

  it('Print again goes to the receipt printer when one is set, and is not offered without one', async () => {
    const { f, user } = await openReceipt(cardSale(), '80mm', '192.168.1.50');
    await user.click(screen.getByRole('button', { name: 'Print again' }));
    expect(f.api.printReceipt).toHaveBeenCalledWith({ saleId: 'abc-1' });
    expect(await screen.findByText('Sent to the receipt printer.')).toBeInTheDocument();
    f.api.printReceipt.mockRejectedValueOnce({ code: 'printer_error', message: 'The receipt printer at 192.168.1.50 did not answer.' });
    await user.click(screen.getByRole('button', { name: 'Print again' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('did not answer');
  });

  it("the receipt's one print action goes to the receipt printer when one is set, else to the browser's print", async () => {
    const printed: number[] = [];
    const original = window.print;
    window.print = () => void printed.push(1);
    try {
      const { f, user } = await openReceipt(cardSale(), '80mm', '192.168.1.50');
      await user.click(screen.getByRole('button', { name: 'Print receipt' }));
      const dialog = screen.getByRole('dialog');
      await user.click(within(dialog).getByRole('button', { name: 'Print receipt' }));
      expect(f.api.printReceipt).toHaveBeenCalledWith({ saleId: 'abc-1' });
      expect(await within(dialog).findByText('Sent to the receipt printer.')).toBeInTheDocument();
      expect(printed).toEqual([]);
      cleanup();
      // Without a printer: the browser's print, and nothing sent to the till.
      const other = await openReceipt(cardSale());
      await other.user.click(screen.getByRole('button', { name: 'Print receipt' }));
      await other.user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Print receipt' }));
      expect(printed).toEqual([1]);
      expect(other.f.api.printReceipt).not.toHaveBeenCalled();
    } finally {
      window.print = original;
    }
  });

  it('no Print again without a printer', async () => {
    await openReceipt(cardSale());
    expect(screen.queryByRole('button', { name: 'Print again' })).toBeNull();
  });
});

describe('opening and closing the day', () => {
  it('opens the day with a float typed on the keypad', async () => {
    const f = fakeApi();
    const opened: DayState = { day: localDay(), openedAt: Date.now(), float: 15000, currency: 'EUR' };
    f.api.openDay.mockResolvedValue(opened);
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [] });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Day' }));
    expect(await screen.findByText('The day has not been opened.')).toBeInTheDocument();
    const pad = screen.getByRole('group', { name: 'Cash float' });
    for (const k of ['1', '5', '0', '00']) await user.click(within(pad).getByRole('button', { name: k }));
    expect(screen.getByRole('textbox', { name: 'Cash float' })).toHaveValue('150.00');
    await user.click(screen.getByRole('button', { name: 'Open day' }));
    expect(f.api.openDay).toHaveBeenCalledWith({ float: 15000 });
    expect(await screen.findByTestId('day-open')).toHaveTextContent('€150.00');
  });

  it('closes the day: expected cash, the difference as typed, a confirmation, then the closed day with VAT and orphans flagged', async () => {
    const f = fakeApi();
    const open: DayState = { day: localDay(), openedAt: Date.now(), float: 10000, currency: 'EUR' };
    f.snap.today = open;
    f.api.dayReport.mockResolvedValue({ date: localDay(), totals: [totals()] });
    const closed: DayState = {
      ...open,
      closedAt: Date.now(),
      counted: 10290,
      expected: 10540,
      closedBy: 'Anna',
      report: {
        date: localDay(),
        currency: 'EUR',
        float: 10000,
        expected: 10540,
        counted: 10290,
        difference: -250,
        totals: [totals()],
        reconciliation: {
          at: Date.now(),
          checked: 3,
          mismatches: [
            {
              orderId: 'zz-9-1',
              saleId: 'zz-9',
              terminalId: 'T1',
              amount: 700,
              currency: 'EUR',
              till: 'cancelled',
              msp: 'completed',
              kind: 'orphan_payment',
            },
          ],
        },
      },
    };
    f.api.closeDay.mockResolvedValue(closed);
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Day' }));
    // Float 100.00 + cash 10.40 - cash refunds 5.00.
    expect(await screen.findByTestId('day-expected-now')).toHaveAttribute('data-amount', '10540');
    await user.type(screen.getByRole('textbox', { name: 'Cash counted' }), '102.90');
    expect(screen.getByTestId('day-difference')).toHaveTextContent('€2.50 short');
    await user.click(screen.getByRole('button', { name: 'Close day' }));
    expect(f.api.closeDay).not.toHaveBeenCalled();
    // The day in the confirmation as the till's language writes it (day first), not as an ISO date.
    const [y, m, d] = localDay().split('-');
    expect(screen.getByRole('group', { name: `Close ${d}/${m}/${y}? No sale can be added to it afterwards.` })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yes, close the day' }));
    expect(f.api.closeDay).toHaveBeenCalledWith({ counted: 10290 });
    const report = await screen.findByTestId('day-closed');
    expect(within(report).getByTestId('day-difference')).toHaveAttribute('data-amount', '-250');
    expect(within(report).getByTestId('day-card-VISA')).toHaveAttribute('data-amount', '1960');
    expect(within(report).getByTestId('day-refunds-cash')).toHaveAttribute('data-amount', '500');
    expect(within(within(report).getByTestId('vat-totals')).getByText('9%').closest('tr')).toHaveAttribute('data-vat', '107');
    expect(within(report).getByTestId('mismatch')).toHaveTextContent('PAID AT MULTISAFEPAY BUT NOT RECORDED AS PAID');
    await user.click(within(report).getByRole('button', { name: 'Export transactions (CSV)' }));
    expect(f.api.exportTransactions).toHaveBeenCalledWith({ from: localDay(), to: localDay() });
  });

  it('the sale screen says plainly that today is closed, and does not charge', async () => {
    const f = fakeApi({ today: { day: localDay(), openedAt: Date.now(), float: 0, currency: 'EUR', closedAt: Date.now() } });
    const { user } = await renderApp(f);
    expect(await screen.findByTestId('day-closed-banner')).toHaveTextContent('Today is closed');
    await user.click(screen.getByRole('button', { name: /Apple/ }));
    expect(screen.getByRole('button', { name: 'Charge' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cash' })).toBeDisabled();
  });
});

describe('staff', () => {
  it('asks who is at the till: a name, a PIN on the keypad; then their name and Sign out in the header', async () => {
    const f = fakeApi({ staff: [ANNA, BOB] });
    f.api.signIn.mockImplementation(async (p: Params<'signIn'>) => {
      f.snap.user = BOB; // what the core answers once someone is signed in
      act(() => f.push({ type: 'staff', user: BOB, staff: [ANNA, BOB] }));
      return p.staffId === 'bob' ? BOB : ANNA;
    });
    const { user } = await renderApp(f);
    await screen.findByRole('region', { name: 'Sign in' });
    expect(screen.queryByRole('button', { name: 'Charge' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Bob' }));
    const pad = screen.getByRole('group', { name: 'PIN keypad' });
    for (const k of ['1', '2', '3', '4']) await user.click(within(pad).getByRole('button', { name: k }));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(f.api.signIn).toHaveBeenCalledWith({ staffId: 'bob', pin: '1234' });
    expect(await screen.findByTestId('signed-in')).toHaveTextContent('Bob, cashier');
    expect(screen.getByRole('button', { name: 'Charge' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(f.api.signOut).toHaveBeenCalled();
  });

  it('a wrong PIN is said in Dutch and the PIN is cleared', async () => {
    const f = fakeApi({ staff: [ANNA] });
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.signIn.mockRejectedValue({ code: 'not_allowed', field: 'pin', message: 'That PIN is not right.' });
    const { user } = await renderApp(f);
    await screen.findByRole('region', { name: 'Inloggen' });
    await user.type(screen.getByLabelText('Pincode'), '9999');
    await user.click(screen.getByRole('button', { name: 'Inloggen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Die pincode klopt niet.');
    expect(screen.getByLabelText('Pincode')).toHaveValue('');
  });

  it("a cashier sees that a refund needs a manager, and the core's refusal is said plainly in Dutch", async () => {
    const f = fakeApi({ staff: [ANNA, BOB], user: BOB });
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.history.mockResolvedValue([cardSale()]);
    f.api.refund.mockRejectedValue({ code: 'not_allowed', message: 'A refund needs a manager - a manager must sign in first.' });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Geschiedenis' }));
    await user.click(await screen.findByRole('button', { name: /Details/ }));
    expect(screen.getByText('Alleen voor een manager')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Terugbetalen' }));
    await user.click(screen.getByRole('button', { name: 'Ja, terugbetalen' }));
    expect(f.api.refund).toHaveBeenCalled();
    expect(await screen.findByRole('alert')).toHaveTextContent('Dit mag alleen een manager');
  });

  it("Settings adds a cashier with a PIN and keeps the manager's PIN when left empty", async () => {
    const f = fakeApi({ staff: [ANNA], user: ANNA });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    await user.click(screen.getByRole('button', { name: 'Add person' }));
    await user.type(screen.getByRole('textbox', { name: 'Name 2' }), 'Bob de Vries');
    await user.type(screen.getByLabelText('PIN 2'), '12');
    await user.click(screen.getByRole('button', { name: 'Save staff' }));
    expect(await screen.findByText('Bob de Vries: A PIN is 4 to 8 digits.')).toBeInTheDocument();
    expect(f.api.saveStaff).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('PIN 2'), '34');
    await user.click(screen.getByRole('button', { name: 'Save staff' }));
    expect(f.api.saveStaff).toHaveBeenCalledWith({
      staff: [
        { id: 'anna', name: 'Anna', role: 'manager' },
        { id: 'bob-de-vries', name: 'Bob de Vries', role: 'cashier', pin: '1234' },
      ],
    });
  });

  it('a lost manager PIN is reset with the API key', async () => {
    const f = fakeApi({ staff: [ANNA, BOB] });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: 'Lost the manager PIN?' }));
    await user.type(screen.getByLabelText('New PIN (4 to 8 digits)'), '2468');
    await user.type(screen.getByLabelText(/MultiSafepay API key/), 'the-api-key-of-the-group');
    await user.click(screen.getByRole('button', { name: 'Set the new PIN' }));
    expect(f.api.resetManagerPin).toHaveBeenCalledWith({ staffId: 'anna', pin: '2468', apiKey: 'the-api-key-of-the-group' });
    expect(await screen.findByText('The PIN was changed - sign in with it.')).toBeInTheDocument();
  });
});

describe('cash after an unpaid card, and notices', () => {
  it('cash for a declined card pays the same sale', async () => {
    const f = fakeApi();
    f.api.charge.mockImplementation(async (p: Params<'charge'>) => {
      const view = payment({
        orderId: 's-1-1',
        saleId: 's-1',
        terminalId: p.terminalId,
        lines: p.lines,
        amount: 150,
        state: 'initialized',
      });
      act(() => f.push({ type: 'payment', payment: view }));
      return view;
    });
    f.api.payCash.mockResolvedValue({ ...cardSale({ saleId: 's-1', total: 150, tender: 'cash', cash: { given: 200, change: 50 } }) });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: /Apple/ }));
    await user.click(screen.getByRole('button', { name: 'Charge' }));
    act(() =>
      f.push({
        type: 'payment',
        payment: payment({
          orderId: 's-1-1',
          saleId: 's-1',
          lines: [{ name: 'Apple', unitPrice: 150, quantity: 1 }],
          state: 'failed',
          reason: 'declined',
        }),
      }),
    );
    await screen.findByTestId('tender-choice');
    await user.click(screen.getByRole('button', { name: 'Cash' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Cash payment' })).getByRole('button', { name: 'Exact' }));
    expect(f.api.payCash).toHaveBeenCalledWith({ lines: [{ name: 'Apple', unitPrice: 150, quantity: 1 }], given: 150, saleId: 's-1' });
  });

  it('a notice is said in Dutch by its key, and leads to its payment in History', async () => {
    const f = fakeApi();
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.snap.notices = [
      {
        id: 'n1',
        level: 'info',
        message: 'The refund of €5.00 (abc-1-1) went through at MultiSafepay.',
        key: 'refund_went_through',
        params: { amount: 500, currency: 'EUR', orderId: 'abc-1-1' },
        orderId: 'abc-1-1',
        at: Date.now(),
      },
    ];
    const { user } = await renderApp(f);
    // The screen switches to Dutch once the snapshot is in: the notice is read in Dutch from then on.
    const notice = await screen.findByTestId('notice');
    await waitFor(() => expect(notice).toHaveTextContent('De terugbetaling van € 5,00 (abc-1-1) is gelukt bij MultiSafepay.'));
    await user.click(within(notice).getByRole('button', { name: /Betaling tonen/ }));
    expect(await screen.findByRole('searchbox')).toHaveValue('abc-1-1');
    expect(f.api.history).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'abc-1-1' }));
  });

  it("a notice without a sentence for its key keeps the core's English", async () => {
    const f = fakeApi();
    f.snap.notices = [{ id: 'n2', level: 'warning', message: 'Something new happened.', at: Date.now() }];
    await renderApp(f);
    expect(await screen.findByTestId('notice')).toHaveTextContent('Something new happened.');
  });
});

describe('a printer of this computer', () => {
  it('the desktop app offers its printers in Settings and saves the chosen one; a browser (no printers) shows no choice', async () => {
    const f = fakeApi();
    f.api.printers.mockResolvedValue(['Receipts-80', 'Office laser']);
    render(<App api={f.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const select = await screen.findByRole('combobox', { name: /printer of this computer/ });
    await user.selectOptions(select, 'Receipts-80');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(f.api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ systemPrinter: 'Receipts-80' }));
  });
});

describe('today closed in another window', () => {
  it('the day event closes the sale screen at once, without re-reading anything', async () => {
    const f = fakeApi();
    render(<App api={f.api} />);
    await screen.findByRole('button', { name: 'Charge' });
    const calls = f.api.dayState.mock.calls.length;
    act(() =>
      f.push({
        type: 'day',
        today: { day: localDay(), openedAt: 1, float: 0, currency: 'EUR', closedAt: 2, counted: 0, expected: 0 },
      }),
    );
    expect(await screen.findByTestId('day-closed-banner')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Charge' })).toBeDisabled();
    expect(f.api.dayState.mock.calls.length).toBe(calls);
  });
});

describe('locked and guarded', () => {
  it('a locked member is marked on the sign-in screen, and the lockout is said in Dutch', async () => {
    const f = fakeApi({ staff: [{ ...ANNA, locked: true }, BOB] });
    f.snap.settings = { ...f.snap.settings, language: 'nl' };
    f.api.signIn.mockRejectedValue({
      code: 'not_allowed',
      message: 'Too many wrong PINs: Anna is locked. Another manager, or the MultiSafepay API key, can unlock it.',
    });
    const { user } = await renderApp(f);
    await user.click(await screen.findByRole('button', { name: /geblokkeerd/ }));
    await user.type(screen.getByLabelText('Pincode'), '9999');
    await user.click(screen.getByRole('button', { name: 'Inloggen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Te veel verkeerde pincodes: deze persoon is geblokkeerd/);
  });

  it('a till locked for its lost staff list shows only the locked screen, and opens with the API key', async () => {
    const f = fakeApi({ locked: true, staff: [] });
    f.api.unlockTill.mockImplementation(async () => {
      delete f.snap.locked; // what the core answers once the key was typed
      return { ok: true as const };
    });
    const { user } = await renderApp(f);
    await screen.findByRole('region', { name: 'The till is locked' });
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Charge' })).toBeNull();
    await user.type(screen.getByLabelText('MultiSafepay API key'), 'the-key-typed-again');
    await user.click(screen.getByRole('button', { name: 'Open the till' }));
    expect(f.api.unlockTill).toHaveBeenCalledWith({ apiKey: 'the-key-typed-again' });
    expect(await screen.findByRole('button', { name: 'Charge' })).toBeInTheDocument();
  });
});
