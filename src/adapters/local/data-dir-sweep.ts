/**
 * What a run that stopped early may leave in the data dir, removed by the next runner when it opens
 * (data-dir-invariants.ts states what must hold): temp files whose writer is gone, locks whose holder
 * is gone, reserves of claims that have ended, and version dirs without metadata.json whose run
 * failed. Each kind of removal is reported in one line. Everything here is safe beside live processes:
 * a temp or lock of a live process is left alone, and a version dir is removed under its version's
 * lock, only while its record says FAILED (a claim that would reuse the version takes that lock first).
 */
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { VersionRecord } from '../../ports/model-registry.ts';
import { isVersion } from '../../registry/version.ts';
import { isReserveName, recordNameOfReserve } from './failure-reserve.ts';
import { breakIfStale, withFileLock } from './file-lock.ts';
import { isAlive } from './lock-holder.ts';
import { layout, SNAPSHOTS_DIR } from './data-dir-layout.ts';
import { removeQuietly, tempWriterPid } from './temp-files.ts';

export async function sweepDataDir(dataDir: string, warn: (line: string) => void): Promise<void> {
  const temps = await removeDeadTemps(dataDir);
  if (temps > 0) warn(`mizan: removed ${temps} temp file(s) under ${dataDir} left by a process that stopped mid-write`);
  for (const kind of await names(join(dataDir, 'registry'))) {
    for (const lock of await names(layout.locksDir(dataDir, kind))) await breakIfStale(join(layout.locksDir(dataDir, kind), lock), warn);
    await removeEndedReserves(dataDir, kind);
  }
  for (const kind of await names(join(dataDir, 'models'))) {
    if (kind === SNAPSHOTS_DIR) continue;
    for (const version of (await names(layout.kindDir(dataDir, kind))).filter(isVersion)) {
      if (await exists(layout.metadataPath(dataDir, kind, version))) continue;
      if (await removeUncommittedVersion(dataDir, kind, version)) warn(`mizan: removed ${layout.versionDir(dataDir, kind, version)}: its run failed before the model was complete`);
    }
  }
}

/**
 * Removes a version dir that has no metadata.json (not a model) if its record says FAILED, under the
 * version's lock; whether it did. The failing run calls this too, after recording its failure.
 */
export async function removeUncommittedVersion(dataDir: string, kind: string, version: string): Promise<boolean> {
  if (!(await exists(layout.versionDir(dataDir, kind, version)))) return false;
  return withFileLock(layout.versionLock(dataDir, kind, version), async () => {
    const record = await readRecord(layout.recordPath(dataDir, kind, version));
    if (record?.status !== 'FAILED' || (await exists(layout.metadataPath(dataDir, kind, version)))) return false;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await rm(layout.versionDir(dataDir, kind, version), { recursive: true, force: true });
        return true;
      } catch {
        // a transient error: once more, else the next runner's sweep tries again
      }
    }
    return false;
  });
}

async function removeEndedReserves(dataDir: string, kind: string): Promise<void> {
  const dir = layout.registryDir(dataDir, kind);
  for (const name of (await names(dir)).filter(isReserveName)) {
    const version = recordNameOfReserve(name).replace(/\.json$/, '');
    if (!isVersion(version)) continue;
    await withFileLock(layout.versionLock(dataDir, kind, version), async () => {
      const record = await readRecord(layout.recordPath(dataDir, kind, version));
      if (record?.status !== 'RUNNING') await removeQuietly(join(dir, name));
    });
  }
}

/** Removes every temp file under `dir` whose writer (the pid in its name) is gone; how many. */
async function removeDeadTemps(dir: string): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      removed += await removeDeadTemps(path);
      continue;
    }
    const pid = tempWriterPid(entry.name);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    await removeQuietly(path);
    if (!(await exists(path))) removed += 1;
  }
  return removed;
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function readRecord(path: string): Promise<VersionRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as VersionRecord;
  } catch {
    return undefined;
  }
}
