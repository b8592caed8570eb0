import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogItem, SaleRecord, TillApi } from '../../../shared/contract';
import { exchangeCash } from '../../../shared/cash';
import { lineTotal, parseAmount } from '../../../shared/money';
import { ItemPicker, type PickedRow, pickedLines, rowsValid } from './ItemPicker';
import { returnableOf, returnAmount, returnLines } from '../../../shared/returns';
import { refundTargets } from '../../../shared/sale';
import { errorText } from '../errors';
import { money } from '../format';
import { DialogActions, Modal } from './Modal';
import { isCustomLine } from '../sale';

interface Props {
  api: TillApi;
  sale: SaleRecord;
  /** This person may refund (a manager, or nobody set up); else the core refuses and says so. */
  manager: boolean;
  onClose(): void;
  onDone(sale: SaleRecord, amount: number): void;
  /** For an exchange: the quick keys, the till's cash rounding step, and what to do once it is done. */
  catalog?: readonly CatalogItem[];
  cashRounding?: number;
  onExchanged?(out: { sale: SaleRecord; original: SaleRecord }): void;
}

/**
 * Return items: a checkbox per line still returnable (named by its product), how many of it (at most what was sold
 * less what was returned), and the reason. What it refunds, and where to, is shown before it is confirmed.
 */
export function ReturnDialog({ api, sale, manager, onClose, onDone, catalog = [], cashRounding = 0, onExchanged }: Props) {
  const { t } = useTranslation();
  const left = returnableOf(sale);
  const [picked, setPicked] = useState<Record<number, string>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Exchange: the new items, and the cash the customer hands over for the difference.
  const [exchange, setExchange] = useState(false);
  const [rows, setRows] = useState<PickedRow[]>([]);
  const [given, setGiven] = useState('');
  // How the customer pays a difference: cash handed over (as before), or a card charged at the counter afterwards.
  const [payBy, setPayBy] = useState<'cash' | 'card'>('cash');
  const name = (l: { name: string }) => (isCustomLine(l.name) ? t('sale.customLine') : l.name);

  const chosen = Object.entries(picked).map(([i, q]) => ({ index: Number(i), text: q, quantity: Number(q) }));
  const valid = chosen.every((c) => Number.isInteger(c.quantity) && c.quantity >= 1 && c.quantity <= left[c.index]!);
  const amount = valid && chosen.length ? returnAmount(returnLines(sale, chosen)) : 0;
  // The tender the core gives it back through: the first part of the sale that can take all of it.
  const target = amount > 0 ? refundTargets(sale).find((x) => x.left >= amount) : undefined;

  // The exchange's difference: to pay (more than 0) or to give back, and what moves through the drawer (rounded).
  const newTotal = rowsValid(rows) ? lineTotal(pickedLines(rows)) : 0;
  const { difference, moved } = exchangeCash(newTotal, amount, cashRounding);
  // A card pays the difference exactly (no cash rounding); with nothing to pay there is no choice, and cash it is.
  const byCard = payBy === 'card' && difference > 0;

  const submit = () => {
    if (!chosen.length) return setError(t('returns.none'));
    const bad = chosen.find((c) => !(Number.isInteger(c.quantity) && c.quantity >= 1 && c.quantity <= left[c.index]!));
    if (bad) return setError(t('returns.badQuantity', { n: left[bad.index], name: name(sale.lines[bad.index]!) }));
    if (reason.trim().length < 3) return setError(t('returns.noReason'));
    if (exchange) return submitExchange();
    setBusy(true);
    setError(undefined);
    api.returnItems({ saleId: sale.saleId, lines: chosen.map(({ index, quantity }) => ({ index, quantity })), reason }).then(
      (done) => onDone(done, amount),
      (e: unknown) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };

  const submitExchange = () => {
    if (!rows.length || !rowsValid(rows)) return setError(t('exchange.noItems'));
    const handed = moved > 0 && !byCard ? parseAmount(given, sale.currency) : 0;
    if (handed === null || (!byCard && handed < moved)) return setError(t('exchange.tooLittle', { amount: money(moved, sale.currency) }));
    setBusy(true);
    setError(undefined);
    api
      .exchangeItems({
        saleId: sale.saleId,
        lines: chosen.map(({ index, quantity }) => ({ index, quantity })),
        reason,
        newLines: pickedLines(rows),
        // By card the core refuses when there is nothing left to pay, and says so.
        ...(byCard ? { restByCard: true } : { given: handed }),
      })
      .then(
        (out) => onExchanged?.(out),
        (e: unknown) => {
          setBusy(false);
          setError(errorText(e));
        },
      );
  };

  return (
    <Modal label={t('returns.title')} onClose={onClose} testId="return-dialog" className="return-items">
      <h2>{t('returns.title')}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <ul className="return-lines">
          {sale.lines.map((l, i) =>
            left[i]! > 0 ? (
              <li key={i} data-testid="return-line" data-index={i}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked[i] !== undefined}
                    onChange={(e) => {
                      setError(undefined);
                      setPicked((cur) => {
                        const next = { ...cur };
                        if (e.target.checked) next[i] = String(left[i]);
                        else delete next[i];
                        return next;
                      });
                    }}
                  />
                  {name(l)}
                </label>{' '}
                <span className="muted">
                  {money(l.unitPrice, sale.currency)} · {t('returns.canReturn', { n: left[i] })}
                </span>{' '}
                <input
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={left[i]}
                  step={1}
                  aria-label={t('returns.quantity', { name: name(l) })}
                  disabled={picked[i] === undefined}
                  value={picked[i] ?? ''}
                  onChange={(e) => (setError(undefined), setPicked((cur) => ({ ...cur, [i]: e.target.value })))}
                />
              </li>
            ) : null,
          )}
        </ul>
        {onExchanged && (
          <label className="check">
            <input type="checkbox" checked={exchange} onChange={(e) => (setExchange(e.target.checked), setError(undefined))} />
            {t('exchange.toggle')}
          </label>
        )}
        {!exchange && (
          <ReturnEnd
            reason={reason}
            onReason={(r) => (setReason(r), setError(undefined))}
            amount={amount}
            currency={sale.currency}
            {...(target ? { tender: target.tender } : {})}
            manager={manager}
            error={error}
            errorId="return-error"
            busy={busy}
            onClose={onClose}
          />
        )}
      </form>
      {exchange && (
        <section aria-label={t('exchange.newItems')} className="exchange-items">
          <h3>{t('exchange.newItems')}</h3>
          <ItemPicker
            api={api}
            catalog={catalog}
            currency={sale.currency}
            busy={busy}
            rows={rows}
            onRows={(r) => (setRows(r), setError(undefined))}
            testId="exchange-line"
          />
        </section>
      )}
      {exchange && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label>
            {t('returns.reason')}
            <input type="text" autoComplete="off" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          {difference > 0 && (
            <fieldset className="choice" disabled={busy}>
              <legend>{t('exchange.payBy')}</legend>
              {(['cash', 'card'] as const).map((k) => (
                <label key={k} className="check">
                  <input
                    type="radio"
                    name="exchange-pay-by"
                    value={k}
                    checked={payBy === k}
                    onChange={() => (setPayBy(k), setError(undefined))}
                  />
                  {t(k === 'cash' ? 'exchange.byCash' : 'exchange.byCard')}
                </label>
              ))}
            </fieldset>
          )}
          <p
            aria-live="polite"
            data-testid="exchange-difference"
            data-amount={byCard ? difference : moved}
            data-pay-by={byCard ? 'card' : 'cash'}
          >
            {t('exchange.credit', { amount: money(amount, sale.currency) })} ·{' '}
            {byCard
              ? t('exchange.toPayCard', { amount: money(difference, sale.currency) })
              : moved >= 0
                ? t('exchange.toPay', { amount: money(moved, sale.currency) })
                : t('exchange.toGiveBack', { amount: money(-moved, sale.currency) })}
          </p>
          {moved > 0 && !byCard && (
            <label>
              {t('cash.given')}
              <input inputMode="decimal" autoComplete="off" value={given} onChange={(e) => setGiven(e.target.value)} />
            </label>
          )}
          {!manager && <p className="needs-manager">{t('staff.needsManager')}</p>}
          <DialogActions error={error} errorId="return-error" submit={t('exchange.submit')} busy={busy} onBack={onClose} />
        </form>
      )}
    </Modal>
  );
}

