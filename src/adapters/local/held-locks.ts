/**
 * The lock files this process holds right now, so that none outlives it: they are removed at exit
 * (normal, process.exit, an uncaught exception or unhandled rejection) and on SIGINT, SIGTERM or SIGHUP.
 * The signal listeners exist only while a lock is held, and a signal nobody else listens to is raised
 * again once the locks are gone, so the process still dies of it as it would have.
 */
import { readlinkSync, unlinkSync } from 'node:fs';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Signal = (typeof SIGNALS)[number];

/**
 * Token (unique per attempt) → lock path. A token is noted before its symlink is created, so another
 * caller in this process never takes a lock being created here for one left behind.
 */
const held = new Map<string, string>();
let exitHooked = false;

export function noteHeld(path: string, token: string): void {
  if (!exitHooked) {
    process.on('exit', releaseAllSync);
    exitHooked = true;
  }
  if (held.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  held.set(token, path);
}

export function noteReleased(token: string): void {
  if (!held.delete(token)) return;
  if (held.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function isHeldHere(token: string): boolean {
  return held.has(token);
}

function releaseAllSync(): void {
  for (const [token, path] of held) {
    try {
      // Only a lock that is still ours: one broken after its lease may belong to another process now.
      if (readlinkSync(path) === token) unlinkSync(path);
    } catch {
      // gone already, or the disk refuses: the next claimant breaks it (this pid is gone by then)
    }
  }
  held.clear();
}

function onSignal(signal: Signal): void {
  releaseAllSync();
  for (const s of SIGNALS) process.off(s, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
