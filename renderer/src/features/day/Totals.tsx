import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Bucket, DayTotals } from '../../../../shared/contract';
import { AUDIT_EVENTS } from '../../../../shared/constants';
import { money } from '../../format';
import { isCustomLine } from '../../sale';

/**
 * Store credit of a day or a drawer session: notes given for returns and notes spent on sales (no money moved, so
 * never in the tenders or the net). Keyed (and test ids) `credit-issued` and `credit-spent`.
 */
export const storeCreditRows = (t: TFunction, x: Pick<DayTotals, 'storeCredit'>): [string, string, Bucket][] =>
  x.storeCredit
    ? [
        ['credit-issued', t('report.creditIssued'), x.storeCredit.issued],
        ['credit-spent', t('report.creditSpent'), x.storeCredit.spent],
      ]
    : [];

/** The test id of a figure's row: `credit-…` rows keep their key, others are `<prefix>-<key>`. */
export const figureTestId = (prefix: string, k: string) => (k.startsWith('credit-') ? k : `${prefix}-${k}`);

/** A day's totals in one currency: per tender and card brand, tips, refunds, drawer moves, audit, VAT and products. */
export function Totals({ totals: x }: { totals: DayTotals }) {
  const { t } = useTranslation();
  const rows: [string, string, Bucket][] = [
    ['tender-card', t('report.card'), x.tenders.card],
    ['tender-cash', t('report.cash'), x.tenders.cash],
    ...Object.entries(x.cardTypes).map(([k, b]): [string, string, Bucket] => [`card-${k}`, `· ${k}`, b]),
    // Tips customers added on the terminal: part of the card tender, never of sales or VAT.
    ...(x.tips ? [['tips', `· ${t('receipt.tip')}`, x.tips] as [string, string, Bucket]] : []),
    ...Object.entries(x.tipsByStaff ?? {}).map(([k, b]): [string, string, Bucket] => [`tips-${k}`, `· ${t('receipt.tip')} · ${k}`, b]),
    ['refunds-card', `${t('report.refunds')} · ${t('report.card')}`, x.refundsByTender.card],
    ['refunds-cash', `${t('report.refunds')} · ${t('report.cash')}`, x.refundsByTender.cash],
    ...(x.paidIn ? [['paid-in', t('report.paidIn'), x.paidIn] as [string, string, Bucket]] : []),
    ...(x.paidOut ? [['paid-out', t('report.paidOut'), x.paidOut] as [string, string, Bucket]] : []),
    ...(x.noSale ? [['no-sale', t('report.noSale'), x.noSale] as [string, string, Bucket]] : []),
    ...(x.discounts ? [['discounts', t('report.discounts'), x.discounts] as [string, string, Bucket]] : []),
    ...storeCreditRows(t, x),
    ...(x.training ? [['training', t('report.training'), x.training] as [string, string, Bucket]] : []),
    // The audit trail: baskets cleared, clears undone and lines removed before payment.
    ...AUDIT_EVENTS.flatMap((e): [string, string, Bucket][] => {
      const b = x.audit?.[e];
      return b ? [[`audit-${e}`, t(`report.audit.${e}`), b]] : [];
    }),
    // Cash rounding: what the drawer took more (or less) than the sales; never in VAT.
    ...(x.cashRounding ? [['cash-rounding', t('report.cashRounding'), x.cashRounding] as [string, string, Bucket]] : []),
  ];
  return (
    <>
      <table className="figures" data-currency={x.currency}>
        <caption>
          {t('report.tenders')} ({x.currency})
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{t('report.outcome')}</span>
            </th>
            <th scope="col">{t('report.count')}</th>
            <th scope="col">{t('report.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, name, b]) => (
            <tr key={k} data-testid={figureTestId('day', k)} data-amount={b.amount}>
              <th scope="row">{name}</th>
              <td className="num">{b.count}</td>
              <td className="num">{money(b.amount, x.currency)}</td>
            </tr>
          ))}
          <tr className="receipt-total">
            <th scope="row">{t('report.net')}</th>
            <td />
            <td className="num" data-testid="day-net" data-amount={x.net}>
              {money(x.net, x.currency)}
            </td>
          </tr>
        </tbody>
      </table>
      {x.vat && x.vat.length > 0 && <VatTotals vat={x.vat} currency={x.currency} />}
      {x.products && x.products.length > 0 && (
        <table className="figures" data-testid="day-products">
          <caption>
            {t('report.products')} ({x.currency})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('report.product')}</th>
              <th scope="col">{t('report.quantity')}</th>
              <th scope="col">{t('report.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {x.products.map((p) => (
              <tr key={p.productId ?? p.name} data-testid="day-product" data-quantity={p.quantity} data-amount={p.amount}>
                <th scope="row">{isCustomLine(p.name) ? t('sale.customLine') : p.name}</th>
                <td className="num">{p.quantity}</td>
                <td className="num">{money(p.amount, x.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function VatTotals({ vat, currency }: { vat: NonNullable<DayTotals['vat']>; currency: string }) {
  const { t } = useTranslation();
  return (
    <table className="figures" data-testid="vat-totals">
      <caption>{t('day.vat')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('day.vatRate')}</th>
          <th scope="col">{t('day.gross')}</th>
          <th scope="col">{t('day.vatAmount')}</th>
        </tr>
      </thead>
      <tbody>
        {vat.map((v) => (
          <tr key={v.rate} data-rate={v.rate} data-vat={v.vat}>
            <td>{v.rate}%</td>
            <td className="num">{money(v.gross, currency)}</td>
            <td className="num">{money(v.vat, currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
