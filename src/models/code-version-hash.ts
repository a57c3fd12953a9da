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

/** sha256 (16 hex) of the .ts files under `paths` (relative to src/; a kind outside src/ names its folder as ../test/…). */
export function hashSources(paths: readonly string[]): string {
  const files = [...new Set(paths.flatMap((p) => listTs(join(SRC, p))))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    if (file.endsWith('code-versions.generated.ts')) continue;
    hash.update(relative(SRC, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function listTs(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) throw new Error(`code version source ${path} does not exist`);
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((name) => join(path, name))
    .filter((file) => file.endsWith('.ts') && statSync(file).isFile());
}
