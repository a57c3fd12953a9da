/**
 * The walk-forward score of a version: its snapshots' forecasts grouped by the snapshot year that
 * made them, each group with the hit rate beside "always up" and the weekly rank IC, plus the whole
 * period. Computed with the functions `mizan forecasts` prints its summary with, so both agree.
 * Beside the model's rank IC, the same IC of two price rankings (rank-baselines.ts) on its weeks.
 */
import type { ForecasterKind } from '../config/model-kinds.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import { directionCounts, weeklyRankIc, type RankIcSummary } from './format-forecasts.ts';
import { walkForwardKey } from './snapshot-paths.ts';
import type { RankBaselineName } from './rank-baselines.ts';
import type { WalkForwardRow } from './walk-forward.ts';

/** A baseline ranking's weekly rank IC on the model's weeks, and how the model's IC differs from it. */
export interface RankIcBaselineLine {
  rank_ic_mean: number | null;
  rank_ic_t: number | null;
  /** The model's IC weeks on which the baseline has an IC too (its symbols need the history). */
  rank_ic_weeks: number;
  /** Mean over those weeks of (model's IC − baseline's IC), and its t-stat: is the model the better ranking? */
  model_minus_baseline: number | null;
  model_minus_baseline_t: number | null;
}

export interface WalkForwardScoreLine {
  /** Weeks with at least one walk-forward forecast of a known outcome. */
  weeks: number;
  /** The first and last of those weeks (their first day); null without weeks. */
  first_week: string | null;
  last_week: string | null;
  /** Walk-forward forecasts with a known outcome: the denominator of both rates. */
  forecasts: number;
  hits: number;
  /** hits / forecasts; null without forecasts. */
  hit_rate: number | null;
  /** Share of those forecasts whose week rose: the hit rate of always forecasting "up". */
  always_up_rate: number | null;
  rank_ic_mean: number | null;
  rank_ic_t: number | null;
  rank_ic_weeks: number;
  /** Absent in scores stored before the baselines were added. */
  baselines?: Record<RankBaselineName, RankIcBaselineLine>;
}

export interface WalkForwardYear extends WalkForwardScoreLine {
  /** The snapshot's cutoff; its forecasts are for the weeks after it (to the next snapshot's). */
  year_end: string;
}

/** What `runs/{kind}/{version}/walk-forward.json` holds. */
export interface WalkForwardScore {
  kind: ForecasterKind;
  version: string;
  /** First and last week (Monday) scored. */
  from: string;
  to: string;
  symbols: string[];
  snapshots: { year_end: string; snapshot_key: string }[];
  years: WalkForwardYear[];
  total: WalkForwardScoreLine;
  created_at: string;
}

/** Per baseline, its rows: the model's rows with the baseline's signal as the forecast. */
export type BaselineRowSets = Partial<Record<RankBaselineName, readonly WalkForwardRow[]>>;

/** The score of a set of rows (only walk-forward rows with a known outcome count, as in `mizan forecasts`). */
export function scoreLine(rows: readonly WalkForwardRow[], baselines: BaselineRowSets = {}): WalkForwardScoreLine {
  const { forecasts, hits, ups } = directionCounts(rows);
  const weeks = [...new Set(rows.filter((r) => r.realised !== null && r.walk_forward === 'snapshot').map((r) => r.weekStart))].sort();
  const ic = weeklyRankIc(rows);
  return {
    weeks: weeks.length,
    first_week: weeks[0] ?? null,
    last_week: weeks.at(-1) ?? null,
    forecasts,
    hits,
    hit_rate: forecasts > 0 ? hits / forecasts : null,
    always_up_rate: forecasts > 0 ? ups / forecasts : null,
    rank_ic_mean: ic.mean,
    rank_ic_t: ic.tStat,
    rank_ic_weeks: ic.weeks,
    ...(Object.keys(baselines).length > 0 ? { baselines: baselineLines(ic.perWeek, baselines) } : {}),
  };
}

function baselineLines(modelWeeks: RankIcSummary['perWeek'], baselines: BaselineRowSets): Record<RankBaselineName, RankIcBaselineLine> {
  const model = new Map(modelWeeks.map((w) => [w.weekStart, w.ic]));
  const lines = {} as Record<RankBaselineName, RankIcBaselineLine>;
  for (const [name, rows] of Object.entries(baselines) as [RankBaselineName, readonly WalkForwardRow[]][]) {
    // The same weeks as the model: a week the model has no IC for is not the baseline's either.
    const ic = weeklyRankIc(rows.filter((r) => model.has(r.weekStart)));
    const gap = meanAndT(ic.perWeek.map((w) => (model.get(w.weekStart) as number) - w.ic));
    lines[name] = { rank_ic_mean: ic.mean, rank_ic_t: ic.tStat, rank_ic_weeks: ic.weeks, model_minus_baseline: gap.mean, model_minus_baseline_t: gap.t };
  }
  return lines;
}

/** Mean and t-stat (mean / (sample std / √n)), as weeklyRankIc computes them. */
function meanAndT(values: readonly number[]): { mean: number | null; t: number | null } {
  const n = values.length;
  if (n === 0) return { mean: null, t: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, t: std > 0 ? mean / (std / Math.sqrt(n)) : null };
}

/** One line per snapshot year (in `yearEnds` order, empty years included) and the whole period. */
export function scoreByYear(
  rows: readonly WalkForwardRow[],
  yearEnds: readonly string[],
  baselines: BaselineRowSets = {},
): { years: WalkForwardYear[]; total: WalkForwardScoreLine } {
  const ofYear = (yearEnd: string) => (r: WalkForwardRow) => r.snapshot === yearEnd;
  const years = yearEnds.map((yearEnd) => ({
    year_end: yearEnd,
    ...scoreLine(rows.filter(ofYear(yearEnd)), Object.fromEntries(Object.entries(baselines).map(([name, b]) => [name, b.filter(ofYear(yearEnd))]))),
  }));
  return { years, total: scoreLine(rows, baselines) };
}

/** The stored score of a version; undefined when it was not scored (skip_snapshot, an agent, an older run). */
export function readWalkForwardScore(store: ArtifactStore, kind: ForecasterKind, version: string): Promise<WalkForwardScore | undefined> {
  return getJson<WalkForwardScore>(store, walkForwardKey(kind, version));
}
