/**
 * The local registry's locks (src/adapters/local/file-lock.ts): exclusive in and across processes,
 * released however the holder ends (an unhandled rejection, a signal), and a lock whose holder is
 * gone (killed with -9, or past its lease) broken by the next claimant with one line saying so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { lstat, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { LockTimeoutError, withFileLock } from '../../src/adapters/local/file-lock.ts';
import { LOCK_LEASE_MS } from '../../src/adapters/local/lock-holder.ts';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('../support/lock-holding-child.ts', import.meta.url));
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 24) || 'localhost';

const exists = (path: string) => lstat(path).then(() => true, () => false);
/** A pid that was alive a moment ago and is not now. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

/** Starts a child holding `lock`; resolves once it does. */
async function holder(lock: string, mode: 'reject' | 'wait') {
  const child = spawn(process.execPath, [RUN_TS, CHILD, lock, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before holding the lock: ${stderr}`)));
  });
  return { child, exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>, stderr: () => stderr };
}

describe('file locks', () => {
  let dir: string;
  let lock: string;
  let warnings: string[];
  const warn = (line: string) => void warnings.push(line);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mizan-lock-'));
    lock = join(dir, '.locks', 'current.lock');
    warnings = [];
  });

  it('excludes concurrent callers in one process, and breaks none of their locks', async () => {
    // Prepare: a read-modify-write that loses updates unless excluded.
    const counter = join(dir, 'counter');
    await writeFile(counter, '0');
    const increment = async () => {
      const value = Number(await readFile(counter, 'utf8'));
      await new Promise((resolve) => setImmediate(resolve));
      await writeFile(counter, String(value + 1));
    };
    // Act
    await Promise.all(Array.from({ length: 40 }, () => withFileLock(lock, increment, 10_000, warn)));
    // Assess
    expect(await readFile(counter, 'utf8')).toBe('40');
    expect(warnings).toEqual([]);
    expect(await exists(lock)).toBe(false);
  });

  it('breaks a lock whose holder is gone (a symlink naming it, or the pid file of an earlier mizan), saying so in one line', async () => {
    for (const leftBehind of [(path: string) => symlink(`${deadPid()}@${HOST}@${Date.now()}@1`, path), (path: string) => writeFile(path, `${deadPid()}\n`)]) {
      // Prepare
      warnings = [];
      await mkdir(join(dir, '.locks'), { recursive: true });
      await leftBehind(lock);
      // Act
      const result = await withFileLock(lock, async () => 'ran', 1_000, warn);
      // Assess
      expect(result).toBe('ran');
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^mizan: removed the lock ${lock}: its holder \\(pid \\d+\\) is gone$`))]);
      expect(await exists(lock)).toBe(false);
    }
  });

  it('breaks a lock older than its lease even when its pid is alive (reused, or a holder that hangs)', async () => {
    // Prepare: this process's parent is alive, the lock is older than the lease.
    await mkdir(join(dir, '.locks'), { recursive: true });
    await symlink(`${process.ppid}@${HOST}@${Date.now() - LOCK_LEASE_MS - 1_000}@1`, lock);
    // Act
    await withFileLock(lock, async () => undefined, 1_000, warn);
    // Assess
    expect(warnings).toEqual([expect.stringMatching(/: it was taken \d+ s ago, longer than the 30 s lease$/)]);
  });

  it('waits for a live holder and then times out naming it, never asking anyone to delete a file', async () => {
    // Prepare
    const held = await holder(lock, 'wait');
    try {
      // Act
      const attempt = withFileLock(lock, async () => undefined, 300, warn);
      // Assess
      await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
      await expect(attempt).rejects.toThrow(`lock ${lock} still held by pid ${held.child.pid} after 300 ms: another mizan process is busy with it; try again`);
      expect(warnings).toEqual([]);
    } finally {
      held.child.kill('SIGKILL');
      await held.exited;
    }
    // A holder killed with -9 cannot let go: the next claimant breaks its lock.
    await withFileLock(lock, async () => undefined, 1_000, warn);
    expect(warnings).toEqual([expect.stringMatching(/its holder \(pid \d+\) is gone$/)]);
  });

  it('is released when its holder ends on an unhandled rejection', async () => {
    // Act
    const held = await holder(lock, 'reject');
    const [code] = await held.exited;
    // Assess
    expect(code).toBe(1);
    expect(held.stderr()).toContain('an unhandled rejection while holding the lock');
    expect(await exists(lock)).toBe(false);
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`is released when its holder is stopped by ${signal}, which still ends it`, async () => {
      // Prepare
      const held = await holder(lock, 'wait');
      // Act
      held.child.kill(signal);
      const [code, ended] = await held.exited;
      // Assess
      expect({ code, ended }).toEqual({ code: null, ended: signal });
      expect(await exists(lock)).toBe(false);
    });
  }
});
