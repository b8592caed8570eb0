import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Params, Product, SaleRecord, Snapshot, TillApi } from '../../../../shared/contract';
import { lineTotal, parseAmount } from '../../../../shared/money';
import { isFinal, type PaymentView, type SaleLine } from '../../../../shared/payment';
import { errorText } from '../../errors';
import {
  addLine,
  bigAmount,
  changeQty,
  EMPTY_SALE,
  paidByCard,
  paidByCreditNotes,
  productLine,
  type Sale,
  terminalLabel,
} from '../../sale';
import type { AmountEntryState } from './useAmountEntry';

/** What the sale screen is given, and hands on to its parts. */
export interface SaleScreenProps {
  api: TillApi;
  snapshot: Snapshot;
  sale: Sale;
  setSale(sale: Sale): void;
  onReceipt(sale: string | SaleRecord): void;
  /** When the cashier last started a new sale: finished panels from before it are shown collapsed. */
  newSaleAt: number;
  onNewSale(): void;
  /** Today has been closed: no sale can be added to it. */
  dayClosed?: boolean;
}

export const isUnpaid = (p: PaymentView | undefined) => Boolean(p && isFinal(p.state) && p.state !== 'completed');

/** The basket is still exactly what was charged (so cash pays that same sale). */
export const sameLines = (a: readonly SaleLine[], b: readonly SaleLine[]) =>
  a.length === b.length && a.every((l, i) => l.name === b[i]!.name && l.unitPrice === b[i]!.unitPrice && l.quantity === b[i]!.quantity);

/**
 * The sale on the counter and what the cashier does with it: add and remove lines, clear and undo, charge on a
 * terminal, pay in cash, split. The basket stays until its sale is paid: an unpaid payment returns to the tender
 * choice, with the focus on the next step.
 */
