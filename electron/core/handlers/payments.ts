/**
 * Payments of a sale: by card on a terminal (a new sale, or the rest of one), or in cash; a card payment cancelled,
 * dismissed or resolved by hand; the demo's virtual terminal. One payment of a sale at a time.
 */
import { TillError } from '../../../shared/errors';
import { lineTotal } from '../../../shared/money';
import type { SaleLine } from '../../../shared/payment';
import type { SaleRecord } from '../../../shared/contract';
import { amountDue } from '../../../shared/sale';
import { MAX_SALE_TOTAL } from '../sales';
import { storage } from '../storage/disk';
import type { Handlers, ServiceContext } from './context';

type PaymentsContext = Pick<
  ServiceContext,
  'ledger' | 'sales' | 'engine' | 'staff' | 'connection' | 'settings' | 'terminals' | 'notice' | 'autoPrint'
>;

export function paymentHandlers(
  ctx: PaymentsContext,
): Pick<
  Handlers,
  'charge' | 'cancelPayment' | 'dismissPayment' | 'resolvePayment' | 'payCash' | 'payCredit' | 'exchangeItems' | 'simulateTerminal'
> {
  /** Sales being paid right now (a card part or cash): a second payment of the same sale is refused meanwhile. */
  const settling = new Set<string>();

  /** Runs one payment of an existing sale; a second one for the same sale, at the same time, is refused. */
  const payingSale = async <T>(saleId: string, fn: () => Promise<T>): Promise<T> => {
    if (settling.has(saleId))
      throw new TillError({
        code: 'not_allowed',
        key: 'sale_busy',
        message: 'This sale is being paid right now - wait until that payment is finished.',
      });
    settling.add(saleId);
    try {
      return await fn();
    } finally {
      settling.delete(saleId);
    }
  };

  /** Discounts of card charges still being started: not to be taken by another sale meanwhile. */
  const held = new Set<string>();

  /** A new sale taken in cash, with the discounts on its lines checked and bound to it. */
  const payNewSaleInCash = (lines: SaleLine[], given: number): SaleRecord => {
    const discounts = checkDiscounts(ctx, lines, held);
    const sale = ctx.sales.payCash(withVat(ctx, lines), given, ctx.engine.installId, ctx.staff.who());
    if (discounts.length) storage(() => ctx.ledger.discounts.use(discounts, sale.saleId));
    return sale;
  };

  return {
    charge: async (p) => {
      const settings = ctx.settings();
      ctx.sales.drawer.requireSession();
      if (!ctx.terminals().some((t) => t.id === p.terminalId))
        throw new TillError({
          code: 'bad_request',
          field: 'terminalId',
          message: `Unknown terminal ${p.terminalId} - add it in Settings.`,
        });
      if (ctx.connection.mode !== 'demo' && !ctx.connection.keyFor(ctx.connection.baseUrl))
        throw new TillError({ code: 'not_allowed', message: 'No API key is set - add it in Settings.' });
      if (lineTotal(p.lines) > MAX_SALE_TOTAL)
        throw new TillError({ code: 'bad_request', field: 'lines', message: 'That total is too large for one sale - check the amounts.' });
      const start = (currency: string, due: number) => {
        if (p.currency !== undefined && p.currency !== currency)
          throw new TillError({
            code: 'bad_request',
            field: 'currency',
            message: `This sale is in ${currency}: every part of it is paid in ${currency}.`,
          });
        if (p.amount !== undefined && p.amount > due)
          throw new TillError({ code: 'bad_request', field: 'amount', message: 'That is more than is due on this sale.' });
        const who = ctx.staff.who();
        return ctx.engine.charge({
          terminalId: p.terminalId,
          lines: withVat(ctx, p.lines),
          currency,
          ...(p.saleId ? { saleId: p.saleId } : {}),
          ...(p.amount !== undefined || p.saleId ? { amount: p.amount ?? due } : {}),
          ...(who ? { staff: who } : {}),
        });
      };
      const saleId = p.saleId;
      // A new sale is in the currency set in Settings; the rest of a sale, in the sale's own currency.
      if (!saleId) {
        // The discounts are held for this charge while it is sent, so a second charge at the same moment cannot take
        // them too; they are bound to the sale once the payment exists, or let go if it could not be started.
        const discounts = checkDiscounts(ctx, p.lines, held);
        for (const id of discounts) held.add(id);
        try {
          const view = await start(settings.currency, lineTotal(p.lines));
          if (discounts.length) storage(() => ctx.ledger.discounts.use(discounts, view.saleId));
          return view;
        } finally {
          for (const id of discounts) held.delete(id);
        }
      }
      return payingSale(saleId, async () => {
        const unpaid = () => {
          const sale = ctx.sales.sale(saleId);
          if (!sale || sale.tender !== 'card') throw new TillError({ code: 'not_found', message: `No card sale ${saleId} to try again.` });
          if (sale.status !== 'unpaid' && sale.status !== 'partly_paid')
            throw new TillError({ code: 'not_allowed', message: 'This sale is already paid or still in progress.' });
          return sale;
        };
        unpaid();
        await ctx.engine.checkEarlierAttempts(saleId);
        // Read again: the earlier attempt may have turned out paid meanwhile.
        const sale = unpaid();
        return start(sale.currency, amountDue(sale));
      });
    },
    cancelPayment: async (p) => ctx.engine.cancel(p.orderId),
    dismissPayment: async (p) => {
      ctx.engine.dismiss(p.orderId);
      return { ok: true as const };
    },
    resolvePayment: async (p) => {
      return ctx.engine.resolve(p.orderId, p.reason);
    },
    // An exchange: the returned lines a credit towards new lines, the difference in cash (sales.ts `exchange`).
    exchangeItems: async (p) => {
      const discounts = checkDiscounts(ctx, p.newLines, held);
      const out = ctx.sales.exchange(
        p.saleId,
        p.lines,
        p.reason,
        withVat(ctx, p.newLines),
        p.given ?? 0,
        ctx.engine.installId,
        ctx.staff.who(),
        p.restByCard,
      );
      if (discounts.length) storage(() => ctx.ledger.discounts.use(discounts, out.sale.saleId));
      // The return's refund receipt prints as any refund's does; the new sale's here.
      ctx.autoPrint(out.sale);
      return out;
    },
    payCash: async (p) => {
      ctx.sales.drawer.requireSession();
      const saleId = p.saleId;
      const sale = saleId
        ? await payingSale(saleId, async () => {
            const unpaid = () => unpaidSale(ctx, saleId, p.lines, 'to pay in cash');
            unpaid();
            // The customer may have paid by card after all: ask MultiSafepay before taking cash. When it cannot be
            // read, the cash is taken and the card attempt stays watched: a later "paid" raises the alarm.
            const unchecked = await ctx.engine.checkEarlierAttempts(saleId, { cashIfUnreadable: true });
            const paid = ctx.sales.payRestInCash(unpaid(), p.given, ctx.staff.who());
            if (unchecked.length)
              ctx.notice(
                'warning',
                `MultiSafepay could not be asked whether the card payment of sale ${saleId} went through after all - the cash was taken, and the till keeps checking. If the card turns out paid, refund one of them.`,
                { key: 'cash_unchecked', params: { saleId } },
              );
            return paid;
          })
        : payNewSaleInCash(p.lines, p.given);
      ctx.autoPrint(sale);
      return sale;
    },
    // Store credit: a new sale, or the rest of one; the rest after it as a split sale's (store-credit.ts).
    payCredit: async (p) => {
      ctx.sales.drawer.requireSession();
      const saleId = p.saleId;
      const sale = saleId
        ? await payingSale(saleId, async () => {
            unpaidSale(ctx, saleId, p.lines, 'to pay with store credit');
            // A card that seemed unpaid may have paid after all: asked first (refused when it cannot be read).
            await ctx.engine.checkEarlierAttempts(saleId);
            return ctx.sales.credit.pay(
              p.lines,
              p.code,
              unpaidSale(ctx, saleId, p.lines, 'to pay with store credit'),
              ctx.engine.installId,
              ctx.staff.who(),
            );
          })
        : await (async () => {
            // The discounts are held while the shop database is asked (as for a card charge being started).
            const discounts = checkDiscounts(ctx, p.lines, held);
            const lines = withVat(ctx, p.lines);
            if (lineTotal(lines) > MAX_SALE_TOTAL)
              throw new TillError({
                code: 'bad_request',
                field: 'lines',
                message: 'That total is too large for one sale - check the amounts.',
              });
            for (const id of discounts) held.add(id);
            try {
              const paid = await ctx.sales.credit.pay(lines, p.code, undefined, ctx.engine.installId, ctx.staff.who());
              if (discounts.length) storage(() => ctx.ledger.discounts.use(discounts, paid.saleId));
              return paid;
            } finally {
              for (const id of discounts) held.delete(id);
            }
          })();
      if (sale.receiptNumber !== undefined) ctx.autoPrint(sale);
      return sale;
    },
    simulateTerminal: async (p) => {
      const sim = ctx.connection.simulator;
      if (!sim) throw new TillError({ code: 'not_allowed', message: 'The virtual terminal exists only in demo mode.' });
      if (!sim.terminalAction(p.terminalId, p.action))
        throw new TillError({ code: 'not_allowed', message: 'That terminal has no payment waiting.' });
      return { ok: true as const };
    },
  };
}

