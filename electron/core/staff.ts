/**
 * Staff: cashiers and managers with PINs, stored hashed (scrypt, a salt each) in the settings file. With no staff
 * set up the till works as before for everyone; once a manager exists, everything but signing in needs someone
 * signed in, the policy table (policy.ts) says what needs a manager, and every sale, refund and close records who
 * did it.
 *
 * Guessing a PIN is slowed and then stopped: after a few wrong PINs a member must wait longer before each next try,
 * and after `lockAfter` wrong PINs in a row they are locked until another manager or the MultiSafepay API key
 * unlocks them. The count lives in the sales ledger (it survives a restart), and every wrong PIN, lockout, unlock
 * and new PIN is recorded there with its time and the till. PINs are checked off the event loop (async scrypt),
 * one at a time, so a flood of sign-ins never stalls payments or other screens.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { TillError } from '../../shared/errors';
import type { StaffLogEntry } from './ledger/ledger';
import type { KeyValueStore } from './storage/kv';

export const ROLES = ['cashier', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: Role;
  /** Locked after too many wrong PINs. */
  locked?: true;
}

const StoredStaffSchema = z.array(
  z.object({ id: z.string().min(1).max(40), name: z.string().min(1).max(40), role: z.enum(ROLES), pinHash: z.string().regex(/^scrypt\$/) }),
);
type StoredStaff = z.infer<typeof StoredStaffSchema>[number];

