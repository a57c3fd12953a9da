import { mkdir, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isHeldHere, noteHeld, noteReleased } from './held-locks.ts';
import { describeHolder, holderToken, readHolder, staleReason, type LockHolder } from './lock-holder.ts';

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/**
 * Runs `fn` while holding an exclusive lock. The lock is a symlink created with symlink(2), which
 * fails with EEXIST when the name exists, so it excludes callers in this process and in every other
 * process on the machine alike; its target names the holder (lock-holder.ts). It is released when
 * `fn` settles and, should the process end first, at exit or on a signal (held-locks.ts). A lock
 * whose holder is gone (its pid is not alive on this host, or it is older than its lease) is broken by
 * the next claimant, which says so through `warn`: nobody ever has to delete a lock by hand.
 */
// 60 s: with a hundred concurrent claimers on a loaded 2-core machine, 10 s starved some of them
// (no FIFO among pollers) and turned a burst of identical requests into 500s.
export const LOCK_TIMEOUT_MS = 60_000;

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);

/** `warn` reports the break of a stale lock (default: stderr). */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = LOCK_TIMEOUT_MS, warn = toStderr): Promise<T> {
  const token = await acquire(lockPath, timeoutMs, warn);
  try {
    return await fn();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, timeoutMs: number, warn: (line: string) => void): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const token = holderToken();
    if (await tryCreate(lockPath, token)) return token;
    const holder = await readHolder(lockPath);
    if (holder === undefined) continue; // released between the two calls
    if (staleReason(holder, isHeldHere(holder.identity)) !== undefined) {
      await breakIfStale(lockPath, warn);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(`lock ${lockPath} still held by ${describeHolder(holder)} after ${timeoutMs} ms: another mizan process is busy with it; try again`);
    }
    // Back off a little more on each attempt (1 ms up to 25 ms): holders keep it for a few ms.
    await sleep(Math.min(1 + attempt, 25));
  }
}

/** Removes the lock at `lockPath` if its holder is gone, saying so through `warn`; whether it did. */
export async function breakIfStale(lockPath: string, warn: (line: string) => void = toStderr): Promise<boolean> {
  const holder = await readHolder(lockPath);
  if (holder === undefined) return false;
  const stale = staleReason(holder, isHeldHere(holder.identity));
  if (stale === undefined || !(await breakLock(lockPath, holder))) return false;
  warn(`mizan: removed the lock ${lockPath}: ${stale}`);
  return true;
}

/** Creates the lock naming this process (noted as held first, see held-locks.ts); false when someone holds it. */
async function tryCreate(lockPath: string, token: string): Promise<boolean> {
  noteHeld(lockPath, token);
  try {
    await symlink(token, lockPath).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(dirname(lockPath), { recursive: true }); // the folder is made only when missing
      await symlink(token, lockPath);
    });
    return true;
  } catch (error) {
    noteReleased(token);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes the lock if it is still the stale one that was read. Claimants that find the same stale lock
 * break it one at a time, under `{lock}.break` (itself a lock, held for two system calls), so none of
 * them can remove a lock that another has taken since. Whether this call removed it.
 */
async function breakLock(lockPath: string, stale: LockHolder): Promise<boolean> {
  const breaker = `${lockPath}.break`;
  const token = holderToken();
  if (!(await tryCreate(breaker, token))) {
    // Another claimant is breaking it; a breaker that died in those two calls is itself stale.
    const other = await readHolder(breaker);
    if (other && staleReason(other, isHeldHere(other.identity)) !== undefined) await unlink(breaker).catch(() => undefined);
    await sleep(1);
    return false;
  }
  try {
    const now = await readHolder(lockPath);
    if (now?.identity !== stale.identity) return false;
    await unlink(lockPath);
    return true;
  } finally {
    await release(breaker, token);
  }
}

/**
 * Removes the lock if it is still this holder's (one broken after its lease may be another's now).
 * A failed removal is retried once (a transient I/O error); a lock that still stays is stale from
 * then on (this process no longer holds it) and the next claimant breaks it.
 */
async function release(lockPath: string, token: string): Promise<void> {
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if ((await readHolder(lockPath))?.identity === token) await unlink(lockPath);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      }
    }
  } finally {
    noteReleased(token);
  }
}
