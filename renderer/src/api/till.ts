/** Picks the transport: `window.till` from the Electron preload, or the headless WebSocket bridge. */
import type { TillApi } from '../../../shared/contract';
import { createWsTillApi } from './ws-client';

declare global {
  interface Window {
    till?: TillApi;
  }
}

export function resolveTillApi(onLink?: (up: boolean) => void): TillApi {
  if (window.till) return window.till;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWsTillApi(`${proto}//${location.host}/ws`, onLink);
}
