/** The hash behind each kind's trainer code version: sha256 over its source files (path + content), sorted. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KIND_SPECS } from './kinds.ts';

const SRC = fileURLToPath(new URL('../', import.meta.url));

export function computeCodeVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [kind, spec] of Object.entries(KIND_SPECS)) out[kind] = hashSources(spec.sources);
  return out;
}

/**
 * sha256 (16 hex) of the training source files under `paths` (relative to src/; a kind outside src/
 * names its folder as ../test/…): TypeScript, the workers' .mjs entries, and the wasm kernels with
 * their C sources (a kernel's numerics change its .c and .wasm, not a .ts file).
 */
export function hashSources(paths: readonly string[], root: string = SRC): string {
  const files = [...new Set(paths.flatMap((p) => listSources(join(root, p))))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    if (file.endsWith('code-versions.generated.ts')) continue;
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const SOURCE_EXTENSIONS = ['.ts', '.mjs', '.c', '.h', '.wasm'];

function listSources(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) throw new Error(`code version source ${path} does not exist`);
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((name) => join(path, name))
    .filter((file) => SOURCE_EXTENSIONS.some((ext) => file.endsWith(ext)) && statSync(file).isFile());
}
