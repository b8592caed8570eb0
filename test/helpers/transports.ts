/**
 * The till service over each of its transports, for tests that must hold whichever way a request arrives: Electron
 * IPC (the real adapter, on the shared 'electron' mock's ipcMain) and headless mode's WebSocket (the real server on
 * loopback). Both return the core's Reply as the transport carried it.
 */
import { type IpcMain, ipcMain } from 'electron';
import { registerIpc } from '../../electron/ipc';
import type { TillService } from '../../electron/core/service';
import { startHeadlessServer, type HeadlessLimits } from '../../electron/server/server';
import { IPC_PREFIX } from '../../shared/contract';
import { tempDir } from './engine';
import { WsTill } from './ws-till';

export type Call = <T = unknown>(
  method: string,
  params?: unknown,
) => Promise<{ ok: boolean; result?: T; error?: { code: string; message: string; field?: string; key?: string } }>;

export interface Transport {
  name: 'IPC' | 'WebSocket';
  call: Call;
}

type Cleanups = (() => Promise<void> | void)[];

/** The service behind the app's IPC handlers, called as the app's own window would. */
export function overIpc(service: TillService, cleanups: Cleanups): Transport {
  const mock = ipcMain as unknown as IpcMain & { handlers: Map<string, (e: unknown, p: unknown) => Promise<never>> };
  const off = registerIpc(mock, service, () => true);
  cleanups.push(off);
  return {
    name: 'IPC',
    call: (method, params = {}) =>
      mock.handlers.get(`${IPC_PREFIX}${method}`)!({ sender: {}, senderFrame: { url: 'app://till/' } }, params),
  };
}

/** The service behind headless mode's server, called over a WebSocket as its page would. */
export async function overWebSocket(
  service: TillService,
  cleanups: Cleanups,
  limits: Partial<HeadlessLimits> = {},
): Promise<Transport & { url: string }> {
  const server = await startHeadlessServer({ service, port: 0, staticDir: tempDir(), limits });
  cleanups.push(() => server.close());
  const ws = await WsTill.connect(server.url);
  cleanups.push(() => ws.close());
  return { name: 'WebSocket', call: (method, params = {}) => ws.call(method, params), url: server.url };
}

/**
 * `call` that returns the result or throws the till's error as `code: message`, and `refused` that expects a refusal
 * and returns the error.
 */
export function callers(call: Call) {
  return {
    call: async <T>(method: string, params: unknown = {}): Promise<T> => {
      const r = await call<T>(method, params);
      if (!r.ok) throw new Error(`${r.error!.code}: ${r.error!.message}`);
      return r.result as T;
    },
    refused: async (method: string, params: unknown) => {
      const r = await call(method, params);
      if (r.ok) throw new Error(`${method} was expected to be refused, and was done`);
      return r.error!;
    },
  };
}

/** Both transports, one after the other, each on a service made fresh for it. */
export const TRANSPORTS = [
  ['IPC', async (svc: TillService, cleanups: Cleanups) => overIpc(svc, cleanups)],
  ['WebSocket', overWebSocket],
] as const;
