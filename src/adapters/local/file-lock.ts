import { mkdir, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/**
 * Runs `fn` while holding an exclusive lock file. The lock is taken with O_CREAT|O_EXCL
 * (`'wx'`), which the kernel makes atomic, so it excludes callers in this process and in
 * every other process on the machine alike. The file holds the owner's pid for a person who
 * has to clear a lock left by a crash: there is no automatic stale-lock breaking (guessing
 * wrong would break the very exclusion it exists for), only a timeout naming the file.
 */
// 60 s: with a hundred concurrent claimers on a loaded 2-core machine, 10 s starved some of them
// (no FIFO among pollers) and turned a burst of identical requests into 500s. A lock left by a crash
// is still reported, a minute later.
export const LOCK_TIMEOUT_MS = 60_000;

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = LOCK_TIMEOUT_MS): Promise<T> {
  await acquire(lockPath, timeoutMs);
  try {
    return await fn();
  } finally {
    await unlink(lockPath);
  }
}

async function acquire(lockPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(
        `lock ${lockPath} still held after ${timeoutMs} ms; if no mizan process is running, a crash left it behind: delete the file`,
      );
    }
    // Back off a little more on each attempt (1 ms up to 25 ms): holders keep it for a few ms.
    await sleep(Math.min(1 + attempt, 25));
  }
}
