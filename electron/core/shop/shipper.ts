/**
 * Ships the till's outbox to the shop's PostgreSQL. The till's own SQLite ledger stays the truth for its sales:
 * the shipper only reads the outbox in seq order, writes a batch to the shop database in one transaction - every
 * outbox row keyed by (till_id, seq), `ON CONFLICT DO NOTHING`, and each row's latest state into `shop_rows` - and
 * after the commit records the last seq locally. A kill between the commit and that record sends the batch again,
 * which changes nothing, so every row arrives exactly once whatever stops when.
 *
 * While the database is away the till sells as always; the shipper retries with a capped backoff and says since
 * when it is offline and how much is queued. Batches are small and the loop yields between them, so catching up
 * on a long backlog never holds the till's event loop for long.
 */
import pg from 'pg';
import type { Outbox } from '../ledger/outbox';
import { migrateShop } from '../ledger/shop-schema';
import type { Logger } from '../log';
import { silentLogger } from '../log';

export type ShopFailPoint = 'shop-sent' | 'shop-committed' | 'shop-recorded';

export interface ShipperStatus {
  /** Connected and shipping (or nothing to ship). */
  online: boolean;
  /** Since when the shop database could not be reached (ms, till clock); absent while online. */
  offlineSince?: number;
  /** Outbox rows written and not yet confirmed by the shop database. */
  queued: number;
  /** Another till in the shop already carries this till's name. */
  nameTaken: boolean;
  /** Why the last try failed, as a sentence (never the connection string). */
  problem?: string;
}

export interface ShipperOptions {
  outbox: Outbox;
  /** The shop database's connection string (a secret: never logged). */
  url: string;
  tillName: () => string;
  now?: () => number;
  logger?: Logger;
  /** Outbox rows per transaction. */
  batchSize?: number;
  /** How often an idle shipper looks for rows nobody announced, and says it is alive (ms). */
  idleMs?: number;
  /** The longest wait between tries while the database is away (ms). */
  maxRetryMs?: number;
  onStatus?: (s: ShipperStatus) => void;
  failpoint?: (point: ShopFailPoint) => void;
  /**
   * Shop data newer than this till has (another till changed the catalog, say): `kind` and the document. Called in
   * version order; the version is recorded once it returns.
   */
  onShopData?: (kind: string, data: unknown) => void;
  /** What this till shares when the shop database has none of it yet (the first till of a shop). */
  shopDataOf?: (kind: string) => unknown;
  /** Another till shipped rows (the shop's day changed). */
  onShopRows?: () => void;
}

/** What belongs to the shop, shared by its tills. */
export const SHOP_DATA_KINDS = ['catalog', 'merchant', 'staff'] as const;

// A change to shop data counts once, when its outbox row first arrives: a batch sent again never undoes a newer
// change another till made meanwhile.
const SHIP = `
  WITH b AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, tbl text, row_key text, row jsonb, at bigint)),
  sent AS (
    INSERT INTO shop_outbox (till_id, seq, tbl, row_key, row, at) SELECT $1, seq, tbl, row_key, row, at FROM b
    ON CONFLICT (till_id, seq) DO NOTHING RETURNING seq, tbl, row_key, row
  ),
  shared AS (
    INSERT INTO shop_data (kind, version, data, till_id)
    SELECT DISTINCT ON (row_key) row_key, nextval('shop_data_version'), row, $1::uuid FROM sent WHERE tbl = 'shop_data'
    ORDER BY row_key, seq DESC
    ON CONFLICT (kind) DO UPDATE SET version = excluded.version, data = excluded.data, till_id = excluded.till_id, at = now()
  )
  INSERT INTO shop_rows (till_id, tbl, row_key, seq, row)
  SELECT DISTINCT ON (tbl, row_key) $1::uuid, tbl, row_key, seq, row FROM b ORDER BY tbl, row_key, seq DESC
  ON CONFLICT (till_id, tbl, row_key) DO UPDATE SET seq = excluded.seq, row = excluded.row WHERE shop_rows.seq < excluded.seq`;

const REGISTER = `
  INSERT INTO tills (till_id, name, clock_skew_ms) VALUES ($1, $2, $3::bigint - (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
  ON CONFLICT (till_id) DO UPDATE SET name = excluded.name, last_seen = now(), clock_skew_ms = excluded.clock_skew_ms
  RETURNING shipped_seq, (SELECT count(*) FROM tills t WHERE t.name = $2 AND t.till_id <> $1)::int AS others`;

