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

export type UpdateChannel = 'latest' | 'beta';

/** The settings of an updater that decide which release it may install (electron-updater's AppUpdater has them). */
export interface ChannelSettings {
  channel: string | null;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
}

/**
 * Points the updater at a channel and never lets it go backwards. electron-updater turns `allowDowngrade` on
 * whenever `channel` is set, so it is turned off again after, every time: a till never installs an older
 * version (an older build may carry a fixed bug, or be a replayed release).
 */
export function applyChannel(updater: ChannelSettings, channel: UpdateChannel): void {
  updater.allowPrerelease = channel === 'beta';
  updater.channel = channel;
  updater.allowDowngrade = false;
}

/** Quitting with an open payment needs the cashier's confirmation. Returns the warning, or null. */
export function quitWarning(pendingTerminals: string[]): string | null {
  if (!pendingTerminals.length) return null;
  return `A payment is still open on ${pendingTerminals.join(', ')}. If you quit now, the till reopens it at the next start and finds out how it ended - but the customer may still be at the terminal. Quit anyway?`;
}
