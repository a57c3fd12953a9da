/**
 * The trainer's 'walk-forward' task on the smoke profile (snapshot years 2020 and 2021): the score it
 * stores at runs/lstm/{version}/walk-forward.json against a computation of our own from the rows
 * `walkForwardForecasts` gives for the same weeks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { runTrainJob, type TrainJobDeps } from '../../src/pipeline/train-job.ts';
import { getJson, putJson } from '../../src/ports/artifact-store.ts';
import { spearman, weeklyRankIc } from '../../src/snapshots/format-forecasts.ts';
import { baselineRows, RANK_BASELINES } from '../../src/snapshots/rank-baselines.ts';
import { outcomeKey, walkForwardKey } from '../../src/snapshots/snapshot-paths.ts';
import { readSnapshotOutcomes, type SnapshotOutcome } from '../../src/snapshots/snapshot-outcomes.ts';
import { walkForwardForecasts, type WalkForwardRow } from '../../src/snapshots/walk-forward.ts';
import type { WalkForwardScore } from '../../src/snapshots/walk-forward-score.ts';
import { smokeForecasterPlan } from '../support/smoke-forecaster-plan.ts';
import { sampleUniverse } from '../support/snapshot-deps.ts';

/** Our own figures for a group of rows: counted here, the weekly rank IC's mean and t-stat computed here. */
function expected(rows: WalkForwardRow[]) {
  const hits = rows.filter((r) => (r.forecast > 0 && r.realised! > 0) || (r.forecast < 0 && r.realised! < 0) || (r.forecast === 0 && r.realised === 0)).length;
  const ups = rows.filter((r) => r.realised! > 0).length;
  const byWeek = new Map<string, WalkForwardRow[]>();
  for (const r of rows) byWeek.set(r.weekStart, [...(byWeek.get(r.weekStart) ?? []), r]);
  const ics = [...byWeek.values()].map((week) => spearman(week.map((r) => r.forecast), week.map((r) => r.realised!))).filter((ic): ic is number => ic !== null);
  const mean = ics.reduce((a, b) => a + b, 0) / ics.length;
  const sd = Math.sqrt(ics.reduce((a, b) => a + (b - mean) ** 2, 0) / (ics.length - 1));
  return { weeks: byWeek.size, forecasts: rows.length, hits, hit_rate: hits / rows.length, always_up_rate: ups / rows.length, rank_ic_mean: mean, rank_ic_t: mean / (sd / Math.sqrt(ics.length)), rank_ic_weeks: ics.length };
}

