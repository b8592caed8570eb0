/**
 * Exposes exactly `window.till` to the renderer: one function per contract method, answering with the wire's
 * Reply, and `onEvent`. No raw ipcRenderer crosses the bridge, and nothing but 'electron' and the dependency-free
 * shared modules is loaded (the preload is sandboxed).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { TillEvent } from '../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, METHOD_NAMES } from '../shared/methods';
import type { Reply, TillBridge } from '../shared/wire';

const bridge: Record<string, unknown> = {
  onEvent(listener: (e: TillEvent) => void) {
    const handler = (_: IpcRendererEvent, e: TillEvent) => listener(e);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};
for (const method of METHOD_NAMES) {
  // The Reply goes over as data: an Error thrown across contextBridge would arrive without its code.
  bridge[method] = (params: unknown) => ipcRenderer.invoke(`${IPC_PREFIX}${method}`, params) as Promise<Reply>;
}

contextBridge.exposeInMainWorld('till', bridge as TillBridge);
