/**
 * Connection management through the service's dispatch: the connection test checks what is typed, before
 * saving, and says "connected" only when MultiSafepay itself answered; the URL rules apply before anything is
 * saved; a key is never sent to a host it was not entered for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TillService } from '../../electron/core/service';
import { cannedServer } from '../helpers/canned';
import { tempDir } from '../helpers/engine';
import { startSim, TEST_KEY } from '../helpers/sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function service() {
  const dir = tempDir();
  const svc = await TillService.create({ dataDir: dir });
  cleanups.push(() => svc.close());
  const call = async (method: string, params: unknown) => {
    const r = await svc.dispatch(method, params);
    return r as { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string; field?: string; message: string } };
  };
  const settingsFile = () => readFileSync(join(dir, 'settings.json'), 'utf8');
  return { svc, dir, call, settingsFile };
}

describe('test connection, as typed and before saving', () => {
  it('a key and URL typed but not saved: connected when MultiSafepay answers; nothing is saved', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const { call, svc } = await service();
    const r = await call('testConnection', { mode: 'custom', baseUrl: s.root, apiKey: TEST_KEY });
    expect(r).toMatchObject({ ok: true, result: { ok: true, terminals: 3 } });
    expect(svc.mode).toBe('demo');
    // The probe order was asked for with the typed key in a header, never in a URL.
    expect(s.sim.requestLog.some((p) => p.includes(TEST_KEY))).toBe(false);
    expect(s.sim.requestLog.some((p) => p.startsWith('/v1/json/orders/connection-test-'))).toBe(true);
  });

  it("a wrong key: not connected, with MultiSafepay's reason", async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const { call } = await service();
    const r = await call('testConnection', { mode: 'custom', baseUrl: s.root, apiKey: 'not-the-right-key-123' });
    expect(r).toMatchObject({ ok: true, result: { ok: false, message: 'The API key was refused - check Settings.' } });
  });

  it('a host that answers a bare 404 (not MultiSafepay): never "connected"', async () => {
    const other = await cannedServer();
    cleanups.push(() => other.close());
    other.answer('<html>Not Found</html>', 404);
    other.answer('<html>Not Found</html>', 404);
    const { call } = await service();
    const r = await call('testConnection', { mode: 'custom', baseUrl: other.root, apiKey: 'some-key-1234567890' });
    expect(r).toMatchObject({ ok: true, result: { ok: false } });
    expect((r as unknown as { result: { message: string } }).result.message).toMatch(/did not answer like MultiSafepay/);
  });

  it('plain http to another computer, or credentials in the URL: refused before any request', async () => {
    const { call } = await service();
    const plain = await call('testConnection', {
      mode: 'custom',
      baseUrl: 'http://api.example.com/v1/json',
      apiKey: 'some-key-1234567890',
    });
    expect((plain as unknown as { result: { message: string } }).result.message).toMatch(/https:\/\//);
    const creds = await call('testConnection', {
      mode: 'custom',
      baseUrl: 'https://u:p@api.example.com/v1/json',
      apiKey: 'some-key-1234567890',
    });
    expect((creds as unknown as { result: { message: string } }).result.message).toMatch(/user name or password/);
  });
});

describe('saving the connection', () => {
  it('the URL rules apply before anything is saved', async () => {
    const { call, settingsFile, svc } = await service();
    const before = safeRead(settingsFile);
    for (const baseUrl of [
      'http://api.example.com/v1/json',
      'https://user:pw@api.example.com/v1/json',
      'https://api.example.com/v1/json?x=1',
    ]) {
      const r = await call('saveSettings', { mode: 'custom', baseUrl, apiKey: 'some-key-1234567890' });
      expect(r).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'baseUrl' } });
    }
    expect(safeRead(settingsFile)).toBe(before);
    expect(svc.mode).toBe('demo');
  });

  it('Test mode is refused: MultiSafepay has no POS test environment', async () => {
    const { call } = await service();
    const r = await call('saveSettings', { mode: 'test' });
    expect(r).toMatchObject({ ok: false, error: { field: 'mode' } });
    expect((r as { error: { message: string } }).error.message).toMatch(/no test environment/);
  });

  it('moving the key to another host needs the key typed again', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const { call } = await service();
    expect(await call('saveSettings', { mode: 'custom', baseUrl: s.root, apiKey: TEST_KEY })).toMatchObject({ ok: true });
    const moved = await call('saveSettings', { mode: 'custom', baseUrl: 'https://proxy.example.com/v1/json' });
    expect(moved).toMatchObject({ ok: false, error: { field: 'apiKey' } });
    // The same host with another path keeps the key.
    expect(await call('saveSettings', { mode: 'custom', baseUrl: `${s.root}/` })).toMatchObject({ ok: true });
  });
});

function safeRead(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}
