/**
 * The app:// scheme the desktop window loads the UI from, and the one rule for turning a requested path into a
 * built file (shared with headless mode). Plain Node: electron/main.ts registers the scheme and hands requests
 * here, so every rule is tested without Electron.
 *
 * Why not file://: with the fuse grantFileProtocolExtraPrivileges off (as it must be), file:// pages behave as in
 * a browser, where Vite's `<script type="module" crossorigin>` is blocked and the packaged window stays blank.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CSP } from './csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'till';
/** The page the window opens. */
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;
/**
 * Standard (a real origin, relative URLs and module scripts resolve) and secure (a secure context, like https).
 * Nothing else: no bypassing CSP, no service workers, no cross-origin access to it.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The content type a built file is served with. */
export const contentType = (file: string): string => TYPES[extname(file)] ?? 'application/octet-stream';

export type StaticTarget = { ok: true; file: string; isPage: boolean } | { ok: false; status: 400 | 404 };

/**
 * Maps a URL path (still percent-encoded) to a file inside `root`. `/` and paths without an extension are the
 * page. Undecodable paths and NUL bytes are 400; anything that would leave `root` (`..`, encoded or not, either
 * slash) is 404. Whether the file exists is the caller's business.
 */
export function resolveStaticPath(root: string, rawPath: string): StaticTarget {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || !path.startsWith('/')) return { ok: false, status: 400 };
  const base = resolve(root);
  // Containment is checked on the path as asked, before the page fallback: a traversal is refused, not "the page".
  const asked = resolve(base, `.${path.replaceAll('\\', '/')}`);
  const rel = relative(base, asked);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { ok: false, status: 404 };
  const isPage = !rel || !extname(path);
  const file = isPage ? resolve(base, 'index.html') : asked;
  return { ok: true, file, isPage };
}

/**
 * Only the app's own page may be shown and may call in: app://till/… (or, in development only, the dev
 * server's origin). Credentials in the URL never match; a file:// URL never does.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let a: URL;
  try {
    u = new URL(url);
    a = new URL(appUrl);
  } catch {
    return false;
  }
  if (u.protocol === 'file:' || a.protocol === 'file:') return false;
  if (u.username || u.password) return false;
  // `origin` is "null" for non-special schemes such as app:, so compare its parts.
  return u.protocol === a.protocol && u.host === a.host && u.host !== '';
}

/** Headers of every app:// response: the same CSP as the page's meta tag, no sniffing, no caching of the page. */
function headers(file: string, isPage: boolean): Record<string, string> {
  return {
    'content-type': contentType(file),
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': isPage ? 'no-cache' : 'max-age=3600',
  };
}

/**
 * Answers one app:// request from the built UI in `root` (dist/, inside the asar when packaged): 200 with the
 * file, 400 for an unreadable path, 404 for anything else (another host, traversal, a missing file, a folder).
 */
export async function appResponse(requestUrl: string, root: string): Promise<Response> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return new Response('Bad request', { status: 400 });
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return new Response('Not found', { status: 404 });
  const target = resolveStaticPath(root, url.pathname);
  if (!target.ok) return new Response(target.status === 400 ? 'Bad request' : 'Not found', { status: target.status });
  try {
    if (!(await stat(target.file)).isFile()) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(await readFile(target.file)), { status: 200, headers: headers(target.file, target.isPage) });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
