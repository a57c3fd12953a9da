/**
 * The committed kernel binaries are the build of the committed sources: rebuild every
 * src/ml/kernels/*.c with scripts/build-kernels.sh (Debian's clang 16 + lld 16, which .ci/run installs)
 * into a temporary folder and compare byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const KERNELS = join(import.meta.dirname, '../../src/ml/kernels');
const sources = readdirSync(KERNELS).filter((f) => f.endsWith('.c'));
const out = mkdtempSync(join(tmpdir(), 'mizan-kernels-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('wasm kernels', () => {
  it.runIf(sources.length > 0)('each committed .wasm is the build of its .c', () => {
    execFileSync('bash', [join(import.meta.dirname, '../../scripts/build-kernels.sh'), out], { stdio: 'pipe' });
    for (const source of sources) {
      const wasm = source.replace(/\.c$/, '.wasm');
      expect(readFileSync(join(out, wasm)).equals(readFileSync(join(KERNELS, wasm))), `${wasm} differs from a rebuild of ${source}`).toBe(true);
    }
  });
});
