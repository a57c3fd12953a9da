/**
 * The local registry on a disk that fills up (test/support/fail-writes.mjs, in-process): a claim the
 * disk refuses creates nothing and says so in one line; a claim taken before still ends FAILED, from
 * the reserve it wrote when it was taken; `current` still moves back; nothing is left behind.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNRECORDED_FAILURE } from '../../src/adapters/local/failure-reserve.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { faults } from '../support/write-faults.ts';

const V1 = 'v2026.01.05-abc123def456';
const V2 = 'v2026.01.12-fedcba654321';

describe('LocalModelRegistry on a full disk', () => {
  let dataDir: string;
  let registry: LocalModelRegistry;
  const fillDisk = () => faults.arm({ under: dataDir, code: 'ENOSPC', at: 1 });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-full-'));
    registry = new LocalModelRegistry(dataDir);
  });
  afterEach(() => faults.disarm());

  it('refuses a claim in one line naming the data dir, creating nothing', async () => {
    // Prepare
    await registry.claim('lstm', V1, 'exec-1'); // the folder exists: only data writes fail
    fillDisk();
    // Act
    const claim = registry.claim('lstm', V2, 'exec-2');
    // Assess
    await expect(claim).rejects.toThrow(`cannot write to ${dataDir}: no space left on device (ENOSPC)`);
    await expect(claim).rejects.toMatchObject({ code: 'ENOSPC', dataDir });
    faults.disarm();
    expect(await registry.get('lstm', V2)).toBeUndefined();
    expect((await readdir(join(dataDir, 'registry', 'lstm'))).sort()).toEqual([`.${V1}.json.reserve`, `${V1}.json`]);
  });

  it('records a failure from the claim\'s reserve when the disk refuses the record, and moves current back', async () => {
    // Prepare: V1 current, V2 claimed and promoted, then the disk fills up.
    await registry.claim('lstm', V1, 'exec-1');
    await registry.complete('lstm', V1, { version: V1 });
    await registry.promote('lstm', undefined, V1);
    await registry.claim('lstm', V2, 'exec-2');
    await registry.promote('lstm', V1, V2);
    fillDisk();
    // Act
    const restored = await registry.restore('lstm', V2, V1);
    await registry.fail('lstm', V2, { error: 'States.TaskFailed', cause: 'cannot write: no space left on device (ENOSPC)' }, { executionId: 'exec-2' });
    // Assess
    expect(restored).toBe(true);
    expect(await registry.current('lstm')).toBe(V1);
    expect(await registry.get('lstm', V2)).toMatchObject({ status: 'FAILED', executionId: 'exec-2', error: UNRECORDED_FAILURE });
    expect((await readdir(join(dataDir, 'registry', 'lstm'))).sort()).toEqual(['.locks', `${V1}.json`, `${V2}.json`]);
    expect(await readdir(join(dataDir, 'registry', 'lstm', '.locks'))).toEqual([]);
    // The freed claim is taken again once there is room.
    faults.disarm();
    expect(await registry.claim('lstm', V2, 'exec-3')).toMatchObject({ claimed: true });
  });

  it('records the real failure when the disk takes it, and drops the reserve', async () => {
    // Prepare
    await registry.claim('lstm', V1, 'exec-1');
    // Act
    await registry.fail('lstm', V1, { error: 'Boom', cause: 'a cause' });
    // Assess
    expect(await registry.get('lstm', V1)).toMatchObject({ status: 'FAILED', error: { error: 'Boom', cause: 'a cause' } });
    expect((await readdir(join(dataDir, 'registry', 'lstm'))).sort()).toEqual(['.locks', `${V1}.json`]);
  });
});
