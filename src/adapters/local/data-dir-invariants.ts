/**
 * What must hold of a data dir whatever write failed, checked when no mizan process is using it
 * (the fault-injection tests, scripts/disk-full-repro.sh). README "Reliability" states the same.
 *
 * 1. `current` of each kind names a version whose record is SUCCEEDED and whose dir holds
 *    metadata.json, with the sha256 of every file it lists matching.
 * 2. A record's status matches what its run reported: never RUNNING once nothing runs; SUCCEEDED only
 *    for a complete model; for the run just made (checkRun), SUCCEEDED with the printed response iff
 *    it exited 0, and `current` moved iff it exited 0 and said promoted.
 * 3. No lock outlives its holder: `registry/{kind}/.locks/` is empty.
 * 4. No temp file outlives its writer: no `.tmp-{pid}-{n}` or `.mizan-tmp-{pid}-{n}` file anywhere,
 *    no reserve (failure-reserve.ts) of a claim that has ended.
 * 5. A version dir without metadata.json is never read as a model (never current, never SUCCEEDED)
 *    and is removed or completed by the next run. What the next run settles is `pending`, not a
 *    violation: such a dir of a FAILED version (when even its removal failed).
 * 6. An execution's record says how it ended: never RUNNING once nothing runs (a run holds room for
 *    its end from its start, execution-store.ts, so even a full disk takes that last write).
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ModelKind } from '../../config/model-kinds.ts';
import { readModelFiles, versionPrefix } from '../../models/artifacts/model-files.ts';
import type { VersionRecord } from '../../ports/model-registry.ts';
import { isVersion } from '../../registry/version.ts';
import { layout, SNAPSHOTS_DIR } from './data-dir-layout.ts';
import { DirArtifactStore } from './dir-artifact-store.ts';
import { isReserveName, recordNameOfReserve } from './failure-reserve.ts';
import { tempWriterPid } from './temp-files.ts';

export interface DataDirCheck {
  /** Each broken invariant, as a sentence. */
  violations: string[];
  /** What a failed run may leave for the next run to settle. */
  pending: string[];
}

/** What one run reported: its exit code and stdout, and `current` before it. */
export interface RunReport {
  kind: ModelKind;
  version: string;
  exitCode: number;
  stdout: string;
  currentBefore: string | undefined;
}

export async function checkDataDir(dataDir: string): Promise<DataDirCheck> {
  const check: DataDirCheck = { violations: [], pending: [] };
  const store = new DirArtifactStore(dataDir);
  const kinds = new Set([...(await names(join(dataDir, 'registry'))), ...(await names(join(dataDir, 'models'))).filter((name) => name !== SNAPSHOTS_DIR)]);
  for (const kind of kinds) {
    const records = new Map<string, VersionRecord>();
    for (const name of await names(layout.registryDir(dataDir, kind))) {
      if (name.endsWith('.json') && isVersion(name.slice(0, -5))) {
        const record = await readRecord(join(layout.registryDir(dataDir, kind), name));
        if (record) records.set(record.version, record);
      }
    }
    for (const record of records.values()) {
      if (record.status === 'RUNNING') check.violations.push(`${kind} ${record.version} is RUNNING, but nothing runs`);
      if (record.status === 'SUCCEEDED' && !(await exists(layout.metadataPath(dataDir, kind, record.version)))) {
        check.violations.push(`${kind} ${record.version} is SUCCEEDED without metadata.json`);
      }
    }
    for (const name of await names(layout.locksDir(dataDir, kind))) check.violations.push(`lock registry/${kind}/.locks/${name} is left behind`);
    for (const name of (await names(layout.registryDir(dataDir, kind))).filter(isReserveName)) {
      const version = recordNameOfReserve(name).replace(/\.json$/, '');
      if (records.get(version)?.status !== 'RUNNING') check.violations.push(`reserve registry/${kind}/${name} of an ended claim is left behind`);
    }
    await checkCurrent(dataDir, kind, records, store, check);
    for (const version of (await names(layout.kindDir(dataDir, kind))).filter(isVersion)) {
      if (await exists(layout.metadataPath(dataDir, kind, version))) continue;
      const status = records.get(version)?.status;
      if (status === 'FAILED' || status === undefined) check.pending.push(`models/${kind}/${version} has no metadata.json (its run failed)`);
      else check.violations.push(`models/${kind}/${version} has no metadata.json but its record is ${status}`);
    }
  }
  for (const path of await tempFiles(dataDir, dataDir)) check.violations.push(`temp file ${path} is left behind`);
  for (const name of await names(layout.executionsDir(dataDir))) {
    if (!name.endsWith('.json')) continue;
    const execution = await readRecord(join(layout.executionsDir(dataDir), name));
    if (execution?.status === 'RUNNING') check.violations.push(`execution ${name.slice(0, -5)} is RUNNING on disk, but nothing runs`);
  }
  return check;
}

/** The run's own invariant (2): its record and `current` say what it reported. */
export async function checkRun(dataDir: string, run: RunReport): Promise<string[]> {
  const problems: string[] = [];
  const record = await readRecord(layout.recordPath(dataDir, run.kind, run.version));
  const current = await readPointer(dataDir, run.kind);
  if (run.exitCode === 0) {
    if (record?.status !== 'SUCCEEDED') problems.push(`exit 0 but the record is ${record?.status ?? 'absent'}`);
    else if (!isDeepStrictEqual(record.response, parseJson(run.stdout))) problems.push('exit 0 but the printed response is not the recorded one');
    const promoted = (record?.response as { promoted?: unknown } | undefined)?.promoted === true;
    const expected = promoted ? run.version : run.currentBefore;
    if (current !== expected) problems.push(`exit 0, ${promoted ? 'promoted' : 'not promoted'}, but current is ${current ?? 'none'} (expected ${expected ?? 'none'})`);
  } else {
    if (record?.status === 'SUCCEEDED' || record?.status === 'RUNNING') problems.push(`exit ${run.exitCode} but the record is ${record.status}`);
    if (current !== run.currentBefore) problems.push(`exit ${run.exitCode} but current moved from ${run.currentBefore ?? 'none'} to ${current ?? 'none'}`);
  }
  return problems;
}

async function checkCurrent(dataDir: string, kind: string, records: Map<string, VersionRecord>, store: DirArtifactStore, check: DataDirCheck): Promise<void> {
  let current: string | undefined;
  try {
    current = await readPointer(dataDir, kind);
  } catch (error) {
    check.violations.push(`models/${kind}/current is unreadable: ${(error as Error).message}`);
    return;
  }
  if (current === undefined) return;
  const status = records.get(current)?.status;
  if (status !== 'SUCCEEDED') check.violations.push(`current ${kind} ${current} is ${status ?? 'unrecorded'}`);
  try {
    if (!(await readModelFiles(store, versionPrefix(kind, current)))) check.violations.push(`current ${kind} ${current} has no metadata.json`);
  } catch (error) {
    check.violations.push(`current ${kind} ${current} is not a complete model: ${(error as Error).message}`);
  }
}

/** Every temp file under `dir` (relative paths), whoever wrote it. */
async function tempFiles(root: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await tempFiles(root, path)));
    else if (tempWriterPid(entry.name) !== undefined) found.push(path.slice(root.length + 1));
  }
  return found;
}

async function readPointer(dataDir: string, kind: string): Promise<string | undefined> {
  try {
    return await readlink(layout.pointerPath(dataDir, kind));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readRecord(path: string): Promise<VersionRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as VersionRecord;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
