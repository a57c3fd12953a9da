/**
 * Test-only file system shim: makes writes under one directory fail as a full, read-only or failing
 * disk would, with errors shaped as the kernel's (code, errno, syscall, path). Reads always work.
 * Patches fs and fs/promises (callback, sync and promise forms; ESM named imports too, through
 * syncBuiltinESMExports) and the FileHandle methods that write or flush.
 *
 * Each write is one of three kinds:
 *   data    needs data blocks: writeFile, appendFile, a FileHandle's write / writeFile / sync,
 *           copyFile, mkdir of a new directory, a symlink too long to live in its inode (> 60 bytes)
 *   entry   needs only an inode and a directory entry: open(O_CREAT) of a new file, link, a short symlink
 *   change  needs nothing new: rename, unlink, rm, rmdir, truncate, opening an existing file to write
 *
 * Two ways to use it:
 * - As a preload (child processes inherit it through NODE_OPTIONS), failing every write under a dir:
 *     NODE_OPTIONS="--import=<this file>" MIZAN_FAIL_WRITES_UNDER=/abs/dir MIZAN_FAIL_WRITES_CODE=ENOSPC
 *   ENOSPC fails data and entry writes (no room for anything); EACCES, EROFS and EIO fail every write.
 *   The env vars are read on each call: unset them and writes work again.
 * - In-process, imported by a test: `writeFaults.arm({ under, code, at })` counts the writes under
 *   `under` from then on and fails:
 *     ENOSPC  every data write from the `at`-th data write on (a disk that fills up and stays full;
 *             inodes and directory entries still available, as on ext4 and tmpfs), except that
 *             what a file deleted after that frees is room again: a later data write that fits
 *             in the freed bytes (in 4 KiB blocks) goes through and uses them up
 *     EIO     exactly the `at`-th write of any kind (one transient I/O error)
 *   With `at: Infinity` it only counts. `writeFaults.writes` lists what was counted (kind, call, path
 *   relative to `under`, whether it failed); `disarm()` stops counting and failing.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const MESSAGES = { ENOSPC: 'no space left on device', EACCES: 'permission denied', EROFS: 'read-only file system', EIO: 'i/o error' };
/** ext4 keeps a symlink target shorter than this in the inode; tmpfs keeps longer ones inline too. */
const INLINE_SYMLINK_BYTES = 60;

/** The in-process controller (see above). */
export const writeFaults = {
  /** @type {{ under: string, code: 'ENOSPC' | 'EIO', at: number } | undefined} */
  plan: undefined,
  dataWrites: 0,
  allWrites: 0,
  /** ENOSPC: bytes freed by deletions since the disk filled (whole blocks). */
  freed: 0,
  /** @type {{ kind: string, call: string, path: string, failed: boolean }[]} */
  writes: [],
  arm(plan) {
    this.plan = { ...plan, under: resolve(plan.under) };
    this.dataWrites = 0;
    this.allWrites = 0;
    this.freed = 0;
    this.writes = [];
  },
  disarm() {
    this.plan = undefined;
  },
};

function toPath(path) {
  if (path instanceof URL) return fileURLToPath(path);
  if (typeof path === 'string' || Buffer.isBuffer(path)) return resolve(String(path));
  return undefined;
}

