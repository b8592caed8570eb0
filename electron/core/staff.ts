/**
 * Staff: cashiers and managers with PINs, stored hashed (scrypt, a salt each) in the settings file. With no staff
 * set up the till works as before for everyone; once a manager exists, refunds, supervisor resolves, quick keys
 * and prices, settings, closing the day and the staff list itself need a manager, and every sale, refund and
 * close records who did it.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { TillError } from '../../shared/errors';
import type { KeyValueStore } from './storage/kv';

export const ROLES = ['cashier', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: Role;
}

const StoredStaffSchema = z.array(
  z.object({ id: z.string().min(1).max(40), name: z.string().min(1).max(40), role: z.enum(ROLES), pinHash: z.string().regex(/^scrypt\$/) }),
);
type StoredStaff = z.infer<typeof StoredStaffSchema>[number];

const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 };

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function pinMatches(pin: string, stored: string): boolean {
  const [, n, salt, hash] = stored.split('$');
  if (!n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = scryptSync(pin, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: SCRYPT.r, p: SCRYPT.p });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export class Staff {
  readonly #store: KeyValueStore;
  #members: StoredStaff[];
  #current: StaffMember | undefined;
  /** Set when the stored list could not be trusted (then nobody is a manager until it is set up again). */
  readonly problem: string | undefined;

  constructor(store: KeyValueStore) {
    this.#store = store;
    const parsed = StoredStaffSchema.safeParse(store.get('staff') ?? []);
    this.#members = parsed.success ? parsed.data : [];
    this.problem = parsed.success ? undefined : 'The saved staff list was not readable';
  }

  /** Whether roles apply at all: only once a manager exists. */
  get enforced(): boolean {
    return this.#members.some((m) => m.role === 'manager');
  }

  get current(): StaffMember | undefined {
    return this.#current;
  }

  list(): StaffMember[] {
    return this.#members.map(({ id, name, role }) => ({ id, name, role }));
  }

  signIn(id: string, pin: string): StaffMember {
    const m = this.#members.find((x) => x.id === id);
    if (!m || !pinMatches(pin, m.pinHash)) throw new TillError({ code: 'not_allowed', field: 'pin', message: 'That PIN is not right.' });
    this.#current = { id: m.id, name: m.name, role: m.role };
    return this.#current;
  }

  signOut(): void {
    this.#current = undefined;
  }

  /** Who is doing this, for the record (undefined while roles are not set up). */
  who(): string | undefined {
    return this.#current?.name;
  }

  /** Sales need somebody signed in once staff are set up. */
  requireSignedIn(): void {
    if (this.enforced && !this.#current)
      throw new TillError({ code: 'not_allowed', key: 'sign_in', message: 'Sign in with your PIN first.' });
  }

  requireManager(what: string): void {
    if (!this.enforced) return;
    if (this.#current?.role !== 'manager')
      throw new TillError({
        code: 'not_allowed',
        key: 'needs_manager',
        message: `${what} needs a manager - a manager must sign in first.`,
      });
  }

  /**
   * Replaces the staff list. A member without a new PIN keeps theirs; a new member needs one. There must always
   * be a manager once any staff exist.
   */
  save(list: { id: string; name: string; role: Role; pin?: string | undefined }[]): StaffMember[] {
    const wasEnforced = this.enforced;
    const next: StoredStaff[] = list.map((m) => {
      const old = this.#members.find((x) => x.id === m.id);
      if (!m.pin && !old) throw new TillError({ code: 'bad_request', field: 'pin', message: `${m.name} needs a PIN.` });
      return { id: m.id, name: m.name, role: m.role, pinHash: m.pin ? hashPin(m.pin) : old!.pinHash };
    });
    if (new Set(next.map((m) => m.id)).size !== next.length)
      throw new TillError({ code: 'bad_request', field: 'staff', message: 'Two people have the same id.' });
    if (next.length && !next.some((m) => m.role === 'manager'))
      throw new TillError({ code: 'bad_request', field: 'staff', message: 'Keep at least one manager.' });
    this.#store.set({ staff: next });
    this.#members = next;
    if (this.#current && !next.some((m) => m.id === this.#current!.id)) this.#current = undefined;
    // Whoever sets up the first manager has just typed that manager's PIN: they stay at work as that manager,
    // not signed out with their unsaved settings on the screen.
    if (!wasEnforced && !this.#current && this.enforced) {
      const first = list.find((m) => m.role === 'manager' && m.pin);
      if (first) this.#current = { id: first.id, name: first.name, role: first.role };
    }
    return this.list();
  }

  /** A new PIN for a manager who lost theirs: the caller has checked the API key (or demo mode). */
  resetPin(id: string, pin: string): void {
    const m = this.#members.find((x) => x.id === id && x.role === 'manager');
    if (!m) throw new TillError({ code: 'not_found', message: 'No manager with that id.' });
    const next = this.#members.map((x) => (x === m ? { ...x, pinHash: hashPin(pin) } : x));
    this.#store.set({ staff: next });
    this.#members = next;
  }
}
