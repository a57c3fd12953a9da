import { link, lstat, mkdir, readdir, readFile, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelKind } from '../../config/model-kinds.ts';
import type { ClaimOptions, ClaimResult, FailOptions, ModelRegistry, PointerMove, PromotionEntry, RemoveExpectation, VersionRecord } from '../../ports/model-registry.ts';
import { assertExecutionId, assertModelKind, ClaimChangedError, VersionStateError } from '../../registry/registry-errors.ts';
import { missingEntries, nextEntry } from '../../registry/promotion-history.ts';
import { assertVersion, isVersion } from '../../registry/version.ts';
import { installReserve, prepareReserve, removeReserve, useReserve } from './failure-reserve.ts';
import { withFileLock, LOCK_TIMEOUT_MS } from './file-lock.ts';
import { LocalPromotionLog } from './local-promotion-log.ts';
import { removeQuietly, writeTempFile } from './temp-files.ts';
import { describeWriteFailure } from './write-failure.ts';

export interface LocalModelRegistryOptions {
  /** How long to wait for a lock held by another caller before failing (default 10 s). */
  lockTimeoutMs?: number;
  clock?: () => Date;
}

let tempCounter = 0;
const tempSuffix = () => `.tmp-${process.pid}-${++tempCounter}`;

/**
 * The registry on one machine, safe for concurrent callers in one process and across processes.
 *
 * Layout under `dataDir`:
 * - `models/{kind}/current` → `{version}`: a relative symlink, the `current` pointer.
 * - `registry/{kind}/{version}.json`: one record per version.
 * - `registry/{kind}/.{version}.json.reserve`: the FAILED record of a RUNNING claim, renamed over the
 *   record when the disk refuses the real one (failure-reserve.ts).
 * - `registry/{kind}/.locks/`: lock symlinks (file-lock.ts), held for a few milliseconds.
 *
 * How each write stays correct under races:
 * - claim of an absent version: the record is written to a temp file, then `link()`ed to its
 *   name. link fails with EEXIST when the name exists, so exactly one creator wins, and no
 *   reader ever sees a half-written record (a plain `open('wx')` + write would expose one).
 * - claim of a FAILED (or, when reopening, SUCCEEDED) version, complete, fail: read-check-replace
 *   under the version's lock file; the replacement is a temp file renamed over the record (atomic).
 * - remove (retention): read-compare-unlink under the version's lock; a claim that finds the record
 *   gone under that lock creates it again.
 * - promote, restore: read-compare-replace of the symlink under the kind's `current` lock; the new
 *   link is created under a temp name and renamed over `current` (atomic: never absent, never torn);
 *   a restore to no previous version removes the link.
 * - move: the same under the same lock, with the promotion history (`registry/{kind}/promotions/`,
 *   local-promotion-log.ts) brought up to date before and appended after.
 */
export class LocalModelRegistry implements ModelRegistry {
  private readonly dataDir: string;
  private readonly lockTimeoutMs: number;
  private readonly clock: () => Date;
  private readonly promotions: LocalPromotionLog;

  constructor(dataDir: string, options: LocalModelRegistryOptions = {}) {
    this.dataDir = resolve(dataDir);
    this.promotions = new LocalPromotionLog(this.dataDir);
    this.lockTimeoutMs = options.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
    this.clock = options.clock ?? (() => new Date());
  }

  async get(kind: ModelKind, version: string): Promise<VersionRecord | undefined> {
    return this.readRecord(this.recordPath(kind, version));
  }

  async claim(kind: ModelKind, version: string, executionId: string, options: ClaimOptions = {}): Promise<ClaimResult> {
    const path = this.recordPath(kind, version);
    assertExecutionId(executionId);
    const record: VersionRecord = { kind, version, status: 'RUNNING', executionId, claimedAt: this.clock().toISOString() };
    // The claim's FAILED record is written first, so that failing the run never needs free space (failure-reserve.ts).
    const reserve = await prepareReserve(path, record, this.dataDir);
    try {
      for (;;) {
        if (await this.createRecord(path, record)) {
          await installReserve(reserve, path);
          return { claimed: true, record };
        }
        const result = await withFileLock(
          this.versionLock(kind, version),
          async (): Promise<ClaimResult | undefined> => {
            const existing = await this.readRecord(path);
            if (existing === undefined) return undefined; // removed by retention meanwhile: create it again
            const takeable = existing.status === 'FAILED' || (options.reopenSucceeded === true && existing.status === 'SUCCEEDED');
            if (!takeable) return { claimed: false, existing };
            await this.replaceRecord(path, record);
            await installReserve(reserve, path);
            return { claimed: true, record };
          },
          this.lockTimeoutMs,
        );
        if (result) return result;
      }
    } finally {
      await removeQuietly(reserve); // not installed: the claim was not taken
    }
  }

