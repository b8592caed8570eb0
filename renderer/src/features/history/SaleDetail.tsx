import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../errors';
import type { CatalogItem, RefundRecord, SaleRecord, Terminal, TillApi } from '../../../../shared/contract';
import { parseAmount } from '../../../../shared/money';
import { chargedOf, tipOf } from '../../../../shared/payment';
import { amountDue, isSplit, paidCards, refundsAsCredit, refundTargets } from '../../../../shared/sale';
import { useLineName } from '../../components/Receipt';
import { ReturnDialog } from '../../components/ReturnDialog';
import { resumedSale } from '../../components/OpenSales';
import { usePrintReceipt } from '../../components/usePrintReceipt';
import { returnableOf, returnedSoFar } from '../../../../shared/returns';
import { money, time } from '../../format';
import { messageText, reasonText } from '../../outcome';
import { type Sale, terminalLabel } from '../../sale';

/** Opens a sale's receipt (or one of its refunds'). */
export type OnReceipt = (sale: string | SaleRecord, refundId?: string) => void;

/** Print again on the shop's receipt printer (never opens the cash drawer). */
function PrintAgain({ api, saleId, refund }: { api: TillApi; saleId: string; refund?: RefundRecord }) {
  const { t } = useTranslation();
  const printer = usePrintReceipt(api);
  return (
    <>
      <button onClick={() => printer.print(saleId, refund?.refundId)}>
        {t('receipt.printAgain')}
        {refund && <span className="sr-only"> {refund.receiptNumber}</span>}
      </button>
      {printer.result}
    </>
  );
}

