/** Picks the transport: `window.till` from the Electron preload, or the headless WebSocket bridge. */
import type { TillApi } from '../../../shared/contract';
import { HEADLESS_KEY_PARAM, type TillBridge, tillApiOver } from '../../../shared/wire';
import { createWsTillApi } from './ws-client';

declare global {
  interface Window {
    till?: TillBridge;
  }
}

/** `key` is headless mode's per-launch secret, read from the page's own address (see main.tsx). */
export function resolveTillApi(onLink?: (up: boolean) => void, key?: string): TillApi {
  const bridge = window.till;
  if (bridge) return tillApiOver((method, params) => bridge[method](params as never), bridge.onEvent);
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${proto}//${location.host}/ws`);
  if (key) url.searchParams.set(HEADLESS_KEY_PARAM, key);
  return createWsTillApi(url.href, onLink);
}
