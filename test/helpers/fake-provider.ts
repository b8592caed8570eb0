/**
 * A payment provider written for tests, behind the same port as MultiSafepay (`payments/provider.ts`): payments kept
 * in memory, its own status words, status sequences played on demand, its own event stream, and failures on demand.
 * It knows nothing of MultiSafepay: an engine that works against it works against the port alone.
 *
 * Its statuses: `pending` (waiting), `pin_again` (soft decline), `approved` (paid), `refunded` (paid, then
 * refunded), `voided` (not paid), `timed_out` (not paid, expired); any other word is a status the till has no
 * meaning for.
 */
import type { CardDetails } from '../../shared/payment';
import {
  type CreatePayment,
  type CreatedPayment,
  type FollowCallbacks,
  type FollowTarget,
  type PaymentProvider,
  ProviderError,
  type ProviderOrder,
  type RefundRequest,
  type RefundResult,
  type StatusReading,
  type Subscription,
} from '../../electron/core/payments/provider';

export interface FakePayment {
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  terminalId: string;
  status: string;
  /** Every status the payment had, in order. */
  history: string[];
  transactionId?: string;
  card?: CardDetails;
  /** What was charged, when it differs from `amount` (a tip). */
  charged?: number;
  refunds: { transactionId: string; amount: number }[];
  eventsToken: string;
}

type Method = 'create' | 'get' | 'cancel' | 'refund';
/**
 * How a call fails: with a provider error; `lose_answer`: the call takes effect and its answer is lost (an unknown
 * outcome); `never_arrives`: nothing happens at the provider and the caller cannot know; `hang`: no answer ever.
 */
type Failure = ProviderError | 'lose_answer' | 'never_arrives' | 'hang';

export const FAKE_CARD: CardDetails = { type: 'FAKECARD', last4: '4242', authorizationCode: '123456' };

export function readFakeStatus(status: string): StatusReading {
  const s = status.trim().toLowerCase();
  const reading = (cls: StatusReading['class'], extra: Partial<StatusReading> = {}): StatusReading => ({
    class: cls,
    expired: false,
    after: undefined,
    ...extra,
  });
  switch (s) {
    case 'pending':
      return reading('waiting');
    case 'pin_again':
      return reading('soft_declined');
    case 'approved':
      return reading('paid');
    case 'refunded':
      return reading('paid', { after: 'refunded' });
    case 'voided':
      return reading('not_paid');
    case 'timed_out':
      return reading('not_paid', { expired: true });
    default:
      return reading('other');
  }
}

interface OpenStream {
  orderId: string;
  cb: FollowCallbacks;
  closed: boolean;
}

export class FakeProvider implements PaymentProvider {
  readonly payments = new Map<string, FakePayment>();
  readonly readStatus = readFakeStatus;
  readonly followVariants: number;
  /** How many create calls each order id had. */
  readonly creates = new Map<string, number>();
  /** Calls per method, failed ones included. */
  readonly calls: Record<Method, number> = { create: 0, get: 0, cancel: 0, refund: 0 };
  /** Each stream opened: the order and the variant. */
  readonly follows: { orderId: string; variant: number }[] = [];
  /** Streams of these variants (0-based) are refused, as an expired or wrongly read token is. */
  refusedVariants = new Set<number>();
  /** Every stream is refused. */
  refuseStreams = false;
  /** Nothing is told on the streams (status changes are only seen by reads). */
  silent = false;
  /** Each approved payment gets this card (undefined: the card is never read). */
  card: CardDetails | undefined = FAKE_CARD;
  readonly #failures: Record<Method, Failure[]> = { create: [], get: [], cancel: [], refund: [] };
  readonly #streams = new Set<OpenStream>();
  readonly #onOpen = new Set<(orderId: string) => void>();
  #tx = 0;

  constructor(opts: { followVariants?: number } = {}) {
    this.followVariants = opts.followVariants ?? 1;
  }

  /** The next `times` calls of `method` fail as `failure` says. */
  failNext(method: Method, failure: Failure, times = 1): void {
    for (let i = 0; i < times; i++) this.#failures[method].push(failure);
  }

