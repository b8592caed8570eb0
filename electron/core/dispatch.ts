/**
 * One request of the till's API, from either transport (IPC or the headless WebSocket): who may ask is checked first
 * (the policy table, policy.ts; a manager-only action asked by a cashier runs with a manager's inline approval), then
 * the parameters against the method's schema (shared/contract.ts), then its handler runs. Errors come back as the
 * typed shape of shared/wire.ts; nothing throws out of `dispatch`.
 */
import { timingSafeEqual } from 'node:crypto';
import { type Approval, ApprovalSchema, METHODS, type MethodName, isMethodName } from '../../shared/contract';
import { TillError } from '../../shared/errors';
import type { Reply } from '../../shared/wire';
import type { Handlers } from './handlers/context';
import { LedgerRowError } from './ledger/ledger';
import type { Logger } from './log';
import { ProviderError } from './payments/provider';
import { POLICY, WHILE_LOCKED } from './policy';
import type { SecretStore } from './secrets';
import type { Staff, StaffMember } from './staff';

/** What a request needs of the till. */
export interface DispatchParts {
  staff: Staff;
  /** One handler per method (handlers/). */
  handlers: Handlers;
  /** Where the MultiSafepay API key is kept (methods that ask for it typed again). */
  secrets: SecretStore;
  log: Logger;
  /** Tells every window who is signed in (an idle session ended). */
  emitStaff(): void;
}

export class RequestDispatcher {
  readonly #d: DispatchParts;

  constructor(parts: DispatchParts) {
    this.#d = parts;
  }

  /** Validates and runs one request. Never throws: errors come back as a typed shape. */
  async dispatch(method: unknown, params: unknown): Promise<Reply> {
    try {
      if (!isMethodName(method)) throw new TillError({ code: 'unknown_method', message: 'Unknown request.' });
      // Who may ask comes first: a refused caller learns nothing of what the request should look like.
      if (this.#d.staff.touch()) this.#d.emitStaff();
      const typedKey = (params as { apiKey?: unknown } | null | undefined)?.apiKey;
      const { approval, rest } = splitApproval(params);
      const approver = await this.#authorize(method, typeof typedKey === 'string' ? typedKey : undefined, approval);
      const parsed = METHODS[method].params.safeParse(rest ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map(String).join('.');
        throw new TillError({
          code: 'bad_request',
          message: field ? `${field}: ${issue.message}` : issue.message,
          ...(field ? { field } : {}),
        });
      }
      const handler = this.#d.handlers[method] as (p: unknown) => Promise<unknown>;
      const result = approver ? await this.#d.staff.withApprover(approver, () => handler(parsed.data)) : await handler(parsed.data);
      return { ok: true, result };
    } catch (err) {
      if (err instanceof TillError) return { ok: false, error: err.toJSON() };
      if (err instanceof LedgerRowError) return { ok: false, error: { code: 'storage_error', message: err.message } };
      if (err instanceof ProviderError)
        return {
          ok: false,
          error: { code: 'msp_error', message: err.cashierMessage, ...(err.code !== undefined ? { mspCode: err.code } : {}) },
        };
      this.#d.log.error('request failed', { method: String(method), error: err instanceof Error ? err.name : 'unknown' });
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the till. Nothing was changed.' } };
    }
  }

  /**
   * The policy table's rule for `method` (policy.ts), checked before its handler runs. A manager-only action asked
   * by a cashier runs when it carries a manager's approval (their PIN, checked as at sign-in); the approving manager
   * is returned so the handler's records can name them.
   */
  async #authorize(method: MethodName, apiKey: string | undefined, approval: Approval | undefined): Promise<StaffMember | undefined> {
    if (this.#d.staff.tillLocked && !WHILE_LOCKED.includes(method)) throw tillLockedError();
    const rule = POLICY[method];
    const what = rule.what ?? 'This';
    switch (rule.access) {
      case 'anyone':
        return;
      case 'signed_in':
        this.#d.staff.requireSignedIn();
        // A manager's approval may come with any request (a discount over the cashier's limit).
        return approval && this.#d.staff.needsManager() ? this.#d.staff.approve(approval.staffId, approval.pin, what) : undefined;
      case 'manager':
        return this.#managerOrApproval(what, approval);
      case 'api_key':
        if (!this.#keyProven(apiKey)) throw keyNeeded(what);
        return;
      case 'manager_or_api_key':
        if (apiKey !== undefined) {
          if (!this.#keyProven(apiKey)) throw keyNeeded(what);
          return;
        }
        return this.#managerOrApproval(what, approval);
      default: {
        const never: never = rule.access;
        throw new Error(`no rule ${String(never)}`);
      }
    }
  }

  /** Passes when a manager is signed in (or roles are off); otherwise a signed-in person needs a manager's approval. */
  async #managerOrApproval(what: string, approval: Approval | undefined): Promise<StaffMember | undefined> {
    if (!approval || !this.#d.staff.needsManager()) {
      this.#d.staff.requireManager(what);
      return undefined;
    }
    this.#d.staff.requireSignedIn();
    return this.#d.staff.approve(approval.staffId, approval.pin, what);
  }

  /** Whether the MultiSafepay API key was typed again; a till with no key stored has none to type. */
  #keyProven(typed: string | undefined): boolean {
    const key = this.#d.secrets.get();
    if (key === undefined) return true;
    return typed !== undefined && sameSecret(typed, key);
  }
}

/**
 * Splits a request's inline manager approval (`approval: {staffId, pin}`, see shared/contract.ts ApprovalSchema) off
 * its parameters, so each method's own schema stays as it is. A malformed approval is refused as a bad request.
 */
function splitApproval(params: unknown): { approval: Approval | undefined; rest: unknown } {
  if (!params || typeof params !== 'object' || !('approval' in params)) return { approval: undefined, rest: params };
  const { approval, ...rest } = params as { approval: unknown };
  const parsed = ApprovalSchema.safeParse(approval);
  if (!parsed.success)
    throw new TillError({ code: 'bad_request', field: 'approval', message: 'approval: a manager and their PIN are needed.' });
  return { approval: parsed.data, rest };
}

export function tillLockedError(): TillError {
  return new TillError({
    code: 'not_allowed',
    key: 'till_locked',
    message: 'The till is locked: the staff list set up on it could not be read. Type the MultiSafepay API key to open it.',
  });
}

function keyNeeded(what: string): TillError {
  return new TillError({
    code: 'not_allowed',
    field: 'apiKey',
    message: `${what} needs the MultiSafepay API key - type it as it was entered in Settings.`,
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a.trim());
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