export function useOpenSale({ api, snapshot, sale, setSale, onNewSale, dayClosed = false }: SaleScreenProps, amount: AmountEntryState) {
  const { t } = useTranslation();
  const { settings, terminals, payments } = snapshot;
  const currency = settings.currency;
  const [error, setError] = useState<string>();
  const [terminalId, setTerminalId] = useState(settings.defaultTerminalId || terminals[0]?.id || '');
  const [cashOpen, setCashOpen] = useState(false);
  const [splitOpen, setSplitOpen] = useState(false);
  const [creditOpen, setCreditOpen] = useState(false);
  const [charging, setCharging] = useState(false);
  const [confirmBig, setConfirmBig] = useState<{ minor: number; then?: 'charge' }>();
  const [undo, setUndo] = useState<Sale>();
  const chargeRef = useRef<HTMLButtonElement>(null);
  const cashRef = useRef<HTMLButtonElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const [discountOpen, setDiscountOpen] = useState(false);
  const [parkOpen, setParkOpen] = useState(false);
  const [parkedNote, setParkedNote] = useState<string>();
  const basket = sale.lines;
  const total = lineTotal(basket);
  const label = (id: string) => terminalLabel(id, terminals);
  // Split tender: a card or a store credit note paid part of this sale; the rest is due, in cash, on a card or with
  // another credit note. Its lines stay as charged.
  const cardPaid = paidByCard(sale);
  const creditPaid = paidByCreditNotes(sale);
  const due = total - cardPaid;
  const partPaid = cardPaid > 0 && due > 0;
  const amountText = amount.text;
  // An amount typed but not added yet: Charge, Cash and Split add it first, so the total shown counts it too.
  const typed = !partPaid && amountText.trim() ? parseAmount(amountText, currency) : null;
  const pending = typed !== null && typed > 0 && typed < bigAmount(currency) ? typed : undefined;

  useEffect(() => {
    if (!terminals.some((x) => x.id === terminalId)) setTerminalId(settings.defaultTerminalId || terminals[0]?.id || '');
  }, [terminals, terminalId, settings.defaultTerminalId]);

  const busy = useMemo(() => {
    const m = new Map<string, PaymentView>();
    for (const p of payments) if (!isFinal(p.state)) m.set(p.terminalId, p);
    return m;
  }, [payments]);
  const selectedBusy = busy.get(terminalId);
  const current = sale.orderId ? payments.find((p) => p.orderId === sale.orderId) : undefined;
  const locked = Boolean(current && !isFinal(current.state));
  const unpaid = isUnpaid(current) ? current : undefined;
  /** The basket cannot change: it is being paid, or part of it is paid. */
  const frozen = locked || partPaid;

  // After an unpaid end the tender choice is next: focus Charge (another card) with the basket kept.
  const unpaidOrder = unpaid?.orderId;
  useEffect(() => {
    if (unpaidOrder && (document.activeElement === document.body || document.activeElement?.closest('.payments')))
      chargeRef.current?.focus();
  }, [unpaidOrder]);
  // Cancel and take cash: once the declined payment is cancelled (not paid after all), the cash dialog opens.
  const [cashAfter, setCashAfter] = useState<string>();
  useEffect(() => {
    if (!cashAfter || !current || current.orderId !== cashAfter || !isFinal(current.state)) return;
    setCashAfter(undefined);
    if (isUnpaid(current) && basket.length) setCashOpen(true);
  }, [cashAfter, current, basket.length]);
  // After a card part is paid the rest is next: focus Cash (or Charge another card).
  const partKey = partPaid ? `${sale.saleId}:${cardPaid}` : undefined;
  useEffect(() => {
    const a = document.activeElement as HTMLButtonElement | null;
    // Focus that nobody holds: on the page, on a payment panel, or on a control that is disabled now.
    if (partKey && (!a || a === document.body || a.disabled || a.closest('.payments'))) cashRef.current?.focus();
  }, [partKey]);

  const setLines = (lines: SaleLine[]) => {
    setUndo(undefined);
    setSale({ ...sale, lines });
  };
  /** A typed amount takes the rate of typed amounts set in Settings. */
  const customLine = (minor: number): SaleLine => ({
    name: t('sale.customLine'),
    unitPrice: minor,
    quantity: 1,
    ...(settings.customVatRate !== undefined ? { vatRate: settings.customVatRate } : {}),
  });
  const addMinor = (minor: number) => {
    setLines(addLine(basket, customLine(minor)));
    amount.reset();
  };
  /** Adds what is in the amount field; big amounts are confirmed first. Returns the lines to charge, or null. */
  const takeAmount = (then?: 'charge'): SaleLine[] | null => {
    const minor = parseAmount(amountText, currency);
    if (minor === null) {
      amount.fail(t('sale.badAmount'));
      return null;
    }
    if (minor >= bigAmount(currency)) {
      setConfirmBig({ minor, ...(then ? { then } : {}) });
      return null;
    }
    addMinor(minor);
    return addLine(basket, customLine(minor));
  };

  /** Charges the basket on a terminal; with `amount`, only that part of it (split tender). */
  const charge = async (lines: SaleLine[], onTerminal: string, saleId: string | undefined, ofBasket: boolean, part?: number) => {
    setError(undefined);
    setCharging(true);
    const parts = sale.saleId === saleId ? sale.paid : undefined;
    try {
      const p = await api.charge({
        terminalId: onTerminal,
        lines,
        ...(saleId ? { saleId } : {}),
        ...(part !== undefined ? { amount: part } : {}),
      });
      if (ofBasket && p?.orderId) setSale({ lines, saleId: p.saleId, orderId: p.orderId, ...(parts ? { paid: parts } : {}) });
      if (p?.orderId) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-panel-order="${p.orderId}"]`)?.focus());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setCharging(false);
    }
  };
  const chargeDisabledReason = !terminalId ? t('sale.noTerminal') : selectedBusy ? t('sale.busy', { id: label(terminalId) }) : undefined;
  const canCharge = !locked && !chargeDisabledReason && !charging && !dayClosed;
  /** Charge: what is typed in the amount field is added first (one step for a one-amount sale). */
  const chargeNow = (lines: SaleLine[] = basket) => {
    if (!canCharge) return;
    // Part paid: another card pays what is due.
    if (partPaid) return void charge(basket, terminalId, sale.saleId, true, due);
    let toCharge = lines;
    if (amountText.trim()) {
      const added = takeAmount('charge');
      if (!added) return;
      toCharge = added;
    }
    if (toCharge.length) void charge(toCharge, terminalId, sale.saleId, true);
  };
  /** Cash, Store credit: what is typed in the amount field is added first, then the tender's dialog opens. */
  const openTender = (setOpen: (open: boolean) => void) => () => {
    if (locked || charging || dayClosed) return;
    if (amountText.trim() && !takeAmount()) return;
    if (basket.length || amountText.trim()) setOpen(true);
  };
  const openCash = openTender(setCashOpen);
  /** Store credit: a credit note pays the basket, or what is due of it. */
  const openCredit = openTender(setCreditOpen);
  /** Split: part on a card (the amount asked in a dialog), then the rest in cash or on another card. */
  const canSplit = canCharge && !partPaid;
  const openSplit = () => {
    if (!canSplit) return;
    if (amountText.trim() && !takeAmount()) return;
    if (basket.length || amountText.trim()) setSplitOpen(true);
  };
  /** Enter in the amount field: adds what is typed, or charges when nothing is. */
  const submitAmount = () => {
    if (!amountText.trim()) chargeNow();
    else {
      takeAmount();
      amount.ref.current?.focus();
    }
  };
  /** The big amount was meant: it is added (and charged, when Charge asked for it). */
  const confirmAmount = () => {
    if (!confirmBig) return;
    const then = confirmBig.then;
    const lines = addLine(basket, customLine(confirmBig.minor));
    setConfirmBig(undefined);
    addMinor(confirmBig.minor);
    if (then === 'charge' && canCharge) void charge(lines, terminalId, sale.saleId, true);
  };
  // The audit trail: a basket cleared, a clear undone, a line removed (never holds up the counter).
  const audit = (p: Params<'recordAudit'>) => void api.recordAudit(p).catch(() => {});
  const removeLine = (i: number, l: SaleLine) => {
    audit({ event: 'line_removed', amount: l.unitPrice * l.quantity, name: l.name });
    setLines(changeQty(basket, i, -l.quantity));
  };
  /** Empties the basket (Undo clear brings it back); focus goes to Undo clear unless the caller moves it on. */
  const clear = (focusUndo = true) => {
    if (basket.length) audit({ event: 'basket_cleared', amount: total, lines: basket.length });
    setUndo(sale);
    setSale(EMPTY_SALE);
    amount.reset();
    if (focusUndo) requestAnimationFrame(() => undoRef.current?.focus());
  };
  const undoClear = () => {
    if (!undo) return;
    audit({ event: 'clear_undone', amount: lineTotal(undo.lines), lines: undo.lines.length });
    setSale(undo);
    setUndo(undefined);
  };
  const newSale = () => {
    if (frozen) return;
    if (basket.length) clear(false);
    const done = payments.filter((p) => isFinal(p.state) && p.saleId === sale.saleId);
    for (const p of done) void api.dismissPayment({ orderId: p.orderId }).catch(() => {});
    onNewSale();
    amount.ref.current?.focus();
  };
  const parked = () => {
    setSale(EMPTY_SALE);
    amount.reset();
    setParkedNote(t('park.parked'));
    requestAnimationFrame(() => amount.ref.current?.focus());
  };

  // Scans are looked up one after another and may come back after the basket changed: they add to the latest one.
  const saleRef = useRef(sale);
  useLayoutEffect(() => {
    saleRef.current = sale;
  });
  /** A catalog product as a basket line: its price and VAT as they are now, and its id. */
  const addProduct = (p: Product & { line?: SaleLine }) => {
    // A weighed or priced item's scan brings its own line (the weight or price its barcode carries).
    const line = p.line ?? productLine(p);
    const next = addLine(saleRef.current.lines, line);
    saleRef.current = { ...saleRef.current, lines: next };
    setUndo(undefined);
    setSale(saleRef.current);
  };

  return {
    payments,
    focusAmount: () => amount.ref.current?.focus(),
    currency,
    basket,
    total,
    cardPaid,
    creditPaid,
    due,
    partPaid,
    pending,
    label,
    busy,
    current,
    locked,
    unpaid,
    frozen,
    error,
    setError,
    terminalId,
    setTerminalId,
    charging,
    canCharge,
    canSplit,
    chargeDisabledReason,
    chargeRef,
    cashRef,
    undoRef,
    undo,
    cashOpen,
    setCashOpen,
    splitOpen,
    setSplitOpen,
    creditOpen,
    setCreditOpen,
    discountOpen,
    setDiscountOpen,
    parkOpen,
    setParkOpen,
    parkedNote,
    confirmBig,
    setConfirmBig,
    setCashAfter,
    setLines,
    charge,
    chargeNow,
    openCash,
    openSplit,
    openCredit,
    submitAmount,
    confirmAmount,
    removeLine,
    clear,
    undoClear,
    newSale,
    parked,
    addProduct,
  };
}

export type OpenSale = ReturnType<typeof useOpenSale>;
