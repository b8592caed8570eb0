/**
 * The till's events to its windows: listeners (each transport's), the latest notices (at most 20, for a window that
 * opens later), and the rule that nobody signed in learns only who may sign in and the settings.
 */
import { randomUUID } from 'node:crypto';
import type { Notice, TillEvent } from '../../shared/contract';
import type { Staff } from './staff';

/** The most notices kept for windows that open later. */
const KEPT_NOTICES = 20;

export class TillEvents {
  readonly #listeners = new Set<(e: TillEvent) => void>();
  readonly #notices: Notice[] = [];
  readonly #staff: () => Staff | undefined;
  readonly #now: () => number;

  /** `staff`: who is signed in (undefined while the till starts: every event goes out). */
  constructor(staff: () => Staff | undefined, now: () => number) {
    this.#staff = staff;
    this.#now = now;
  }

  on(listener: (e: TillEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The notices kept, oldest first. */
  notices(): Notice[] {
    return [...this.#notices];
  }

  /** Shows a notice to every window, and keeps it for windows that open later. */
  notice(level: Notice['level'], message: string, extra: Pick<Notice, 'key' | 'params' | 'orderId'> = {}): void {
    const notice: Notice = { id: randomUUID(), level, message, ...extra, at: this.#now() };
    this.#notices.push(notice);
    if (this.#notices.length > KEPT_NOTICES) this.#notices.shift();
    this.emit({ type: 'notice', notice });
  }

  emit(e: TillEvent): void {
    // Nobody signed in (or the till locked): screens learn only who may sign in and the settings, until someone does.
    const staff = this.#staff();
    if (staff && (staff.tillLocked || (staff.enforced && !staff.current)) && e.type !== 'staff' && e.type !== 'settings') return;
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // one broken listener must not stop the others
      }
    }
  }
}
