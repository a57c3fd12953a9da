import { csvField } from '../data/csv.ts';
import type { WalkForwardRow } from './walk-forward.ts';

export const FORECAST_CSV_HEADER = ['symbol', 'week_start', 'week_end', 'forecast', 'snapshot', 'walk_forward', 'realised'] as const;

/** Machine-readable: one row per (symbol, week), numbers at full precision, empty for unknown. */
export function formatForecastsCsv(rows: readonly WalkForwardRow[]): string {
  const lines = [FORECAST_CSV_HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [r.symbol, r.weekStart, r.weekEnd, r.forecast, r.snapshot ?? '', r.walk_forward, r.realised ?? ''].map((v) => csvField(v)).join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** For a person: aligned columns, returns in percent, and a footer saying which models made the forecasts. */
export function formatForecastsTable(rows: readonly WalkForwardRow[]): string {
  if (rows.length === 0) return 'no forecasts: no complete week in the range\n';
  const header = ['symbol', 'week', 'forecast', 'snapshot used', 'realised'];
  const body = rows.map((r) => [
    r.symbol,
    `${r.weekStart}..${r.weekEnd}`,
    percent(r.forecast),
    r.snapshot ?? 'FINAL MODEL (not walk-forward)',
    r.realised === null ? '-' : percent(r.realised),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const numeric = new Set([2, 4]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line), '', ...formatForecastsSummary(rows)].join('\n') + '\n';
}

/** The footer: counts, which models made the forecasts, the hit rate beside "always up", the weekly rank IC. */
export function formatForecastsSummary(rows: readonly WalkForwardRow[]): string[] {
  const symbols = new Set(rows.map((r) => r.symbol));
  const weeks = new Set(rows.map((r) => r.weekStart));
  const bySnapshot = new Map<string, number>();
  for (const r of rows) bySnapshot.set(r.snapshot ?? 'final model', (bySnapshot.get(r.snapshot ?? 'final model') ?? 0) + 1);
  const lines = [
    `${rows.length} forecasts: ${symbols.size} symbol(s) x ${weeks.size} week(s)`,
    `made by: ${[...bySnapshot].map(([name, n]) => `${name === 'final model' ? name : `snapshot ${name}`} (${n})`).join(', ')}`,
  ];
  const finalRows = rows.filter((r) => r.walk_forward === 'final_model').length;
  if (finalRows > 0) lines.push(`warning: ${finalRows} forecast(s) come from the final model, which was trained on data after those weeks (walk_forward: final_model)`);
  const { forecasts, hits, ups } = directionCounts(rows);
  if (forecasts > 0) {
    const pct = (n: number) => ((100 * n) / forecasts).toFixed(1);
    lines.push(`direction right in ${hits} of ${forecasts} walk-forward forecasts with a known outcome (${pct(hits)}%; always-up baseline ${pct(ups)}%)`);
  }
  lines.push(rankIcLine(weeklyRankIc(rows)));
  return lines;
}

export interface DirectionCounts {
  /** Walk-forward forecasts with a known outcome: the denominator of both rates. */
  forecasts: number;
  /** Of those, the ones whose sign was the realised return's. */
  hits: number;
  /** Of those, the weeks that rose: where the "always up" baseline is right. */
  ups: number;
}

/** The hit rate's counts. Only walk-forward rows: the final model has seen those weeks, its hit rate would flatter it. */
export function directionCounts(rows: readonly WalkForwardRow[]): DirectionCounts {
  const known = rows.filter((r) => r.realised !== null && r.walk_forward === 'snapshot');
  return {
    forecasts: known.length,
    hits: known.filter((r) => Math.sign(r.forecast) === Math.sign(r.realised as number)).length,
    ups: known.filter((r) => (r.realised as number) > 0).length,
  };
}

function rankIcLine(ic: RankIcSummary): string {
  const what = `rank IC (Spearman of forecast vs realised across symbols, each week with >= ${MIN_SYMBOLS_PER_WEEK} symbols)`;
  if (ic.weeks === 0 || ic.mean === null) return `${what}: no such week with known outcomes`;
  const t = ic.tStat === null ? 'n/a' : ic.tStat.toFixed(2);
  return `${what}: mean ${ic.mean.toFixed(4)}, t-stat ${t}, over ${ic.weeks} week(s)`;
}

// ---- weekly cross-sectional rank IC (as Qlib reports it) ----------------------------------------

/** A week needs this many symbols for a rank correlation to mean anything. */
export const MIN_SYMBOLS_PER_WEEK = 3;

export interface RankIcSummary {
  /** Weeks with an IC: at least MIN_SYMBOLS_PER_WEEK walk-forward rows with a known outcome, and neither side all ties. */
  weeks: number;
  /** Mean of the weekly ICs; null without weeks. */
  mean: number | null;
  /** mean / (sample std / sqrt(weeks)); null with fewer than 2 weeks or a zero std. */
  tStat: number | null;
  perWeek: { weekStart: string; symbols: number; ic: number }[];
}

/**
 * Each week, the Spearman correlation between the forecasts and the realised returns across the
 * week's symbols; then their mean and t-statistic over the weeks. Only walk-forward rows with a
 * known outcome count (the final model has seen those weeks).
 */
export function weeklyRankIc(rows: readonly WalkForwardRow[]): RankIcSummary {
  const byWeek = new Map<string, { forecast: number; realised: number }[]>();
  for (const r of rows) {
    if (r.walk_forward !== 'snapshot' || r.realised === null) continue;
    const week = byWeek.get(r.weekStart) ?? [];
    week.push({ forecast: r.forecast, realised: r.realised });
    byWeek.set(r.weekStart, week);
  }
  const perWeek: RankIcSummary['perWeek'] = [];
  for (const [weekStart, pairs] of [...byWeek].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (pairs.length < MIN_SYMBOLS_PER_WEEK) continue;
    const ic = spearman(pairs.map((p) => p.forecast), pairs.map((p) => p.realised));
    if (ic !== null) perWeek.push({ weekStart, symbols: pairs.length, ic });
  }
  const n = perWeek.length;
  if (n === 0) return { weeks: 0, mean: null, tStat: null, perWeek };
  const mean = perWeek.reduce((sum, w) => sum + w.ic, 0) / n;
  const std = n > 1 ? Math.sqrt(perWeek.reduce((sum, w) => sum + (w.ic - mean) ** 2, 0) / (n - 1)) : 0;
  return { weeks: n, mean, tStat: std > 0 ? mean / (std / Math.sqrt(n)) : null, perWeek };
}

/** Spearman's rho: the Pearson correlation of the average ranks (ties share their mean rank). Null when a side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} values against ${y.length}`);
  return pearson(averageRanks(x), averageRanks(y));
}

/** 1-based ranks, ties given the average of the ranks they span: [10, 20, 20, 5] → [2, 3.5, 3.5, 1]. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].value === order[start].value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k].index] = rank;
    start = end + 1;
  }
  return ranks;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function percent(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
}
