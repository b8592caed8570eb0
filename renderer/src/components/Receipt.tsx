import { useTranslation } from 'react-i18next';
import { isReceiptless } from '../../../shared/returns';
import type { PublicSettings, RefundRecord, SaleRecord, Terminal, TillApi } from '../../../shared/contract';
import type { SaleLine } from '../../../shared/payment';
import { cashHanded, type ReceiptCreditTender, receiptTenders } from '../../../shared/receipt';
import { vatByRate, type VatLine, vatOfRefund } from '../../../shared/vat';
import { money, time } from '../format';
import { isCustomLine, terminalLabel } from '../sale';
import { Modal } from './Modal';
import { usePrintReceipt } from './usePrintReceipt';

/** A line as the customer reads it: "2 × Espresso", or one custom amount as "Other item" in their language. */
export function useLineName() {
  const { t } = useTranslation();
  return (l: SaleLine) => {
    const name = isCustomLine(l.name) ? t('sale.customLine') : l.name;
    return l.quantity > 1 ? `${l.quantity} × ${name}` : name;
  };
}

export type Paper = '58mm' | '80mm';

/**
 * Store credit on a receipt: what a credit note paid of the sale and what is left on it, or (given for a return) the
 * note itself, with its code to show when paying.
 */
function CreditTender({ tender, currency: cur }: { tender: ReceiptCreditTender; currency: string }) {
  const { t } = useTranslation();
  return (
    <table className="receipt-lines receipt-credit" data-testid="receipt-credit" data-amount={tender.amount}>
      <tbody>
        <tr>
          <td>{t('credit.tender')}</td>
          <td className="num">{money(tender.amount, cur)}</td>
        </tr>
        <tr>
          <td>{t('credit.code')}</td>
          <td className="num receipt-id" data-testid="receipt-credit-code">
            {tender.code}
          </td>
        </tr>
        {tender.left !== undefined ? (
          <tr>
            <td>{t('credit.left')}</td>
            <td className="num" data-testid="receipt-credit-left" data-amount={tender.left}>
              {money(tender.left, cur)}
            </td>
          </tr>
        ) : (
          <tr>
            <td colSpan={2}>{t('credit.keep')}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** VAT per rate of a sale: the core's own figures, or (an older record) worked out the same way from its lines. */
export const saleVat = (sale: SaleRecord, fallbackRate: number): VatLine[] => sale.vat ?? vatByRate(sale.lines, fallbackRate);

const pct = (rate: number) => `${rate}%`;

function VatTable({ vat, currency, sign = 1 }: { vat: VatLine[]; currency: string; sign?: 1 | -1 }) {
  const { t } = useTranslation();
  if (!vat.length) return null;
  return (
    <table className="receipt-vat" data-testid="receipt-vat">
      <thead>
        <tr>
          <th scope="col">{t('receipt.vatRate')}</th>
          <th scope="col" className="num">
            {t('receipt.vatGross')}
          </th>
          <th scope="col" className="num">
            {t('receipt.vatAmount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {vat.map((v) => (
          <tr key={v.rate} data-rate={v.rate} data-vat={sign * v.vat}>
            <td>{pct(v.rate)}</td>
            <td className="num">{money(sign * v.gross, currency)}</td>
            <td className="num">{money(sign * v.vat, currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The customer receipt - a sale's, or (with `refund`) a refund's - laid out for the shop's paper (58 or 80 mm): the
 * receipt number, the shop, the lines, VAT per rate, the tender with card details and MultiSafepay's transaction id,
 * and the change for cash. Prices sit in a column of their own that never wraps, so a narrow roll never cuts them.
 */
export function ReceiptBody({
  sale,
  refund,
  settings,
  terminals,
}: {
  sale: SaleRecord;
  refund?: RefundRecord | undefined;
  settings: PublicSettings;
  terminals: readonly Terminal[];
}) {
  const { t } = useTranslation();
  const lineName = useLineName();
  const paper: Paper = settings.paper ?? '80mm';
  const cur = sale.currency;
  const paid = sale.attempts.find((a) => a.state === 'completed');
  // Every tender that paid: the card (or cards) and the cash; a split sale shows what each part paid.
  // Every tender that paid, as the printed receipt lists them (one builder: shared/receipt.ts). A sale shown before it
  // has its number (a part still due) lists its tenders the same way.
  const tenders = receiptTenders(sale);
  const split = tenders.length > 1;
  const vat = saleVat(sale, settings.customVatRate ?? 21);
  const number = refund ? refund.receiptNumber : sale.receiptNumber;
  return (
    <>
      <style>{`@media print { @page { size: ${paper === '58mm' ? '58mm' : '80mm'} auto; margin: 3mm 4mm; } }`}</style>
      <article
        className={`receipt printable paper-${paper}`}
        data-testid="receipt"
        data-paper={paper}
        data-receipt-number={number}
        data-kind={refund ? 'refund' : 'sale'}
      >
        <header>
          {settings.merchantName && <h2>{settings.merchantName}</h2>}
          {settings.merchantAddress && <p className="receipt-address">{settings.merchantAddress}</p>}
        </header>
        {number !== undefined && (
          <p className="receipt-number">{refund ? t('receipt.refundNumber', { n: number }) : t('receipt.number', { n: number })}</p>
        )}
        {refund && (
          <p>
            {sale.receiptNumber !== undefined
              ? t('receipt.refundOf', { n: sale.receiptNumber })
              : isReceiptless(sale)
                ? t('returns.noReceipt')
                : t('receipt.refundOfSale', { id: sale.saleId })}
          </p>
        )}
        <p>{time(refund ? refund.at : (paid?.finalAt ?? sale.createdAt))}</p>
        {(refund ? refund.staff : sale.staff) && <p>{t('receipt.servedBy', { name: refund ? refund.staff : sale.staff })}</p>}
        {refund ? (
          <>
            <table className="receipt-lines">
              <tbody>
                {(refund.lines ?? []).map((l) => (
                  <tr key={l.index} data-testid="receipt-returned-line" data-quantity={l.quantity} data-amount={l.amount}>
                    <td>
                      {lineName(l)}
                      {l.quantity > 1 && <span className="receipt-unit"> ({money(l.unitPrice, cur)})</span>}
                    </td>
                    <td className="num">{money(-l.amount, cur)}</td>
                  </tr>
                ))}
                <tr className="receipt-total">
                  <td>{t('receipt.refunded')}</td>
                  <td className="num" data-testid="receipt-total">
                    {money(-refund.amount, cur)}
                  </td>
                </tr>
              </tbody>
            </table>
            <VatTable vat={refund.lines && refund.vat ? refund.vat : vatOfRefund(vat, refund.amount)} currency={cur} sign={-1} />
            {refund.tender === 'credit' ? (
              // Given as a store credit note: the note itself, with its code.
              <CreditTender tender={{ kind: 'credit', amount: refund.amount, code: refund.creditNote ?? '' }} currency={cur} />
            ) : (
              <p>
                {refund.tender === 'cash' ? t('receipt.refundCash') : t('receipt.refundCard')}
                {refund.rounding ? (
                  <>
                    {' '}
                    <span data-testid="receipt-cash-taken" data-amount={refund.amount + refund.rounding}>
                      {money(refund.amount + refund.rounding, cur)}
                    </span>{' '}
                    ({t('receipt.rounding')} <span data-testid="receipt-rounding">{money(refund.rounding, cur)}</span>)
                  </>
                ) : null}
              </p>
            )}
            {refund.transactionId && (
              <p>
                {t('receipt.transaction')}: <span className="receipt-id">{refund.transactionId}</span>
              </p>
            )}
            {refund.tender === 'card' && (
              <p>
                {t('receipt.order')}: <span className="receipt-id">{refund.orderId}</span>
              </p>
            )}
          </>
        ) : (
          <>
            <table className="receipt-lines">
              <tbody>
                {sale.lines.map((l, i) => (
                  <tr key={i}>
                    <td>
                      {lineName(l)}
                      {l.quantity > 1 && <span className="receipt-unit"> ({money(l.unitPrice, cur)})</span>}
                    </td>
                    <td className="num">
                      {money(l.unitPrice * l.quantity, cur)}
                      {l.discount && (
                        <span className="receipt-discount" data-testid="receipt-discount" data-amount={l.discount.amount}>
                          <br />
                          {t('discount.open')}: {l.discount.reason} −{money(l.discount.amount, cur)}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
                <tr className="receipt-total">
                  <td>{t('sale.total')}</td>
                  <td className="num" data-testid="receipt-total">
                    {money(sale.total, cur)}
                  </td>
                </tr>
              </tbody>
            </table>
            <VatTable vat={vat} currency={cur} />
            {tenders.map((tender, i) =>
              tender.kind === 'card' ? (
                <div className="receipt-card" key={tender.orderId ?? i} data-testid="receipt-card" data-amount={tender.amount}>
                  {split ? (
                    <table className="receipt-lines">
                      <tbody>
                        <tr>
                          <td>
                            {t('receipt.paidBy')}: {tender.card?.type} {tender.card?.last4 && `**** ${tender.card.last4}`}
                          </td>
                          <td className="num">{money(tender.amount, cur)}</td>
                        </tr>
                      </tbody>
                    </table>
                  ) : (
                    <p>
                      {t('receipt.paidBy')}: {tender.card?.type} {tender.card?.last4 && `**** ${tender.card.last4}`}
                    </p>
                  )}
                  {tender.tip > 0 && (
                    <p data-testid="receipt-tip" data-amount={tender.tip}>
                      {t('receipt.tip')}: {money(tender.tip, cur)} · {t('receipt.charged')}: {money(tender.amount, cur)}
                    </p>
                  )}
                  {tender.card?.authorizationCode && <p>{t('payment.auth', { code: tender.card.authorizationCode })}</p>}
                  {tender.transactionId && (
                    <p>
                      {t('receipt.transaction')}: <span className="receipt-id">{tender.transactionId}</span>
                    </p>
                  )}
                  {tender.orderId && (
                    <p>
                      {t('receipt.order')}: <span className="receipt-id">{tender.orderId}</span>
                    </p>
                  )}
                  {tender.terminalId && (
                    <p>
                      {t('history.terminal')}: {terminalLabel(tender.terminalId, terminals)}
                    </p>
                  )}
                </div>
              ) : tender.kind === 'credit' ? (
                <CreditTender key={`credit-${i}`} tender={tender} currency={cur} />
              ) : (
                <table className="receipt-lines receipt-cash" data-testid="receipt-cash" data-amount={tender.amount} key={`cash-${i}`}>
                  <tbody>
                    {tender.rounding ? (
                      <tr>
                        <td>{t('receipt.rounding')}</td>
                        <td className="num" data-testid="receipt-rounding" data-amount={tender.rounding}>
                          {money(tender.rounding, cur)}
                        </td>
                      </tr>
                    ) : null}
                    <tr>
                      <td>{t('receipt.cash')}</td>
                      <td className="num" data-testid="receipt-cash-taken" data-amount={cashHanded(tender)}>
                        {money(cashHanded(tender), cur)}
                      </td>
                    </tr>
                    {tender.given !== undefined && (
                      <>
                        <tr>
                          <td>{t('receipt.given')}</td>
                          <td className="num">{money(tender.given, cur)}</td>
                        </tr>
                        <tr>
                          <td>{t('receipt.change')}</td>
                          <td className="num" data-testid="receipt-change">
                            {money(tender.change ?? 0, cur)}
                          </td>
                        </tr>
                      </>
                    )}
                  </tbody>
                </table>
              ),
            )}
          </>
        )}
        <p className="receipt-thanks">{t('receipt.thanks')}</p>
      </article>
    </>
  );
}

/**
 * The customer receipt, in a modal dialog. Its one print action goes to the till's receipt printer when one is set
 * (a network printer, or the desktop app's chosen printer: a copy marked COPY, never opening the drawer), else to the
 * browser's (or the desktop window's) print.
 */
export function Receipt({
  api,
  sale,
  refundId,
  settings,
  terminals,
  onClose,
}: {
  api: TillApi;
  sale: SaleRecord;
  refundId?: string | undefined;
  settings: PublicSettings;
  terminals: readonly Terminal[];
  onClose(): void;
}) {
  const { t } = useTranslation();
  const refund = refundId ? sale.refunds.find((r) => r.refundId === refundId) : undefined;
  const printer = usePrintReceipt(api);
  const toPrinter = Boolean(settings.printerHost || settings.systemPrinter);
  const print = () => (toPrinter ? printer.print(sale.saleId, refund?.refundId) : window.print());
  return (
    <Modal label={t('receipt.title')} onClose={onClose} className="receipt-dialog">
      <ReceiptBody sale={sale} refund={refund} settings={settings} terminals={terminals} />
      <div className="no-print row">
        <button className="primary" onClick={print}>
          {t('payment.print')}
        </button>
        <button onClick={onClose}>{t('cash.cancel')}</button>
        {printer.result}
      </div>
    </Modal>
  );
}
