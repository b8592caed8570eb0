import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TillApi } from '../../../../shared/contract';
import { lineTotal } from '../../../../shared/money';
import { isFinal, type PaymentView } from '../../../../shared/payment';
import { errorText } from '../../errors';
import { money } from '../../format';
import { messageText, reasonText } from '../../outcome';

interface Props {
  api: TillApi;
  payment: PaymentView;
  /** The terminal's name with its id. */
  terminalName: string;
  demo: boolean;
  /** A finished payment from before the current sale: one line, details on request. */
  collapsed: boolean;
  onReceipt(saleId: string): void;
  onRetry(payment: PaymentView): void;
  onNewSale(): void;
  /** Puts an unpaid sale back in the (empty) basket, for another card or cash. */
  onRestore?: () => void;
  /** A card part of the sale on the counter, whose rest is still due: the sale is not over, so no New sale here. */
  partOfOpenSale?: boolean;
  /** After a decline: cancel the payment and take the sale in cash (called once the cancel is asked). */
  onTakeCash?: () => void;
}

/** One terminal's payment: status in words and colour, why it ended unpaid, connection, amount, time and actions. */
export function PaymentPanel({
  api,
  payment: p,
  terminalName,
  demo,
  collapsed,
  onReceipt,
  onRetry,
  onNewSale,
  onRestore,
  partOfOpenSale = false,
  onTakeCash,
}: Props) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [resolving, setResolving] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(() => Date.now());
  const final = isFinal(p.state);
  const unpaid = final && p.state !== 'completed';
  const small = collapsed && !expanded;

  useEffect(() => {
    if (final) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [final]);

  const run = (fn: () => Promise<unknown>) => {
    setError(undefined);
    fn().catch((e: unknown) => setError(errorText(e)));
  };
  const elapsed = Math.max(0, Math.round(((p.finalAt ?? now) - p.createdAt) / 1000));
  const canCancel = p.state === 'initialized' || p.state === 'soft_declined';
  const unsure = !final && p.connection !== 'live';
  const why = unpaid ? reasonText(p) : undefined;
  const message = messageText(p);
  const title = t('payment.title', { terminal: terminalName });
  // A decline in MultiSafepay's own words, when its answer carries them (a soft and a hard decline look alike).
  const declined = p.state === 'soft_declined';
  const mspWords = declined ? [p.mspReason, p.mspReasonCode && `(${p.mspReasonCode})`].filter(Boolean).join(' ') : '';

  return (
    <section className={`payment-wrap${small ? ' collapsed' : ''}`} aria-label={title} tabIndex={-1} data-panel-order={p.orderId}>
      {/* Announced once per change by the app's single live region; the panel itself stays quiet. */}
      <div
        role="status"
        aria-live="off"
        data-testid="payment"
        data-terminal-id={p.terminalId}
        data-order-id={p.orderId}
        data-status={p.state}
        data-connection={p.connection}
        {...(unpaid && p.reason ? { 'data-reason': p.reason } : {})}
        className={`payment state-${p.state}`}
      >
        <div className="payment-head">
          <span className="payment-terminal">{title}</span>
          <span className={`conn conn-${p.connection}`}>{t(`payment.connection.${p.connection}`)}</span>
        </div>
        <div className="payment-amount">{money(p.amount, p.currency)}</div>
        {p.amount < lineTotal(p.lines) && (
          <div className="payment-part" data-testid="payment-part">
            {t('payment.partOf', { total: money(lineTotal(p.lines), p.currency) })}
          </div>
        )}
        <div className="payment-status">
          {p.connection === 'offline' && !final
            ? t('payment.lastKnown', { status: t(`payment.status.${p.state}`) })
            : t(`payment.status.${p.state}`)}
        </div>
        {why && <p className="payment-reason">{why}</p>}
        {mspWords && (
          <p className="payment-reason" data-testid="msp-reason">
            {/* MultiSafepay's own words, as it sent them (in English). */}
            {t('payment.mspSays')} <span lang="en">{mspWords}</span>
          </p>
        )}
        {!small && (
          <>
            {unsure && p.connection === 'offline' && <p className="warn">{t('payment.unknownWhileOffline')}</p>}
            {p.recovered && <p className="badge">{t('payment.recovered')}</p>}
            {message && p.reason !== 'refused' && <p className="payment-message">{message}</p>}
            {p.card && p.state === 'completed' && (
              <p className="payment-card">
                {t('payment.card', { type: p.card.type ?? '', last4: p.card.last4 ?? '????' })}
                {p.card.authorizationCode && <> · {t('payment.auth', { code: p.card.authorizationCode })}</>}
              </p>
            )}
            <p className="payment-meta">{p.orderId}</p>
          </>
        )}
      </div>
      {!small && (
        <p className="payment-meta" data-testid="elapsed">
          {t('payment.elapsed', { s: elapsed })}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="payment-actions">
        {canCancel && !confirming && (
          <button className="danger" onClick={() => setConfirming(true)}>
            {t('payment.cancel')}
          </button>
        )}
        {declined && onTakeCash && !confirming && (
          <button
            onClick={() =>
              run(async () => {
                await api.cancelPayment({ orderId: p.orderId });
                onTakeCash();
              })
            }
          >
            {t('payment.takeCash')}
          </button>
        )}
        {confirming && canCancel && (
          <div role="group" aria-label={t('payment.confirmCancel', { amount: money(p.amount, p.currency) })} className="confirm">
            <p>{t('payment.confirmCancel', { amount: money(p.amount, p.currency) })}</p>
            <button
              className="danger"
              autoFocus
              onClick={() => {
                setConfirming(false);
                run(() => api.cancelPayment({ orderId: p.orderId }));
              }}
            >
              {t('payment.yesCancel')}
            </button>
            <button onClick={() => setConfirming(false)}>{t('payment.noKeep')}</button>
          </div>
        )}
        {p.state === 'completed' && !partOfOpenSale && <button onClick={() => onReceipt(p.saleId)}>{t('payment.print')}</button>}
        {unpaid && !small && <button onClick={() => onRetry(p)}>{t('payment.retry')}</button>}
        {unpaid && onRestore && <button onClick={onRestore}>{t('payment.restore')}</button>}
        {final && !partOfOpenSale && (
          <button
            className="primary"
            onClick={() =>
              run(async () => {
                await api.dismissPayment({ orderId: p.orderId });
                onNewSale();
              })
            }
          >
            {t('payment.newSale')}
          </button>
        )}
        {collapsed && (
          <button className="small" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
            {t('payment.details')}
          </button>
        )}
        {!final && (unsure || elapsed > 90) && !resolving && (
          <button className="small" onClick={() => setResolving(true)}>
            {t('payment.resolve')}
          </button>
        )}
        {resolving && !final && (
          <form
            className="confirm"
            onSubmit={(e) => {
              e.preventDefault();
              run(async () => {
                await api.resolvePayment({ orderId: p.orderId, reason });
                setResolving(false);
              });
            }}
          >
            <label>
              {t('payment.resolveReason')} <input value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <button type="submit">{t('payment.resolveConfirm')}</button>
          </form>
        )}
      </div>
      {demo && !final && p.state !== 'creating' && (
        <VirtualTerminal api={api} terminalId={p.terminalId} name={terminalName} onError={setError} />
      )}
    </section>
  );
}

function VirtualTerminal({ api, terminalId, name, onError }: { api: TillApi; terminalId: string; name: string; onError(m: string): void }) {
  const { t } = useTranslation();
  const act = (action: 'approve' | 'decline' | 'soft_decline' | 'cancel') =>
    api.simulateTerminal({ terminalId, action }).catch((e: unknown) => onError(errorText(e)));
  return (
    <div className="vt" role="group" aria-label={t('vt.title', { id: name })}>
      <span className="vt-title">{t('vt.title', { id: name })}</span>
      <button onClick={() => act('approve')}>{t('vt.approve')}</button>
      <button onClick={() => act('soft_decline')}>{t('vt.soft_decline')}</button>
      <button onClick={() => act('decline')}>{t('vt.decline')}</button>
      <button onClick={() => act('cancel')}>{t('vt.cancel')}</button>
    </div>
  );
}
