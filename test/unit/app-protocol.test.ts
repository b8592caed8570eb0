/** The app:// scheme's file rule and the launch policy of packaged builds, in plain Node. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appResponse, resolveStaticPath } from '../../electron/core/app-protocol';
import { devServerUrl, keyStoreFor, launchEnv, mayUseStoredKey, PACKAGED_ENV_ALLOWED } from '../../electron/core/launch-policy';
import { FileSecretStore } from '../../electron/core/secrets';

/** A fresh folder (no shared helper: these tests need nothing of the core's storage). */
const tempDir = (prefix = 'till-') => mkdtempSync(join(tmpdir(), prefix));

function builtUi() {
  const root = join(tempDir('till-ui-'), 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" crossorigin src="./assets/a.js"></script>');
  writeFileSync(join(root, 'assets', 'a.js'), 'export {}');
  writeFileSync(join(root, '..', 'secret.txt'), 'outside');
  return root;
}

describe('static path rule (app:// and headless mode)', () => {
  const root = '/srv/dist';
  it.each([
    ['/', '/srv/dist/index.html', true],
    ['/sales', '/srv/dist/index.html', true],
    ['/assets/a.js', '/srv/dist/assets/a.js', false],
    ['/assets/a%20b.js', '/srv/dist/assets/a b.js', false],
  ])('%s -> %s', (path, file, isPage) => {
    expect(resolveStaticPath(root, path)).toEqual({ ok: true, file, isPage });
  });
  it.each([
    ['/../secret.txt', 404],
    ['/%2e%2e/secret.txt', 404],
    ['/..%2fsecret.txt', 404],
    ['/..%5csecret.txt', 404],
    ['/assets/..%2f..%2f..%2fetc%2fpasswd', 404],
    ['/%E0%A4%A', 400],
    ['/a%00.js', 400],
    ['relative.js', 400],
  ])('refuses %s with %i', (path, status) => {
    expect(resolveStaticPath(root, path)).toEqual({ ok: false, status });
  });
});

describe('app:// responses', () => {
  it('serves the page and its module script with the CSP and exact types', async () => {
    const root = builtUi();
    const page = await appResponse('app://till/index.html', root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    expect(await page.text()).toContain('crossorigin');
    const js = await appResponse('app://till/assets/a.js', root);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export {}');
  });
  it('answers 404 outside the build, for other hosts, folders and missing files; 400 when unreadable', async () => {
    const root = builtUi();
    for (const url of [
      'app://till/../secret.txt',
      'app://till/%2e%2e/secret.txt',
      'app://till/assets',
      'app://till/nope.js',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      const res = await appResponse(url, root);
      expect(res.status, url).toBe(url === 'app://till/assets' ? 200 : 404); // an extensionless path is the page
    }
    expect((await appResponse('app://till/%E0%A4%A.js', root)).status).toBe(400);
  });
});

describe('launch policy', () => {
  const env = {
    PATH: '/bin',
    HOME: '/home/till',
    VITE_DEV_SERVER_URL: 'http://localhost:5173/',
    TILL_DATA_DIR: '/data',
    TILL_TERMINAL_IDS: 'A,B',
    TILL_MSP_BASE_URL: 'https://evil.example/',
    TILL_MSP_API_KEY: 'k',
    TILL_TIMING: '{}',
    TILL_CRASH_AT: 'guard-taken',
    TILL_PORT: '1',
  };
  it('packaged: only the kiosk switches pass; everything else of the environment is kept', () => {
    const { env: out, ignored } = launchEnv(env, true);
    expect(out).toEqual({ PATH: '/bin', HOME: '/home/till', TILL_DATA_DIR: '/data', TILL_TERMINAL_IDS: 'A,B' });
    expect(ignored).toEqual(['TILL_CRASH_AT', 'TILL_MSP_API_KEY', 'TILL_MSP_BASE_URL', 'TILL_PORT', 'TILL_TIMING', 'VITE_DEV_SERVER_URL']);
    expect([...PACKAGED_ENV_ALLOWED]).toEqual(['TILL_DATA_DIR', 'TILL_TERMINAL_IDS', 'TILL_SHOP_DATABASE_URL', 'TILL_NAME']);
  });
  it('unpackaged: everything passes', () => {
    expect(launchEnv(env, false)).toEqual({ env, ignored: [] });
  });
  it('the dev server only unpackaged, only loopback http, never with credentials', () => {
    expect(devServerUrl(env, false)).toBe('http://localhost:5173/');
    expect(devServerUrl(env, true)).toBeUndefined();
    for (const bad of ['http://evil.example:5173/', 'https://localhost:5173/', 'http://u:p@localhost:5173/', 'file:///x', 'nonsense']) {
      expect(devServerUrl({ VITE_DEV_SERVER_URL: bad }, false), bad).toBeUndefined();
    }
    expect(devServerUrl({ VITE_DEV_SERVER_URL: 'http://127.0.0.1:5173/' }, false)).toBe('http://127.0.0.1:5173/');
  });
  it('a base URL from the environment never meets a stored key', () => {
    expect(mayUseStoredKey({})).toBe(true);
    expect(mayUseStoredKey({ baseUrl: 'https://x/', apiKey: 'k' })).toBe(true);
    expect(mayUseStoredKey({ baseUrl: 'https://x/' })).toBe(false);
    const dir = tempDir();
    new FileSecretStore(dir).set('stored_key_0123456789');
    expect(keyStoreFor({}, () => new FileSecretStore(dir)).get()).toBe('stored_key_0123456789');
    const withheld = keyStoreFor({ baseUrl: 'https://evil.example/' }, () => new FileSecretStore(dir));
    expect(withheld.get()).toBeUndefined();
    expect(() => withheld.set('x')).toThrow(/TILL_MSP_API_KEY/);
  });
});