  async complete(kind: ModelKind, version: string, response: Record<string, unknown>): Promise<void> {
    await this.finish(kind, version, 'complete', ({ error: _dropped, ...record }) => ({
      ...record,
      status: 'SUCCEEDED',
      finishedAt: this.clock().toISOString(),
      response,
    }));
  }

  async fail(kind: ModelKind, version: string, error: { error: string; cause: string }, options: FailOptions = {}): Promise<void> {
    const update = ({ response: _dropped, ...record }: VersionRecord): VersionRecord => ({
      ...record,
      status: 'FAILED',
      finishedAt: this.clock().toISOString(),
      error: { error: error.error, cause: error.cause },
    });
    await this.finish(kind, version, 'fail', update, options.executionId);
  }

  async list(kind: ModelKind): Promise<VersionRecord[]> {
    assertModelKind(kind);
    const dir = join(this.dataDir, 'registry', kind);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records = await Promise.all(
      names.filter((name) => name.endsWith('.json') && isVersion(name.slice(0, -5))).map((name) => this.readRecord(join(dir, name))),
    );
    return records
      .filter((record): record is VersionRecord => record !== undefined)
      .sort((a, b) => compare(a.claimedAt, b.claimedAt) || compare(a.version, b.version));
  }

  async current(kind: ModelKind): Promise<string | undefined> {
    assertModelKind(kind);
    return this.readPointer(kind);
  }

  async promote(kind: ModelKind, expected: string | undefined, next: string): Promise<boolean> {
    assertVersion(next);
    return this.swapPointer(kind, expected, next);
  }

  async restore(kind: ModelKind, expected: string, previous: string | undefined): Promise<boolean> {
    assertVersion(expected);
    if (previous !== undefined) assertVersion(previous);
    return this.swapPointer(kind, expected, previous);
  }

  async remove(kind: ModelKind, version: string, expected: RemoveExpectation): Promise<boolean> {
    const path = this.recordPath(kind, version);
    return withFileLock(
      this.versionLock(kind, version),
      async () => {
        const existing = await this.readRecord(path);
        if (existing?.status !== expected.status || existing.executionId !== expected.executionId) return false;
        await unlink(path);
        return true;
      },
      this.lockTimeoutMs,
    );
  }

  async move(kind: ModelKind, move: PointerMove): Promise<boolean> {
    if (move.next !== undefined) assertVersion(move.next);
    return this.swapPointer(kind, move.expected, move.next, async (setPointer) => {
      // Under the lock: the log catches up with the pointer's state, then this move is made and appended.
      // A disk that refuses the log's writes does not stop the move (a full disk must not keep `current`
      // on a run that failed after promoting): it is then not recorded, and reads as `unrecorded`.
      let recordable = true;
      let tail = await this.promotions.tail(kind);
      for (const missing of missingEntries(tail, await this.pointerState(kind))) {
        recordable = await unlessRefused(this.promotions.append(kind, missing));
        if (!recordable) break;
        tail = missing;
      }
      const entry = nextEntry(tail, move, this.clock().toISOString());
      if (recordable) recordable = await unlessRefused(this.promotions.writePending(kind, entry));
      await setPointer();
      if (!recordable) return;
      // The pointer has moved and pending.json holds the entry: a failed append (a full disk) is
      // repaired by the next move or read, and must not report a move that happened as failed.
      await this.promotions.append(kind, entry).catch(() => undefined);
    });
  }

  async history(kind: ModelKind): Promise<PromotionEntry[]> {
    assertModelKind(kind);
    // Read without the lock (readers write nothing): a move that lands between the reads is seen as
    // a changed pointer or a pending entry ahead of the log, and the reads are made again.
    for (let attempt = 1; ; attempt++) {
      const before = await this.readPointer(kind);
      const entries = await this.promotions.entries(kind);
      const state = await this.pointerState(kind);
      const tail = entries.at(-1);
      const settled = before === state.version && (state.lastMove?.seq ?? 0) <= (tail?.seq ?? 0) + 1;
      if (settled || attempt >= 5) return [...entries, ...missingEntries(tail, state)];
    }
  }

  async replaceResponse(kind: ModelKind, version: string, executionId: string, response: Record<string, unknown>): Promise<boolean> {
    const path = this.recordPath(kind, version);
    return withFileLock(
      this.versionLock(kind, version),
      async () => {
        const existing = await this.readRecord(path);
        if (existing?.status !== 'SUCCEEDED' || existing.executionId !== executionId) return false;
        await this.replaceRecord(path, { ...existing, response });
        return true;
      },
      this.lockTimeoutMs,
    );
  }

