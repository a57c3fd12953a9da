import { isAgentKind, isForecasterKind, type ForecasterKind, type ModelKind, type TrainMode } from '../config/model-kinds.ts';
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
import { PriorModelRequiredError, UserInputError } from './errors.ts';
import { dataRange } from './data-range.ts';
import { forecasterModels } from './forecaster-models.ts';
import type { TrainingInputs, TrainingPlan } from './plan.ts';

export { dataRange } from './data-range.ts';

/** Agents fine-tune on 26 weeks (the seed's rule)... */
export const FINETUNE_WEEKS = 26;
/**
 * ...that precede their 13 evaluation weeks, the most recent of the window. The fine-tune window
 * holds both, plus one week: the last week's holding return needs the next week's first open,
 * which usually lies past the window's end (that week is then left out).
 */
export const FINETUNE_EVAL_WEEKS = 13;
export const FINETUNE_WINDOW_WEEKS = FINETUNE_WEEKS + FINETUNE_EVAL_WEEKS + 1;

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
 * data fingerprint) and the version they hash to. Reads data; writes nothing.
 */
export async function resolveTrainingPlan(req: PlanRequest, deps: PlanDeps): Promise<TrainingPlan> {
  const profile = PROFILES[req.profile];
  if (!profile) throw new UserInputError(`unknown profile "${req.profile}"`, ['profile']);
  assertTrainerRegistered(req.kind);
  const spec = kindSpec(req.kind);
  if (isForecasterKind(req.kind) && req.mode !== 'full') {
    throw new UserInputError(`${req.kind} is a forecaster: it trains in full mode only`, ['mode']);
  }
  if (req.allowFinalModel && !isAgentKind(req.kind)) {
    throw new UserInputError(`allow_final_model is for agents, which read a forecaster's forecasts: ${req.kind} is a forecaster`, ['allow_final_model']);
  }

  let baseVersion: string | undefined;
  if (req.mode === 'finetune') {
    baseVersion = await deps.registry.current(req.kind);
    if (!baseVersion) throw new PriorModelRequiredError(req.kind, `/train/${req.kind}/full`);
  }

  const lastDate = await deps.marketData.lastDate();
  const wantedEnd = req.windowEnd ?? profile.windowEnd;
  if (req.windowEnd !== undefined && !isIsoDate(req.windowEnd)) throw new UserInputError(`window end "${req.windowEnd}" is not a date (YYYY-MM-DD)`, ['windowEnd']);
  const fullWindow: DateRange = {
    start: profile.windowStart,
    end: wantedEnd === 'latest' || wantedEnd > lastDate ? lastDate : wantedEnd,
  };
  if (fullWindow.end <= fullWindow.start) {
    throw new UserInputError(`window end ${fullWindow.end} is not after the profile's window start ${fullWindow.start}`, ['windowEnd']);
  }
  const window = req.mode === 'finetune' ? { start: addDays(fullWindow.end, -7 * FINETUNE_WINDOW_WEEKS + 1), end: fullWindow.end } : fullWindow;

  const ranked = await deps.universe.halalSymbols(window.end);
  const limit = isAgentKind(req.kind) ? profile.maxAgentSymbols : profile.maxForecasterSymbols;
  const symbols = ranked.slice(0, limit).sort();
  if (symbols.length === 0) throw new UserInputError(`the halal universe is empty as of ${window.end}`);

  // allowFinalModel only when set: the versions of requests without it do not change.
  const config: Record<string, unknown> = { ...spec.config(req.profile), ...(baseVersion ? { baseVersion } : {}), ...(req.allowFinalModel ? { allowFinalModel: true } : {}) };

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
    ...(isAgentKind(req.kind) ? { forecasterModels: await forecasterModels(config.forecaster as ForecasterKind, window, req.allowFinalModel === true, deps) } : {}),
    codeVersion: codeVersion(req.kind),
  };
  return { ...inputs, version: computeVersion(inputs), snapshotYearEnds: snapshotYearEnds(req.kind, window, profile.snapshotWarmupYears) };
}

/** Year ends from the window start + warm-up to the year before the window end (DESIGN: 2015-12-31 ... for a 2011 start). */
export function snapshotYearEnds(kind: ModelKind, window: DateRange, warmupYears: number): string[] {
  if (!isForecasterKind(kind)) return [];
  const first = Number(window.start.slice(0, 4)) + warmupYears;
  const last = Number(window.end.slice(0, 4)) - 1;
  const years: string[] = [];
  for (let y = first; y <= last; y++) years.push(`${y}-12-31`);
  return years;
}
