import { describe, expect, it } from 'vitest';
import { computeCodeVersions } from '../../src/models/code-version-hash.ts';
import { CODE_VERSIONS } from '../../src/models/code-versions.generated.ts';
import { KIND_SPECS } from '../../src/models/kinds.ts';

describe('trainer code versions', () => {
  it('are up to date with the training sources of every registered kind (else: node bin/run-ts.mjs scripts/code-versions.ts)', () => {
    // A changed training source changes the hash, hence every version trained with it: a stale model is never reused.
    expect(CODE_VERSIONS, 'src/models/code-versions.generated.ts is stale: run node bin/run-ts.mjs scripts/code-versions.ts').toEqual(computeCodeVersions());
    expect(Object.keys(CODE_VERSIONS).sort()).toEqual(Object.keys(KIND_SPECS).sort());
  });
});
