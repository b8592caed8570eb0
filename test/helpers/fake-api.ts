import { vi } from 'vitest';
import type { DayState, Params, SaleRecord, Snapshot, TillApi, TillEvent } from '../../shared/contract';
import type { PaymentView } from '../../shared/payment';

/** An in-memory till API for component tests: records calls and lets a test push events. */
export function fakeApi(snapshot: Partial<Snapshot> = {}) {
  const listeners = new Set<(e: TillEvent) => void>();
  const snap: Snapshot = {
    mode: 'live',
    payments: [],
    terminals: [
      { id: 'T1', source: 'manual' },
      { id: 'T2', source: 'manual' },
    ],
    settings: {
      mode: 'live',
      baseUrl: '',
      apiKeySet: true,
      terminalIds: ['T1', 'T2'],
      defaultTerminalId: '',
      currency: 'EUR',
      merchantName: 'Shop',
      merchantAddress: 'Street 1',
      language: 'en',
      keyStorage: 'os',
      lockedByEnv: false,
    },
    catalog: [{ id: 'a', name: 'Apple', price: 150 }],
    notices: [],
    ...snapshot,
  };
  const api = {
    onEvent: (l: (e: TillEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    snapshot: vi.fn(async () => ({ ...snap })), // a fresh object each time, as over a transport
    charge: vi.fn(async (_p: Params<'charge'>) => ({}) as PaymentView),
    cancelPayment: vi.fn(async () => ({}) as PaymentView),
    dismissPayment: vi.fn(async () => ({ ok: true })),
    resolvePayment: vi.fn(async () => ({}) as PaymentView),
    payCash: vi.fn(),
    payCredit: vi.fn(),
    history: vi.fn(async (_p?: unknown): Promise<SaleRecord[]> => []),
    refund: vi.fn(),
    dayReport: vi.fn(),
    saveSettings: vi.fn(async () => snap.settings),
    testConnection: vi.fn(),
    refreshTerminals: vi.fn(async () => snap.terminals),
    saveCatalog: vi.fn(),
    simulateTerminal: vi.fn(async () => ({ ok: true })),
    openDay: vi.fn(),
    closeDay: vi.fn(),
    dayState: vi.fn(async (_p?: unknown): Promise<DayState | null> => snap.today ?? null),
    drawerSessions: vi.fn(async () => []),
    correctFloat: vi.fn(),
    exportJournal: vi.fn(async () => ({ path: '/tmp/journal.csv', rows: 0 })),
    signIn: vi.fn(),
    signOut: vi.fn(async () => ({ ok: true })),
    saveStaff: vi.fn(async (p: Params<'saveStaff'>) => p.staff.map(({ id, name, role }) => ({ id, name, role }))),
    resetManagerPin: vi.fn(async () => ({ ok: true })),
    unlockStaff: vi.fn(async () => snap.staff ?? []),
    unlockTill: vi.fn(async (_p?: unknown) => ({ ok: true as const })),
    printReceipt: vi.fn(async () => ({ printed: true })),
    printers: vi.fn(async () => [] as string[]),
    exportBackup: vi.fn(async () => ({ path: '/tmp/backup' })),
    exportTransactions: vi.fn(async () => ({ path: '/tmp/export.csv', rows: 0 })),
    paidIn: vi.fn(),
    paidOut: vi.fn(),
    openDrawer: vi.fn(),
    recordAudit: vi.fn(async (_p: Params<'recordAudit'>) => ({ ok: true as const })),
    shopDay: vi.fn(),
  };
  const push = (e: TillEvent) => listeners.forEach((l) => l(e));
  return { api: api as unknown as TillApi & typeof api, push, snap };
}

export function payment(over: Partial<PaymentView> = {}): PaymentView {
  return {
    attemptId: 'x-1-1',
    saleId: 'x-1',
    orderId: 'x-1-1',
    terminalId: 'T1',
    amount: 1234,
    currency: 'EUR',
    lines: [{ name: 'Amount', unitPrice: 1234, quantity: 1 }],
    state: 'initialized',
    connection: 'live',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    recovered: false,
    ...over,
  };
}

/**
 * The till answers a charge with the attempt it made, as the core does: sale `s-1` (or the sale id sent), orders
 * `s-1-1`, `s-1-2`, ..., charging `amount` when one is sent (part of a split sale), else the basket's total.
 */
export function answerCharges(f: ReturnType<typeof fakeApi>, act: (fn: () => void) => void) {
  let n = 0;
  f.api.charge.mockImplementation(async (p: Params<'charge'>) => {
    n += 1;
    const view = payment({
      orderId: `s-1-${n}`,
      attemptId: `s-1-${n}`,
      saleId: p.saleId ?? 's-1',
      terminalId: p.terminalId,
      lines: p.lines,
      amount: p.amount ?? p.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
      state: 'creating',
    });
    act(() => f.push({ type: 'payment', payment: view }));
    return view;
  });
}
