import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Params, Product, SaleRecord, Snapshot, TillApi } from '../../../shared/contract';
import { checkBarcode } from '../../../shared/barcode';
import { TillError } from '../../../shared/errors';
import { lineTotal, parseAmount } from '../../../shared/money';
import { isFinal, type PaymentView, type SaleLine } from '../../../shared/payment';
import { AddScannedProduct } from '../components/AddScannedProduct';
import { CashDialog } from '../components/CashDialog';
import { Keypad } from '../components/Keypad';
import { Modal } from '../components/Modal';
import { ParkDialog } from '../components/ParkDialog';
import { DiscountDialog } from '../components/DiscountDialog';
import { PaymentPanel } from '../components/PaymentPanel';
import { ProductSearch } from '../components/ProductSearch';
import { SplitDialog } from '../components/SplitDialog';
import { errorText } from '../errors';
import { decimalComma, money, moneyCode } from '../format';
import { addLine, bigAmount, changeQty, EMPTY_SALE, keypadText, paidByCard, type Sale, terminalLabel } from '../sale';
import { ScanDetector } from '../scanner';
import { SHORTCUTS } from '../shortcuts';

interface Props {
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

/** The basket is still exactly what was charged (so cash pays that same sale). */
const sameLines = (a: readonly SaleLine[], b: readonly SaleLine[]) =>
  a.length === b.length && a.every((l, i) => l.name === b[i]!.name && l.unitPrice === b[i]!.unitPrice && l.quantity === b[i]!.quantity);

const isUnpaid = (p: PaymentView | undefined) => Boolean(p && isFinal(p.state) && p.state !== 'completed');

/**
 * The sale flow: quick keys, custom amounts (typed or on the keypad), the basket, terminal choice, Charge or Cash,
 * and live payment panels. The basket stays until its sale is paid: an unpaid payment returns to the tender choice.
 */
export function SaleScreen({ api, snapshot, sale, setSale, onReceipt, newSaleAt, onNewSale, dayClosed = false }: Props) {
  const { t } = useTranslation();
  const { settings, terminals, payments, catalog } = snapshot;
  const currency = settings.currency;
  const [amountText, setAmountText] = useState('');
  const [keyed, setKeyed] = useState<string>();
  const [amountError, setAmountError] = useState<string>();
  const [error, setError] = useState<string>();
  const [terminalId, setTerminalId] = useState(settings.defaultTerminalId || terminals[0]?.id || '');
  const [cashOpen, setCashOpen] = useState(false);
  const [splitOpen, setSplitOpen] = useState(false);
  const [charging, setCharging] = useState(false);
  const [confirmBig, setConfirmBig] = useState<{ minor: number; then?: 'charge' }>();
  const [undo, setUndo] = useState<Sale>();
  const amountRef = useRef<HTMLInputElement>(null);
  const chargeRef = useRef<HTMLButtonElement>(null);
  const cashRef = useRef<HTMLButtonElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const [discountOpen, setDiscountOpen] = useState(false);
  const [parkOpen, setParkOpen] = useState(false);
  const [parkedNote, setParkedNote] = useState<string>();
  const basket = sale.lines;
  const total = lineTotal(basket);
  const label = (id: string) => terminalLabel(id, terminals);
  // Split tender: a card paid part of this sale; the rest is due, in cash or on another card. Its lines stay as charged.
  const cardPaid = paidByCard(sale);
  const due = total - cardPaid;
  const partPaid = cardPaid > 0 && due > 0;
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
  const resetAmount = () => {
    setAmountText('');
    setKeyed(undefined);
    setAmountError(undefined);
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
    resetAmount();
  };
  /** Adds what is in the amount field; big amounts are confirmed first. Returns the lines to charge, or null. */
  const takeAmount = (then?: 'charge'): SaleLine[] | null => {
    const minor = parseAmount(amountText, currency);
    if (minor === null) {
      setAmountError(t('sale.badAmount'));
      amountRef.current?.focus();
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
  const charge = async (lines: SaleLine[], onTerminal: string, saleId: string | undefined, ofBasket: boolean, amount?: number) => {
    setError(undefined);
    setCharging(true);
    const parts = sale.saleId === saleId ? sale.paid : undefined;
    try {
      const p = await api.charge({
        terminalId: onTerminal,
        lines,
        ...(saleId ? { saleId } : {}),
        ...(amount !== undefined ? { amount } : {}),
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
  const openCash = () => {
    if (locked || charging || dayClosed) return;
    if (amountText.trim() && !takeAmount()) return;
    if (basket.length || amountText.trim()) setCashOpen(true);
  };
  /** Split: part on a card (the amount asked in a dialog), then the rest in cash or on another card. */
  const canSplit = canCharge && !partPaid;
  const openSplit = () => {
    if (!canSplit) return;
    if (amountText.trim() && !takeAmount()) return;
    if (basket.length || amountText.trim()) setSplitOpen(true);
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
    resetAmount();
    if (focusUndo) requestAnimationFrame(() => undoRef.current?.focus());
  };
  const newSale = () => {
    if (frozen) return;
    if (basket.length) clear(false);
    const done = payments.filter((p) => isFinal(p.state) && p.saleId === sale.saleId);
    for (const p of done) void api.dismissPayment({ orderId: p.orderId }).catch(() => {});
    onNewSale();
    amountRef.current?.focus();
  };

  /** A catalog product as a basket line: its price and VAT as they are now, and its id. */
  const addProduct = (p: Product & { line?: SaleLine }) => {
    // A weighed or priced item's scan brings its own line (the weight or price its barcode carries).
    const line = p.line ?? { name: p.name, unitPrice: p.price, quantity: 1, vatRate: p.vatRate, productId: p.id };
    const next = addLine(saleRef.current.lines, line);
    saleRef.current = { ...saleRef.current, lines: next };
    setUndo(undefined);
    setSale(saleRef.current);
  };

  // Scanning: a scanner's burst (keys a few ms apart, then Enter) is caught before any field sees its Enter, the
  // digits it typed into whatever had focus are taken back out, and the product is added; an unknown or misread
  // code only says so. Scans are looked up one after another, so none is lost when they come quickly.
  const saleRef = useRef(sale);
  saleRef.current = sale;
  const amountNow = useRef(amountText);
  amountNow.current = amountText;
  const detector = useRef(new ScanDetector());
  const beforeScan = useRef<{ field: HTMLInputElement | null; value: string; amount: string }>(undefined);
  const scans = useRef<Promise<void>>(Promise.resolve());
  // The last unknown code scanned, while its notice is shown: a manager can add its product from there.
  const [unknown, setUnknown] = useState<{ code: string; text: string }>();
  const scan = (code: string) => {
    scans.current = scans.current.then(async () => {
      if (frozen) return;
      try {
        addProduct(await api.findBarcode({ code }));
        setError(undefined);
      } catch (e) {
        // Not found: unknown or misread, said in the till's language. Anything else (signed out, the link down) as itself.
        if (TillError.from(e).code !== 'not_found') return setError(errorText(e));
        const check = checkBarcode(code);
        const text = !check.ok && check.misread ? t('sale.misread', { code, kind: check.misread }) : t('sale.unknownBarcode', { code });
        setError(text);
        setUnknown(check.ok ? { code, text } : undefined);
      }
    });
  };
  useEffect(() => {
    const onScanKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const seen = detector.current.feed(e.key, e.timeStamp);
      if (seen?.kind === 'start') {
        const a = document.activeElement;
        const field = a instanceof HTMLInputElement && a !== amountRef.current ? a : null;
        beforeScan.current = { field, value: field?.value ?? '', amount: amountNow.current };
      } else if (seen?.kind === 'scan') {
        e.preventDefault();
        e.stopPropagation();
        const before = beforeScan.current;
        if (before) {
          setAmountText(before.amount);
          setKeyed(undefined);
          setAmountError(undefined);
          if (before.field && before.field.value !== before.value) setFieldValue(before.field, before.value);
        }
        scan(seen.code);
      }
    };
    window.addEventListener('keydown', onScanKey, true);
    return () => window.removeEventListener('keydown', onScanKey, true);
  });

  // Keyboard: digits go to the amount field, Enter adds (or charges when nothing is typed), Escape clears the
  // amount, F-keys as in SHORTCUTS. Dialogs take their own keys.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const fkey = Object.entries(SHORTCUTS).find(([, k]) => k === e.key)?.[0];
      if (fkey === 'charge' || fkey === 'cash' || fkey === 'split' || fkey === 'newSale') {
        e.preventDefault();
        if (fkey === 'charge') chargeNow();
        else if (fkey === 'cash') openCash();
        else if (fkey === 'split') openSplit();
        else newSale();
        return;
      }
      const el = e.target as HTMLElement;
      if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName) && el !== document.body) {
        if (el === amountRef.current && e.key === 'Escape') resetAmount();
        return;
      }
      if (/^[0-9.,]$/.test(e.key)) {
        e.preventDefault();
        setAmountText((v) => v + e.key);
        setKeyed(undefined);
        amountRef.current?.focus();
      } else if (e.key === 'Enter' && !e.repeat) {
        e.preventDefault();
        chargeNow();
      } else if (e.key === 'Escape') resetAmount();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const pressKeypad = (digits: string) => {
    const next = ((keyed ?? '') + digits).replace(/^0+/, '').slice(0, 9);
    setKeyed(next);
    setAmountText(keypadText(next, currency, decimalComma()));
    setAmountError(undefined);
  };

  const backspace = () => {
    if (keyed === undefined) return setAmountText((v) => v.slice(0, -1));
    const next = keyed.slice(0, -1);
    setKeyed(next);
    setAmountText(keypadText(next, currency, decimalComma()));
  };

  const lineLabel = (l: SaleLine) => `${l.name} ${money(l.unitPrice, currency)}`;
  const kbd = (k: string) => (
    <kbd className="shortcut" aria-hidden="true">
      {k}
    </kbd>
  );

  return (
    <div className="sale">
      {dayClosed && (
        <p className="day-closed sale-day-closed" role="status" id="day-closed" data-testid="day-closed-banner">
          {t('sale.dayClosed')}
        </p>
      )}
      <div className="entry">
        <ProductSearch api={api} currency={currency} disabled={frozen} onPick={addProduct} />
        {catalog.length > 0 && (
          <section className="quick-keys" aria-label={t('sale.products')}>
            {catalog.map((item) => (
              <button
                key={item.id}
                className="key"
                disabled={frozen}
                onClick={() =>
                  setLines(
                    addLine(basket, {
                      name: item.name,
                      unitPrice: item.price,
                      quantity: 1,
                      ...(item.vatRate !== undefined ? { vatRate: item.vatRate } : {}),
                      ...(item.productId !== undefined ? { productId: item.productId } : {}),
                    }),
                  )
                }
              >
                <span>{item.name}</span>
                <small>{money(item.price, currency)}</small>
              </button>
            ))}
          </section>
        )}
        <section className="amount-section" aria-label={t('sale.custom')}>
          <form
            className="amount-entry"
            onSubmit={(e) => {
              e.preventDefault();
              if (!amountText.trim()) chargeNow();
              else {
                takeAmount();
                amountRef.current?.focus();
              }
            }}
          >
            <label htmlFor="amount">{t('sale.amount')}</label>
            <input
              id="amount"
              ref={amountRef}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              disabled={frozen}
              value={amountText}
              aria-invalid={amountError ? true : undefined}
              aria-describedby={amountError ? 'amount-error' : 'amount-hint'}
              onChange={(e) => {
                setAmountText(e.target.value);
                setKeyed(undefined);
                setAmountError(undefined);
              }}
            />
            <button type="submit" disabled={frozen}>
              {t('sale.add')}
            </button>
            {amountError ? (
              <p id="amount-error" className="error" role="alert">
                {amountError}
              </p>
            ) : (
              <p id="amount-hint" className="hint">
                {t('sale.amountHint')}
              </p>
            )}
          </form>
          {!frozen && <Keypad onDigits={pressKeypad} onBack={backspace} onClear={resetAmount} />}
        </section>
      </div>

      <section className="basket" aria-label={t('sale.basket')}>
        <h2>{t('sale.basket')}</h2>
        {basket.length === 0 ? (
          <p className="muted">{t('sale.empty')}</p>
        ) : (
          <ul>
            {basket.map((l, i) => (
              <li key={`${l.name}-${l.unitPrice}`}>
                <span className="line-name">{l.name}</span>
                <button
                  className="qty"
                  disabled={frozen}
                  aria-label={t('sale.decrease', { name: lineLabel(l) })}
                  onClick={() => (l.quantity === 1 ? removeLine(i, l) : setLines(changeQty(basket, i, -1)))}
                >
                  −
                </button>
                <span className="line-qty">{l.quantity}</span>
                <button
                  className="qty"
                  disabled={frozen}
                  aria-label={t('sale.increase', { name: lineLabel(l) })}
                  onClick={() => setLines(changeQty(basket, i, 1))}
                >
                  +
                </button>
                <span className="line-total">{money(l.unitPrice * l.quantity, currency)}</span>
                {l.discount && (
                  <span className="line-discount" data-testid="line-discount" data-amount={l.discount.amount}>
                    −{money(l.discount.amount, currency)} {l.discount.reason}
                    {l.discount.percent !== undefined ? ` (${l.discount.percent}%)` : ''}
                  </span>
                )}
                <button
                  className="qty"
                  disabled={frozen}
                  aria-label={t('sale.remove', { name: lineLabel(l) })}
                  onClick={() => removeLine(i, l)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        {pending !== undefined && (
          <p className="muted" data-testid="pending-amount" data-amount={pending}>
            {t('sale.pendingAmount', { amount: money(pending, currency) })}
          </p>
        )}
        <p className="total" data-testid="total">
          {t('sale.total')}:{' '}
          <strong data-testid="basket-total" data-amount={total + (pending ?? 0)}>
            {money(total + (pending ?? 0), currency)}
          </strong>
        </p>
        {locked && current && (
          <p className="paying" data-testid="basket-paying">
            {t('sale.paying', { terminal: label(current.terminalId) })}
          </p>
        )}
        {partPaid && (
          <p className="split-due" id="split-due" data-testid="split-due" data-paid={cardPaid} data-due={due}>
            <strong data-testid="amount-due" data-amount={due}>
              {t('sale.partPaid', { paid: money(cardPaid, currency), due: money(due, currency) })}
            </strong>{' '}
            {t('sale.partChoice')}
          </p>
        )}
        {unpaid && basket.length > 0 && (
          <p className="warn" data-testid="tender-choice">
            {t('sale.unpaid')}
          </p>
        )}
        <label className="terminal-select">
          {t('sale.terminal')}
          <select value={terminalId} disabled={locked} onChange={(e) => setTerminalId(e.target.value)}>
            {terminals.map((x) => (
              <option key={x.id} value={x.id}>
                {label(x.id)}
                {busy.has(x.id) ? ` (${t('sale.busyShort')})` : ''}
              </option>
            ))}
          </select>
        </label>
        {chargeDisabledReason && !locked && (
          <p className="warn" id="charge-why">
            {chargeDisabledReason}
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {unknown && error === unknown.text && !frozen && (
          <AddScannedProduct
            api={api}
            code={unknown.code}
            settings={settings}
            onAdded={(p) => {
              setError(undefined);
              setUnknown(undefined);
              addProduct(p);
            }}
          />
        )}
        <div className="sale-actions">
          <button
            ref={chargeRef}
            className="primary big"
            disabled={!(basket.length || amountText.trim()) || !canCharge}
            aria-describedby={dayClosed ? 'day-closed' : chargeDisabledReason ? 'charge-why' : partPaid ? 'split-due' : undefined}
            aria-keyshortcuts={SHORTCUTS.charge}
            onClick={() => chargeNow()}
          >
            {t('sale.charge')} {kbd(SHORTCUTS.charge)}
          </button>
          <button
            ref={cashRef}
            className="big"
            disabled={!(basket.length || amountText.trim()) || locked || charging || dayClosed}
            aria-describedby={dayClosed ? 'day-closed' : partPaid ? 'split-due' : undefined}
            aria-keyshortcuts={SHORTCUTS.cash}
            onClick={openCash}
          >
            {t('sale.cash')} {kbd(SHORTCUTS.cash)}
          </button>
          {!partPaid && (
            <button
              className="big"
              disabled={!(basket.length || amountText.trim()) || !canSplit}
              aria-describedby={dayClosed ? 'day-closed' : chargeDisabledReason ? 'charge-why' : undefined}
              aria-keyshortcuts={SHORTCUTS.split}
              onClick={openSplit}
            >
              {t('sale.split')} {kbd(SHORTCUTS.split)}
            </button>
          )}
          {undo ? (
            <button
              ref={undoRef}
              onClick={() => {
                audit({ event: 'clear_undone', amount: lineTotal(undo.lines), lines: undo.lines.length });
                setSale(undo);
                setUndo(undefined);
              }}
            >
              {t('sale.undoClear')}
            </button>
          ) : (
            <button disabled={!basket.length || frozen} onClick={() => clear()}>
              {t('sale.clear')}
            </button>
          )}
          {!undo && (
            <button disabled={!basket.length || frozen || Boolean(sale.saleId)} onClick={() => setParkOpen(true)}>
              {t('park.open')}
            </button>
          )}
          {!undo && (
            <button disabled={!basket.length || frozen || Boolean(sale.saleId)} onClick={() => setDiscountOpen(true)}>
              {t('discount.open')}
            </button>
          )}
          {frozen && <button onClick={() => (setSale(EMPTY_SALE), onNewSale())}>{t('sale.another')}</button>}
        </div>
        {discountOpen && (
          <DiscountDialog
            api={api}
            lines={basket}
            currency={currency}
            onApplied={(lines) => setLines(lines)}
            onClose={() => setDiscountOpen(false)}
          />
        )}
        {parkOpen && (
          <ParkDialog
            api={api}
            lines={basket}
            onParked={() => {
              setSale(EMPTY_SALE);
              resetAmount();
              setParkedNote(t('park.parked'));
              requestAnimationFrame(() => amountRef.current?.focus());
            }}
            onClose={() => setParkOpen(false)}
          />
        )}
        {parkedNote && !basket.length && (
          <p className="muted" role="status" data-testid="parked-note">
            {parkedNote}
          </p>
        )}
        {undo && (
          <p className="muted" role="status">
            {t('sale.cleared')}
          </p>
        )}
      </section>

      <section className="payments" aria-label={t('payment.list')}>
        {payments.map((p) => (
          <PaymentPanel
            key={p.orderId}
            api={api}
            payment={p}
            terminalName={label(p.terminalId)}
            demo={snapshot.mode === 'demo'}
            collapsed={isFinal(p.state) && (p.finalAt ?? p.updatedAt) <= newSaleAt && p.saleId !== sale.saleId}
            onReceipt={onReceipt}
            partOfOpenSale={partPaid && p.saleId === sale.saleId}
            {...(p.orderId === sale.orderId && !dayClosed ? { onTakeCash: () => setCashAfter(p.orderId) } : {})}
            onNewSale={() => {
              if (p.saleId === sale.saleId && !frozen) setSale(EMPTY_SALE);
              onNewSale();
              amountRef.current?.focus();
            }}
            onRetry={(failed) => {
              const ofBasket = failed.saleId === sale.saleId;
              void api
                .dismissPayment({ orderId: failed.orderId })
                .then(() => charge(failed.lines, failed.terminalId, failed.saleId, ofBasket))
                .catch((e: unknown) => setError(errorText(e)));
            }}
            onRestore={
              isUnpaid(p) && p.saleId !== sale.saleId && !basket.length && !locked
                ? () => setSale({ lines: p.lines, saleId: p.saleId, orderId: p.orderId })
                : undefined
            }
          />
        ))}
      </section>

      {cashOpen && (
        <CashDialog
          api={api}
          lines={basket}
          currency={currency}
          unpaidSaleId={partPaid ? sale.saleId : unpaid && sameLines(unpaid.lines, basket) ? unpaid.saleId : undefined}
          {...(partPaid ? { due, paidByCard: cardPaid } : {})}
          rounding={settings.cashRounding ?? 0}
          onClose={() => setCashOpen(false)}
          onPaid={() => setSale(EMPTY_SALE)}
          onReceipt={(record) => {
            setCashOpen(false);
            onReceipt(record);
          }}
        />
      )}
      {splitOpen && (
        <SplitDialog
          total={total}
          currency={currency}
          terminal={label(terminalId)}
          onClose={() => setSplitOpen(false)}
          onCharge={(part) => {
            setSplitOpen(false);
            if (canCharge) void charge(basket, terminalId, sale.saleId, true, part);
          }}
        />
      )}
      {confirmBig && (
        <Modal label={t('sale.confirmBigTitle')} onClose={() => setConfirmBig(undefined)} testId="confirm-amount">
          <p className="big-amount">{t('sale.confirmBig', { amount: moneyCode(confirmBig.minor, currency) })}</p>
          <div className="row">
            <button
              className="primary big"
              onClick={() => {
                const then = confirmBig.then;
                const lines = addLine(basket, customLine(confirmBig.minor));
                setConfirmBig(undefined);
                addMinor(confirmBig.minor);
                if (then === 'charge' && canCharge) void charge(lines, terminalId, sale.saleId, true);
              }}
            >
              {t('sale.confirmYes')}
            </button>
            <button className="big" onClick={() => setConfirmBig(undefined)}>
              {t('sale.confirmNo')}
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

/** Sets an input's value as typing would, so the field's own state follows (React listens for 'input'). */
function setFieldValue(field: HTMLInputElement, value: string): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}
