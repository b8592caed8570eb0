import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { SHORTCUTS } from '../../shortcuts';
import type { OpenSale } from './useOpenSale';

interface Props {
  sale: OpenSale;
  /** Charge, Cash and Undo clear: the sale's steps move focus to them. */
  chargeRef: RefObject<HTMLButtonElement | null>;
  cashRef: RefObject<HTMLButtonElement | null>;
  undoRef: RefObject<HTMLButtonElement | null>;
  /** Something to pay: lines in the basket, or an amount typed. */
  hasItems: boolean;
  /** The sale has been charged before (it cannot be parked or discounted any more). */
  charged: boolean;
  dayClosed: boolean;
  /** Another sale: the counter starts afresh while this one is being paid or part paid. */
  onAnother(): void;
}

const kbd = (k: string) => (
  <kbd className="shortcut" aria-hidden="true">
    {k}
  </kbd>
);

/** Charge, Cash, Split (with their F-keys), Store credit, Clear or Undo clear, Park sale, Discount, Another sale. */
export function TenderActions({ sale: s, chargeRef, cashRef, undoRef, hasItems, charged, dayClosed, onAnother }: Props) {
  const { t } = useTranslation();
  const { basket, frozen, partPaid, chargeDisabledReason } = s;
  // Cash and store credit: anything to pay, no card payment running, and today open.
  const tenderOff = !hasItems || s.locked || s.charging || dayClosed;
  const tenderWhy = dayClosed ? 'day-closed' : partPaid ? 'split-due' : undefined;
  return (
    <div className="sale-actions">
      <button
        ref={chargeRef}
        id="charge"
        className="primary big"
        disabled={!hasItems || !s.canCharge}
        aria-describedby={dayClosed ? 'day-closed' : chargeDisabledReason ? 'charge-why' : partPaid ? 'split-due' : undefined}
        aria-keyshortcuts={SHORTCUTS.charge}
        onClick={() => s.chargeNow()}
      >
        {t('sale.charge')} {kbd(SHORTCUTS.charge)}
      </button>
      <button
        ref={cashRef}
        className="big"
        disabled={tenderOff}
        aria-describedby={tenderWhy}
        aria-keyshortcuts={SHORTCUTS.cash}
        onClick={s.openCash}
      >
        {t('sale.cash')} {kbd(SHORTCUTS.cash)}
      </button>
      {!partPaid && (
        <button
          className="big"
          disabled={!hasItems || !s.canSplit}
          aria-describedby={dayClosed ? 'day-closed' : chargeDisabledReason ? 'charge-why' : undefined}
          aria-keyshortcuts={SHORTCUTS.split}
          onClick={s.openSplit}
        >
          {t('sale.split')} {kbd(SHORTCUTS.split)}
        </button>
      )}
      <button className="big" disabled={tenderOff} aria-describedby={tenderWhy} onClick={s.openCredit}>
        {t('credit.pay')}
      </button>
      {s.undo ? (
        <button ref={undoRef} onClick={s.undoClear}>
          {t('sale.undoClear')}
        </button>
      ) : (
        <button disabled={!basket.length || frozen} onClick={() => s.clear()}>
          {t('sale.clear')}
        </button>
      )}
      {!s.undo && (
        <button disabled={!basket.length || frozen || charged} onClick={() => s.setParkOpen(true)}>
          {t('park.open')}
        </button>
      )}
      {!s.undo && (
        <button disabled={!basket.length || frozen || charged} onClick={() => s.setDiscountOpen(true)}>
          {t('discount.open')}
        </button>
      )}
      {frozen && <button onClick={onAnother}>{t('sale.another')}</button>}
    </div>
  );
}
