/**
 * A quick run with skip_snapshot, then the same request wanting snapshots: the second run
 * backfills the snapshot years and reuses the committed model instead of retraining it.
 */
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, smokeServerForFile } from './support.ts';

describe('a later request with snapshots after a skip_snapshot run', () => {
  const ctx = smokeServerForFile();

  it('backfills the snapshots without retraining the model, then answers at once', async () => {
    // Prepare: the quick run trains the main model only.
    const quick = await call(ctx.server.url, 'POST', '/train/lstm?wait=600', '{"skip_snapshot":true}');
    expect(quick.status, quick.text).toBe(200);
    expect(quick.body.snapshots).toBeUndefined();
    expect(ctx.server.workflow.trainers.spawned).toBe(1);
    const version = String(quick.body.version);
    const versionDir = join(ctx.dataDir, 'models', 'lstm', version);
    const weightsBefore = await readFile(join(versionDir, 'weights.bin'));
    const metadataBefore = await readFile(join(versionDir, 'metadata.json'), 'utf8');
    const currentBefore = await readlink(join(ctx.dataDir, 'models', 'lstm', 'current'));

    // Act
    const full = await call(ctx.server.url, 'POST', '/train/lstm?wait=600', '{"skip_snapshot":false}');

    // Assess: same version, snapshots trained, the model itself untouched.
    expect(full.status, full.text).toBe(200);
    // The decision that made it current stands (not re-decided as "already current").
    expect(full.body).toMatchObject({ version, metrics: quick.body.metrics, promoted: true, prior_version: quick.body.prior_version, promotion: quick.body.promotion });
    expect(full.body.snapshots).toEqual([
      { year_end: '2020-12-31', outcome: 'trained' },
      { year_end: '2021-12-31', outcome: 'trained' },
    ]);
    expect(full.body.walk_forward).toMatchObject({ weeks: 104 }); // scored walk-forward: 2021 and 2022
    expect(ctx.server.workflow.trainers.spawned).toBe(1 + 4); // Train (reusing) + two snapshot years + Score walk-forward
    const log = await readFile(join(ctx.dataDir, 'executions', `${version}-retry2.log`), 'utf8');
    expect(log).toContain('already trained: reusing the committed model');
    expect((await readFile(join(versionDir, 'weights.bin'))).equals(weightsBefore)).toBe(true);
    expect(await readFile(join(versionDir, 'metadata.json'), 'utf8')).toBe(metadataBefore);
    expect(await readlink(join(ctx.dataDir, 'models', 'lstm', 'current'))).toBe(currentBefore);
    for (const yearEnd of ['2020-12-31', '2021-12-31']) {
      expect(JSON.parse(await readFile(join(ctx.dataDir, 'models', 'snapshots', 'lstm', yearEnd, 'metadata.json'), 'utf8'))).toBeTruthy();
    }

    // A third identical request: 200 at once with the same response, no new execution.
    const again = await call(ctx.server.url, 'POST', '/train/lstm', '{"skip_snapshot":false}');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(full.body);
    expect(ctx.server.workflow.trainers.spawned).toBe(5);
    const models = await call(ctx.server.url, 'GET', '/models/lstm');
    expect((models.body.versions as { execution_id: string }[]).map((v) => v.execution_id)).toEqual([`${version}-retry2`]);
  });
});
