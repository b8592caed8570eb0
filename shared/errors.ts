/** Error codes that cross the transport; `message` is always a sentence a cashier understands. */
export type TillErrorCode =
  | 'bad_request'
  | 'unknown_method'
  | 'terminal_busy'
  | 'not_found'
  | 'not_allowed'
  | 'msp_error'
  | 'storage_error'
  /** A refund of this payment is in flight or its outcome is being checked: nothing new was started. */
  | 'refund_pending'
  /** The refund's answer was lost: it may have gone through; the till is checking. */
  | 'refund_unknown'
  /** Another till process holds this data directory. */
  | 'locked'
  /** The receipt printer did not print; the sale itself is saved. */
  | 'printer_error'
  /** The shop database cannot be reached (the till itself keeps selling). */
  | 'shop_offline'
  | 'internal';

export interface TillErrorShape {
  code: TillErrorCode;
  message: string;
  /** MultiSafepay's error_code, kept for support. */
  mspCode?: number;
  /** The input field the message is about, for messages shown next to a field. */
  field?: string;
  /** Names a refusal the screen can say in the cashier's language. */
  key?: TillErrorKey;
}

export type TillErrorKey =
  | 'needs_manager'
  | 'sign_in'
  | 'day_closed'
  | 'day_open'
  | 'payments_open'
  | 'till_locked'
  | 'sale_busy'
  | 'clock_behind'
  | 'session_closed'
  | 'float_unusual'
  | 'count_mismatch'
  | 'no_session';

export class TillError extends Error implements TillErrorShape {
  readonly code: TillErrorCode;
  readonly mspCode?: number;
  readonly field?: string;
  readonly key?: TillErrorKey;
  constructor(shape: TillErrorShape) {
    super(shape.message);
    this.name = 'TillError';
    this.code = shape.code;
    if (shape.mspCode !== undefined) this.mspCode = shape.mspCode;
    if (shape.field !== undefined) this.field = shape.field;
    if (shape.key !== undefined) this.key = shape.key;
  }
  toJSON(): TillErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.mspCode !== undefined ? { mspCode: this.mspCode } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.key !== undefined ? { key: this.key } : {}),
    };
  }
  static from(shape: unknown): TillError {
    if (shape instanceof TillError) return shape;
    const s = shape as Partial<TillErrorShape> | null;
    if (s && typeof s.code === 'string' && typeof s.message === 'string') {
      return new TillError(s as TillErrorShape);
    }
    return new TillError({ code: 'internal', message: 'Something went wrong inside the till.' });
  }
}