/** A database error as a sentence for the screen and the log: never the connection string or a password. */
export function shopProblem(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e?.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case '57P01':
    case '57P03':
      return 'The shop database cannot be reached.';
    case '28P01':
      return 'The shop database refused the user name or password.';
    case '28000':
      return 'The shop database refused this till (user, address or TLS: see its pg_hba.conf).';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "The shop database's certificate could not be checked: give its CA with sslrootcert in the connection.";
    case '3D000':
      return 'The shop database named in the connection does not exist.';
    default:
      return /timeout|terminated|ECONNRESET|closed|Connection/i.test(String(e?.message))
        ? 'The connection to the shop database was lost.'
        : 'The shop database could not be used.';
  }
}

export class Shipper {
  readonly tillId: string;
  readonly #o: Required<Omit<ShipperOptions, 'onStatus' | 'failpoint' | 'logger' | 'onShopData' | 'shopDataOf' | 'onShopRows'>> &
    Pick<ShipperOptions, 'onStatus' | 'failpoint' | 'onShopData' | 'shopDataOf' | 'onShopRows'>;
  /** NOTIFY 'shop_data' came (or the connection is new): pull before shipping on. */
  #pull = true;
  /** Kinds this till offered because the shop had none (once per run). */
  readonly #offered = new Set<string>();
  readonly #log: Logger;
  #client: pg.Client | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #online = false;
  #offlineSince: number | undefined;
  #nameTaken = false;
  #problem: string | undefined;
  #shippedListeners = new Set<() => void>();

  constructor(opts: ShipperOptions) {
    this.#o = { batchSize: 500, idleMs: 1000, maxRetryMs: 5000, now: Date.now, ...opts };
    this.#log = opts.logger ?? silentLogger;
    this.tillId = opts.outbox.tillId();
  }

