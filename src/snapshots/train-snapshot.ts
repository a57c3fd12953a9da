import { PROFILES } from '../config/profiles.ts';
import { fingerprintBars } from '../data/fingerprint.ts';
import { loadBars } from '../data/load-bars.ts';
import { bundledSignalSources } from '../features/signal-channels.ts';
import { kindSpec } from '../models/kinds.ts';
import type { FittedForecaster } from '../models/kind-trainer.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { DateRange, MarketData } from '../ports/market-data.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import type { TrainingPlan } from '../models/training-plan.ts';
import { dataRange } from '../data/data-range.ts';
import { METADATA_FILE, writeModelFiles } from '../models/artifacts/model-files.ts';
import { marketDataUpTo } from '../data/cutoff-market-data.ts';
import { fingerprintSignalRows } from './signal-fingerprint.ts';
import { computeSnapshotKey, configHash } from './snapshot-key.ts';
import type { SnapshotMetadata } from './snapshot-metadata.ts';
import { writeSnapshotOutcome, type SnapshotOutcome } from './snapshot-outcomes.ts';
import { assertForecasterKind, assertYearEnd, snapshotPrefix } from './snapshot-paths.ts';

export type { SnapshotOutcome } from './snapshot-outcomes.ts';
export { readSnapshotOutcomes } from './snapshot-outcomes.ts';

export interface TrainSnapshotDeps {
  store: ArtifactStore;
  marketData: MarketData;
  /** The halal universe as of a date: a snapshot trains on the universe of its cutoff, not of today. */
  universe: UniverseProvider;
  signals?: SignalProvider;
  log: (line: string) => void;
  backend: string;
}

/** What a snapshot of a plan at a year end is made from, and the key those inputs hash to. */
interface SnapshotInputs {
  plan: TrainingPlan;
  yearEnd: string;
  /** The plan's window cut at the year end. */
  window: DateRange;
  /** Prices that end at the cutoff. */
  cutoffData: MarketData;
  symbols: string[];
  dataFingerprint: string;
  signalFingerprint?: string;
  snapshotKey: string;
}

/**
 * One job of the backfill: the forecaster of `plan` trained only on data up to and including
 * `yearEnd`, stored at models/snapshots/{kind}/{yearEnd}/. Idempotent: a snapshot with the same
 * key is kept ('skipped'); one with another key is deleted before the new one is written
 * ('replaced'), so a folder never mixes two snapshots. The outcome is also recorded under the run.
 * The training itself is the kind's (its ForecasterSeam), on the data of the cutoff handed in.
 */
export async function trainSnapshot(input: { plan: TrainingPlan; yearEnd: string }, deps: TrainSnapshotDeps): Promise<SnapshotOutcome> {
  const { plan, yearEnd } = input;
  assertForecasterKind(plan.kind);
  assertYearEnd(yearEnd);
  if (!plan.snapshotYearEnds.includes(yearEnd)) {
    throw new Error(`${yearEnd} is not one of this run's snapshot year ends (${plan.snapshotYearEnds.join(', ') || 'none'})`);
  }
  const started = Date.now();
  const tag = `snapshot ${plan.kind} ${yearEnd}`;
  const inputs = await snapshotInputs(plan, yearEnd, deps);
  const prefix = snapshotPrefix(plan.kind, yearEnd);
  const existing = await getJson<Partial<SnapshotMetadata>>(deps.store, `${prefix}/${METADATA_FILE}`);
  if (existing?.snapshot_key === inputs.snapshotKey) {
    const outcome: SnapshotOutcome = {
      yearEnd,
      outcome: 'skipped',
      snapshotKey: inputs.snapshotKey,
      lastTrainingWeekEnd: String(existing.last_training_week_end),
      seconds: (Date.now() - started) / 1000,
    };
    await writeSnapshotOutcome(deps.store, plan.kind, plan.version, outcome);
    deps.log(`${tag}: skipped (same inputs, ${inputs.snapshotKey})`);
    return outcome;
  }

  deps.log(`${tag}: started (${inputs.symbols.length} symbols of the universe as of ${yearEnd}: ${inputs.symbols.join(', ')})`);
  const fitted = await fitSnapshot(inputs, tag, deps);
  const trainSeconds = (Date.now() - started) / 1000;
  // Clear whatever is there (a stale snapshot, or the leftovers of a crashed write) so the new files never mix with old ones.
  await deps.store.deletePrefix(prefix); // a no-op on an empty folder
  await writeModelFiles(deps.store, prefix, fitted.files, { ...snapshotMetadata(inputs, fitted, trainSeconds, deps) });

  const outcome: SnapshotOutcome = {
    yearEnd,
    outcome: existing?.snapshot_key ? 'replaced' : 'trained',
    snapshotKey: inputs.snapshotKey,
    lastTrainingWeekEnd: fitted.lastTrainingWeekEnd,
    metrics: fitted.metrics,
    ...(existing?.snapshot_key ? { replacedKey: existing.snapshot_key } : {}),
    seconds: (Date.now() - started) / 1000,
  };
  await writeSnapshotOutcome(deps.store, plan.kind, plan.version, outcome);
  const verb = outcome.outcome === 'replaced' ? `replaced ${existing?.snapshot_key}, trained` : 'trained';
  deps.log(`${tag}: ${verb} in ${trainSeconds.toFixed(1)} s (val_loss ${fitted.metrics.val_loss.toExponential(4)}, ${fitted.samples} samples to ${fitted.lastTrainingWeekEnd})`);
  return outcome;
}

