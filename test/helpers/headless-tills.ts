/**
 * Headless tills for a describe block of crash tests: each started with its own environment and connected over the
 * WebSocket; all of them killed (SIGKILL) and their sockets closed after each test (`afterEach` registered here).
 */
import { afterEach } from 'vitest';
import { startTill, type Till } from '../e2e/harness';
import { WsTill } from './ws-till';

export function headlessTills(): (env: Record<string, string>) => Promise<{ till: Till; ws: WsTill }> {
  const tills: Till[] = [];
  const sockets: WsTill[] = [];
  afterEach(async () => {
    while (sockets.length) sockets.pop()!.close();
    while (tills.length) await tills.pop()!.stop('SIGKILL');
  });
  return async (env) => {
    const till = await startTill(env);
    tills.push(till);
    const ws = await WsTill.connect(till.url);
    sockets.push(ws);
    return { till, ws };
  };
}
