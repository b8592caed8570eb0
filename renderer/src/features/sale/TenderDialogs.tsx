import { useTranslation } from 'react-i18next';
import type { SaleRecord } from '../../../../shared/contract';
import { CashDialog } from './CashDialog';
import { CreditDialog } from './CreditDialog';
import { Modal } from '../../components/Modal';
import { SplitDialog } from './SplitDialog';
import { moneyCode } from '../../format';
import { creditKey, EMPTY_SALE } from '../../sale';
import { sameLines, type OpenSale, type SaleScreenProps } from './useOpenSale';

/**
 * The dialogs of paying: cash (given and change), store credit (the credit note's code), split (the card part), and
 * confirming a big amount.
 */
export function TenderDialogs({ screen, open: s }: { screen: SaleScreenProps; open: OpenSale }) {
  const { api, snapshot, sale, setSale, onReceipt } = screen;
  const { t } = useTranslation();
  const { basket, currency, partPaid, unpaid, confirmBig } = s;
  // The sale the basket already is: paid in part, or unpaid on a card with these lines. Cash or credit pays that one.
  const saleId = partPaid ? sale.saleId : unpaid && sameLines(unpaid.lines, basket) ? unpaid.saleId : undefined;
  /** A credit note paid: all of it (its receipt, and the next sale), or part (the rest is due, the basket stays). */
  const creditPaid = (record: SaleRecord) => {
    s.setCreditOpen(false);
    if (record.status === 'paid') {
      setSale(EMPTY_SALE);
      return onReceipt(record);
    }
    // This credit note's part is counted with the sale's earlier parts, as a card's is.
    const part = record.credit?.at(-1);
    const paid = { ...(sale.saleId === record.saleId ? sale.paid : {}) };
    if (part) paid[creditKey(part.code)] = (paid[creditKey(part.code)] ?? 0) + part.amount;
    setSale({ lines: basket, saleId: record.saleId, paid });
    requestAnimationFrame(() => s.cashRef.current?.focus());
  };
  return (
    <>
      {s.cashOpen && (
        <CashDialog
          api={api}
          lines={basket}
          currency={currency}
          unpaidSaleId={saleId}
          {...(partPaid ? { due: s.due, paidByCard: s.cardPaid - s.creditPaid, paidByCredit: s.creditPaid } : {})}
          rounding={snapshot.settings.cashRounding ?? 0}
          onClose={() => s.setCashOpen(false)}
          onPaid={() => setSale(EMPTY_SALE)}
          onReceipt={(record) => {
            s.setCashOpen(false);
            onReceipt(record);
          }}
        />
      )}
      {s.creditOpen && (
        <CreditDialog
          api={api}
          lines={basket}
          currency={currency}
          due={partPaid ? s.due : s.total}
          saleId={saleId}
          onClose={() => s.setCreditOpen(false)}
          onPaid={creditPaid}
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
