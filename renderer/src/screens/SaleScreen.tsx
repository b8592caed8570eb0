import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../errors';
import type { Snapshot, TillApi } from '../../../shared/contract';
import { lineTotal, parseAmount } from '../../../shared/money';
import { isFinal, type PaymentView, type SaleLine } from '../../../shared/payment';
import { PaymentPanel } from '../components/PaymentPanel';
import { money } from '../format';

interface Props {
  api: TillApi;
  snapshot: Snapshot;
  basket: SaleLine[];
  setBasket(lines: SaleLine[]): void;
  onReceipt(saleId: string): void;
}

/** The sale flow: quick keys, custom amounts, basket, terminal choice, Charge or Cash, and live payment panels. */
export function SaleScreen({ api, snapshot, basket, setBasket, onReceipt }: Props) {
  const { t } = useTranslation();
  const { settings, terminals, payments, catalog } = snapshot;
  const currency = settings.currency;
  const [amountText, setAmountText] = useState('');
  const [amountError, setAmountError] = useState<string>();
  const [error, setError] = useState<string>();
  const [terminalId, setTerminalId] = useState(settings.defaultTerminalId || terminals[0]?.id || '');
  const [cashOpen, setCashOpen] = useState(false);
  const [charging, setCharging] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const total = lineTotal(basket);

  useEffect(() => {
    if (!terminals.some((x) => x.id === terminalId)) setTerminalId(settings.defaultTerminalId || terminals[0]?.id || '');
  }, [terminals, terminalId, settings.defaultTerminalId]);

  const busy = useMemo(() => {
    const m = new Map<string, PaymentView>();
    for (const p of payments) if (!isFinal(p.state)) m.set(p.terminalId, p);
    return m;
  }, [payments]);
  const selectedBusy = busy.get(terminalId);

  const addLine = (line: SaleLine) => {
    const i = basket.findIndex((l) => l.name === line.name && l.unitPrice === line.unitPrice);
    if (i >= 0) setBasket(basket.map((l, j) => (j === i ? { ...l, quantity: Math.min(999, l.quantity + 1) } : l)));
    else setBasket([...basket, line]);
  };
  const addAmount = () => {
    const minor = parseAmount(amountText, currency);
    if (minor === null) {
      setAmountError(t('sale.badAmount'));
      return;
    }
    setAmountError(undefined);
    addLine({ name: t('sale.customLine'), unitPrice: minor, quantity: 1 });
    setAmountText('');
  };
  const changeQty = (i: number, delta: number) =>
    setBasket(
      basket.flatMap((l, j) => (j !== i ? [l] : l.quantity + delta <= 0 ? [] : [{ ...l, quantity: Math.min(999, l.quantity + delta) }])),
    );

  const charge = async (lines = basket, onTerminal = terminalId, saleId?: string) => {
    setError(undefined);
    setCharging(true);
    try {
      await api.charge({ terminalId: onTerminal, lines, ...(saleId ? { saleId } : {}) });
      if (lines === basket) setBasket([]);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setCharging(false);
    }
  };

  // Keyboard: digits go to the amount field, Enter adds it (or charges), Escape clears.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName) && el !== document.body) {
        if (el === amountRef.current && e.key === 'Escape') {
          setAmountText('');
          setAmountError(undefined);
        }
        return;
      }
      if (/^[0-9.,]$/.test(e.key)) {
        e.preventDefault();
        setAmountText((v) => v + e.key);
        amountRef.current?.focus();
      } else if (e.key === 'Enter' && basket.length && !selectedBusy && terminalId) {
        e.preventDefault();
        void charge();
      } else if (e.key === 'Escape') setAmountText('');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const chargeDisabledReason = !terminalId ? t('sale.noTerminal') : selectedBusy ? t('sale.busy', { id: terminalId }) : undefined;

  return (
    <div className="sale">
      <section className="keys" aria-label={t('sale.custom')}>
        <div className="quick-keys">
          {catalog.map((item) => (
            <button key={item.id} className="key" onClick={() => addLine({ name: item.name, unitPrice: item.price, quantity: 1 })}>
              <span>{item.name}</span>
              <small>{money(item.price, currency)}</small>
            </button>
          ))}
        </div>
        <form
          className="amount-entry"
          onSubmit={(e) => {
            e.preventDefault();
            addAmount();
          }}
        >
          <label htmlFor="amount">{t('sale.amount')}</label>
          <input
            id="amount"
            ref={amountRef}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={amountText}
            aria-invalid={amountError ? true : undefined}
            aria-describedby={amountError ? 'amount-error' : undefined}
            onChange={(e) => {
              setAmountText(e.target.value);
              setAmountError(undefined);
            }}
          />
          <button type="submit">{t('sale.add')}</button>
          {amountError && (
            <p id="amount-error" className="error" role="alert">
              {amountError}
            </p>
          )}
        </form>
      </section>

      <section className="basket" aria-label={t('sale.basket')}>
        <h2>{t('sale.basket')}</h2>
        {basket.length === 0 ? (
          <p className="muted">{t('sale.empty')}</p>
        ) : (
          <ul>
            {basket.map((l, i) => (
              <li key={`${l.name}-${l.unitPrice}`}>
                <span className="line-name">{l.name}</span>
                <button className="qty" aria-label={t('sale.decrease', { name: l.name })} onClick={() => changeQty(i, -1)}>
                  −
                </button>
                <span className="line-qty" aria-label="quantity">
                  {l.quantity}
                </span>
                <button className="qty" aria-label={t('sale.increase', { name: l.name })} onClick={() => changeQty(i, 1)}>
                  +
                </button>
                <span className="line-total">{money(l.unitPrice * l.quantity, currency)}</span>
                <button className="qty" aria-label={t('sale.remove', { name: l.name })} onClick={() => changeQty(i, -l.quantity)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="total">
          {t('sale.total')}: <strong data-testid="total">{money(total, currency)}</strong>
        </p>
        <label className="terminal-select">
          {t('sale.terminal')}
          <select value={terminalId} onChange={(e) => setTerminalId(e.target.value)}>
            {terminals.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name && x.name !== x.id ? `${x.name} (${x.id})` : x.id}
                {busy.has(x.id) ? ' ●' : ''}
              </option>
            ))}
          </select>
        </label>
        {chargeDisabledReason && (
          <p className="warn" id="charge-why">
            {chargeDisabledReason}
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="sale-actions">
          <button
            className="primary big"
            disabled={!basket.length || Boolean(chargeDisabledReason) || charging}
            aria-describedby={chargeDisabledReason ? 'charge-why' : undefined}
            onClick={() => void charge()}
          >
            {t('sale.charge')}
          </button>
          <button className="big" disabled={!basket.length} onClick={() => setCashOpen(true)}>
            {t('sale.cash')}
          </button>
          <button disabled={!basket.length} onClick={() => setBasket([])}>
            {t('sale.clear')}
          </button>
        </div>
        {cashOpen && (
          <CashDialog api={api} lines={basket} currency={currency} onClose={() => setCashOpen(false)} onDone={() => setBasket([])} />
        )}
      </section>

      <section className="payments" aria-label="Payments">
        {payments.map((p) => (
          <PaymentPanel
            key={p.orderId}
            api={api}
            payment={p}
            demo={snapshot.mode === 'demo'}
            onReceipt={onReceipt}
            onRetry={(failed) => {
              void api
                .dismissPayment({ orderId: failed.orderId })
                .then(() => charge(failed.lines, failed.terminalId, failed.saleId))
                .catch((e: unknown) => setError(errorText(e)));
            }}
          />
        ))}
      </section>
    </div>
  );
}

function CashDialog({
  api,
  lines,
  currency,
  onClose,
  onDone,
}: {
  api: TillApi;
  lines: SaleLine[];
  currency: string;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const total = lineTotal(lines);
  const [given, setGiven] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const givenMinor = parseAmount(given, currency);
  const change = givenMinor !== null && givenMinor >= total ? givenMinor - total : null;
  return (
    <div className="dialog" role="dialog" aria-label={t('cash.title')}>
      <h2>{t('cash.title')}</h2>
      <p>
        {t('sale.total')}: <strong>{money(total, currency)}</strong>
      </p>
      {done ? (
        <>
          <p role="status">{done}</p>
          <button className="primary" autoFocus onClick={onClose}>
            {t('payment.newSale')}
          </button>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (givenMinor === null || givenMinor < total) return setError(t('cash.tooLittle'));
            api.payCash({ lines, given: givenMinor }).then(
              (sale) => {
                setDone(t('cash.done', { change: money(sale.cash?.change ?? 0, currency) }));
                onDone();
              },
              (err: unknown) => setError(errorText(err)),
            );
          }}
        >
          <label>
            {t('cash.given')}
            <input
              autoFocus
              type="text"
              inputMode="decimal"
              value={given}
              onChange={(e) => (setGiven(e.target.value), setError(undefined))}
            />
          </label>
          <p>
            {t('cash.change')}: <strong>{change === null ? '-' : money(change, currency)}</strong>
          </p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary">
            {t('cash.confirm')}
          </button>
          <button type="button" onClick={onClose}>
            {t('cash.cancel')}
          </button>
        </form>
      )}
    </div>
  );
}
