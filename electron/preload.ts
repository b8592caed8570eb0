/**
 * Exposes exactly `window.till` (the typed till API) to the renderer. No raw ipcRenderer crosses the bridge.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { TillEvent } from '../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES } from '../shared/methods';

class BridgeError extends Error {
  code: string;
  field?: string;
  mspCode?: number;
  constructor(e: { code: string; message: string; field?: string; mspCode?: number }) {
    super(e.message);
    this.code = e.code;
    if (e.field) this.field = e.field;
    if (e.mspCode !== undefined) this.mspCode = e.mspCode;
  }
}

const api: Record<string, unknown> = {
  onEvent(listener: (e: TillEvent) => void) {
    const handler = (_: IpcRendererEvent, e: TillEvent) => listener(e);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};
for (const method of METHOD_NAMES) {
  api[method] = async (params: unknown) => {
    const out = (await ipcRenderer.invoke(`${IPC_PREFIX}${method}`, params)) as
      { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; field?: string; mspCode?: number } };
    if (out.ok) return out.result;
    // Errors lose their class across the bridge: rethrow a plain shape TillError.from() understands.
    throw new BridgeError(out.error);
  };
}

contextBridge.exposeInMainWorld('till', api);
