import { useTranslation } from 'react-i18next';
import { AddScannedProduct } from '../features/sale/AddScannedProduct';
import { DiscountDialog } from '../features/sale/DiscountDialog';
import { ParkDialog } from '../features/sale/ParkDialog';
import { ProductSearch } from '../components/ProductSearch';
import { AmountEntry } from '../features/sale/AmountEntry';
import { Basket } from '../features/sale/Basket';
import { Payments } from '../features/sale/Payments';
import { QuickKeys } from '../features/sale/QuickKeys';
import { TenderActions } from '../features/sale/TenderActions';
import { TenderDialogs } from '../features/sale/TenderDialogs';
import { TenderStatus } from '../features/sale/TenderStatus';
import { useAmountEntry } from '../features/sale/useAmountEntry';
import { type SaleScreenProps, useOpenSale } from '../features/sale/useOpenSale';
import { useSaleKeys } from '../features/sale/useSaleKeys';
import { useScanner } from '../features/sale/useScanner';
import { addLine, changeQty, EMPTY_SALE } from '../sale';

/**
 * The sale flow: quick keys, custom amounts (typed or on the keypad), the basket, terminal choice, Charge or Cash,
 * and live payment panels. The basket stays until its sale is paid: an unpaid payment returns to the tender choice.
 * The parts are in `features/sale/`; this screen lays them out.
 */
export function SaleScreen(props: SaleScreenProps) {
  const { api, snapshot, sale, setSale, onNewSale, dayClosed = false } = props;
  const { t } = useTranslation();
  const { settings, terminals, catalog } = snapshot;
  const amount = useAmountEntry(settings.currency);
  const s = useOpenSale(props, amount);
  const { basket, currency, frozen, error, setError } = s;
  const { unknown, setUnknown } = useScanner({ api, frozen, amount, addProduct: s.addProduct, setError });
  useSaleKeys({ amount, chargeNow: s.chargeNow, openCash: s.openCash, openSplit: s.openSplit, newSale: s.newSale });

  return (
    <div className="sale">
      {dayClosed && (
        <p className="day-closed sale-day-closed" role="status" id="day-closed" data-testid="day-closed-banner">
          {t('sale.dayClosed')}
        </p>
      )}
      <div className="entry">
        <ProductSearch api={api} currency={currency} disabled={frozen} onPick={s.addProduct} />
        <QuickKeys items={catalog} currency={currency} disabled={frozen} onAdd={(line) => s.setLines(addLine(basket, line))} />
        <AmountEntry amount={amount} inputRef={amount.ref} frozen={frozen} onSubmit={s.submitAmount} />
      </div>

      <section className="basket" aria-label={t('sale.basket')}>
        <Basket
          lines={basket}
          currency={currency}
          frozen={frozen}
          pending={s.pending}
          total={s.total}
          onQuantity={(i, delta) => s.setLines(changeQty(basket, i, delta))}
          onRemove={s.removeLine}
        />
        <TenderStatus sale={s} terminals={terminals} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {unknown && error === unknown.text && !frozen && (
          <AddScannedProduct
            api={api}
            code={unknown.code}
            settings={settings}
            onAdded={(p) => {
              setError(undefined);
              setUnknown(undefined);
              s.addProduct(p);
            }}
          />
        )}
        <TenderActions
          sale={s}
          chargeRef={s.chargeRef}
          cashRef={s.cashRef}
          undoRef={s.undoRef}
          hasItems={Boolean(basket.length || amount.text.trim())}
          charged={Boolean(sale.saleId)}
          dayClosed={dayClosed}
          onAnother={() => (setSale(EMPTY_SALE), onNewSale())}
        />
        {s.discountOpen && (
          <DiscountDialog
            api={api}
            lines={basket}
            currency={currency}
            onApplied={(lines) => s.setLines(lines)}
            onClose={() => s.setDiscountOpen(false)}
          />
        )}
        {s.parkOpen && <ParkDialog api={api} lines={basket} onParked={s.parked} onClose={() => s.setParkOpen(false)} />}
        {s.parkedNote && !basket.length && (
          <p className="muted" role="status" data-testid="parked-note">
            {s.parkedNote}
          </p>
        )}
        {s.undo && (
          <p className="muted" role="status">
            {t('sale.cleared')}
          </p>
        )}
      </section>

      <Payments screen={props} open={s} />
      <TenderDialogs screen={props} open={s} />
    </div>
  );
}