/** Lines as recorded: each with its VAT rate (a typed amount takes the rate chosen in Settings). */
export function withVat(ctx: Pick<ServiceContext, 'settings'>, lines: SaleLine[]): SaleLine[] {
  const rate = ctx.settings().customVatRate;
  return lines.map((l) => (l.vatRate === undefined ? { ...l, vatRate: rate } : l));
}

/**
 * The discounts on a new sale's lines must be ones given here (`authorizeDiscount`), not yet on another sale, each
 * exactly as given: a line discount on one line, a basket discount spread over lines adding up to its amount, and
 * no line discounted below zero, and none `held` for a card charge being started. Returns their ids. Throws
 * `bad_request` naming the first that is not.
 */
function checkDiscounts(ctx: Pick<ServiceContext, 'ledger'>, lines: readonly SaleLine[], held: ReadonlySet<string>): string[] {
  const parts = new Map<string, number[]>();
  for (const l of lines) {
    if (!l.discount) continue;
    if (l.discount.amount > l.unitPrice * l.quantity)
      throw new TillError({ code: 'bad_request', field: 'lines', message: `The discount on ${l.name} is more than its price.` });
    parts.set(l.discount.id, [...(parts.get(l.discount.id) ?? []), l.discount.amount]);
  }
  for (const [id, amounts] of parts) {
    const d = ctx.ledger.discounts.get(id);
    const sum = amounts.reduce((s, a) => s + a, 0);
    const fits = d && d.saleId === undefined && !held.has(id) && sum === d.amount && (d.scope === 'basket' || amounts.length === 1);
    if (!fits)
      throw new TillError({
        code: 'bad_request',
        field: 'lines',
        message: 'A discount in this basket was not given at this till, or is used already - give it again with Discount.',
      });
  }
  return [...parts.keys()];
}

