/**
 * Executions on disk: `{dataDir}/executions/{executionId}.json`, rewritten atomically (temp file +
 * rename) as the run progresses, so a reader never sees a torn file and a crash leaves the last state.
 * A write the disk refuses leaves no temp file behind and rejects with one line naming the data dir.
 *
 * A run's last write, its end, is the one a filling disk most often refuses: the run has just
 * failed for want of space. So each run holds room for it from its start (`holdRoom`): a file of
 * ROOM_BYTES under a temp name, deleted to make room when the end is refused (`writeEnd`), and in any
 * case once the end is written. If its writer dies, the next runner removes it as any dead temp.
 */
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { removeQuietly, writeTempFile } from '../local/temp-files.ts';
import { asRefusedWrite } from '../local/write-failure.ts';
import type { ExecutionRecord, ExecutionSource, HistoryEvent } from '../../ports/execution-source.ts';
import type { StateTiming } from '../../ports/workflow.ts';

/** An execution as the local runner stores it: its record, and the process running it. */
export interface LocalExecutionRecord extends ExecutionRecord {
  /** The process running it (a server or a CLI): recovery leaves runs of a live owner alone. */
  ownerPid?: number;
}

/** Execution ids are file names: letters, digits, dot, dash, underscore; never a path. */
const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The room a run holds for its end. An ended record of a smoke lstm run is 6.3 KB (12 events of ~350
 * bytes, the plan); each snapshot year adds a few events, ~2 KB. A larger end is written without its
 * event history rather than not at all. Small, because a run on a nearly full disk needs this much
 * more to start.
 */
export const ROOM_BYTES = 32 * 1024;

export function isSafeExecutionId(id: string): boolean {
  return EXECUTION_ID.test(id) && !id.includes('..');
}

export class ExecutionStore implements ExecutionSource {
  readonly dir: string;
  /** Writes of one execution are chained so that they land in order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** The write of each execution that waits for the previous one: a newer state replaces its text. */
  private readonly queued = new Map<string, { text: string; done: Promise<void> }>();
  /** The room file each running execution of this process holds (see the file's comment). */
  private readonly rooms = new Map<string, string>();

  constructor(private readonly dataDir: string) {
    this.dir = join(dataDir, 'executions');
  }

  logFile(executionId: string): string {
    return join(this.dir, `${executionId}.log`);
  }

  async read(executionId: string): Promise<LocalExecutionRecord | undefined> {
    if (!isSafeExecutionId(executionId)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.dir, `${executionId}.json`), 'utf8')) as LocalExecutionRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Queues a write of the record as it is now; resolves when it (or a newer state) is on disk. Each
   * write holds the whole record, so a write still waiting for its turn just takes the newer text:
   * a burst of state changes costs one write, not one each.
   */
  write(record: LocalExecutionRecord): Promise<void> {
    const id = record.executionId;
    if (!isSafeExecutionId(id)) throw new Error(`unsafe execution id ${JSON.stringify(id)}`);
    const text = JSON.stringify(record, null, 2) + '\n';
    const waiting = this.queued.get(id);
    if (waiting) {
      waiting.text = text;
      return waiting.done;
    }
    const previous = this.chains.get(id) ?? Promise.resolve();
    const entry = { text, done: Promise.resolve() };
    entry.done = previous.then(() => {
      this.queued.delete(id);
      return this.writeNow(id, entry.text);
    });
    this.queued.set(id, entry);
    this.chains.set(id, entry.done.catch(() => undefined));
    return entry.done;
  }

  /**
   * Holds room for the end of `executionId`; rejects with the refused write (one line naming the data
   * dir) if the disk has not even that much left, before anything of the run is written.
   */
  async holdRoom(executionId: string): Promise<void> {
    if (!isSafeExecutionId(executionId)) throw new Error(`unsafe execution id ${JSON.stringify(executionId)}`);
    // Under a temp name (`.{id}.room.tmp-{pid}-{n}`): the sweep removes it if this process dies.
    const temp = await writeTempFile(join(this.dir, `${executionId}.room`), ' '.repeat(ROOM_BYTES), this.dataDir);
    this.rooms.set(executionId, temp);
  }

  /**
   * Writes the ended record: if the disk refuses it, frees the run's room and writes it again, then
   * without its event history if even that does not fit. The room is released in every case.
   */
  async writeEnd(record: LocalExecutionRecord): Promise<void> {
    const id = record.executionId;
    try {
      await this.write(record);
    } catch (error) {
      if (!(await this.releaseRoom(id))) throw error;
      await this.write(record).catch(() => this.write(withoutHistory(record)));
    } finally {
      await this.releaseRoom(id);
    }
  }

  /** Deletes the room `executionId` holds; whether it held one. */
  async releaseRoom(executionId: string): Promise<boolean> {
    const room = this.rooms.get(executionId);
    if (room === undefined) return false;
    this.rooms.delete(executionId);
    await removeQuietly(room);
    return true;
  }

  private async writeNow(executionId: string, text: string): Promise<void> {
    const path = join(this.dir, `${executionId}.json`);
    const temp = await writeTempFile(path, text, this.dataDir, { sync: false });
    try {
      await rename(temp, path);
    } catch (error) {
      await removeQuietly(temp);
      throw asRefusedWrite(error, this.dataDir);
    }
  }

  async list(): Promise<LocalExecutionRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    const records = await Promise.all(ids.map((id) => this.read(id).catch(() => undefined)));
    return records.filter((r): r is LocalExecutionRecord => r !== undefined);
  }
}

/** The ended record with only its start and end events: what fits when the whole history does not. */
function withoutHistory(record: LocalExecutionRecord): LocalExecutionRecord {
  return { ...record, events: record.events.filter((e) => e.type.startsWith('Execution')) };
}

/** Per-state timings from the event history, in the order the states were entered. */
export function timingsFromEvents(events: HistoryEvent[]): StateTiming[] {
  const timings: StateTiming[] = [];
  const open = new Map<string, StateTiming>();
  const sorted = [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const event of sorted) {
    if (!event.state) continue;
    const key = event.index === undefined ? event.state : `${event.state} [${event.item ?? event.index}]`;
    if (event.type === 'StateEntered') {
      const timing: StateTiming = { name: key, startedAt: event.timestamp, status: 'RUNNING' };
      timings.push(timing);
      open.set(key, timing);
    } else if (event.type === 'StateExited' || event.type === 'StateFailed') {
      const timing = open.get(key);
      if (!timing) continue;
      timing.endedAt = event.timestamp;
      timing.status = event.type === 'StateExited' ? 'SUCCEEDED' : 'FAILED';
      open.delete(key);
    }
  }
  return timings;
}
