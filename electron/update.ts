/**
 * Auto-update with electron-updater: never installing while a payment is open, never a downgrade. Signatures are
 * checked by electron-updater against the publisher in app-update.yml (Windows: signtoolOptions.publisherName in
 * electron-builder.yml; macOS: the app's own signature, which Squirrel.Mac requires of an update).
 */
import type { AppUpdater } from 'electron-updater';
import type { Logger } from './core/log';
import { applyChannel, UPDATE_CHECK_INTERVAL_MS, type UpdateChannel, UpdatePolicy } from './core/update-policy';

export function setupUpdates(
  updater: AppUpdater,
  hasPending: () => boolean,
  log: Logger,
  onReady: (version: string) => void,
  channel: UpdateChannel = 'latest',
) {
  const policy = new UpdatePolicy(hasPending);
  updater.autoDownload = true;
  // Installing on quit is decided at quit time by the policy, never by default.
  updater.autoInstallOnAppQuit = false;
  applyChannel(updater, channel);
  updater.on('checking-for-update', () => (policy.state = 'checking'));
  updater.on('update-available', () => (policy.state = 'downloading'));
  updater.on('update-not-available', () => (policy.state = 'idle'));
  updater.on('update-downloaded', (info) => {
    policy.state = 'ready';
    policy.version = info.version;
    onReady(info.version);
  });
  updater.on('error', (err) => {
    policy.failed();
    log.warn('update failed; will retry at the next check', { error: err?.message?.slice(0, 200) });
  });
  const check = () => {
    if (policy.state === 'ready' || policy.state === 'downloading') return;
    updater.checkForUpdates().catch(() => policy.failed());
  };
  check();
  const timer = setInterval(check, UPDATE_CHECK_INTERVAL_MS);
  return {
    policy,
    stop: () => clearInterval(timer),
    /** At quit: install only when no payment is open. */
    beforeQuit: () => {
      updater.autoInstallOnAppQuit = policy.installOnQuit();
    },
    setChannel: (next: UpdateChannel) => {
      applyChannel(updater, next);
      check();
    },
    restartToUpdate: () => {
      if (policy.canRestartToUpdate()) updater.quitAndInstall(false, true);
    },
  };
}