/**
 * Point in time: the universe screened and ranked as of the cutoff (statements filed and market caps
 * known by then), every price read through the cutoff view, and the key of what that reads.
 */
async function snapshotInputs(plan: TrainingPlan, yearEnd: string, deps: TrainSnapshotDeps): Promise<SnapshotInputs> {
  const spec = kindSpec(plan.kind);
  const window = { start: plan.window.start, end: yearEnd };
  const cutoffData = marketDataUpTo(deps.marketData, yearEnd);
  const symbols = await snapshotUniverse(plan, yearEnd, deps.universe);
  const bars = await loadBars(cutoffData, symbols, dataRange(window, spec.lookbackDays(plan.config)));
  const dataFingerprint = fingerprintBars(bars);
  // What the kind's dataset reads (the run's provider, else the bundled files), on the same bars.
  const signalFingerprint = spec.usesSignals?.(plan.config)
    ? fingerprintSignalRows(await (deps.signals ? deps.signals.signalSources(symbols) : bundledSignalSources()), bars)
    : undefined;
  const snapshotKey = computeSnapshotKey({
    kind: plan.kind,
    config: plan.config,
    symbols,
    windowStart: plan.window.start,
    yearEnd,
    dataFingerprint,
    signalFingerprint,
    codeVersion: plan.codeVersion,
  });
  return { plan, yearEnd, window, cutoffData, symbols, dataFingerprint, signalFingerprint, snapshotKey };
}

/** The kind's model trained on the samples of the cutoff's data. */
async function fitSnapshot(inputs: SnapshotInputs, tag: string, deps: TrainSnapshotDeps): Promise<FittedForecaster & { samples: number; lastTrainingWeekEnd: string }> {
  const { plan, window, yearEnd } = inputs;
  const forecaster = (await kindSpec(plan.kind).loadTrainer()).forecaster;
  if (!forecaster) throw new Error(`${plan.kind} has no snapshots`);
  const samples = await forecaster.samples(plan.config, inputs.symbols, window, { marketData: inputs.cutoffData, signals: deps.signals });
  if (samples.length === 0) throw new Error(`${tag}: no training samples for weeks ${window.start}..${window.end}`);
  const lastTrainingWeekEnd = samples.reduce((latest, s) => (s.weekEnd > latest ? s.weekEnd : latest), samples[0].weekEnd);
  if (lastTrainingWeekEnd > yearEnd) throw new Error(`${tag}: a training week ends ${lastTrainingWeekEnd}, after the cutoff`);
  const fitted = await forecaster.fit(samples, plan.config, (e) => deps.log(`${tag}: epoch ${e.epoch}/${e.maxEpochs} val_loss=${e.valLoss.toExponential(4)}`));
  return { ...fitted, samples: samples.length, lastTrainingWeekEnd };
}

function snapshotMetadata(inputs: SnapshotInputs, fitted: FittedForecaster & { lastTrainingWeekEnd: string }, trainSeconds: number, deps: TrainSnapshotDeps): Omit<SnapshotMetadata, 'files'> {
  const { plan, yearEnd } = inputs;
  return {
    kind: plan.kind,
    snapshot_key: inputs.snapshotKey,
    year_end: yearEnd,
    training_data_end: yearEnd,
    last_training_week_end: fitted.lastTrainingWeekEnd,
    window: inputs.window,
    symbols: inputs.symbols,
    universe_as_of: yearEnd,
    config: { ...plan.config },
    config_hash: configHash(plan.config),
    seed: plan.config.seed as number,
    source: deps.marketData.source,
    data_fingerprint: inputs.dataFingerprint,
    ...(inputs.signalFingerprint ? { signal_fingerprint: inputs.signalFingerprint } : {}),
    code_version: plan.codeVersion,
    backend: deps.backend,
    metrics: fitted.metrics,
    best_epoch: fitted.bestEpoch,
    train_seconds: trainSeconds,
    made_by_version: plan.version,
    created_at: new Date().toISOString(),
  };
}

/** The forecaster universe at a snapshot's cutoff: the same screen and ranking as a run's, as of that date. */
export async function snapshotUniverse(plan: TrainingPlan, yearEnd: string, universe: UniverseProvider): Promise<string[]> {
  const ranked = await universe.halalSymbols(yearEnd);
  const symbols = ranked.slice(0, kindSpec(plan.kind).maxSymbols(PROFILES[plan.profile])).sort();
  if (symbols.length === 0) throw new Error(`snapshot ${plan.kind} ${yearEnd}: the halal universe is empty as of ${yearEnd}`);
  return symbols;
}
