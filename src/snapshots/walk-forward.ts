import type { ForecasterKind } from '../config/model-kinds.ts';
import { addDays, assertIsoDate } from '../data/dates.ts';
import { isoWeekMonday } from '../features/iso-week.ts';
import type { WeeklySample } from '../features/weekly-dataset.ts';
import { kindSpec } from '../models/kinds.ts';
import type { ForecasterTrainingConfig } from '../models/forecasters/shared/forecaster-config.ts';
import { deserializeForecaster } from '../models/forecasters/shared/forecaster-artifacts.ts';
import { predict } from '../models/forecasters/shared/forecaster-inference.ts';
import { initBackend } from '../ml/backend.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { UserInputError } from '../pipeline/errors.ts';
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
  config: ForecasterTrainingConfig;
}

/**
 * Forecasts for each (symbol, week) made only with what was known before the week began: the
 * snapshot of the latest year end strictly before the week's first day. Weeks no snapshot
 * covers fail with their list, unless the caller allows the final model (rows marked so).
 */
export async function walkForwardForecasts(input: WalkForwardInput, deps: WalkForwardDeps): Promise<WalkForwardRow[]> {
  const { kind, from, to } = input;
  assertForecasterKind(kind);
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    try {
      assertIsoDate(value, name);
    } catch (error) {
      throw new UserInputError((error as Error).message, [name]);
    }
  }
  if (from > to) throw new UserInputError(`from ${from} is after to ${to}`, ['from']);

  const snapshots: ForecastSource[] = (await readAllSnapshotMetadata(deps.store, kind)).map((meta) => ({
    snapshot: meta.year_end,
    label: `snapshot ${meta.year_end}`,
    prefix: snapshotPrefix(kind, meta.year_end),
    symbols: meta.symbols,
    config: meta.config as unknown as ForecasterTrainingConfig,
  }));
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
  // Each source builds its samples with its own config (lookback, channels), through its kind's
  // dataset. The window runs to the Sunday of `to`'s week so that week can be complete.
  const module = (await kindSpec(kind).loadTrainer()).forecaster;
  if (!module) throw new Error(`${kind} has no forecaster dataset`);
  const window = { start: from, end: addDays(isoWeekMonday(to), 6) };
  const samplesByConfig = new Map<string, WeeklySample[]>();
  const samplesFor = async (config: ForecasterTrainingConfig) => {
    const key = canonicalJson(config);
    let samples = samplesByConfig.get(key);
    if (!samples) {
      samples = (await module.buildSamples({ marketData: deps.marketData, signals: deps.signals }, config, symbols, window)).filter((s) => s.week >= from && s.week <= to);
      samplesByConfig.set(key, samples);
    }
    return samples;
  };

  // Assign each week to its source by its first day.
  const probe = (relevant[0] ?? finalModel ?? snapshots[0])?.config;
  const weeks = probe ? uniqueWeeks(await samplesFor(probe)) : [];
  const weekSource = new Map<string, string | null>(); // weekStart -> year end, or null for the final model
  const uncovered: string[] = [];
  for (const week of weeks) {
    const yearEnd = snapshotForWeek(yearEnds, week.weekStart);
    if (yearEnd === undefined) uncovered.push(week.weekStart);
    weekSource.set(week.weekStart, yearEnd ?? null);
  }
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
    if (samples.length === 0) continue;
    rows.push(...(await forecastWith(source, samples)));
  }
  return rows.sort((a, b) => a.weekStart.localeCompare(b.weekStart) || a.symbol.localeCompare(b.symbol));

  async function forecastWith(source: ForecastSource, samples: WeeklySample[]): Promise<WalkForwardRow[]> {
    await initBackend();
    const stored = await readModelFiles(deps.store, source.prefix);
    if (!stored) throw new Error(`${kind} ${source.label} disappeared while reading it (${source.prefix})`);
    const forecaster = await deserializeForecaster(stored.files);
    try {
      const forecasts = Array.from(predict(forecaster, samples));
      return samples.map((sample, i) => ({
        symbol: sample.symbol,
        weekStart: sample.weekStart,
        weekEnd: sample.weekEnd,
        forecast: forecasts[i],
        snapshot: source.snapshot,
        walk_forward: source.snapshot === null ? 'final_model' : 'snapshot',
        realised: Number.isFinite(sample.target) ? sample.target : null,
      }));
    } finally {
      forecaster.model.dispose();
    }
  }
}

/** The current model as a fallback source; undefined when there is none yet. */
async function currentModelSource(kind: ForecasterKind, deps: WalkForwardDeps): Promise<ForecastSource | undefined> {
  const version = await deps.registry.current(kind);
  if (!version) return undefined;
  const prefix = versionPrefix(kind, version);
  // Metadata only: forecastWith reads (and verifies) the model files if the final model is used at all.
  const meta = await getJson<{ symbols?: string[]; config?: ForecasterTrainingConfig }>(deps.store, `${prefix}/${METADATA_FILE}`);
  if (!meta) throw new Error(`the current ${kind} model ${version} has no metadata.json at ${prefix}`);
  if (!meta.symbols || !meta.config) throw new Error(`${prefix}/metadata.json lacks symbols or config`);
  return { snapshot: null, label: `final model ${version}`, prefix, symbols: meta.symbols, config: meta.config };
}

function uniqueWeeks(samples: WeeklySample[]): { weekStart: string; weekEnd: string }[] {
  const byStart = new Map<string, string>();
  for (const s of samples) byStart.set(s.weekStart, s.weekEnd);
  return [...byStart].sort(([a], [b]) => a.localeCompare(b)).map(([weekStart, weekEnd]) => ({ weekStart, weekEnd }));
}

function describeWeeks(weekStarts: string[]): string {
  if (weekStarts.length <= 4) return `weeks starting ${weekStarts.join(', ')}`;
  return `weeks starting ${weekStarts[0]} to ${weekStarts.at(-1)}`;
}