  /** The provider is reachable again: no failure left on order. */
  clearFailures(): void {
    for (const list of Object.values(this.#failures)) list.length = 0;
  }

  /** Resolves once a stream of this payment is open (at once when one is). */
  streamOpened(orderId: string): Promise<void> {
    if ([...this.#streams].some((s) => s.orderId === orderId)) return Promise.resolve();
    return new Promise((resolve) => {
      const on = (id: string) => {
        if (id !== orderId) return;
        this.#onOpen.delete(on);
        resolve();
      };
      this.#onOpen.add(on);
    });
  }

  /** Streams open now. */
  get openStreams(): number {
    return this.#streams.size;
  }

  /** The payment on a terminal started last. */
  latestOn(terminalId: string): FakePayment | undefined {
    return [...this.payments.values()].filter((p) => p.terminalId === terminalId).at(-1);
  }

  /** Plays statuses on a payment in order, each told on its streams (unless silent), as its terminal would. */
  play(orderId: string, ...statuses: string[]): void {
    for (const status of statuses) this.setStatus(orderId, status);
  }

  setStatus(orderId: string, status: string, opts: { charged?: number } = {}): void {
    const p = this.#payment(orderId);
    p.status = status;
    p.history.push(status);
    p.transactionId = `tx-${++this.#tx}`;
    if (opts.charged !== undefined) p.charged = opts.charged;
    if (readFakeStatus(status).class === 'paid' && this.card && !p.card) p.card = this.card;
    if (this.silent) return;
    for (const s of this.#streams)
      if (s.orderId === orderId && !s.closed) s.cb.onStatus({ orderId, status, transactionId: p.transactionId });
  }

  /** Ends every open stream, as a dropped connection does. */
  dropStreams(): void {
    for (const s of [...this.#streams]) {
      this.#streams.delete(s);
      s.closed = true;
      s.cb.onError({ refused: false, message: 'dropped' });
    }
  }

  async create(req: CreatePayment): Promise<CreatedPayment> {
    this.calls.create++;
    this.creates.set(req.orderId, (this.creates.get(req.orderId) ?? 0) + 1);
    await Promise.resolve();
    const failure = this.#failures.create.shift();
    if (failure instanceof ProviderError) throw failure;
    if (failure === 'never_arrives') throw unknownOutcome();
    if (failure === 'hang') return never();
    if (this.payments.has(req.orderId)) throw refused('That order id is taken.', 9001);
    const busy = [...this.payments.values()].find((p) => p.terminalId === req.terminalId && !isEnded(p.status));
    if (busy) throw new ProviderError({ kind: 'refused', cashierMessage: 'The terminal is busy.', terminalBusy: true });
    const p: FakePayment = {
      orderId: req.orderId,
      amount: req.amount,
      currency: req.currency,
      description: req.description,
      terminalId: req.terminalId,
      status: 'pending',
      history: ['pending'],
      refunds: [],
      eventsToken: `token-${req.orderId}`,
    };
    this.payments.set(req.orderId, p);
    if (failure === 'lose_answer') throw unknownOutcome();
    return { orderId: req.orderId, eventsToken: p.eventsToken, eventsStreamUrl: `fake://events/${req.orderId}` };
  }

  async get(orderId: string): Promise<ProviderOrder> {
    this.calls.get++;
    await Promise.resolve();
    await this.#fail('get');
    const p = this.payments.get(orderId);
    if (!p) throw new ProviderError({ kind: 'refused', cashierMessage: 'No such payment.', isNotFound: true });
    return orderOf(p);
  }

  async cancel(orderId: string): Promise<ProviderOrder> {
    this.calls.cancel++;
    await Promise.resolve();
    await this.#fail('cancel');
    const p = this.#payment(orderId);
    // A payment already paid or ended stays as it is: the cancel's answer says so.
    if (!isEnded(p.status)) this.setStatus(orderId, 'voided');
    return { status: p.status, refunds: { refunded: 0, transactions: [] } };
  }

  async refund(orderId: string, req: RefundRequest): Promise<RefundResult> {
    this.calls.refund++;
    await Promise.resolve();
    const failure = this.#failures.refund.shift();
    if (failure instanceof ProviderError) throw failure;
    if (failure === 'never_arrives') throw unknownOutcome();
    if (failure === 'hang') return never();
    const p = this.#payment(orderId);
    if (readFakeStatus(p.status).class !== 'paid') throw refused('Only a paid payment can be refunded.', 9002);
    const transactionId = `refund-${++this.#tx}`;
    p.refunds.push({ transactionId, amount: req.amount ?? p.amount });
    if (failure === 'lose_answer') throw unknownOutcome();
    return { transactionId };
  }

  follow(target: FollowTarget, variant: number, cb: FollowCallbacks): Subscription {
    this.follows.push({ orderId: target.orderId, variant });
    const s: OpenStream = { orderId: target.orderId, cb, closed: false };
    const p = this.payments.get(target.orderId);
    const refusedNow = this.refuseStreams || this.refusedVariants.has(variant) || !p || p.eventsToken !== target.eventsToken;
    // Answers come later, as a network's do: never from inside follow().
    setImmediate(() => {
      if (s.closed) return;
      if (refusedNow) {
        s.closed = true;
        return cb.onError({ refused: true, status: 401, message: 'token refused' });
      }
      this.#streams.add(s);
      cb.onOpen();
      for (const on of [...this.#onOpen]) on(target.orderId);
    });
    return {
      close: () => {
        s.closed = true;
        this.#streams.delete(s);
      },
    };
  }

  async #fail(method: Method): Promise<void> {
    const failure = this.#failures[method].shift();
    if (failure instanceof ProviderError) throw failure;
    if (failure === 'hang') return never();
    if (failure) throw unknownOutcome();
  }

  #payment(orderId: string): FakePayment {
    const p = this.payments.get(orderId);
    if (!p) throw new Error(`the fake provider has no payment ${orderId}`);
    return p;
  }
}

const isEnded = (status: string) => {
  const cls = readFakeStatus(status).class;
  return cls === 'paid' || cls === 'not_paid';
};

/** An answer that never comes. */
const never = <T>() => new Promise<T>(() => {});

const refused = (cashierMessage: string, code: number) => new ProviderError({ kind: 'refused', cashierMessage, code });
const unknownOutcome = () => new ProviderError({ kind: 'unknown_outcome', cashierMessage: 'No answer from the provider.' });

function orderOf(p: FakePayment): ProviderOrder {
  const paid = readFakeStatus(p.status).class === 'paid';
  const refunded = p.refunds.reduce((s, r) => s + r.amount, 0);
  return {
    orderId: p.orderId,
    status: p.status,
    amount: paid ? (p.charged ?? p.amount) : p.amount,
    currency: p.currency,
    terminalId: p.terminalId,
    ...(p.transactionId ? { transactionId: p.transactionId } : {}),
    ...(p.card ? { card: p.card } : {}),
    refunds: { refunded, transactions: p.refunds.map((r) => ({ ...r })) },
  };
}