const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 };
const scryptAsync = promisify(scrypt) as (pin: string, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(pin, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const [, n, salt, hash] = stored.split('$');
  if (!n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await scryptAsync(pin, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: SCRYPT.r, p: SCRYPT.p });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** How wrong PINs are slowed down and stopped. */
export const PIN_GUARD = {
  /** Wrong PINs in a row allowed without waiting. */
  freeTries: 3,
  /** Wrong PINs in a row that lock the member. */
  lockAfter: 6,
  /** The wait before the next try after `failures` wrong PINs in a row: 5 s, 15 s, 45 s. */
  waitMs: (failures: number): number => (failures < PIN_GUARD.freeTries ? 0 : 5_000 * 3 ** (failures - PIN_GUARD.freeTries)),
  /** Sign-ins waiting for their PIN check at once, till-wide; more are refused at once. */
  maxWaiting: 8,
};

/** What the staff list needs of the sales ledger: the sign-in record and one marker. */
export interface StaffRecord {
  recordStaffEvent(e: StaffLogEntry): void;
  pinFailures(staffId: string): { failures: number; lastAt?: number; locked: boolean };
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

/** Marker kept in the ledger (not the settings file): a staff list was set up on this till. */
const STAFF_SET_UP = 'staff_set_up';

export interface StaffOptions {
  store: KeyValueStore;
  record: StaffRecord;
  /** Called after an approval is recorded (crash tests kill the process there; unset in normal use). */
  failpoint?: (point: 'approval-recorded') => void;
  /** This till's id, for the record. */
  till: () => string;
  now: () => number;
  /** Sign a member out after this long without a request (0: never). */
  idleMs: () => number;
}

export class Staff {
  readonly #o: StaffOptions;
  #members: StoredStaff[];
  #session: { id: string; lastActive: number } | undefined;
  #pinQueue: Promise<void> = Promise.resolve();
  #waiting = 0;
  #tillLocked: boolean;
  /** Set when the stored list could not be trusted (then nobody is a manager until it is set up again). */
  readonly problem: string | undefined;

  constructor(opts: StaffOptions) {
    this.#o = opts;
    const parsed = StoredStaffSchema.safeParse(opts.store.get('staff') ?? []);
    this.#members = parsed.success ? parsed.data : [];
    this.problem = parsed.success ? undefined : 'The saved staff list was not readable';
    // A list that was set up but is gone now (a damaged or replaced settings file) must not switch roles off.
    this.#tillLocked = this.#members.length === 0 && opts.record.meta(STAFF_SET_UP) === '1';
    if (this.#members.length && opts.record.meta(STAFF_SET_UP) !== '1') opts.record.setMeta(STAFF_SET_UP, '1');
  }

  /** Whether roles apply at all: only once a manager exists. */
  get enforced(): boolean {
    return this.#members.some((m) => m.role === 'manager');
  }

  /**
   * Locked: the staff list that was set up on this till cannot be read. Nothing but the locked screen works until
   * someone types the MultiSafepay API key (`unlockTill`).
   */
  get tillLocked(): boolean {
    return this.#tillLocked;
  }

  /** Who is signed in, with their role as the list says now (a demoted or removed member loses it at once). */
  get current(): StaffMember | undefined {
    const s = this.#session;
    if (!s) return undefined;
    const m = this.#members.find((x) => x.id === s.id);
    if (!m) return undefined;
    return { id: m.id, name: m.name, role: m.role };
  }

  list(): StaffMember[] {
    return this.#members.map(({ id, name, role }) => ({
      id,
      name,
      role,
      ...(this.#o.record.pinFailures(id).locked ? { locked: true as const } : {}),
    }));
  }

  /**
   * Signs a member in. A locked member, or one who must still wait after wrong PINs, is refused before the PIN is
   * even checked; PIN checks run one at a time, and when too many wait the next is refused at once.
   */
  async signIn(id: string, pin: string): Promise<StaffMember> {
    const m = this.#members.find((x) => x.id === id);
    if (!m) throw new TillError({ code: 'not_allowed', field: 'pin', message: 'That PIN is not right.' });
    await this.#checkPin(m, pin);
    this.#log(m.id, 'signed_in');
    this.#session = { id: m.id, lastActive: this.#o.now() };
    return this.current!;
  }

  /**
   * A manager's approval of one action on the signed-in person's session (inline approval: the manager types their
   * PIN on the cashier's screen; the cashier stays signed in). The PIN is checked exactly as at sign-in - the same
   * waits, lockout and queue - and only a manager can approve. Recorded as 'approved' with the action's name.
   * Returns the approving manager. Throws `not_allowed` for a wrong PIN, a cashier's PIN or a locked member.
   */
  async approve(id: string, pin: string, what: string): Promise<StaffMember> {
    const m = this.#members.find((x) => x.id === id);
    if (!m) throw new TillError({ code: 'not_allowed', field: 'pin', message: 'That PIN is not right.' });
    await this.#checkPin(m, pin);
    if (m.role !== 'manager')
      throw new TillError({ code: 'not_allowed', key: 'needs_manager', message: `${what} needs a manager - ${m.name} is not a manager.` });
    this.#log(m.id, 'approved', what.slice(0, 80));
    this.#o.failpoint?.('approval-recorded');
    return { id: m.id, name: m.name, role: m.role };
  }

  /** Checks a member's PIN: refused while they must wait or are locked; one check at a time, a few waiting at most. */
  async #checkPin(m: StoredStaff, pin: string): Promise<void> {
    this.#refuseIfHeld(m);
    if (this.#waiting >= PIN_GUARD.maxWaiting)
      throw new TillError({ code: 'not_allowed', message: 'The till is busy checking PINs - try again in a moment.' });
    this.#waiting++;
    const before = this.#pinQueue;
    let done!: () => void;
    this.#pinQueue = new Promise<void>((r) => (done = r));
    try {
      await before;
      // Checked again: the tries ahead of this one may have locked the member meanwhile.
      this.#refuseIfHeld(m);
      const right = await pinMatches(pin, m.pinHash);
      if (!right) {
        const failures = this.#o.record.pinFailures(m.id).failures + 1;
        this.#log(m.id, 'pin_failed');
        if (failures >= PIN_GUARD.lockAfter) {
          this.#log(m.id, 'locked');
          throw this.#lockedError(m);
        }
        throw new TillError({ code: 'not_allowed', field: 'pin', message: 'That PIN is not right.' });
      }
    } finally {
      this.#waiting--;
      done();
    }
  }

  #refuseIfHeld(m: StoredStaff): void {
    const state = this.#o.record.pinFailures(m.id);
    if (state.locked) throw this.#lockedError(m);
    const wait = (state.lastAt ?? 0) + PIN_GUARD.waitMs(state.failures) - this.#o.now();
    if (wait > 0)
      throw new TillError({
        code: 'not_allowed',
        message: `Too many wrong PINs - wait ${Math.ceil(wait / 1000)} seconds and try again.`,
      });
  }

  #lockedError(m: StoredStaff): TillError {
    return new TillError({
      code: 'not_allowed',
      message: `Too many wrong PINs: ${m.name} is locked. Another manager, or the MultiSafepay API key, can unlock it.`,
    });
  }

  /** Counts what was recorded, so callers can tell whether a sign-in attempt changed anything screens show. */
  recorded = 0;

  #log(staffId: string, event: StaffLogEntry['event'], by?: string): void {
    this.recorded++;
    this.#o.record.recordStaffEvent({ at: this.#o.now(), till: this.#o.till(), staffId, event, ...(by ? { by } : {}) });
  }

  signOut(): void {
    this.#session = undefined;
  }

  /**
   * Ends a session that was idle too long; otherwise marks it active now. Called before every request.
   * Returns true when it just ended one.
   */
  touch(): boolean {
    const s = this.#session;
    if (!s) return false;
    const idle = this.#o.idleMs();
    const now = this.#o.now();
    if (idle > 0 && now - s.lastActive >= idle) {
      this.#session = undefined;
      return true;
    }
    s.lastActive = now;
    return false;
  }

  /** Ends a session that was idle too long, without marking it active (the idle timer). */
  expire(): boolean {
    const s = this.#session;
    const idle = this.#o.idleMs();
    if (!s || idle <= 0 || this.#o.now() - s.lastActive < idle) return false;
    this.#session = undefined;
    return true;
  }

  /** Who is doing this, for the record (undefined while roles are not set up). */
  who(): string | undefined {
    return this.current?.name;
  }

  readonly #approver = new AsyncLocalStorage<StaffMember>();

  /** Runs one action with a manager's inline approval, so its records can name the approver (`approver()`). */
  withApprover<T>(manager: StaffMember, action: () => Promise<T>): Promise<T> {
    return this.#approver.run(manager, action);
  }

  /** The manager who approved the action now running on someone else's session, if any. */
  approver(): StaffMember | undefined {
    return this.#approver.getStore();
  }

  /** Sales need somebody signed in once staff are set up. */
  requireSignedIn(): void {
    if (this.enforced && !this.current)
      throw new TillError({ code: 'not_allowed', key: 'sign_in', message: 'Sign in with your PIN first.' });
  }

  /** Whether the action needs a manager's approval now: roles apply and the signed-in person is not a manager. */
  needsManager(): boolean {
    return this.enforced && this.current?.role !== 'manager';
  }

  requireManager(what: string): void {
    if (this.needsManager())
      throw new TillError({
        code: 'not_allowed',
        key: 'needs_manager',
        message: `${what} needs a manager - a manager must sign in first.`,
      });
  }

  /**
   * Replaces the staff list. A member without a new PIN keeps theirs; a new member needs one. There must always
   * be a manager once any staff exist. A new PIN for a member is recorded (and unlocks them).
   */
  async save(list: { id: string; name: string; role: Role; pin?: string | undefined }[]): Promise<StaffMember[]> {
    const wasEnforced = this.enforced;
    for (const m of list)
      if (!m.pin && !this.#members.some((x) => x.id === m.id))
        throw new TillError({ code: 'bad_request', field: 'pin', message: `${m.name} needs a PIN.` });
    if (new Set(list.map((m) => m.id)).size !== list.length)
      throw new TillError({ code: 'bad_request', field: 'staff', message: 'Two people have the same id.' });
    if (list.length && !list.some((m) => m.role === 'manager'))
      throw new TillError({ code: 'bad_request', field: 'staff', message: 'Keep at least one manager.' });
    const next: StoredStaff[] = await Promise.all(
      list.map(async (m) => ({
        id: m.id,
        name: m.name,
        role: m.role,
        pinHash: m.pin ? await hashPin(m.pin) : this.#members.find((x) => x.id === m.id)!.pinHash,
      })),
    );
    const by = this.who();
    this.#o.store.set({ staff: next });
    this.#members = next;
    this.#o.record.setMeta(STAFF_SET_UP, next.length ? '1' : '0');
    for (const m of list) if (m.pin) this.#log(m.id, 'pin_reset', by);
    // Whoever sets up the first manager has just typed that manager's PIN: they stay at work as that manager,
    // not signed out with their unsaved settings on the screen.
    if (!wasEnforced && !this.current && this.enforced) {
      const first = list.find((m) => m.role === 'manager' && m.pin);
      if (first) {
        this.#log(first.id, 'signed_in', by);
        this.#session = { id: first.id, lastActive: this.#o.now() };
      }
    }
    return this.list();
  }

  /** The staff list as stored, PIN hashes included, to share with the shop's other tills (never to a screen). */
  stored(): readonly StoredStaff[] {
    return this.#members;
  }

  /**
   * The staff list another till of the shop saved: taken as it is (scrypt PIN hashes, never PINs), when it reads as
   * a staff list and keeps a manager. Wrong PINs and lockouts stay each till's own. Whoever is signed in here and no
   * longer on the list is signed out. Returns whether anything changed.
   */
  adopt(shared: unknown): boolean {
    const parsed = StoredStaffSchema.max(200).safeParse(shared);
    if (!parsed.success) throw new Error('not a staff list');
    const next = parsed.data;
    if (next.length && !next.some((m) => m.role === 'manager')) throw new Error('a staff list without a manager');
    if (JSON.stringify(next) === JSON.stringify(this.#members)) return false;
    this.#o.store.set({ staff: next });
    this.#members = next;
    this.#o.record.setMeta(STAFF_SET_UP, next.length ? '1' : '0');
    if (next.length) this.#tillLocked = false;
    if (this.#session && !next.some((m) => m.id === this.#session!.id)) this.#session = undefined;
    return true;
  }

  /** A new PIN for a manager who lost theirs: the caller has checked the API key. Unlocks them too. */
  async resetPin(id: string, pin: string): Promise<void> {
    const m = this.#members.find((x) => x.id === id && x.role === 'manager');
    if (!m) throw new TillError({ code: 'not_found', message: 'No manager with that id.' });
    const pinHash = await hashPin(pin);
    const next = this.#members.map((x) => (x.id === id ? { ...x, pinHash } : x));
    this.#o.store.set({ staff: next });
    this.#members = next;
    this.#log(id, 'pin_reset', 'api key');
  }

  /** Unlocks a member locked by wrong PINs: `by` is the manager who did it, or 'api key'. */
  unlock(id: string, by: string): void {
    if (!this.#members.some((x) => x.id === id))
      throw new TillError({ code: 'not_found', message: 'Nobody on the staff list has that id.' });
    if (!this.#o.record.pinFailures(id).locked) throw new TillError({ code: 'not_allowed', message: 'That person is not locked.' });
    this.#log(id, 'unlocked', by);
  }

  /** Opens a till locked because its staff list was lost: the caller has checked the API key. */
  unlockTill(): void {
    this.#o.record.setMeta(STAFF_SET_UP, '0');
    this.#log('*', 'unlocked', 'api key');
    this.#tillLocked = false;
  }
}
