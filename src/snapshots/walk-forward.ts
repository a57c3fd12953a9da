import type { ForecasterKind } from '../config/model-kinds.ts';
import { addDays, assertIsoDate } from '../data/dates.ts';
import { isoWeekMonday } from '../features/iso-week.ts';
import type { WeeklySample } from '../features/weekly-dataset.ts';
import { kindSpec } from '../models/kinds.ts';
import type { ForecasterSeam } from '../models/kind-trainer.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { UserInputError } from '../config/errors.ts';
import { canonicalJson } from '../registry/version.ts';
import { METADATA_FILE, readModelFiles, versionPrefix } from '../models/artifacts/model-files.ts';
import { readAllSnapshotMetadata } from './list-snapshots.ts';
import { snapshotForWeek } from './snapshot-for-week.ts';
import { assertForecasterKind, snapshotPrefix } from './snapshot-paths.ts';

export { snapshotForWeek } from './snapshot-for-week.ts';

export interface WalkForwardRow {
  symbol: string;
  weekStart: string;
  weekEnd: string;
  /** The forecast weekly return. */
  forecast: number;
  /** Year end of the snapshot that made the forecast; null when the final model made it. */
  snapshot: string | null;
  walk_forward: 'snapshot' | 'final_model';
  /** The week's actual return (the sample's target), null when not known yet. */
  realised: number | null;
}

export interface WalkForwardInput {
  kind: ForecasterKind;
  /** Default: the symbols of the newest snapshot usable in the range. */
  symbols?: string[];
  /** The weeks whose Monday lies in [from, to] (`--to 2020-12-28` includes the week starting that Monday). */
  from: string;
  to: string;
  /** Where no snapshot is old enough, use the current model (and mark those rows) instead of failing. */
  allowFinalModel: boolean;
}

export interface WalkForwardDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  signals?: SignalProvider;
}

/** A model that can make forecasts: a snapshot (by year end) or the current version. */
interface ForecastSource {
  snapshot: string | null;
  label: string;
  prefix: string;
  symbols: string[];
  config: Record<string, unknown>;
}

/**
 * Forecasts for each (symbol, week) made only with what was known before the week began: the
 * snapshot of the latest year end strictly before the week's first day. Weeks no snapshot
 * covers fail with their list, unless the caller allows the final model (rows marked so).
 * The assembly (which model forecasts which week) is here; the forecasts are the kind's
 * (its dataset and inference, src/models/kind-trainer.ts ForecasterSeam).
 */
export async function walkForwardForecasts(input: WalkForwardInput, deps: WalkForwardDeps): Promise<WalkForwardRow[]> {
  const { kind, from, to } = input;
  assertForecasterKind(kind);
  assertDateRange(from, to);
  const snapshots = (await readAllSnapshotMetadata(deps.store, kind)).map(
    (meta): ForecastSource => ({ snapshot: meta.year_end, label: `snapshot ${meta.year_end}`, prefix: snapshotPrefix(kind, meta.year_end), symbols: meta.symbols, config: meta.config }),
  );
  const yearEnds = snapshots.map((s) => s.snapshot as string);
  const finalModel = input.allowFinalModel ? await currentModelSource(kind, deps) : undefined;

  // The snapshots weeks in [from, to] can use: from the one covering `from` to the newest before `to`.
  const oldest = snapshotForWeek(yearEnds, from) ?? '';
  const relevant = snapshots.filter((s) => (s.snapshot as string) < to && (s.snapshot as string) >= oldest);
  const symbols = input.symbols ?? (relevant.at(-1) ?? finalModel)?.symbols;
  if (!symbols || symbols.length === 0) {
    const fallback = input.allowFinalModel ? `and there is no current ${kind} model` : 'and the final model is not allowed';
    throw new UserInputError(`no ${kind} snapshot is older than ${to} ${fallback}: backfill snapshots first`);
  }
  // A forecaster reads returns, not names: a snapshot forecasts symbols outside the universe it was
  // trained on (its universe is the one of its cutoff, which may lack today's names).
  const samplesFor = await kindSamples(kind, symbols, input, deps);

  // Assign each week to its source by its first day.
  const probe = (relevant[0] ?? finalModel ?? snapshots[0])?.config;
  const weekSource = weekSources(probe ? await samplesFor(probe) : [], yearEnds);
  const uncovered = [...weekSource].filter(([, yearEnd]) => yearEnd === null).map(([weekStart]) => weekStart);
  if (uncovered.length > 0 && !finalModel) {
    throw new UserInputError(
      `no ${kind} snapshot covers ${uncovered.length} week(s) (${describeWeeks(uncovered)}): ` +
        `a week needs a snapshot of a year end before its first day (existing: ${yearEnds.join(', ') || 'none'}); ` +
        (input.allowFinalModel ? `and there is no current ${kind} model to fall back on` : 'backfill snapshots or allow the final model'),
    );
  }

  const rows: WalkForwardRow[] = [];
  const used = new Set(weekSource.values());
  const sources = [...snapshots.filter((s) => used.has(s.snapshot)), ...(finalModel && used.has(null) ? [finalModel] : [])];
  for (const source of sources) {
    const samples = (await samplesFor(source.config)).filter((s) => weekSource.get(s.weekStart) === source.snapshot);
    if (samples.length > 0) rows.push(...(await forecastWith(kind, source, samples, deps)));
  }
  return rows.sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.symbol.localeCompare(b.symbol));
}

