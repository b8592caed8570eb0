import { useTranslation } from 'react-i18next';
import { isFinal } from '../../../../shared/payment';
import { PaymentPanel } from './PaymentPanel';
import { errorText } from '../../errors';
import { EMPTY_SALE } from '../../sale';
import { isUnpaid, type OpenSale, type SaleScreenProps } from './useOpenSale';

/** The live payment panels: one per attempt, the open sale's with Take cash, older ones collapsed or restorable. */
export function Payments({ screen, open: s }: { screen: SaleScreenProps; open: OpenSale }) {
  const { api, snapshot, sale, setSale, newSaleAt, dayClosed, onReceipt, onNewSale } = screen;
  const { t } = useTranslation();
  return (
    <section className="payments" aria-label={t('payment.list')}>
      {s.payments.map((p) => (
        <PaymentPanel
          key={p.orderId}
          api={api}
          payment={p}
          terminalName={s.label(p.terminalId)}
          demo={snapshot.mode === 'demo'}
          collapsed={isFinal(p.state) && (p.finalAt ?? p.updatedAt) <= newSaleAt && p.saleId !== sale.saleId}
          onReceipt={onReceipt}
          partOfOpenSale={s.partPaid && p.saleId === sale.saleId}
          {...(p.orderId === sale.orderId && !dayClosed ? { onTakeCash: () => s.setCashAfter(p.orderId) } : {})}
          onNewSale={() => {
            if (p.saleId === sale.saleId && !s.frozen) setSale(EMPTY_SALE);
            onNewSale();
            s.focusAmount();
          }}
          onRetry={(failed) => {
            const ofBasket = failed.saleId === sale.saleId;
            void api
              .dismissPayment({ orderId: failed.orderId })
              .then(() => s.charge(failed.lines, failed.terminalId, failed.saleId, ofBasket))
              .catch((e: unknown) => s.setError(errorText(e)));
          }}
          onRestore={
            isUnpaid(p) && p.saleId !== sale.saleId && !s.basket.length && !s.locked
              ? () => setSale({ lines: p.lines, saleId: p.saleId, orderId: p.orderId })
              : undefined
          }
        />
      ))}
    </section>
  );
}