  /**
   * Under the kind's `current` lock: if the pointer is `expected`, point it at `next` (or remove it).
   * With `around`, the swap is made when `around` calls it (a move records itself around it).
   */
  private async swapPointer(
    kind: ModelKind,
    expected: string | undefined,
    next: string | undefined,
    around: (setPointer: () => Promise<void>) => Promise<void> = (setPointer) => setPointer(),
  ): Promise<boolean> {
    assertModelKind(kind);
    if (expected !== undefined) assertVersion(expected);
    const pointer = this.pointerPath(kind);
    await mkdir(join(this.dataDir, 'models', kind), { recursive: true });
    const setPointer = async () => {
      if (next === undefined) {
        await unlink(pointer);
        return;
      }
      const temp = pointer + tempSuffix();
      await symlink(next, temp); // relative target: the data dir can move
      try {
        await rename(temp, pointer);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    };
    return withFileLock(
      join(this.dataDir, 'registry', kind, '.locks', 'current.lock'),
      async () => {
        if ((await this.readPointer(kind)) !== expected) return false;
        await around(setPointer);
        return true;
      },
      this.lockTimeoutMs,
    );
  }

  /** The pointer, the move pending beside it, and when the link was last replaced. */
  private async pointerState(kind: ModelKind) {
    const [version, lastMove, movedAt] = await Promise.all([
      this.readPointer(kind),
      this.promotions.pending(kind),
      lstat(this.pointerPath(kind)).then((info) => info.mtime.toISOString(), () => undefined),
    ]);
    return { version, lastMove, movedAt };
  }

  private async finish(
    kind: ModelKind,
    version: string,
    action: 'complete' | 'fail',
    update: (record: VersionRecord) => VersionRecord,
    executionId?: string,
  ): Promise<void> {
    const path = this.recordPath(kind, version);
    await withFileLock(
      this.versionLock(kind, version),
      async () => {
        const existing = await this.readRecord(path);
        if (existing?.status !== 'RUNNING') throw new VersionStateError(kind, version, 'RUNNING', existing?.status ?? 'ABSENT', action);
        if (executionId !== undefined && existing.executionId !== executionId) throw new ClaimChangedError(kind, version, executionId, existing.executionId);
        try {
          await this.replaceRecord(path, update(existing));
        } catch (error) {
          // The disk refused the record: a failure is recorded anyway, by renaming the claim's reserve.
          if (action === 'fail' && (await useReserve(path, existing))) return;
          throw error;
        }
        await removeReserve(path);
      },
      this.lockTimeoutMs,
    );
  }

  private recordPath(kind: ModelKind, version: string): string {
    assertModelKind(kind);
    assertVersion(version); // the pattern admits no '/', '.' segments or NUL: no path traversal
    return join(this.dataDir, 'registry', kind, `${version}.json`);
  }

  private versionLock(kind: ModelKind, version: string): string {
    return join(this.dataDir, 'registry', kind, '.locks', `${version}.lock`);
  }

  private pointerPath(kind: ModelKind): string {
    return join(this.dataDir, 'models', kind, 'current');
  }

  private async readPointer(kind: ModelKind): Promise<string | undefined> {
    const pointer = this.pointerPath(kind);
    let target: string;
    try {
      target = await readlink(pointer);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code === 'EINVAL') throw new Error(`${pointer} is not a symlink; the current pointer must be one`);
      throw error;
    }
    if (!isVersion(target)) throw new Error(`${pointer} points at ${JSON.stringify(target)}, which is not a version`);
    return target;
  }

  private async readRecord(path: string): Promise<VersionRecord | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as VersionRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Conditional create: true when this call created the record, false when it already existed. */
  private async createRecord(path: string, record: VersionRecord): Promise<boolean> {
    const temp = await this.writeTemp(path, record);
    try {
      await link(temp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await removeQuietly(temp); // the record is linked (or not): a temp left by a failing disk is swept later
    }
  }

  private async replaceRecord(path: string, record: VersionRecord): Promise<void> {
    const temp = await this.writeTemp(path, record);
    try {
      await rename(temp, path);
    } catch (error) {
      await removeQuietly(temp);
      throw error;
    }
  }

  private async writeTemp(path: string, record: VersionRecord): Promise<string> {
    return writeTempFile(path, JSON.stringify(record, null, 2) + '\n', this.dataDir);
  }
}

/** Whether `write` landed; false when the disk refused it (full, failing, read-only), other errors thrown. */
async function unlessRefused(write: Promise<void>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (describeWriteFailure(error) === undefined) throw error;
    return false;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
