import { lstat, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ArtifactStore, StoredSize } from '../../ports/artifact-store.ts';
import { assertValidKey, normalizePrefix } from '../artifact-key.ts';
import { describeWriteFailure } from './write-failure.ts';

/** Suffix of in-flight writes; they are invisible to `list` and renamed into place when complete. */
const TEMP_MARK = '.mizan-tmp-';
let tempCounter = 0;

/**
 * The artifact store as a directory (the local default, `./data`). Writes are atomic: a reader
 * sees the old bytes or the new bytes, never a partial file. Symlinks (the registry's `current`
 * pointers) are not artifacts and are skipped by `list`.
 */
export class DirArtifactStore implements ArtifactStore {
  readonly location: string;

  constructor(rootDir: string) {
    this.location = resolve(rootDir);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    const temp = join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${++tempCounter}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw this.readable(error);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      return (await lstat(path)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const keys: string[] = [];
    await this.walk(folder, keys);
    return keys.sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    const folder = normalizePrefix(prefix);
    if (folder === '') throw new Error('deletePrefix refuses the empty prefix (it would delete the whole store)');
    const path = join(this.location, folder);
    try {
      if (!(await lstat(path)).isDirectory()) return; // a prefix names a folder, as on S3 ('a/b.json/' matches nothing)
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await rm(path, { recursive: true, force: true });
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      if ((await lstat(path)).isFile()) await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async listSizes(prefix: string): Promise<StoredSize[]> {
    const keys = await this.list(prefix);
    const sizes: StoredSize[] = [];
    for (const key of keys) {
      try {
        sizes.push({ key, bytes: (await lstat(join(this.location, key))).size });
      } catch (error) {
        if (!isMissing(error)) throw error; // deleted since it was listed
      }
    }
    return sizes;
  }

  /** A refused write (full or read-only disk) says so in one line naming this store; its code, syscall and path stay. */
  private readable(error: unknown): unknown {
    const line = describeWriteFailure(error, this.location);
    if (!line) return error;
    const { code, errno, syscall, path } = error as NodeJS.ErrnoException;
    return Object.assign(new Error(line, { cause: error }), { code, errno, syscall, path });
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.location, key);
  }

  private async walk(folder: string, into: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder === '' ? this.location : join(this.location, folder), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(key, into);
      else if (entry.isFile() && !entry.name.includes(TEMP_MARK)) into.push(key);
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
