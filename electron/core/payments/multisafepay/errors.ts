/**
 * Typed MultiSafepay errors. Every error carries MultiSafepay's `error_code` where there is one and a sentence a
 * cashier understands. Messages never contain the API key or full URLs with query strings.
 */
import { ProviderError, type ProviderErrorKind } from '../provider';

/**
 * `refused`: MultiSafepay answered and refused (success:false or an HTTP 4xx): the request had no effect.
 * `unknown_outcome`: no answer we can trust (network error, timeout, 5xx, unreadable body): the request may or may
 * not have taken effect.
 */
export type MspErrorKind = ProviderErrorKind;

const CASHIER_MESSAGES: Record<number, string> = {
  1000: 'MultiSafepay refused the request.',
  1001: 'The amount was refused by MultiSafepay.',
  1002: 'The currency was refused by MultiSafepay - check Settings.',
  1006: 'MultiSafepay does not know this order.',
  1008: 'The sale description was refused by MultiSafepay.',
  1019: 'The MultiSafepay account (site) is not active - contact MultiSafepay.',
  1023: 'The payment method is unavailable at MultiSafepay right now - try again or take cash.',
  1032: 'The API key was refused - check Settings.',
  1034: 'This refund was refused (not refundable, too much, or the same refund was just made).',
};

export const TERMINAL_BUSY = 'The terminal is busy with another payment - finish or cancel that one first.';

export function cashierMessageFor(code: number | undefined, httpStatus: number | undefined): string {
  // MultiSafepay documents no code for a busy terminal; a conflict status is the clearest signal. Any other
  // refusal of a create is shown as MultiSafepay's refusal and never retried (see docs/multisafepay.md).
  if (httpStatus === 409) return TERMINAL_BUSY;
  if (code !== undefined && CASHIER_MESSAGES[code]) return CASHIER_MESSAGES[code];
  if (httpStatus === 401 || httpStatus === 403) return 'The API key was refused - check Settings.';
  if (httpStatus === 404) return 'MultiSafepay does not know this order.';
  if (httpStatus === 422) return 'MultiSafepay refused the request as invalid.';
  return 'MultiSafepay refused the request.';
}

export class MspError extends ProviderError {
  readonly httpStatus: number | undefined;
  /** MultiSafepay's own text (error_info), for support; may be undefined. */
  readonly info: string | undefined;
  /** The body was MultiSafepay's own JSON (`success`/`error_code`), not a bare status from a proxy or another host. */
  readonly fromMsp: boolean;

  constructor(opts: {
    kind: MspErrorKind;
    code?: number;
    httpStatus?: number;
    info?: string;
    cashierMessage?: string;
    fromMsp?: boolean;
    retryAfterMs?: number;
  }) {
    const cashier =
      opts.cashierMessage ??
      (opts.kind === 'refused'
        ? cashierMessageFor(opts.code, opts.httpStatus)
        : 'No answer from MultiSafepay - check the internet connection.');
    super({
      kind: opts.kind,
      code: opts.code,
      cashierMessage: cashier,
      message: `${cashier}${opts.code !== undefined ? ` (MultiSafepay code ${opts.code})` : ''}`,
      // MultiSafepay itself says this order does not exist (its error 1006). A bare 404 without MultiSafepay's JSON
      // (a proxy, a wrong base URL) proves nothing about the order and is not read as "not found".
      isNotFound: opts.kind === 'refused' && opts.code === 1006,
      // MultiSafepay documents no code for a busy terminal; a conflict status is the clearest signal.
      terminalBusy: opts.kind === 'refused' && opts.httpStatus === 409,
      retryAfterMs: opts.retryAfterMs,
    });
    this.name = 'MspError';
    this.httpStatus = opts.httpStatus;
    this.info = opts.info;
    this.fromMsp = opts.fromMsp ?? false;
  }
}
