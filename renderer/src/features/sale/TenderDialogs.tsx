import { useTranslation } from 'react-i18next';
import { CashDialog } from './CashDialog';
import { Modal } from '../../components/Modal';
import { SplitDialog } from './SplitDialog';
import { moneyCode } from '../../format';
import { EMPTY_SALE } from '../../sale';
import { sameLines, type OpenSale, type SaleScreenProps } from './useOpenSale';

/** The dialogs of paying: cash (given and change), split (the card part), and confirming a big amount. */
export function TenderDialogs({ screen, open: s }: { screen: SaleScreenProps; open: OpenSale }) {
  const { api, snapshot, sale, setSale, onReceipt } = screen;
  const { t } = useTranslation();
  const { basket, currency, partPaid, unpaid, confirmBig } = s;
  return (
    <>
      {s.cashOpen && (
        <CashDialog
          api={api}
          lines={basket}
          currency={currency}
          unpaidSaleId={partPaid ? sale.saleId : unpaid && sameLines(unpaid.lines, basket) ? unpaid.saleId : undefined}
          {...(partPaid ? { due: s.due, paidByCard: s.cardPaid } : {})}
          rounding={snapshot.settings.cashRounding ?? 0}
          onClose={() => s.setCashOpen(false)}
          onPaid={() => setSale(EMPTY_SALE)}
          onReceipt={(record) => {
            s.setCashOpen(false);
            onReceipt(record);
          }}
        />
      )}
      {s.splitOpen && (
        <SplitDialog
          total={s.total}
          currency={currency}
          terminal={s.label(s.terminalId)}
          onClose={() => s.setSplitOpen(false)}
          onCharge={(part) => {
            s.setSplitOpen(false);
            if (s.canCharge) void s.charge(basket, s.terminalId, sale.saleId, true, part);
          }}
        />
      )}
      {confirmBig && (
        <Modal label={t('sale.confirmBigTitle')} onClose={() => s.setConfirmBig(undefined)} testId="confirm-amount">
          <p className="big-amount">{t('sale.confirmBig', { amount: moneyCode(confirmBig.minor, currency) })}</p>
          <div className="row">
            <button className="primary big" onClick={s.confirmAmount}>
              {t('sale.confirmYes')}
            </button>
            <button className="big" onClick={() => s.setConfirmBig(undefined)}>
              {t('sale.confirmNo')}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