/** One sale: its lines, payments, refunds and returns, with Print again, Receipt and Return. */
export function SaleDetail({
  api,
  sale,
  terminals,
  printer,
  manager,
  onBack,
  onReceipt,
  catalog,
  cashRounding,
  onCounter,
}: {
  api: TillApi;
  sale: SaleRecord;
  /** For an exchange's new items: the quick keys, and the till's cash rounding step. */
  catalog: readonly CatalogItem[];
  cashRounding: number;
  terminals: readonly Terminal[];
  /** A receipt printer is set: receipts can be printed again on it. */
  printer: boolean;
  /** This person may refund (a manager, or nobody set up). */
  manager: boolean;
  onBack(): void;
  onReceipt: OnReceipt;
  /** An exchange whose difference a card pays: its new sale goes to the counter, partly paid, to be charged there. */
  onCounter?(sale: Sale): void;
}) {
  const { t } = useTranslation();
  const lineName = useLineName();
  const cards = paidCards(sale);
  const split = isSplit(sale);
  // Where a refund can go and how much each tender may still take: the sale's rules (shared/sale.ts), as the core
  // applies them - a card sale through its paid order, a cash sale from the drawer, a split sale's parts each within
  // what it paid.
  // Store credit goes back as a new credit note: with returned items, or as a refund of a sale that only credit
  // notes paid (all of it, or part of it whose rest was never paid).
  const targets = refundTargets(sale).filter((x) => x.tender !== 'credit' || refundsAsCredit(sale));
  const open = targets.filter((x) => x.left > 0);
  const [targetId, setTargetId] = useState<string>();
  const target = open.find((x) => x.id === targetId) ?? open[0];
  const refundId = target?.id;
  const left = target?.left ?? 0;
  const refundable =
    sale.status === 'paid' ||
    sale.status === 'partially_refunded' ||
    ((split || Boolean(sale.credit?.length)) && sale.status === 'partly_paid');
  const confirmKey =
    target?.tender === 'cash'
      ? 'history.refundConfirmCash'
      : target?.tender === 'credit'
        ? 'history.refundConfirmCredit'
        : 'history.refundConfirm';
  const due = amountDue(sale);
  const [amount, setAmount] = useState('');
  const [confirm, setConfirm] = useState<number>();
  const [msg, setMsg] = useState<string>();
  const [error, setError] = useState<string>();
  const [returning, setReturning] = useState(false);
  const returned = returnedSoFar(sale);
  const returnable = (sale.status === 'paid' || sale.status === 'partially_refunded') && sale.receiptNumber !== undefined;
  const canReturn = returnable && returnableOf(sale).some((q) => q > 0) && refundTargets(sale).some((x) => x.left > 0);

  return (
    <section className="sale-detail" aria-label={t('history.details')}>
      <button onClick={onBack}>{t('history.back')}</button>
      <h2>
        {money(sale.total, sale.currency)} · {t(`history.statuses.${sale.status}`)}
      </h2>
      <p>
        {sale.receiptNumber !== undefined && `${t('receipt.number', { n: sale.receiptNumber })} · `}
        {sale.saleId} · {time(sale.createdAt)}
        {sale.staff && ` · ${sale.staff}`}
      </p>
      <ul>
        {sale.lines.map((l, i) => (
          <li key={i} data-testid="sale-line" data-returned={returned[i]!.quantity}>
            {lineName(l)} · {money(l.unitPrice * l.quantity, sale.currency)}
            {returned[i]!.quantity > 0 && ` · ${t('returns.returned', { n: returned[i]!.quantity })}`}
          </li>
        ))}
      </ul>
      {(split || sale.status === 'partly_paid' || Boolean(sale.credit?.length)) && (
        <>
          <h3>{t('history.parts')}</h3>
          <ul>
            {cards.map((a) => (
              <li
                key={a.orderId}
                data-testid="tender-part"
                data-tender="card"
                data-order-id={a.orderId}
                data-amount={chargedOf(a, sale.total)}
              >
                {t('report.card')} · {money(chargedOf(a, sale.total), sale.currency)}
                {tipOf(a, sale.total) > 0 && ` (${t('receipt.tip')} ${money(tipOf(a, sale.total), sale.currency)})`}
                {a.card && ` · ${a.card.type ?? ''} ${a.card.last4 ?? ''}`} · {terminalLabel(a.terminalId, terminals)}
              </li>
            ))}
            {sale.credit?.map((c, i) => (
              <li key={`credit-${i}`} data-testid="tender-part" data-tender="credit" data-code={c.code} data-amount={c.amount}>
                {t('credit.tender')} · {money(c.amount, sale.currency)} · {t('credit.code')} {c.code} · {t('credit.left')}{' '}
                {money(c.left, sale.currency)}
              </li>
            ))}
            {sale.cash && (
              <li data-testid="tender-part" data-tender="cash" data-amount={sale.cash.amount ?? sale.total}>
                {t('report.cash')} · {money(sale.cash.amount ?? sale.total, sale.currency)}
                {sale.cash.rounding ? ` · ${t('receipt.rounding')} ${money(sale.cash.rounding, sale.currency)}` : ''} · {t('receipt.given')}{' '}
                {money(sale.cash.given, sale.currency)} · {t('receipt.change')} {money(sale.cash.change, sale.currency)}
              </li>
            )}
            {due > 0 && (
              <li data-testid="tender-due" data-amount={due}>
                {t('history.due', { amount: money(due, sale.currency) })}
              </li>
            )}
          </ul>
        </>
      )}
      {sale.attempts.length > 0 && (
        <>
          <h3>{t('history.attempts')}</h3>
          <ul>
            {sale.attempts.map((a) => (
              <li
                key={a.orderId}
                data-testid="attempt"
                data-order-id={a.orderId}
                data-status={a.state}
                {...(a.reason ? { 'data-reason': a.reason } : {})}
              >
                {a.orderId} · {terminalLabel(a.terminalId, terminals)} · {t(`payment.status.${a.state}`)}
                {a.card && ` · ${a.card.type ?? ''} ${a.card.last4 ?? ''} · ${a.card.authorizationCode ?? ''}`}
                {a.reason ? ` · ${reasonText(a) ?? ''}` : messageText(a) ? ` · ${messageText(a) ?? ''}` : ''}
                {a.resolvedReason && ` · ${a.resolvedReason}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {sale.refunds.length > 0 && (
        <>
          <h3>{t('history.refunds')}</h3>
          <ul>
            {sale.refunds.map((r, i) => (
              <li key={i} data-testid="refund" data-state={r.state} data-tender={r.tender} data-receipt-number={r.receiptNumber}>
                {time(r.at)} · {money(r.amount, sale.currency)} · {t(`history.refundTender.${r.tender}`)} ·{' '}
                {t(`history.refundState.${r.state}`)}
                {r.lines && ` · ${r.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')}`}
                {r.reason && ` · ${r.reason}`}
                {r.staff && ` · ${r.staff}`}
                {r.state === 'done' && (
                  <>
                    {' '}
                    <button onClick={() => onReceipt(sale, r.refundId)}>
                      {t('receipt.show')} <span className="sr-only">{t('receipt.refundNumber', { n: r.receiptNumber ?? '' })}</span>
                    </button>
                    {printer && <PrintAgain api={api} saleId={sale.saleId} refund={r} />}
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {sale.status !== 'pending' && sale.status !== 'unpaid' && (
        <div className="row">
          <button onClick={() => onReceipt(sale)}>{t('payment.print')}</button>
          {printer && <PrintAgain api={api} saleId={sale.saleId} />}
          {canReturn && <button onClick={() => (setMsg(undefined), setError(undefined), setReturning(true))}>{t('returns.open')}</button>}
        </div>
      )}
      {returning && (
        <ReturnDialog
          api={api}
          sale={sale}
          manager={manager}
          onClose={() => setReturning(false)}
          onDone={(_done, amt) => {
            setReturning(false);
            setMsg(t('returns.done', { amount: money(amt, sale.currency) }));
          }}
          catalog={catalog}
          cashRounding={cashRounding}
          onExchanged={(out) => {
            setReturning(false);
            // Paid in part by the returned items (a store credit note): the rest is charged at the counter.
            if (amountDue(out.sale) > 0 && onCounter) return onCounter(resumedSale(out.sale));
            setMsg(t('exchange.done', { n: out.sale.receiptNumber ?? '', change: money(out.sale.cash?.change ?? 0, sale.currency) }));
            onReceipt(out.sale);
          }}
        />
      )}
      {refundId && refundable && left > 0 && (
        <form
          className="refund"
          onSubmit={(e) => {
            e.preventDefault();
            const minor = amount.trim() ? parseAmount(amount, sale.currency) : left;
            if (minor === null || minor > left) return setError(t('sale.badAmount'));
            setError(undefined);
            setConfirm(minor);
          }}
        >
          {open.length > 1 && (
            <label>
              {t('history.refundFrom')}
              <select value={target?.id} onChange={(e) => (setTargetId(e.target.value), setAmount(''))}>
                {open.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.tender === 'cash' ? t('report.cash') : x.tender === 'credit' ? t('credit.tender') : `${t('report.card')} ${x.id}`} ·{' '}
                    {money(x.left, sale.currency)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t('history.refundAmount')}
            <input
              type="text"
              inputMode="decimal"
              value={amount}
              placeholder={money(left, sale.currency)}
              onChange={(e) => setAmount(e.target.value)}
            />
          </label>
          <button type="submit" aria-describedby={manager ? undefined : 'refund-needs-manager'}>
            {t('history.refund')}
          </button>
          {!manager && (
            <p className="needs-manager" id="refund-needs-manager">
              {t('staff.needsManager')}
            </p>
          )}
        </form>
      )}
      {confirm !== undefined && (
        <div role="group" className="confirm" aria-label={t(confirmKey, { amount: money(confirm, sale.currency) })}>
          <p>{t(confirmKey, { amount: money(confirm, sale.currency) })}</p>
          <button
            className="danger"
            onClick={() => {
              const amt = confirm;
              setConfirm(undefined);
              api.refund({ orderId: refundId!, amount: amt }).then(
                () => {
                  setAmount('');
                  setMsg(t('history.refundDone', { amount: money(amt, sale.currency) }));
                },
                (err: unknown) => setError(errorText(err)),
              );
            }}
          >
            {t('history.refundYes')}
          </button>
          <button onClick={() => setConfirm(undefined)}>{t('cash.cancel')}</button>
        </div>
      )}
      {msg && <p role="status">{msg}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
