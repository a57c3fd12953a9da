import { PROFILES } from '../config/profiles.ts';
import { fingerprintBars } from '../data/fingerprint.ts';
import { loadBars } from '../data/load-bars.ts';
import { bundledSignalSources } from '../features/signal-channels.ts';
import { kindSpec } from '../models/kinds.ts';
import { serializeForecaster } from '../models/forecasters/shared/forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from '../models/forecasters/shared/forecaster-config.ts';
import type { ForecasterModule } from '../models/forecasters/shared/forecaster-module.ts';
import { trainForecaster } from '../models/forecasters/shared/train-forecaster.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import type { TrainingPlan } from '../pipeline/plan.ts';
import { dataRange } from '../pipeline/data-range.ts';
import { METADATA_FILE, writeModelFiles } from '../models/artifacts/model-files.ts';
import { marketDataUpTo } from './cutoff-market-data.ts';
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

/**
 * One job of the backfill: the forecaster of `plan` trained only on data up to and including
 * `yearEnd`, stored at models/snapshots/{kind}/{yearEnd}/. Idempotent: a snapshot with the same
 * key is kept ('skipped'); one with another key is deleted before the new one is written
 * ('replaced'), so a folder never mixes two snapshots. The outcome is also recorded under the run.
 */
export async function trainSnapshot(input: { plan: TrainingPlan; yearEnd: string; module: ForecasterModule }, deps: TrainSnapshotDeps): Promise<SnapshotOutcome> {
  const { plan, yearEnd, module } = input;
  const kind = plan.kind;
  assertForecasterKind(kind);
  assertYearEnd(yearEnd);
  if (!plan.snapshotYearEnds.includes(yearEnd)) {
    throw new Error(`${yearEnd} is not one of this run's snapshot year ends (${plan.snapshotYearEnds.join(', ') || 'none'})`);
  }
  const started = Date.now();
  const tag = `snapshot ${kind} ${yearEnd}`;
  const config = plan.config as unknown as ForecasterTrainingConfig;
  const window = { start: plan.window.start, end: yearEnd };

  // Point in time: the universe screened and ranked as of the cutoff (statements filed and market
  // caps known by then), and every price read through the cutoff view.
  const cutoffData = marketDataUpTo(deps.marketData, yearEnd);
  const symbols = await snapshotUniverse(plan, yearEnd, deps.universe);
  const bars = await loadBars(cutoffData, symbols, dataRange(window, config.lookbackDays));
  const dataFingerprint = fingerprintBars(bars);
  // What the kind's dataset reads (the run's provider, else the bundled files), on the same bars.
  const signalFingerprint = kindSpec(kind).usesSignals?.(config)
    ? fingerprintSignalRows(await (deps.signals ? deps.signals.signalSources(symbols) : bundledSignalSources()), bars)
    : undefined;
  const snapshotKey = computeSnapshotKey({
    kind,
    config,
    symbols,
    windowStart: plan.window.start,
    yearEnd,
    dataFingerprint,
    signalFingerprint,
    codeVersion: plan.codeVersion,
  });

  const prefix = snapshotPrefix(kind, yearEnd);
  const existing = await getJson<Partial<SnapshotMetadata>>(deps.store, `${prefix}/${METADATA_FILE}`);
  if (existing?.snapshot_key === snapshotKey) {
    const outcome: SnapshotOutcome = {
      yearEnd,
      outcome: 'skipped',
      snapshotKey,
      lastTrainingWeekEnd: String(existing.last_training_week_end),
      seconds: (Date.now() - started) / 1000,
    };
    await writeSnapshotOutcome(deps.store, kind, plan.version, outcome);
    deps.log(`${tag}: skipped (same inputs, ${snapshotKey})`);
    return outcome;
  }

  deps.log(`${tag}: started (${symbols.length} symbols of the universe as of ${yearEnd}: ${symbols.join(', ')})`);
  const samples = await module.buildSamples({ marketData: cutoffData, cutoff: yearEnd, signals: deps.signals }, config, symbols, window);
  if (samples.length === 0) throw new Error(`${tag}: no training samples for weeks ${window.start}..${window.end}`);
  const lastTrainingWeekEnd = samples.reduce((latest, s) => (s.weekEnd > latest ? s.weekEnd : latest), samples[0].weekEnd);
  if (lastTrainingWeekEnd > yearEnd) throw new Error(`${tag}: a training week ends ${lastTrainingWeekEnd}, after the cutoff`);

  const trained = await trainForecaster({
    samples,
    config,
    buildModel: (c, channels) => module.buildModel(c, channels),
    onEpoch: (e) => deps.log(`${tag}: epoch ${e.epoch}/${config.maxEpochs} val_loss=${e.valLoss.toExponential(4)}`),
  });
  let files: Record<string, Uint8Array>;
  try {
    files = await serializeForecaster(trained);
  } finally {
    trained.model.dispose();
  }
  const trainSeconds = (Date.now() - started) / 1000;

  // Clear whatever is there (a stale snapshot, or the leftovers of a crashed write) so the new files never mix with old ones.
  await deps.store.deletePrefix(prefix); // a no-op on an empty folder
  const metadata: Omit<SnapshotMetadata, 'files'> = {
    kind,
    snapshot_key: snapshotKey,
    year_end: yearEnd,
    training_data_end: yearEnd,
    last_training_week_end: lastTrainingWeekEnd,
    window,
    symbols,
    universe_as_of: yearEnd,
    config: { ...config },
    config_hash: configHash(config),
    seed: config.seed,
    source: deps.marketData.source,
    data_fingerprint: dataFingerprint,
    ...(signalFingerprint ? { signal_fingerprint: signalFingerprint } : {}),
    code_version: plan.codeVersion,
    backend: deps.backend,
    metrics: trained.metrics,
    best_epoch: trained.bestEpoch,
    train_seconds: trainSeconds,
    made_by_version: plan.version,
    created_at: new Date().toISOString(),
  };
  await writeModelFiles(deps.store, prefix, files, { ...metadata });

  const outcome: SnapshotOutcome = {
    yearEnd,
    outcome: existing?.snapshot_key ? 'replaced' : 'trained',
    snapshotKey,
    lastTrainingWeekEnd,
    metrics: trained.metrics,
    ...(existing?.snapshot_key ? { replacedKey: existing.snapshot_key } : {}),
    seconds: (Date.now() - started) / 1000,
  };
  await writeSnapshotOutcome(deps.store, kind, plan.version, outcome);
  const verb = outcome.outcome === 'replaced' ? `replaced ${existing?.snapshot_key}, trained` : 'trained';
  deps.log(`${tag}: ${verb} in ${trainSeconds.toFixed(1)} s (val_loss ${trained.metrics.val_loss.toExponential(4)}, ${samples.length} samples to ${lastTrainingWeekEnd})`);
  return outcome;
}

/** The forecaster universe at a snapshot's cutoff: the same screen and ranking as a run's, as of that date. */
export async function snapshotUniverse(plan: TrainingPlan, yearEnd: string, universe: UniverseProvider): Promise<string[]> {
  const ranked = await universe.halalSymbols(yearEnd);
  const symbols = ranked.slice(0, PROFILES[plan.profile].maxForecasterSymbols).sort();
  if (symbols.length === 0) throw new Error(`snapshot ${plan.kind} ${yearEnd}: the halal universe is empty as of ${yearEnd}`);
  return symbols;
}
