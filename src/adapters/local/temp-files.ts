/**
 * Files written whole under a temp name, then linked or renamed into place by the caller. A temp name
 * is `.{name}.tmp-{pid}-{n}`: hidden, and naming its writer, so that one left by a process that died
 * can be recognised and removed (data-dir-sweep.ts). A temp never outlives a failed write: it is
 * removed before the error is thrown.
 */
import { mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { asRefusedWrite } from './write-failure.ts';

let tempCounter = 0;

/** `.{name}.tmp-{pid}-{n}` beside `path`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${++tempCounter}`);
}

/** The writer's pid of a temp name (any of mizan's temp suffixes), or undefined when `name` is not one. */
export function tempWriterPid(name: string): number | undefined {
  const match = /\.(?:mizan-)?tmp-(\d+)-\d+$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Writes `text` to a new temp file beside `path` and, unless `sync` is false (a record that is only
 * history), flushes it; returns the temp's path. A refused write (full disk, read-only) is thrown as
 * one line naming `dataDir` (write-failure.ts).
 */
export async function writeTempFile(path: string, text: string, dataDir: string, options: { sync?: boolean } = {}): Promise<string> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'wx').catch(async (error: NodeJS.ErrnoException) => {
      // The folder is made only when missing: one write less for every record after the first.
      if (error.code !== 'ENOENT') throw error;
      await mkdir(dirname(path), { recursive: true });
      return open(temp, 'wx');
    });
    try {
      await handle.writeFile(text);
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (error) {
    await removeQuietly(temp);
    throw asRefusedWrite(error, dataDir);
  }
}

/**
 * Removes a file this process no longer needs (a temp, a lock, a reserve), retrying once after a
 * transient error; never throws. What still stays is removed by the next run (data-dir-sweep.ts).
 */
export async function removeQuietly(path: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await unlink(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    }
  }
}
