/**
 * Who may use headless mode: only its owner. The owner is whoever can read the URL the till printed at launch,
 * which carries a per-launch secret; other local processes and other OS users cannot. Pure rules, tested
 * without a server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-launch secret: 256 random bits, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** A secret given by TILL_HEADLESS_SECRET must be at least this strong (43 base64url characters = 256 bits). */
const PINNED_SECRET = /^[A-Za-z0-9_-]{43,128}$/;

/**
 * The secret of this launch: TILL_HEADLESS_SECRET when a kiosk pins it (so a browser left open reconnects after a
 * restart), else a new random one. A pinned secret that is too weak is refused, never silently replaced.
 */
export function launchSecret(pinned: string | undefined): string {
  if (pinned === undefined || pinned === '') return newSecret();
  if (!PINNED_SECRET.test(pinned)) {
    throw new Error(
      'TILL_HEADLESS_SECRET must be 43 to 128 characters of A-Z, a-z, 0-9, - and _ (e.g. openssl rand -base64 32 | tr +/ -_ | tr -d =).',
    );
  }
  return pinned;
}

/** Whether a presented secret is this launch's, in constant time. */
export function secretMatches(given: string | null | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Host header must name this server as the printed URL does (127.0.0.1 or localhost, with the port):
 * anything else is DNS rebinding or a request meant for someone else.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** The WebSocket is opened only by the till's own page, loaded from this server. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. The clock is injected (monotonic ms), so the
 * limit is tested without waiting.
 */
export class RateLimit {
  #tokens: number;
  #last: number;
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: () => number;

  constructor(burst: number, perSecond: number, now: () => number) {
    this.#burst = burst;
    this.#tokens = burst;
    this.#perMs = perSecond / 1000;
    this.#now = now;
    this.#last = now();
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    const t = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (t - this.#last) * this.#perMs);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
