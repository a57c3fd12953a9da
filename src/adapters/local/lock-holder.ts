/**
 * Who holds a lock file, and whether that holder is gone. A lock is a symlink whose target names its
 * holder, `{pid}@{host}@{acquired ms}`: short enough (under 60 bytes) to live in the inode, so taking a
 * lock needs no data block and works on a full disk. Earlier versions of mizan wrote regular files holding
 * a pid: those are read too, so a lock one of them left behind is broken like any other.
 */
import { lstat, readFile, readlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/** A lock older than this is stale whoever holds it: holders keep a lock for milliseconds. */
export const LOCK_LEASE_MS = 30_000;

export interface LockHolder {
  /** The lock as found: the symlink's target, or a legacy file's inode and mtime (compared before breaking). */
  identity: string;
  pid: number | undefined;
  host: string;
  acquiredAt: number;
}

const THIS_HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 24) || 'localhost';

let counter = 0;

/** A new token naming this process: unique per attempt, so two callers in one process never share one. */
export function holderToken(now = Date.now()): string {
  counter = (counter + 1) % 10_000;
  return `${process.pid}@${THIS_HOST}@${now}@${counter}`;
}

/** The holder of the lock at `path`, or undefined when there is no lock there (released meanwhile). */
export async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      const target = await readlink(path);
      const [pid, host, at] = target.split('@');
      return { identity: target, pid: toPid(pid), host: host ?? '', acquiredAt: Number(at) || info.mtimeMs };
    }
    // A lock file of an earlier mizan: its pid, written on this host.
    const text = await readFile(path, 'utf8').catch(() => '');
    return { identity: `file:${info.ino}:${info.mtimeMs}`, pid: toPid(text.trim()), host: THIS_HOST, acquiredAt: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Why the holder is gone (a sentence for the line that reports the break), or undefined while it may
 * still hold the lock. `heldHere` says whether this process holds (or is taking) that very lock: one
 * naming this process that it does not hold was left by a release that failed, or by an earlier
 * process with the same pid.
 */
export function staleReason(holder: LockHolder, heldHere: boolean, now = Date.now()): string | undefined {
  const age = now - holder.acquiredAt;
  if (age > LOCK_LEASE_MS) return `it was taken ${Math.round(age / 1000)} s ago, longer than the ${LOCK_LEASE_MS / 1000} s lease`;
  if (holder.host !== THIS_HOST || holder.pid === undefined) return undefined;
  if (holder.pid === process.pid) return heldHere ? undefined : `this process (pid ${holder.pid}) no longer holds it`;
  return isAlive(holder.pid) ? undefined : `its holder (pid ${holder.pid}) is gone`;
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'no one';
  return `pid ${holder.pid ?? '?'}${holder.host === THIS_HOST ? '' : ` on ${holder.host}`}`;
}

/** Whether a process exists (signal 0 only checks); EPERM means it exists under another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toPid(text: string | undefined): number | undefined {
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
