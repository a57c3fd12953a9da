import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import { listSnapshots } from '../../src/snapshots/list-snapshots.ts';
import { readSnapshotOutcomes, writeSnapshotOutcome } from '../../src/snapshots/snapshot-outcomes.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const metadata = (yearEnd: string) => ({
  kind: 'lstm',
  snapshot_key: `s${yearEnd.replaceAll('-', '')}-0123456789abcdef`,
  year_end: yearEnd,
  training_data_end: yearEnd,
  last_training_week_end: `${yearEnd.slice(0, 4)}-12-24`,
  symbols: ['AAPL'],
  config: { hiddenUnits: 8 },
  config_hash: 'abcdef012345',
  metrics: { train_loss: 0.002, val_loss: 0.003, baseline_loss: 0.0031 },
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('listSnapshots', () => {
  let dir: string;
  let store: DirArtifactStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mizan-list-'));
    store = new DirArtifactStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists only committed snapshots (metadata.json present), by year end', async () => {
    // Prepare: two committed snapshots, and one whose write died before its metadata
    await writeModelFiles(store, 'models/snapshots/lstm/2021-12-31', { 'weights.bin': bytes('b') }, metadata('2021-12-31'));
    await writeModelFiles(store, 'models/snapshots/lstm/2020-12-31', { 'weights.bin': bytes('a') }, metadata('2020-12-31'));
    await store.put('models/snapshots/lstm/2022-12-31/weights.bin', bytes('half-written'));
    // Act
    const listed = await listSnapshots(store, 'lstm');
    // Assess
    expect(listed.map((s) => [s.yearEnd, s.key, s.configHash, s.trainingDataEnd, s.metrics.val_loss, s.createdAt])).toEqual([
      ['2020-12-31', 's20201231-0123456789abcdef', 'abcdef012345', '2020-12-31', 0.003, '2026-01-01T00:00:00.000Z'],
      ['2021-12-31', 's20211231-0123456789abcdef', 'abcdef012345', '2021-12-31', 0.003, '2026-01-01T00:00:00.000Z'],
    ]);
    expect(await listSnapshots(store, 'patchtst')).toEqual([]);
  });

  it('fails clearly on a metadata file that is not a snapshot\'s, and on a non-forecaster kind', async () => {
    await store.put('models/snapshots/lstm/2020-12-31/metadata.json', '{"version":"v1"}');
    await expect(listSnapshots(store, 'lstm')).rejects.toThrow(/models\/snapshots\/lstm\/2020-12-31\/metadata.json: not a snapshot metadata file \(snapshot_key missing/);
    await expect(listSnapshots(store, 'ppo_lstm' as never)).rejects.toThrow(/only for forecasters/);
  });
});

describe('readSnapshotOutcomes', () => {
  it('returns what a run recorded per year, by year end, and nothing for a run that backfilled nothing', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'mizan-outcomes-'));
    const store = new DirArtifactStore(dir);
    await writeSnapshotOutcome(store, 'lstm', 'v2022.12.30-abc123', { yearEnd: '2021-12-31', outcome: 'skipped', snapshotKey: 'k2', lastTrainingWeekEnd: '2021-12-23', seconds: 0.1 });
    await writeSnapshotOutcome(store, 'lstm', 'v2022.12.30-abc123', { yearEnd: '2020-12-31', outcome: 'replaced', snapshotKey: 'k1', replacedKey: 'k0', lastTrainingWeekEnd: '2020-12-24', seconds: 9 });
    // Act
    const outcomes = await readSnapshotOutcomes(store, 'lstm', 'v2022.12.30-abc123');
    // Assess
    expect(outcomes.map((o) => [o.yearEnd, o.outcome])).toEqual([
      ['2020-12-31', 'replaced'],
      ['2021-12-31', 'skipped'],
    ]);
    expect(await readSnapshotOutcomes(store, 'lstm', 'v2022.12.30-def456')).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
});
