/**
 * When the till may install an update: never while any terminal has a non-final payment. Plain logic, so it is
 * tested without Electron; electron/update.ts wires it to electron-updater.
 */
export type UpdateState = 'idle' | 'checking' | 'downloading' | 'ready' | 'error';

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export class UpdatePolicy {
  state: UpdateState = 'idle';
  version: string | undefined;
  readonly #hasPendingPayments: () => boolean;

  constructor(hasPendingPayments: () => boolean) {
    this.#hasPendingPayments = hasPendingPayments;
  }

  /** "Restart to update" is offered only when an update is downloaded and no payment is open. */
  canRestartToUpdate(): boolean {
    return this.state === 'ready' && !this.#hasPendingPayments();
  }

  /** Whether quitting now may install the downloaded update. */
  installOnQuit(): boolean {
    return this.state === 'ready' && !this.#hasPendingPayments();
  }

  /** A failed or interrupted download goes back to idle and is retried at the next check. */
  failed(): void {
    this.state = 'error';
  }
}

/** Quitting with an open payment needs the cashier's confirmation. Returns the warning, or null. */
export function quitWarning(pendingTerminals: string[]): string | null {
  if (!pendingTerminals.length) return null;
  return `A payment is still open on ${pendingTerminals.join(', ')}. If you quit now, the till reopens it at the next start and finds out how it ended - but the customer may still be at the terminal. Quit anyway?`;
}
