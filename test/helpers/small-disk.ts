/**
 * A small real disk for disk-full tests: a tmpfs of a given size (Linux, as root), which a test fills up and frees.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './engine';

/** Why small disks cannot be mounted here (then the disk-full tests skip and say so), or undefined. */
export function smallDiskSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux - the disk-full tests are skipped';
  const probe = tempDir('till-mnt-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'cannot mount a small tmpfs here (needs root) - the disk-full tests are skipped';
  }
}

/** Mounts a tmpfs of `size` (e.g. '1m'), unmounted by the cleanup list. */
export function smallDisk(size: string, cleanups: (() => Promise<void> | void)[]) {
  const dir = tempDir('till-full-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  cleanups.push(() => void execFileSync('umount', ['-l', dir]));
  const filler = join(dir, 'filler');
  return {
    dir,
    /** Writes until the disk says ENOSPC; returns that error's code. */
    fill(): string | undefined {
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(4096));
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
    },
    free: () => rmSync(filler),
  };
}
