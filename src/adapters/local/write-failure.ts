/**
 * A write under the data dir that the disk refused (full, read-only, no permission), as one line a
 * person can act on: `cannot write to /path/data: no space left on device (ENOSPC)`. The CLI prints
 * it instead of a stack trace; the trainer prints it as its failure cause.
 */
import { dirname, relative, resolve } from 'node:path';

const DISK_REFUSALS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** The one line for a refused write, or undefined when `error` is not one. */
export function describeWriteFailure(error: unknown, dataDir?: string): string | undefined {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !Object.hasOwn(DISK_REFUSALS, code)) return undefined;
  return `cannot write to ${directoryOf(path, dataDir)}: ${DISK_REFUSALS[code]} (${code})`;
}

/** The data dir when the path is inside it (what the person chose and can free or fix), else the path's folder. */
function directoryOf(path: string | undefined, dataDir: string | undefined): string {
  if (path && dataDir) {
    const inside = relative(resolve(dataDir), resolve(path));
    if (!inside.startsWith('..') && !inside.startsWith('/')) return resolve(dataDir);
  }
  if (path) return dirname(resolve(path));
  return dataDir ? resolve(dataDir) : 'the data dir';
}
