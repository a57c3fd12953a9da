import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeCodeVersions, hashSources } from '../../src/models/code-version-hash.ts';
import { CODE_VERSIONS } from '../../src/models/code-versions.generated.ts';
import { KIND_SPECS } from '../../src/models/kinds.ts';

describe('trainer code versions', () => {
  it('are up to date with the training sources of every registered kind (else: node bin/run-ts.mjs scripts/code-versions.ts)', () => {
    // A changed training source changes the hash, hence every version trained with it: a stale model is never reused.
    expect(CODE_VERSIONS, 'src/models/code-versions.generated.ts is stale: run node bin/run-ts.mjs scripts/code-versions.ts').toEqual(computeCodeVersions());
    expect(Object.keys(CODE_VERSIONS).sort()).toEqual(Object.keys(KIND_SPECS).sort());
  });
});

describe('hashSources', () => {
  it('covers the wasm kernels and their C sources, not only TypeScript', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mizan-code-version-'));
    try {
      await writeFile(join(root, 'op.ts'), 'export const op = 1;\n');
      await writeFile(join(root, 'op.c'), 'float op(float x) { return x; }\n');
      await writeFile(join(root, 'op.wasm'), Uint8Array.of(0, 97, 115, 109, 1));
      await writeFile(join(root, 'notes.txt'), 'not a source\n');
      const before = hashSources(['.'], root);
      await writeFile(join(root, 'notes.txt'), 'still not a source\n');
      expect(hashSources(['.'], root)).toBe(before);
      await writeFile(join(root, 'op.wasm'), Uint8Array.of(0, 97, 115, 109, 2)); // a rebuilt kernel
      const afterWasm = hashSources(['.'], root);
      expect(afterWasm).not.toBe(before);
      await writeFile(join(root, 'op.c'), 'float op(float x) { return 2 * x; }\n');
      expect(hashSources(['.'], root)).not.toBe(afterWasm);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