describe("the trainer's walk-forward task (bundled sample, smoke profile)", () => {
  const marketData = new SampleMarketData();
  let dir: string;
  let deps: TrainJobDeps;
  let plan: TrainingPlan;
  const log: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mizan-walk-forward-score-'));
    deps = { store: new DirArtifactStore(dir), registry: new LocalModelRegistry(dir), marketData, universe: await sampleUniverse(marketData), log: (line) => log.push(line) };
    plan = await smokeForecasterPlan(marketData);
    // What "Backfill snapshots" does: one snapshot job per year end.
    for (const snapshotYearEnd of plan.snapshotYearEnds) await runTrainJob({ task: 'snapshot', plan, snapshotYearEnd }, deps);
  }, 600_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores per snapshot year the hit rate beside always-up and the weekly rank IC, and the whole period, as the rows give them', async () => {
    // Act
    const result = await runTrainJob({ task: 'walk-forward', plan }, deps);
    // Assess
    const stored = (await getJson<WalkForwardScore>(deps.store, walkForwardKey('lstm', plan.version)))!;
    const rows = await walkForwardForecasts({ kind: 'lstm', symbols: plan.symbols, from: '2021-01-04', to: '2022-12-26', allowFinalModel: false }, deps);
    expect(rows.length).toBe(plan.symbols.length * 104); // 52 weeks of 2021 and 52 of 2022, all with known outcomes
    expect(rows.every((r) => r.realised !== null && r.weekEnd <= plan.window.end)).toBe(true);
    const outcomes = await readSnapshotOutcomes(deps.store, 'lstm', plan.version);
    expect(stored).toMatchObject({
      kind: 'lstm',
      version: plan.version,
      from: rows[0].weekStart,
      to: rows.at(-1)!.weekStart,
      symbols: plan.symbols,
      snapshots: outcomes.map((o) => ({ year_end: o.yearEnd, snapshot_key: o.snapshotKey })),
    });
    // Each week is forecast by the snapshot of the year before it.
    const byYear = [
      ['2020-12-31', rows.filter((r) => r.weekStart.startsWith('2021'))],
      ['2021-12-31', rows.filter((r) => r.weekStart.startsWith('2022'))],
    ] as const;
    expect(stored.years.map((y) => y.year_end)).toEqual(byYear.map(([yearEnd]) => yearEnd));
    for (const [i, [yearEnd, group]] of byYear.entries()) {
      const want = expected([...group]);
      const got = stored.years[i];
      expect(got, yearEnd).toMatchObject({ weeks: 52, forecasts: plan.symbols.length * 52, first_week: group[0].weekStart, last_week: group.at(-1)!.weekStart });
      expect([got.hits, got.rank_ic_weeks], yearEnd).toEqual([want.hits, want.rank_ic_weeks]);
      for (const field of ['hit_rate', 'always_up_rate', 'rank_ic_mean', 'rank_ic_t'] as const) expect(got[field], `${yearEnd} ${field}`).toBeCloseTo(want[field], 12);
    }
    const all = expected(rows);
    expect(stored.total).toMatchObject({ weeks: 104, forecasts: rows.length, hits: all.hits, rank_ic_weeks: all.rank_ic_weeks });
    for (const field of ['hit_rate', 'always_up_rate', 'rank_ic_mean', 'rank_ic_t'] as const) expect(stored.total[field], field).toBeCloseTo(all[field], 12);
    // 12-1 momentum and 1-week reversal, from the sample's bars, on the same rows.
    const bars = new Map(await Promise.all(plan.symbols.map(async (s) => [s, await marketData.dailyBars(s, { start: '2019-01-01', end: plan.window.end })] as const)));
    for (const name of RANK_BASELINES) {
      const ic = weeklyRankIc(baselineRows(name, rows, bars));
      expect(stored.total.baselines![name].rank_ic_weeks, name).toBe(all.rank_ic_weeks);
      expect(stored.total.baselines![name].rank_ic_mean, name).toBeCloseTo(ic.mean!, 12);
      expect(stored.total.baselines![name].rank_ic_t, name).toBeCloseTo(ic.tStat!, 12);
    }
    expect(result).toMatchObject({ task: 'walk-forward', version: plan.version, total: stored.total });
    expect(log.filter((l) => l.startsWith('walk-forward lstm snapshot'))).toHaveLength(2);
  }, 300_000);

  it("refuses to score snapshots that are not this version's backfill: a year not backfilled, or replaced by another run", async () => {
    // Prepare
    const key = outcomeKey('lstm', plan.version, '2021-12-31');
    const outcome = (await getJson<SnapshotOutcome>(deps.store, key))!;
    const other = { ...plan, version: 'v2022.12.30-000000000000' };
    for (const yearEnd of ['2020-12-31']) await putJson(deps.store, outcomeKey('lstm', other.version, yearEnd), (await readSnapshotOutcomes(deps.store, 'lstm', plan.version))[0]);
    try {
      // Act / Assess
      await expect(runTrainJob({ task: 'walk-forward', plan: other }, deps)).rejects.toThrow(/no backfilled snapshot for 2021-12-31: backfill the snapshots before scoring them/);
      await putJson(deps.store, key, { ...outcome, snapshotKey: 's20211231-0000000000000000' });
      await expect(runTrainJob({ task: 'walk-forward', plan }, deps)).rejects.toThrow(/snapshot 2021-12-31 is s20211231-[0-9a-f]+ now, not s20211231-0000000000000000: another run replaced it/);
    } finally {
      await putJson(deps.store, key, outcome);
    }
  });
});