/** The sale `saleId` still to pay (unpaid or partly paid), its lines `lines`; else a clear refusal. */
function unpaidSale(ctx: Pick<ServiceContext, 'sales'>, saleId: string, lines: readonly SaleLine[], what: string): SaleRecord {
  const found = ctx.sales.sale(saleId);
  if (!found || found.tender !== 'card') throw new TillError({ code: 'not_found', message: `No card sale ${saleId} ${what}.` });
  if (found.status !== 'unpaid' && found.status !== 'partly_paid')
    throw new TillError({ code: 'not_allowed', message: 'This sale is already paid or still in progress.' });
  if (!sameLines(found.lines, lines))
    throw new TillError({
      code: 'bad_request',
      field: 'lines',
      message: 'The basket changed since the card payment - start a new sale for it.',
    });
  return found;
}

/** The same lines (name, price, quantity; a missing VAT rate matches any). */
function sameLines(a: readonly SaleLine[], b: readonly SaleLine[]): boolean {
  return (
    a.length === b.length &&
    a.every((l, i) => {
      const m = b[i]!;
      return (
        l.name === m.name &&
        l.unitPrice === m.unitPrice &&
        l.quantity === m.quantity &&
        (m.vatRate === undefined || l.vatRate === m.vatRate)
      );
    })
  );
}
