/**
 * The trainer's 'walk-forward' task ("Score walk-forward", after the backfill): the version's own
 * snapshots forecast the plan's symbols over the run's window, week by week with the latest snapshot
 * before each week, and the score per snapshot year is stored at runs/{kind}/{version}/walk-forward.json.
 * Only weeks a snapshot covers: the final model has seen them all, so it never stands in.
 * Beside the model's weekly rank IC, 12-1 momentum's and 1-week reversal's on the same rows, from
 * the bars before each week (rank-baselines.ts).
 */
import type { ForecasterKind } from '../config/model-kinds.ts';
import { addDays } from '../data/dates.ts';
import type { TrainingPlan } from '../models/training-plan.ts';
import { putJson } from '../ports/artifact-store.ts';
import type { DailyBar, MarketData } from '../ports/market-data.ts';
import { readAllSnapshotMetadata } from './list-snapshots.ts';
import { baselineRows, RANK_BASELINES, type RankBaselineName } from './rank-baselines.ts';
import { readSnapshotOutcomes } from './snapshot-outcomes.ts';
import { assertForecasterKind, walkForwardKey } from './snapshot-paths.ts';
import { walkForwardForecasts, type WalkForwardDeps } from './walk-forward.ts';
import { scoreByYear, type WalkForwardScore, type WalkForwardScoreLine } from './walk-forward-score.ts';
import type { WalkForwardRow } from './walk-forward.ts';

export async function scoreWalkForward(plan: TrainingPlan, deps: WalkForwardDeps & { log: (line: string) => void }): Promise<WalkForwardScore> {
  const kind = plan.kind;
  assertForecasterKind(kind);
  const yearEnds = [...plan.snapshotYearEnds].sort();
  if (yearEnds.length === 0) throw new Error(`${kind} ${plan.version} has no snapshot years to score`);

  // The snapshots this version's backfill committed (trained or kept), by the keys it recorded.
  const outcomes = new Map((await readSnapshotOutcomes(deps.store, kind, plan.version)).map((o) => [o.yearEnd, o.snapshotKey]));
  const missing = yearEnds.filter((y) => !outcomes.has(y));
  if (missing.length > 0) throw new Error(`${kind} ${plan.version}: no backfilled snapshot for ${missing.join(', ')}: backfill the snapshots before scoring them`);
  const snapshotKeys = Object.fromEntries(yearEnds.map((y) => [y, outcomes.get(y) as string]));

  // From the first week after the oldest cutoff to the window's last week (its target weeks end by
  // window.end): every such week's latest earlier year end is one of the plan's, so its own snapshots
  // make all the forecasts, provided no other run replaced one meanwhile (checked before and after).
  const from = [plan.window.start, addDays(yearEnds[0], 1)].sort().at(-1) as string;
  await assertSnapshotsUnchanged(kind, snapshotKeys, deps);
  const rows = (await walkForwardForecasts({ kind, symbols: plan.symbols, from, to: plan.window.end, allowFinalModel: false }, deps)).filter(
    (r) => r.weekEnd <= plan.window.end,
  );
  await assertSnapshotsUnchanged(kind, snapshotKeys, deps);
  const stray = rows.find((r) => r.snapshot === null || !(r.snapshot in snapshotKeys));
  if (stray) throw new Error(`${kind} ${plan.version}: the week of ${stray.weekStart} was forecast by ${stray.snapshot ?? 'the final model'}, not one of this run's snapshots`);
  if (rows.length === 0) throw new Error(`${kind} ${plan.version}: no walk-forward week between ${from} and ${plan.window.end}`);

  const bars = await barsForBaselines(deps.marketData, plan.symbols, rows[0].weekStart, plan.window.end);
  const baselines = Object.fromEntries(RANK_BASELINES.map((name) => [name, baselineRows(name, rows, bars)])) as Record<RankBaselineName, WalkForwardRow[]>;
  const { years, total } = scoreByYear(rows, yearEnds, baselines);
  const score: WalkForwardScore = {
    kind,
    version: plan.version,
    from: rows[0].weekStart,
    to: rows.at(-1)!.weekStart,
    symbols: [...plan.symbols],
    snapshots: yearEnds.map((y) => ({ year_end: y, snapshot_key: snapshotKeys[y] })),
    years,
    total,
    created_at: new Date().toISOString(),
  };
  await putJson(deps.store, walkForwardKey(kind, plan.version), score);
  for (const year of years) deps.log(`walk-forward ${kind} snapshot ${year.year_end}: ${describe(year)}`);
  deps.log(`walk-forward ${kind} ${plan.version} ${score.from}..${score.to}: ${describe(total)}`);
  return score;
}

/**
 * Each symbol's bars from well over a year (252 trading days) before the first week to the window's
 * end; the signals read only those before each week's first session.
 */
async function barsForBaselines(marketData: MarketData, symbols: readonly string[], firstWeek: string, end: string): Promise<Map<string, DailyBar[]>> {
  const start = addDays(firstWeek, -400);
  return new Map(await Promise.all(symbols.map(async (symbol) => [symbol, await marketData.dailyBars(symbol, { start, end })] as const)));
}

/** Each pinned year end is committed under the key this run's backfill recorded. */
async function assertSnapshotsUnchanged(kind: ForecasterKind, snapshotKeys: Record<string, string>, deps: Pick<WalkForwardDeps, 'store'>): Promise<void> {
  const committed = new Map((await readAllSnapshotMetadata(deps.store, kind)).map((meta) => [meta.year_end, meta.snapshot_key]));
  for (const [yearEnd, key] of Object.entries(snapshotKeys)) {
    const now = committed.get(yearEnd);
    if (now === undefined) throw new Error(`the ${kind} snapshot ${yearEnd} (${key}) is not committed`);
    if (now !== key) throw new Error(`the ${kind} snapshot ${yearEnd} is ${now} now, not ${key}: another run replaced it`);
  }
}

function describe(line: WalkForwardScoreLine): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`);
  const ic = line.rank_ic_mean === null ? 'n/a' : `${line.rank_ic_mean.toFixed(4)} (t ${line.rank_ic_t?.toFixed(2) ?? 'n/a'}, ${line.rank_ic_weeks} weeks)`;
  const baselines = Object.entries(line.baselines ?? {})
    .map(([name, b]) => `, ${name} ${b.rank_ic_mean === null ? 'n/a' : `${b.rank_ic_mean.toFixed(4)} (t ${b.rank_ic_t?.toFixed(2) ?? 'n/a'})`}`)
    .join('');
  return `${line.weeks} weeks, hit rate ${pct(line.hit_rate)} (${line.hits}/${line.forecasts}) vs always up ${pct(line.always_up_rate)}, rank IC ${ic}${baselines}`;
}
