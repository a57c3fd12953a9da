import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { readModelFiles } from '../../src/models/artifacts/model-files.ts';
import { listSnapshots } from '../../src/snapshots/list-snapshots.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';
import { readSnapshotOutcomes, trainSnapshot, type SnapshotOutcome } from '../../src/snapshots/train-snapshot.ts';
import { perturbedAfter } from '../support/perturbed-market-data.ts';
import { smokeForecasterPlan } from '../support/smoke-forecaster-plan.ts';
import { sampleUniverse, snapshotDeps } from '../support/snapshot-deps.ts';
import { PROFILES } from '../../src/config/profiles.ts';
import { loadSampleFundamentals, type Fundamentals } from '../../src/universe/fundamentals.ts';
import { SampleUniverse } from '../../src/adapters/sample/sample-universe.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const dirs: string[] = [];
async function tempStore(): Promise<DirArtifactStore> {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-snapshots-'));
  dirs.push(dir);
  return new DirArtifactStore(dir);
}

/** What the "Backfill snapshots" Map does: one trainer job per year end (here one after the other). */
async function backfill(plan: TrainingPlan, store: DirArtifactStore, marketData = new SampleMarketData(), log: string[] = []): Promise<SnapshotOutcome[]> {
  const outcomes: SnapshotOutcome[] = [];
  for (const yearEnd of plan.snapshotYearEnds) outcomes.push(await trainSnapshot({ plan, yearEnd }, await snapshotDeps(store, marketData, (l) => log.push(l))));
  return outcomes;
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('snapshot backfill on the bundled sample (smoke profile)', () => {
  const marketData = new SampleMarketData();
  let store: DirArtifactStore;
  let plan: TrainingPlan;
  let first: SnapshotOutcome[];
  const log: string[] = [];

  beforeAll(async () => {
    store = await tempStore();
    plan = await smokeForecasterPlan(marketData);
    first = await backfill(plan, store, marketData, log);
  });

  it('trains one snapshot per year end, each on data up to and including its year end', async () => {
    // Assess: the smoke window 2016-01-04..2022-12-30 gives the years 2020 and 2021
    expect(plan.snapshotYearEnds).toEqual(['2020-12-31', '2021-12-31']);
    expect(first.map((o) => [o.yearEnd, o.outcome])).toEqual([
      ['2020-12-31', 'trained'],
      ['2021-12-31', 'trained'],
    ]);
    for (const yearEnd of plan.snapshotYearEnds) {
      const stored = await readModelFiles(store, snapshotPrefix('lstm', yearEnd));
      expect(stored).toBeDefined();
      const meta = stored!.metadata;
      expect(Object.keys(stored!.files).sort()).toEqual(['config.json', 'model.json', 'scaler.json', 'weights.bin']);
      expect(meta.training_data_end).toBe(yearEnd);
      expect(meta.window).toEqual({ start: '2016-01-04', end: yearEnd });
      expect(meta.last_training_week_end as string <= yearEnd).toBe(true);
      expect(meta.config).toEqual(plan.config);
      expect(meta.symbols).toHaveLength(4); // the smoke profile's top 4 as of the year end (checked below)
      expect(meta.seed).toBe(42);
      expect(meta.data_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
    // the last complete week before 2020-12-31 (a Thursday) ends on Friday 2020-12-24's week: 12-24 (Christmas Eve, last trading day)
    expect(first[0].lastTrainingWeekEnd).toBe('2020-12-24');
  });

  it('reports each year as it starts and ends, and records the outcomes under the run', async () => {
    expect(log.some((l) => l.startsWith('snapshot lstm 2020-12-31: started (4 symbols of the universe as of 2020-12-31'))).toBe(true);
    expect(log.some((l) => /^snapshot lstm 2021-12-31: trained in \d+\.\d s \(val_loss /.test(l))).toBe(true);
    const recorded = await readSnapshotOutcomes(store, 'lstm', plan.version);
    expect(recorded.map((o) => [o.yearEnd, o.outcome])).toEqual([
      ['2020-12-31', 'trained'],
      ['2021-12-31', 'trained'],
    ]);
    const listed = await listSnapshots(store, 'lstm');
    expect(listed.map((s) => [s.yearEnd, s.key, s.trainingDataEnd])).toEqual(first.map((o) => [o.yearEnd, o.snapshotKey, o.yearEnd]));
  });

  it('trains nothing when the backfill runs again with the same inputs', async () => {
    // Prepare
    const before = await store.list('models/snapshots/lstm');
    const weightsBefore = await store.get(`${snapshotPrefix('lstm', '2020-12-31')}/weights.bin`);
    const againLog: string[] = [];
    // Act
    const again = await backfill(plan, store, marketData, againLog);
    // Assess
    expect(again.map((o) => o.outcome)).toEqual(['skipped', 'skipped']);
    expect(again.map((o) => o.snapshotKey)).toEqual(first.map((o) => o.snapshotKey));
    expect(againLog).toEqual([
      `snapshot lstm 2020-12-31: skipped (same inputs, ${first[0].snapshotKey})`,
      `snapshot lstm 2021-12-31: skipped (same inputs, ${first[1].snapshotKey})`,
    ]);
    expect(await store.list('models/snapshots/lstm')).toEqual(before);
    expect(await store.get(`${snapshotPrefix('lstm', '2020-12-31')}/weights.bin`)).toEqual(weightsBefore);
  });

  it('trains each snapshot on the universe as of its cutoff (screened and ranked then), not the run\'s', async () => {
    // Assess: the symbols each snapshot stored are the screen's top 4 as of its year end.
    const universe = await sampleUniverse(marketData);
    for (const yearEnd of plan.snapshotYearEnds) {
      const stored = await readModelFiles(store, snapshotPrefix('lstm', yearEnd));
      const expected = (await universe.halalSymbols(yearEnd)).slice(0, PROFILES.smoke.maxForecasterSymbols).sort();
      expect(stored!.metadata.symbols).toEqual(expected);
      expect(stored!.metadata.universe_as_of).toBe(yearEnd);
    }
  });

  it('ignores data after the cutoff: other later prices, statements and market caps give the same symbols, snapshot key and weights', async () => {
    // Prepare: the same real data, except every bar from 2021-01-01 on is changed, every statement
    // filed after the cutoff reports 100x the debt (it would fail the screen), and every market cap
    // dated after it is cut 100-fold (it would re-rank the universe).
    const cutoff = '2020-12-31';
    const later = perturbedAfter(marketData, '2021-01-01');
    const real = await loadSampleFundamentals();
    const laterFundamentals: Fundamentals = {
      companies: real.companies,
      statements: real.statements.map((s) => ((s.publishDate ?? s.periodEnd) > cutoff ? { ...s, totalDebt: (s.totalDebt ?? 1e9) * 100 } : s)),
      marketCaps: real.marketCaps.map((m) => (m.date > cutoff ? { ...m, marketCapUsd: m.marketCapUsd / 100 } : m)),
    };
    const laterUniverse = new SampleUniverse(laterFundamentals, later);
    expect(await laterUniverse.halalSymbols('2022-12-30')).not.toEqual(await (await sampleUniverse(marketData)).halalSymbols('2022-12-30'));
    const perturbedPlan = await smokeForecasterPlan(later);
    const freshStore = await tempStore();
    // Act
    const outcome = await trainSnapshot({ plan: perturbedPlan, yearEnd: cutoff }, await snapshotDeps(freshStore, later, () => {}, laterUniverse));
    const reuse = await trainSnapshot({ plan: perturbedPlan, yearEnd: cutoff }, await snapshotDeps(store, later, () => {}, laterUniverse));
    // Assess: the run's version sees the later data, the 2020 snapshot does not
    expect(perturbedPlan.version).not.toBe(plan.version);
    expect(outcome.snapshotKey).toBe(first[0].snapshotKey);
    const original = await readModelFiles(store, snapshotPrefix('lstm', '2020-12-31'));
    const retrained = await readModelFiles(freshStore, snapshotPrefix('lstm', '2020-12-31'));
    expect(sha256(retrained!.files['weights.bin'])).toBe(sha256(original!.files['weights.bin']));
    expect(retrained!.metadata.data_fingerprint).toBe(original!.metadata.data_fingerprint);
    expect(retrained!.metadata.symbols).toEqual(original!.metadata.symbols);
    expect(reuse.outcome).toBe('skipped');
  });

  it('replaces every year after a config change, leaving no file of the old snapshot', async () => {
    // Prepare
    const changed = await smokeForecasterPlan(marketData, { config: { hiddenUnits: 6 } });
    const oldKeys = first.map((o) => o.snapshotKey);
    // Act
    const outcomes = await backfill(changed, store, marketData);
    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['replaced', 'replaced']);
    expect(outcomes.map((o) => o.replacedKey)).toEqual(oldKeys);
    for (const [i, yearEnd] of changed.snapshotYearEnds.entries()) {
      const stored = await readModelFiles(store, snapshotPrefix('lstm', yearEnd));
      expect(stored!.metadata.snapshot_key).toBe(outcomes[i].snapshotKey);
      expect((stored!.metadata.config as { hiddenUnits: number }).hiddenUnits).toBe(6);
      const files = (await store.list(snapshotPrefix('lstm', yearEnd))).map((k) => k.split('/').pop());
      expect(files.sort()).toEqual(['config.json', 'metadata.json', 'model.json', 'scaler.json', 'weights.bin']);
    }
    expect((await readSnapshotOutcomes(store, 'lstm', changed.version)).map((o) => o.outcome)).toEqual(['replaced', 'replaced']);
  });

  it('refuses a year end that is not one of the run\'s, and a non-forecaster plan, writing nothing', async () => {
    // Prepare
    const emptyStore = await tempStore();
    const deps = await snapshotDeps(emptyStore, marketData);
    // Act / Assess
    await expect(trainSnapshot({ plan, yearEnd: '2019-12-31' }, deps)).rejects.toThrow(/2019-12-31 is not one of this run's snapshot year ends \(2020-12-31, 2021-12-31\)/);
    await expect(trainSnapshot({ plan, yearEnd: '2020-06-30' }, deps)).rejects.toThrow(/expected YYYY-12-31/);
    await expect(trainSnapshot({ plan: { ...plan, kind: 'ppo_lstm' }, yearEnd: '2020-12-31' }, deps)).rejects.toThrow(/only for forecasters/);
    expect(await emptyStore.list('')).toEqual([]);
  });
});
