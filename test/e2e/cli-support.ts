/** Helpers of the CLI end-to-end tests: the real `bin/mizan.mjs` as a child process, and a data dir's listing. */
import { spawn } from 'node:child_process';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIZAN_BIN = fileURLToPath(new URL('../../bin/mizan.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The environment a user's shell would give: none of mizan's own variables, so flags alone decide. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('MIZAN_')) env[name] = value;
  return { ...env, ...extra };
}

/** Runs `node bin/mizan.mjs ...args` from `cwd`, as `npx mizan` would. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MIZAN_BIN, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

/**
 * Every entry under `dir` (recursive, symlinks not followed) with its type, size, mtime and link
 * target: two equal listings mean nothing was created, removed, rewritten or re-pointed.
 * A directory that does not exist lists as ['<absent>'].
 */
export async function listTree(dir: string): Promise<string[]> {
  try {
    await lstat(dir);
  } catch {
    return ['<absent>'];
  }
  const lines: string[] = [];
  const walk = async (path: string, rel: string): Promise<void> => {
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      lines.push(`${rel} link -> ${await readlink(path)} ${info.mtimeMs}`);
    } else if (info.isDirectory()) {
      lines.push(`${rel}/ dir ${info.mtimeMs}`);
      for (const name of (await readdir(path)).sort()) await walk(join(path, name), `${rel}/${name}`);
    } else {
      lines.push(`${rel} file ${info.size} ${info.mtimeMs}`);
    }
  };
  await walk(dir, '.');
  return lines;
}

/** Runs `tasks` at most `limit` at a time (two cores: spawning them all at once only adds contention). */
export async function inBatches<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
