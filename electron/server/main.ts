/**
 * `npm run serve`: the till in headless mode. The same core as the desktop app, served to a browser on
 * http://127.0.0.1:${TILL_PORT:-4545}/?k=<per-launch secret> (printed; open it exactly as printed). Environment:
 * TILL_PORT, TILL_DATA_DIR, TILL_MSP_BASE_URL, TILL_MSP_API_KEY, TILL_TERMINAL_IDS, TILL_HEADLESS_SECRET. With
 * neither base URL nor key it runs in demo mode on the embedded simulator.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyStoreFor } from '../core/launch-policy';
import { consoleLogger } from '../core/log';
import { FileSecretStore } from '../core/secrets';
import { envFromProcess, TillService } from '../core/service';
import { failpointFromEnv, timingFromEnv } from '../core/timing-env';
import { launchSecret } from './access';
import { startHeadlessServer } from './server';

const port = Number(process.env.TILL_PORT ?? 4545);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`TILL_PORT must be a port number, got "${process.env.TILL_PORT}".`);
  process.exit(2);
}
const dataDir = process.env.TILL_DATA_DIR || join(homedir(), '.msp-till');
const staticDir = process.env.TILL_STATIC_DIR || fileURLToPath(new URL('../dist/', import.meta.url));

let secret: string;
try {
  secret = launchSecret(process.env.TILL_HEADLESS_SECRET);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

const timing = timingFromEnv(process.env);
const failpoint = failpointFromEnv(process.env.TILL_CRASH_AT);
const env = envFromProcess();
let service: TillService;
try {
  service = await TillService.create({
    dataDir,
    env,
    // A base URL from the environment never gets the key stored in the data dir.
    secretStore: keyStoreFor(env, () => new FileSecretStore(dataDir)),
    logger: consoleLogger,
    ...(timing ? { timing } : {}),
    ...(failpoint ? { failpoint } : {}),
  });
} catch (err) {
  // One till per data folder: a second one says so and stops (exit 3), touching nothing.
  if ((err as { code?: string }).code === 'locked') {
    console.error(`${(err as Error).message} (${dataDir})`);
    process.exit(3);
  }
  throw err;
}
const server = await startHeadlessServer({ service, port, staticDir, secret });
console.log(`Till (${service.mode} mode) ready at ${server.url}`);

/** A graceful stop never takes longer than this (ms): everything committed is on disk already. */
const STOP_DEADLINE_MS = 5_000;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    console.error(`The till did not stop within ${STOP_DEADLINE_MS / 1000} s - stopping now; everything it recorded is kept.`);
    process.exit(0);
  }, STOP_DEADLINE_MS).unref();
  await server.close();
  await service.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
