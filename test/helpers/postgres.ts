/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temp dir, `pg_ctl` on a free loopback port, trust
 * authentication for loopback only. As root the cluster runs as user `postgres` (PostgreSQL refuses root). It can
 * be stopped and started again on the same port and data, to take the shop database away mid-test.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Where initdb and pg_ctl are: /usr/local/bin, else Debian's newest /usr/lib/postgresql/<version>/bin, else PATH. */
function binary(name: string): string {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const dir of ['/usr/local/bin', ...versions.map((v) => `/usr/lib/postgresql/${v}/bin`)])
    if (existsSync(join(dir, name))) return join(dir, name);
  return name;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export interface TestPostgres {
  /** A connection string for the cluster's `postgres` database. */
  url: string;
  port: number;
  /** A new empty database on the cluster, as a connection string. */
  database(name: string): Promise<string>;
  stop(): void;
  start(): void;
  /** Stops the cluster and removes its files. */
  destroy(): void;
}

/**
 * Starts a new cluster; call `destroy` when done. `tls`: it also speaks TLS, with a certificate for 127.0.0.1 made
 * for it (its CA file is `ca`), and refuses connections without TLS.
 */
export async function startPostgres(opts: { tls?: boolean } = {}): Promise<TestPostgres & { ca?: string }> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'till-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  const ids = root ? postgresIds() : undefined;
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const run = (bin: string, args: string[]) =>
    execFileSync(root ? 'runuser' : binary(bin), root ? ['-u', 'postgres', '--', binary(bin), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 50',
      '',
    ].join('\n'),
  );
  if (ids) chownSync(join(data, 'postgresql.auto.conf'), ids.uid, ids.gid);
  let ca: string | undefined;
  if (opts.tls) {
    const key = join(data, 'server.key');
    ca = join(dir, 'server.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        ca,
      ],
      { stdio: 'ignore' },
    );
    chmodSync(key, 0o600);
    chmodSync(ca, 0o644);
    if (ids) for (const f of [key, ca]) chownSync(f, ids.uid, ids.gid);
    writeFileSync(join(data, 'postgresql.auto.conf'), `ssl = on\nssl_cert_file = '${ca}'\nssl_key_file = '${key}'\n`, { flag: 'a' });
    // Loopback over TCP with TLS only.
    writeFileSync(
      join(data, 'pg_hba.conf'),
      'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n',
    );
  }
  const start = () => {
    run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  };
  const stop = () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  start();
  const url = (db: string) =>
    `postgres://postgres@127.0.0.1:${port}/${db}${ca ? `?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}` : ''}`;
  return {
    ...(ca ? { ca } : {}),
    url: url('postgres'),
    port,
    async database(name) {
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    stop,
    start,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One cluster for a test file (started before its tests, removed after them), a fresh database per test through
 * `fresh()`, and `cleanups` run after each test, last first.
 */
export function postgresPerFile() {
  const state = {
    cluster: undefined as unknown as TestPostgres,
    cleanups: [] as (() => Promise<void> | void)[],
    n: 0,
    fresh: (): Promise<string> => state.cluster.database(`shop${++state.n}`),
  };
  beforeAll(async () => {
    state.cluster = await startPostgres();
  }, 60_000);
  afterEach(async () => {
    while (state.cleanups.length) await state.cleanups.pop()!();
  });
  afterAll(() => state.cluster?.destroy());
  return state;
}