  status(): ShipperStatus {
    return {
      online: this.#online,
      ...(this.#offlineSince !== undefined ? { offlineSince: this.#offlineSince } : {}),
      queued: this.#o.outbox.queued(),
      nameTaken: this.#nameTaken,
      ...(this.#problem ? { problem: this.#problem } : {}),
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New rows were written: ship them now rather than at the next look. */
  kick(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await this.#drop();
  }

  /** Resolves once every row written before the call is confirmed by the shop database. */
  async shipped(): Promise<void> {
    const target = this.#o.outbox.last();
    while (this.#o.outbox.shipped() < target) {
      if (!this.#running) throw new Error('The shipper stopped.');
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#shippedListeners.delete(done);
          resolve();
        };
        this.#shippedListeners.add(done);
        this.kick();
      });
    }
  }

  async #run(): Promise<void> {
    let retry = 250;
    while (this.#running) {
      try {
        const client = await this.#connect();
        retry = 250;
        let lastBeat = performance.now();
        while (this.#running) {
          if (this.#pull) {
            this.#pull = false;
            await this.#pullShopData(client);
          }
          const n = await this.#shipBatch(client);
          if (n > 0) {
            // Let the till's own work run between batches.
            await new Promise((r) => setImmediate(r));
            continue;
          }
          if (performance.now() - lastBeat >= this.#o.idleMs * 5) {
            await this.#register(client);
            lastBeat = performance.now();
          }
          await this.#sleep(this.#o.idleMs);
        }
      } catch (err) {
        await this.#drop();
        if (!this.#running) break;
        this.#offline(err);
        await this.#sleep(retry);
        retry = Math.min(this.#o.maxRetryMs, retry * 2);
      }
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#o.url,
      connectionTimeoutMillis: 5000,
      query_timeout: 15_000,
      keepAlive: true,
      application_name: 'till',
    });
    // A lost link surfaces as the next query's error; this keeps it from being an unhandled 'error' event.
    client.on('error', () => this.#wake?.());
    client.on('notification', (n) => {
      if (n.channel === 'shop_rows') {
        if (n.payload !== this.tillId) this.#o.onShopRows?.();
        return;
      }
      this.#pull = true;
      this.#wake?.();
    });
    this.#client = client;
    await client.connect();
    // A batch counts as shipped only once its commit is durable, whatever the server's default.
    await client.query('SET synchronous_commit = on');
    await migrateShop(client);
    const confirmed = await this.#register(client);
    // The shop database has less than this till recorded as shipped (restored from an older backup, or it lost
    // its last commits): send again from where it is. Rows it has are skipped there, so nothing arrives twice.
    if (confirmed < this.#o.outbox.shipped()) {
      this.#log.warn("shop database: it has fewer of this till's rows than were sent; sending them again");
      this.#o.outbox.rewindShipped(confirmed);
    }
    if (this.#o.onShopData) await client.query('LISTEN shop_data');
    if (this.#o.onShopRows) await client.query('LISTEN shop_rows');
    // Online means caught up with the shop's data too.
    this.#pull = false;
    await this.#pullShopData(client);
    if (!this.#online || this.#offlineSince !== undefined) {
      this.#online = true;
      this.#offlineSince = undefined;
      this.#problem = undefined;
      this.#log.info('shop database: online');
      this.#emit();
    }
    return client;
  }

  /** Says who this till is and how its clock stands; returns the last seq the shop database holds of it. */
  async #register(client: pg.Client): Promise<number> {
    const { rows } = await client.query<{ others: number; shipped_seq: string }>(REGISTER, [
      this.tillId,
      this.#o.tillName(),
      Math.round(this.#o.now()),
    ]);
    const taken = (rows[0]?.others ?? 0) > 0;
    if (taken !== this.#nameTaken) {
      this.#nameTaken = taken;
      this.#emit();
    }
    return Number(rows[0]?.shipped_seq ?? 0);
  }

  /** Takes the shop data that changed since this till last looked; shares its own of a kind the shop has none of. */
  async #pullShopData(client: pg.Client): Promise<void> {
    const take = this.#o.onShopData;
    if (!take) return;
    const { rows } = await client.query<{ kind: string; version: string; data: unknown }>(
      'SELECT kind, version, data FROM shop_data WHERE version > $1 ORDER BY version',
      [this.#o.outbox.shopDataVersion()],
    );
    for (const r of rows) {
      try {
        take(r.kind, r.data);
      } catch (err) {
        // One unusable document must not stop the till from shipping its sales.
        this.#log.warn(`shop database: the shared ${r.kind} could not be taken`, { error: String(err) });
      }
      this.#o.outbox.setShopDataVersion(Number(r.version));
    }
    if (this.#o.shopDataOf) {
      const { rows: held } = await client.query<{ kind: string }>('SELECT kind FROM shop_data');
      const have = new Set(held.map((r) => r.kind));
      for (const kind of SHOP_DATA_KINDS)
        if (!have.has(kind) && !this.#offered.has(kind)) {
          this.#offered.add(kind);
          this.#o.outbox.shareShopData(kind, this.#o.shopDataOf(kind));
        }
    }
  }

  async #shipBatch(client: pg.Client): Promise<number> {
    const outbox = this.#o.outbox;
    const rows = outbox.after(outbox.shipped(), this.#o.batchSize);
    if (rows.length === 0) return 0;
    // The rows are JSON already: put them in the batch as they are, without parsing them.
    const batch = `[${rows.map((r) => `{"seq":${r.seq},"tbl":${JSON.stringify(r.tbl)},"row_key":${JSON.stringify(r.rowKey)},"row":${r.row},"at":${r.at}}`).join(',')}]`;
    const last = rows[rows.length - 1]!.seq;
    await client.query('BEGIN');
    try {
      await client.query(SHIP, [this.tillId, batch]);
      await client.query('UPDATE tills SET shipped_seq = greatest(shipped_seq, $2), last_seen = now() WHERE till_id = $1', [
        this.tillId,
        last,
      ]);
      await client.query(`SELECT pg_notify('shop_rows', $1)`, [this.tillId]);
      if (rows.some((r) => r.tbl === 'shop_data')) await client.query(`SELECT pg_notify('shop_data', $1)`, [this.tillId]);
      this.#o.failpoint?.('shop-sent');
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    this.#o.failpoint?.('shop-committed');
    outbox.markShipped(last);
    this.#o.failpoint?.('shop-recorded');
    this.#emit();
    for (const done of [...this.#shippedListeners]) done();
    return rows.length;
  }

  #offline(err: unknown): void {
    const problem = shopProblem(err);
    const first = this.#online || this.#offlineSince === undefined;
    this.#online = false;
    this.#offlineSince ??= this.#o.now();
    if (first || problem !== this.#problem) this.#log.warn(`shop database: ${problem}`);
    this.#problem = problem;
    this.#emit();
    for (const done of [...this.#shippedListeners]) done();
  }

  async #drop(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    if (c) await c.end().catch(() => undefined);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  #emit(): void {
    this.#o.onStatus?.(this.status());
  }
}
