/**
 * The walk-forward score of a version: its snapshots' forecasts grouped by the snapshot year that
 * made them, each group with the hit rate beside "always up" and the weekly rank IC, plus the whole
 * period. Computed with the functions `mizan forecasts` prints its summary with, so both agree.
 */
import type { ForecasterKind } from '../config/model-kinds.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import { directionCounts, weeklyRankIc } from './format-forecasts.ts';
import { walkForwardKey } from './snapshot-paths.ts';
import type { WalkForwardRow } from './walk-forward.ts';

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

/** The score of a set of rows (only walk-forward rows with a known outcome count, as in `mizan forecasts`). */
export function scoreLine(rows: readonly WalkForwardRow[]): WalkForwardScoreLine {
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
  };
}

/** One line per snapshot year (in `yearEnds` order, empty years included) and the whole period. */
export function scoreByYear(rows: readonly WalkForwardRow[], yearEnds: readonly string[]): { years: WalkForwardYear[]; total: WalkForwardScoreLine } {
  const years = yearEnds.map((yearEnd) => ({ year_end: yearEnd, ...scoreLine(rows.filter((r) => r.snapshot === yearEnd)) }));
  return { years, total: scoreLine(rows) };
}

/** The stored score of a version; undefined when it was not scored (skip_snapshot, an agent, an older run). */
export function readWalkForwardScore(store: ArtifactStore, kind: ForecasterKind, version: string): Promise<WalkForwardScore | undefined> {
  return getJson<WalkForwardScore>(store, walkForwardKey(kind, version));
}
