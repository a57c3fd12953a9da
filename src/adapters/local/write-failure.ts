/**
 * A write under the data dir that the disk refused (full, read-only, no permission, failing), as one
 * line a person can act on: `cannot write to /path/data: no space left on device (ENOSPC)`. The CLI
 * prints it instead of a stack trace; the trainer prints it as its failure cause; the API answers a
 * full disk with 507 naming the data dir.
 */
import { dirname, relative, resolve } from 'node:path';

const DISK_REFUSALS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
};

/** The codes of a disk without room: the API's 507. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/** The one line for a refused write, or undefined when `error` is not one. */
export function describeWriteFailure(error: unknown, dataDir?: string): string | undefined {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !Object.hasOwn(DISK_REFUSALS, code)) return undefined;
  const given = (error as { dataDir?: unknown }).dataDir;
  return `cannot write to ${directoryOf(path, dataDir ?? (typeof given === 'string' ? given : undefined))}: ${DISK_REFUSALS[code]} (${code})`;
}

/**
 * The refused write as an error whose message is that line, keeping code, errno, syscall and path,
 * and naming the data dir (`dataDir`) for whoever reports it later; any other error unchanged.
 */
export function asRefusedWrite(error: unknown, dataDir: string): unknown {
  if ((error as { dataDir?: unknown } | undefined)?.dataDir !== undefined) return error;
  const line = describeWriteFailure(error, dataDir);
  if (!line) return error;
  const { code, errno, syscall, path } = error as NodeJS.ErrnoException;
  return Object.assign(new Error(line, { cause: error }), { code, errno, syscall, path, dataDir: resolve(dataDir) });
}

/** The directory to name when `error` says the disk is full (ENOSPC, EDQUOT), else undefined. */
export function noSpaceUnder(error: unknown): string | undefined {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !NO_SPACE.has(code)) return undefined;
  const given = (error as { dataDir?: unknown }).dataDir;
  return typeof given === 'string' ? given : directoryOf(path, undefined);
}

/** The directory named in a recorded failure cause when it says the disk was full (the line above). */
export function noSpaceInCause(cause: string | undefined): string | undefined {
  const match = /cannot write to (.+?): (?:no space left on device \(ENOSPC\)|disk quota exceeded \(EDQUOT\))/.exec(cause ?? '');
  return match?.[1];
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
