/** The wire, declared once in shared/wire.ts: frames, replies, and what the renderer and preload may load. */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { TillError } from '../../shared/errors';
import { parseRequestFrame, parseServerFrame, tillApiOver, unwrap } from '../../shared/wire';

const ROOT = join(import.meta.dirname, '../..');

/** Every file a bundle of `entry` would load (type-only imports are erased, as in the real builds). */
async function inputsOf(entry: string): Promise<string[]> {
  const out = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    platform: 'browser',
    external: ['electron', '*.css'],
    jsx: 'automatic',
  });
  return Object.keys(out.metafile.inputs);
}

describe('wire frames', () => {
  it('reads request frames: id kept only when a number or string; unreadable input is undefined', () => {
    expect(parseRequestFrame('{"id":3,"method":"snapshot","params":{}}')).toEqual({ id: 3, method: 'snapshot', params: {} });
    expect(parseRequestFrame('{"id":{"x":1},"method":"snapshot"}')).toEqual({ id: null, method: 'snapshot', params: undefined });
    for (const bad of ['{', '[]', 'null', '"s"', '42']) expect(parseRequestFrame(bad), bad).toBeUndefined();
  });
  it('reads server frames and ignores anything else', () => {
    expect(parseServerFrame('{"type":"response","id":1,"ok":true,"result":5}')).toEqual({ type: 'response', id: 1, ok: true, result: 5 });
    expect(parseServerFrame('{"type":"event","event":{"type":"history_changed"}}')).toEqual({
      type: 'event',
      event: { type: 'history_changed' },
    });
    for (const bad of ['{', '{"type":"response"}', '{"type":"event"}', '{"type":"other","ok":true}'])
      expect(parseServerFrame(bad), bad).toBeUndefined();
  });
  it('unwraps a reply: the result, or a TillError with everything the error carried', async () => {
    expect(unwrap({ ok: true, result: 7 })).toBe(7);
    expect(() => unwrap({ ok: false, error: { code: 'msp_error', message: 'Refused', mspCode: 1032 } })).toThrow(TillError);
    const api = tillApiOver(
      async (m) => (m === 'snapshot' ? { ok: true, result: 'snap' } : { ok: false, error: { code: 'terminal_busy', message: 'Busy' } }),
      () => () => {},
    );
    expect(await api.snapshot({})).toBe('snap');
    await expect(api.cancelPayment({ orderId: 'x' })).rejects.toMatchObject({ code: 'terminal_busy', message: 'Busy' });
  });
});

describe('what each side loads', () => {
  it('the renderer bundle carries no schema library', async () => {
    const inputs = await inputsOf('renderer/src/main.tsx');
    expect(inputs.some((f) => f.includes('shared/wire.ts'))).toBe(true);
    expect(inputs.filter((f) => /node_modules\/zod\//.test(f))).toEqual([]);
  });
  it('the sandboxed preload loads nothing but electron and the method names (the wire is type-only there)', async () => {
    const inputs = await inputsOf('electron/preload.ts');
    expect(inputs.filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(inputs.map((f) => f.replace(/^.*?(electron|shared)\//, '$1/')).sort()).toEqual(['electron/preload.ts', 'shared/methods.ts']);
  });
});
