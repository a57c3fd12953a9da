/**
 * Test-only preload: makes writes under one directory fail as a full or read-only disk would.
 *   NODE_OPTIONS="--import=<this file>" MIZAN_FAIL_WRITES_UNDER=/abs/dir MIZAN_FAIL_WRITES_CODE=ENOSPC
 * Patches fs and fs/promises (callback, sync and promise forms; ESM named imports too, through
 * syncBuiltinESMExports) to throw errors shaped as the kernel's (code, errno, syscall, path).
 * ENOSPC fails what allocates (create, write, mkdir, link); EACCES and EROFS every change
 * (also rename, unlink, rm). Reads always work. Child processes inherit it through NODE_OPTIONS.
 * The env vars are read on each call: unset them and writes work again.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';
import { resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const MESSAGES = { ENOSPC: 'no space left on device', EACCES: 'permission denied', EROFS: 'read-only file system' };

/** The error to throw for a write of `path`, or undefined when this write goes through. */
function injectedError(syscall, path, allocates) {
  const under = process.env.MIZAN_FAIL_WRITES_UNDER;
  const code = process.env.MIZAN_FAIL_WRITES_CODE ?? 'ENOSPC';
  if (!under || typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) return undefined;
  const target = resolve(path instanceof URL ? fileURLToPath(path) : String(path));
  const root = resolve(under);
  if (target !== root && !target.startsWith(root + sep)) return undefined;
  if (code === 'ENOSPC' && !allocates) return undefined;
  const error = new Error(`${code}: ${MESSAGES[code] ?? 'injected failure'}, ${syscall} '${target}'`);
  return Object.assign(error, { errno: constants.errno[code] !== undefined ? -constants.errno[code] : -1, code, syscall, path: target });
}

const isWriteFlag = (flags) => flags !== undefined && flags !== null && (typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0 : /[wa+]/.test(String(flags)));

/** name → [syscall, which argument is the path, does it allocate, applies only when] */
const TARGETS = {
  open: ['open', 0, true, (args) => isWriteFlag(args[1])],
  writeFile: ['open', 0, true],
  appendFile: ['open', 0, true],
  mkdir: ['mkdir', 0, true],
  symlink: ['symlink', 1, true],
  link: ['link', 1, true],
  copyFile: ['copyfile', 1, true],
  cp: ['copyfile', 1, true],
  rename: ['rename', 1, false],
  unlink: ['unlink', 0, false],
  rm: ['rm', 0, false],
  rmdir: ['rmdir', 0, false],
  truncate: ['open', 0, false],
};

function patch(target, name, form) {
  const original = target[name];
  const [syscall, pathArg, allocates, when = () => true] = TARGETS[name.replace(/Sync$/, '')];
  if (typeof original !== 'function') return;
  target[name] = function (...args) {
    const error = when(args) ? injectedError(syscall, args[pathArg], allocates) : undefined;
    if (!error) return original.apply(this, args);
    if (form === 'promise') return Promise.reject(error);
    if (form === 'sync') throw error;
    const callback = args.findLast((arg) => typeof arg === 'function');
    if (callback) return void process.nextTick(callback, error);
    throw error;
  };
}

for (const name of Object.keys(TARGETS)) {
  patch(fs.promises, name, 'promise');
  patch(fs, name, 'callback');
  patch(fs, `${name}Sync`, 'sync');
}
const createWriteStream = fs.createWriteStream;
fs.createWriteStream = function (path, options) {
  const error = injectedError('open', path, true);
  if (error) throw error;
  return createWriteStream.call(this, path, options);
};
syncBuiltinESMExports();