function assertDateRange(from: string, to: string): void {
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    try {
      assertIsoDate(value, name);
    } catch (error) {
      throw new UserInputError((error as Error).message, [name]);
    }
  }
  if (from > to) throw new UserInputError(`from ${from} is after to ${to}`, ['from']);
}

/**
 * The samples of the weeks in [from, to] with a source's config (lookback, channels), through the
 * kind's dataset, built once per config. The window runs to the Sunday of `to`'s week so that week
 * can be complete.
 */
async function kindSamples(kind: ForecasterKind, symbols: string[], range: { from: string; to: string }, deps: WalkForwardDeps): Promise<(config: Record<string, unknown>) => Promise<WeeklySample[]>> {
  const forecaster = await forecasterSeam(kind);
  const window = { start: range.from, end: addDays(isoWeekMonday(range.to), 6) };
  const byConfig = new Map<string, WeeklySample[]>();
  return async (config) => {
    const key = canonicalJson(config);
    let samples = byConfig.get(key);
    if (!samples) {
      samples = (await forecaster.samples(config, symbols, window, { marketData: deps.marketData, signals: deps.signals })).filter((s) => s.week >= range.from && s.week <= range.to);
      byConfig.set(key, samples);
    }
    return samples;
  };
}

/** weekStart → the year end of the snapshot that forecasts it, or null when none is old enough (the final model's). */
function weekSources(samples: readonly WeeklySample[], yearEnds: readonly string[]): Map<string, string | null> {
  const weekSource = new Map<string, string | null>();
  for (const weekStart of uniqueWeekStarts(samples)) weekSource.set(weekStart, snapshotForWeek(yearEnds, weekStart) ?? null);
  return weekSource;
}

async function forecasterSeam(kind: ForecasterKind): Promise<ForecasterSeam> {
  const forecaster = (await kindSpec(kind).loadTrainer()).forecaster;
  if (!forecaster) throw new Error(`${kind} has no forecaster dataset`);
  return forecaster;
}

async function forecastWith(kind: ForecasterKind, source: ForecastSource, samples: WeeklySample[], deps: WalkForwardDeps): Promise<WalkForwardRow[]> {
  const stored = await readModelFiles(deps.store, source.prefix);
  if (!stored) throw new Error(`${kind} ${source.label} disappeared while reading it (${source.prefix})`);
  const forecasts = Array.from(await (await forecasterSeam(kind)).predict(stored.files, samples));
  return samples.map((sample, i) => ({
    symbol: sample.symbol,
    weekStart: sample.weekStart,
    weekEnd: sample.weekEnd,
    forecast: forecasts[i],
    snapshot: source.snapshot,
    walk_forward: source.snapshot === null ? 'final_model' : 'snapshot',
    realised: Number.isFinite(sample.target) ? sample.target : null,
  }));
}

/** The current model as a fallback source; undefined when there is none yet. */
async function currentModelSource(kind: ForecasterKind, deps: WalkForwardDeps): Promise<ForecastSource | undefined> {
  const version = await deps.registry.current(kind);
  if (!version) return undefined;
  const prefix = versionPrefix(kind, version);
  // Metadata only: forecastWith reads (and verifies) the model files if the final model is used at all.
  const meta = await getJson<{ symbols?: string[]; config?: Record<string, unknown> }>(deps.store, `${prefix}/${METADATA_FILE}`);
  if (!meta) throw new Error(`the current ${kind} model ${version} has no metadata.json at ${prefix}`);
  if (!meta.symbols || !meta.config) throw new Error(`${prefix}/metadata.json lacks symbols or config`);
  return { snapshot: null, label: `final model ${version}`, prefix, symbols: meta.symbols, config: meta.config };
}

/** The samples' week starts, ascending. */
function uniqueWeekStarts(samples: readonly WeeklySample[]): string[] {
  return [...new Set(samples.map((s) => s.weekStart))].sort((a, b) => a.localeCompare(b));
}

function describeWeeks(weekStarts: string[]): string {
  if (weekStarts.length <= 4) return `weeks starting ${weekStarts.join(', ')}`;
  return `weeks starting ${weekStarts[0]} to ${weekStarts.at(-1)}`;
}
