/**
 * Files the till writes for people to take away (exports, backups) in folders it does not own: each is written
 * under a fresh temporary name created exclusively - never through a link planted there, readable by the till's
 * user only from its first byte - and renamed into place when complete. A rename replaces a link at the final
 * name itself, never the file it points to.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';

/** O_NOFOLLOW where the system has it (not on Windows, where O_EXCL alone refuses an existing name). */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Writes `path` through `write`, which gets the temporary file's name and an open handle to it (already created,
 * empty, mode 0600). On failure the temporary file is removed and nothing is left at `path`.
 */
export async function writePrivateFile<T>(path: string, write: (tmp: string, handle: FileHandle) => Promise<T>): Promise<T> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    let out: T;
    try {
      out = await write(tmp, handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    return out;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
