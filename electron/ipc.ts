/**
 * The typed IPC adapter: one handler per method of the shared contract. Every call is checked to come from one
 * of the app's own windows, and its payload is validated by the service's dispatch before anything runs.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES, type TillEvent } from '../shared/contract';
import { type Dispatcher, REFUSED_SENDER, refuse, type Reply } from '../shared/wire';

export type { Dispatcher } from '../shared/wire';

/** Registers `till:<method>` handlers. Returns a function that removes them. */
export function registerIpc(
  ipc: IpcMain,
  service: Dispatcher,
  isTrustedSender: (sender: WebContents, frameUrl: string | undefined) => boolean,
): () => void {
  for (const method of METHOD_NAMES) {
    ipc.handle(`${IPC_PREFIX}${method}`, async (event: IpcMainInvokeEvent, params: unknown): Promise<Reply> => {
      if (!isTrustedSender(event.sender, event.senderFrame?.url)) return refuse(REFUSED_SENDER);
      return service.dispatch(method, params);
    });
  }
  return () => {
    for (const method of METHOD_NAMES) ipc.removeHandler(`${IPC_PREFIX}${method}`);
  };
}

/** Sends a till event to a window, if it is still there. */
export function forwardEvent(target: WebContents, event: TillEvent): void {
  if (!target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, event);
}