const TO = { card: 'returns.toCard', cash: 'returns.toCash', credit: 'returns.toCredit' } as const;

/** The end of a return's form: the reason, what it refunds and where to, and the buttons. */
export function ReturnEnd(p: {
  reason: string;
  onReason(reason: string): void;
  amount: number;
  currency: string;
  /** Where the refund goes, once known: the card, the drawer, or a store credit note. */
  tender?: 'card' | 'cash' | 'credit';
  manager: boolean;
  error: string | undefined;
  errorId: string;
  busy: boolean;
  onClose(): void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('returns.reason')}
        <input
          type="text"
          autoComplete="off"
          maxLength={200}
          value={p.reason}
          aria-describedby={p.error ? p.errorId : undefined}
          onChange={(e) => p.onReason(e.target.value)}
        />
      </label>
      <p aria-live="polite" data-testid="return-total" data-amount={p.amount}>
        {t('returns.total', { amount: money(p.amount, p.currency) })}
        {p.tender && ` · ${t(TO[p.tender])}`}
      </p>
      {!p.manager && <p className="needs-manager">{t('staff.needsManager')}</p>}
      <DialogActions
        error={p.error}
        errorId={p.errorId}
        submit={t('returns.submit', { amount: money(p.amount, p.currency) })}
        busy={p.busy}
        onBack={p.onClose}
      />
    </>
  );
}
