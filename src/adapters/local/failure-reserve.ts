/**
 * The FAILED record of a claim, written when the claim is taken: `registry/{kind}/.{version}.json.reserve`.
 * On a full disk a run fails, and then recording that it failed is one more write the disk refuses,
 * which would leave the version RUNNING. A rename needs no free space, so `fail` can always fall back
 * to renaming the reserve over the record: the version is FAILED (with a cause that says the real one
 * could not be written) and its claim is freed. `complete` and `fail` remove the reserve once the real
 * record is written; a reserve whose record is no longer RUNNING is a leftover (data-dir-sweep.ts).
 */
import { readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VersionRecord } from '../../ports/model-registry.ts';
import { removeQuietly, writeTempFile } from './temp-files.ts';

export const RESERVE_SUFFIX = '.reserve';

export const UNRECORDED_FAILURE = {
  error: 'FailureUnrecorded',
  cause: 'the run failed, and the data dir refused the write of its record (a full or failing disk): the cause is in the execution log, if that could be written',
} as const;

/** `.{version}.json.reserve` beside the record. */
export function reservePath(recordPath: string): string {
  const name = recordPath.slice(dirname(recordPath).length + 1);
  return join(dirname(recordPath), `.${name}${RESERVE_SUFFIX}`);
}

/** Writes the reserve of `claim` under a temp name; `install` puts it in place once the claim is taken. */
export async function prepareReserve(recordPath: string, claim: VersionRecord, dataDir: string): Promise<string> {
  const failed: VersionRecord = { ...claim, status: 'FAILED', error: { ...UNRECORDED_FAILURE } };
  return writeTempFile(reservePath(recordPath), JSON.stringify(failed, null, 2) + '\n', dataDir);
}

/**
 * Puts a prepared reserve in place. Best effort: a claim without its reserve still works while the
 * disk takes writes; only a failure recorded on a full disk needs it.
 */
export async function installReserve(temp: string, recordPath: string): Promise<void> {
  try {
    await rename(temp, reservePath(recordPath));
  } catch {
    await removeQuietly(temp);
  }
}

/** Renames the reserve over the record if it is the reserve of `running`'s claim; whether it did. */
export async function useReserve(recordPath: string, running: VersionRecord): Promise<boolean> {
  const path = reservePath(recordPath);
  try {
    const reserve = JSON.parse(await readFile(path, 'utf8')) as VersionRecord;
    if (reserve.executionId !== running.executionId || reserve.claimedAt !== running.claimedAt) return false;
    await rename(path, recordPath);
    return true;
  } catch {
    return false;
  }
}

export async function removeReserve(recordPath: string): Promise<void> {
  await removeQuietly(reservePath(recordPath));
}

/** Whether a directory entry of `registry/{kind}/` is a reserve. */
export function isReserveName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(`.json${RESERVE_SUFFIX}`);
}

export function recordNameOfReserve(name: string): string {
  return name.slice(1, -RESERVE_SUFFIX.length);
}
