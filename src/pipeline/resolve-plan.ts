import type { ModelKind, TrainMode } from '../config/model-kinds.ts';
import { codeVersion, kindSpec } from '../models/kinds.ts';
import { assertTrainerRegistered } from '../models/registered-kinds.ts';
import { PROFILES, type ProfileName } from '../config/profiles.ts';
import { fingerprintBars } from '../data/fingerprint.ts';
import { loadBars } from '../data/load-bars.ts';
import { computeVersion } from '../registry/version.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { DateRange, MarketData } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import { addDays, isIsoDate } from '../data/dates.ts';
import { PriorModelRequiredError, UserInputError } from '../config/errors.ts';
import { dataRange } from '../data/data-range.ts';
import { forecasterModels } from './forecaster-models.ts';
import type { TrainingInputs, TrainingPlan } from '../models/training-plan.ts';

export interface PlanRequest {
  kind: ModelKind;
  mode: TrainMode;
  profile: ProfileName;
  /** Overrides the profile's window end (YYYY-MM-DD), e.g. to reproduce a past run. */
  windowEnd?: string;
  /**
   * Agents: when the forecaster has no snapshots, read its final (current) model instead of
   * failing. It changes the inputs, so it is in the config (and the version) when set.
   */
  allowFinalModel?: boolean;
}

export interface PlanDeps {
  marketData: MarketData;
  universe: UniverseProvider;
  registry: ModelRegistry;
  /** Agents: the forecaster's snapshots, whose identity is in the agent's version. */
  store: ArtifactStore;
  /** News and statements: their fingerprint is in the version of a kind that reads them (planning one without it fails). */
  signals?: SignalProvider;
}

/**
 * Turns a request into the exact inputs of a run (window from the profile, universe, config,
 * data fingerprint) and the version they hash to. Reads data; writes nothing. The request is
 * checked here, once for the CLI and the API: a kind this deployment trains, a mode it has.
 */
export async function resolveTrainingPlan(req: PlanRequest, deps: PlanDeps): Promise<TrainingPlan> {
  const profile = PROFILES[req.profile];
  if (!profile) throw new UserInputError(`unknown profile "${req.profile}"`, ['profile']);
  assertTrainerRegistered(req.kind);
  const spec = kindSpec(req.kind);
  if (!spec.modes.includes(req.mode)) throw new UserInputError(`${req.kind} trains in ${spec.modes.join(' or ')} mode only`, ['mode']);
  if (req.allowFinalModel && !spec.forecaster) {
    throw new UserInputError(`allow_final_model is for agents, which read a forecaster's forecasts: ${req.kind} reads none`, ['allow_final_model']);
  }

  let baseVersion: string | undefined;
  if (req.mode === 'finetune') {
    baseVersion = await deps.registry.current(req.kind);
    if (!baseVersion) throw new PriorModelRequiredError(req.kind, `/train/${req.kind}/full`);
  }
  // allowFinalModel only when set: the versions of requests without it do not change.
  const config: Record<string, unknown> = { ...spec.config(req.profile), ...(baseVersion ? { baseVersion } : {}), ...(req.allowFinalModel ? { allowFinalModel: true } : {}) };
  const window = await planWindow(req, spec.finetuneWindowWeeks?.(config), deps.marketData);
  const models = spec.forecaster ? await forecasterModels(spec.forecaster, window, req.allowFinalModel === true, deps) : undefined;

  // A full agent run ranks the universe as of its last training week (point in time), where the
  // provider can screen the past (ETF holdings are only known today): the config carries the date.
  let rankedAt = window.end;
  if (req.mode === 'full' && spec.universeAsOf && models && deps.universe.source === 'sample') {
    rankedAt = spec.universeAsOf(config, window, models);
    config.universeAsOf = rankedAt;
  }
  const ranked = await deps.universe.halalSymbols(rankedAt);
  const symbols = ranked.slice(0, spec.maxSymbols(profile)).sort();
  if (symbols.length === 0) throw new UserInputError(`the halal universe is empty as of ${rankedAt}`);

  const bars = await loadBars(deps.marketData, symbols, dataRange(window, spec.lookbackDays(config)));
  // Leaving the fingerprint out would give runs on other news and statements the same version.
  const usesSignals = spec.usesSignals?.(config) ?? false;
  if (usesSignals && !deps.signals) throw new Error(`${req.kind} reads news and statements: planning it needs the run's signal provider, whose fingerprint is part of the version`);
  const inputs: TrainingInputs = {
    kind: req.kind,
    mode: req.mode,
    profile: req.profile,
    window,
    symbols,
    config,
    source: deps.marketData.source,
    dataFingerprint: fingerprintBars(bars),
    ...(usesSignals && deps.signals ? { signalFingerprint: await deps.signals.fingerprint(symbols) } : {}),
    ...(models ? { forecasterModels: models } : {}),
    codeVersion: codeVersion(req.kind),
  };
  const snapshotYears = spec.snapshots ? snapshotYearEnds(window, profile.snapshotWarmupYears) : [];
  return { ...inputs, version: computeVersion(inputs), snapshotYearEnds: snapshotYears };
}

/** The profile's window (its end moved by the request, and never past the data); a fine-tune's is its last `finetuneWeeks` weeks. */
async function planWindow(req: PlanRequest, finetuneWeeks: number | undefined, marketData: MarketData): Promise<DateRange> {
  const profile = PROFILES[req.profile];
  const lastDate = await marketData.lastDate();
  const wantedEnd = req.windowEnd ?? profile.windowEnd;
  if (req.windowEnd !== undefined && !isIsoDate(req.windowEnd)) throw new UserInputError(`window end "${req.windowEnd}" is not a date (YYYY-MM-DD)`, ['windowEnd']);
  const fullWindow: DateRange = {
    start: profile.windowStart,
    end: wantedEnd === 'latest' || wantedEnd > lastDate ? lastDate : wantedEnd,
  };
  if (fullWindow.end <= fullWindow.start) {
    throw new UserInputError(`window end ${fullWindow.end} is not after the profile's window start ${fullWindow.start}`, ['windowEnd']);
  }
  if (req.mode !== 'finetune') return fullWindow;
  if (finetuneWeeks === undefined) throw new Error(`${req.kind} has a finetune mode but no fine-tune window`);
  return { start: addDays(fullWindow.end, -7 * finetuneWeeks + 1), end: fullWindow.end };
}

/** Year ends from the window start + warm-up to the year before the window end (DESIGN: 2015-12-31 ... for a 2011 start). */
export function snapshotYearEnds(window: DateRange, warmupYears: number): string[] {
  const first = Number(window.start.slice(0, 4)) + warmupYears;
  const last = Number(window.end.slice(0, 4)) - 1;
  const years: string[] = [];
  for (let y = first; y <= last; y++) years.push(`${y}-12-31`);
  return years;
}