const inside = (target, root) => target === root || target.startsWith(root + sep);
const exists = (path) => {
  try {
    fs.lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

function injected(code, syscall, target) {
  const error = new Error(`${code}: ${MESSAGES[code] ?? 'injected failure'}, ${syscall} '${target}'`);
  return Object.assign(error, { errno: constants.errno[code] !== undefined ? -constants.errno[code] : -1, code, syscall, path: target });
}

const BLOCK = 4096;
const blocks = (bytes) => Math.ceil(bytes / BLOCK) * BLOCK;

/** Whether the in-process ENOSPC plan has filled the disk (its `at`-th data write came). */
const diskFull = (plan) => plan.code === 'ENOSPC' && writeFaults.dataWrites >= plan.at;

/** A deletion after the disk filled frees the file's blocks (directories and links: nothing counted). */
function creditDeletion(target) {
  const plan = writeFaults.plan;
  if (!plan || !inside(target, plan.under) || !diskFull(plan)) return;
  try {
    const stat = fs.lstatSync(target);
    if (stat.isFile()) writeFaults.freed += blocks(stat.size);
  } catch {
    // gone already: nothing freed
  }
}

/** Whether a data write of `bytes` fits in what deletions freed since the disk filled; uses it up if so. */
function fitsInFreed(bytes) {
  if (bytes === undefined || writeFaults.freed < blocks(bytes)) return false;
  writeFaults.freed -= blocks(bytes);
  return true;
}

/** The error for this write, or undefined when it goes through; counts it when armed. */
function decide(call, syscall, kind, target, bytes) {
  const plan = writeFaults.plan;
  if (plan && inside(target, plan.under)) {
    writeFaults.allWrites += 1;
    if (kind === 'data') writeFaults.dataWrites += 1;
    const failed =
      plan.code === 'EIO' ? writeFaults.allWrites === plan.at : kind === 'data' && writeFaults.dataWrites >= plan.at && !fitsInFreed(bytes);
    writeFaults.writes.push({ kind, call, path: relative(plan.under, target), failed });
    if (failed) return injected(plan.code, syscall, target);
  }
  const under = process.env.MIZAN_FAIL_WRITES_UNDER;
  if (!under || !inside(target, resolve(under))) return undefined;
  const code = process.env.MIZAN_FAIL_WRITES_CODE ?? 'ENOSPC';
  if (code === 'ENOSPC' && kind === 'change') return undefined;
  return injected(code, syscall, target);
}

const isWriteFlag = (flags) =>
  flags !== undefined && flags !== null && (typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0 : /[wa+]/.test(String(flags)));

/** name → [syscall, which argument is the path, the kind of write (undefined: not a write)] */
const TARGETS = {
  open: ['open', 0, (args, path) => (isWriteFlag(args[1]) ? (exists(path) ? 'change' : 'entry') : undefined)],
  writeFile: ['open', 0, () => 'data'],
  appendFile: ['open', 0, () => 'data'],
  mkdir: ['mkdir', 0, (_args, path) => (exists(path) ? 'change' : 'data')],
  symlink: ['symlink', 1, (args) => (String(args[0]).length > INLINE_SYMLINK_BYTES ? 'data' : 'entry')],
  link: ['link', 1, () => 'entry'],
  copyFile: ['copyfile', 1, () => 'data'],
  cp: ['copyfile', 1, () => 'data'],
  rename: ['rename', 1, () => 'change'],
  unlink: ['unlink', 0, () => 'change'],
  rm: ['rm', 0, () => 'change'],
  rmdir: ['rmdir', 0, () => 'change'],
  truncate: ['open', 0, () => 'change'],
};

const DELETIONS = new Set(['unlink', 'rm']);

const byteLength = (data) => (typeof data === 'string' ? Buffer.byteLength(data) : ArrayBuffer.isView(data) ? data.byteLength : undefined);

/** The bytes a data write needs, where the call tells (undefined: unknown, never fits in freed room). */
function bytesOf(name, args) {
  if (name === 'writeFile' || name === 'appendFile') return byteLength(args[1]);
  if (name === 'mkdir' || name === 'symlink') return BLOCK;
  return undefined;
}

/** The bytes of a FileHandle write (a flush: unknown, so it fails once the disk is full). */
function handleBytesOf(name, args) {
  if (name === 'writeFile' || name === 'appendFile') return byteLength(args[0]);
  if (name === 'write') return typeof args[0] === 'string' ? Buffer.byteLength(args[0]) : typeof args[2] === 'number' ? args[2] : byteLength(args[0]);
  if (name === 'writev') return args[0].reduce((sum, buffer) => sum + buffer.byteLength, 0);
  return undefined;
}

/** The path each FileHandle opened for writing was opened at (its own writes are counted against it). */
const handlePaths = new WeakMap();

function fail(form, args, error) {
  if (form === 'promise') return Promise.reject(error);
  if (form === 'sync') throw error;
  const callback = args.findLast((arg) => typeof arg === 'function');
  if (callback) return void process.nextTick(callback, error);
  throw error;
}

function patch(target, name, form) {
  const original = target[name];
  const [syscall, pathArg, kindOf] = TARGETS[name.replace(/Sync$/, '')];
  if (typeof original !== 'function') return;
  target[name] = function (...args) {
    const path = toPath(args[pathArg]);
    const kind = path === undefined ? undefined : kindOf(args, path);
    if (path !== undefined && DELETIONS.has(name.replace(/Sync$/, ''))) creditDeletion(path);
    const error = kind === undefined ? undefined : decide(name, syscall, kind, path, bytesOf(name.replace(/Sync$/, ''), args));
    if (error) return fail(form, args, error);
    const result = original.apply(this, args);
    if (form === 'promise' && name === 'open' && kind !== undefined) return result.then((handle) => (handlePaths.set(handle, path), handle));
    return result;
  };
}

for (const name of Object.keys(TARGETS)) {
  patch(fs.promises, name, 'promise');
  patch(fs, name, 'callback');
  patch(fs, `${name}Sync`, 'sync');
}

// FileHandle: its writes and flushes, counted against the path it was opened at.
const probe = await fs.promises.open(fileURLToPath(import.meta.url), 'r');
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
for (const [name, syscall] of [['write', 'write'], ['writev', 'writev'], ['writeFile', 'write'], ['appendFile', 'write'], ['sync', 'fsync'], ['datasync', 'fdatasync']]) {
  const original = FileHandle[name];
  FileHandle[name] = function (...args) {
    const path = handlePaths.get(this);
    const error = path === undefined ? undefined : decide(`handle.${name}`, syscall, 'data', path, handleBytesOf(name, args));
    return error ? Promise.reject(error) : original.apply(this, args);
  };
}

const createWriteStream = fs.createWriteStream;
fs.createWriteStream = function (path, options) {
  const target = toPath(path);
  const error = target === undefined ? undefined : decide('createWriteStream', 'open', 'data', target);
  if (error) throw error;
  return createWriteStream.call(this, path, options);
};
syncBuiltinESMExports();
