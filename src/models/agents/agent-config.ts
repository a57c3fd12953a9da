/**
 * What every portfolio agent's config holds besides its algorithm's hyper-parameters: the
 * forecaster it reads, the environment's rules, the panel's features, and how the weeks are split
 * for full training and for a fine-tune. Light (no TensorFlow.js): the kinds' specs read it where a
 * run is only planned. All of it is part of the version.
 */
import type { ForecasterKind } from '../../config/model-kinds.ts';
import { PROFILES, type ProfileName } from '../../config/profiles.ts';

export interface AgentCommonConfig {
  /** The forecaster whose walk-forward forecasts the agent reads. */
  forecaster: ForecasterKind;
  seed: number;
  /** K: the run trains seeds seed, seed + 1, … and keeps the best on validation (agent-seeds.ts); the profile's, absent in configs stored before issue 19 (one). */
  seedCount?: number;
  /**
   * What a run of K ≥ 2 seeds stores: 'best_val' the seed best on the validation weeks, 'ensemble'
   * all K as one policy averaging their logits (policy-ensemble.ts). Both are scored every run
   * (metadata `seeds.candidates`); absent in configs stored before: 'best_val'.
   */
  combineSeeds?: AgentCombineSeeds;
  /** Training episodes: this many consecutive weeks from a random start in the training weeks, starting all cash. */
  episodeWeeks: number;
  maxStockWeight: number;
  minCash: number;
  costBps: number;
  /** Full mode: the last evalFraction of the panel's weeks are held out, after gapWeeks unused weeks. */
  evalFraction: number;
  gapWeeks: number;
  /**
   * Full mode: the validation segment between training and evaluation (gapWeeks unused on both
   * sides) holds `fraction` of the panel's weeks; the run is scored on it with the deterministic
   * policy at `checkpoints` evenly spaced points (and its end), and the best checkpoint is kept.
   */
  validation: { fraction: number; checkpoints: number };
  /**
   * Full mode: the date the universe was ranked at (the Monday of the estimated last training week,
   * set by the plan: agent-weeks.ts universeAsOf); training ends with the panel's last week on or
   * before it. Absent (plans without a point-in-time universe): the split is by counts alone.
   */
  universeAsOf?: string;
  /** Price features: the return over returnDays trading days and the volatility of daily log returns over volatilityDays, to the previous close. */
  returnDays: number;
  volatilityDays: number;
  /** Trading days of prices read before the first week (≥ volatilityDays + 1). */
  lookbackDays: number;
  /** Fine-tune: from the current agent, trainWeeks (the seed's 26), gapWeeks unused, then evalWeeks (13) at the window's end. */
  finetune: { trainWeeks: number; gapWeeks: number; evalWeeks: number };
  /** Set by the plan only when asked (allow_final_model): without forecaster snapshots, read its final model (not walk-forward). */
  allowFinalModel?: boolean;
}

export type AgentCombineSeeds = 'best_val' | 'ensemble';

/** The default, chosen on the test weeks of several runs (bench/agent-seed-ensemble.ts; README, Honest ML). */
export const AGENT_COMBINE_SEEDS: AgentCombineSeeds = 'best_val';

/** The seed's environment, features and splits, shared by PPO and SAC (each adds its own fine-tune steps and rate). */
export const SEED_AGENT_COMMON: Omit<AgentCommonConfig, 'forecaster'> = {
  seed: 1,
  episodeWeeks: 52,
  maxStockWeight: 0.2,
  minCash: 0.02,
  costBps: 10,
  evalFraction: 0.2,
  gapWeeks: 4,
  validation: { fraction: 0.15, checkpoints: 10 },
  returnDays: 20,
  volatilityDays: 60,
  lookbackDays: 70,
  finetune: { trainWeeks: 26, gapWeeks: 4, evalWeeks: 13 },
};

/**
 * The weeks a fine-tune's window spans, ending at the data's end: its training weeks, its gap, its
 * evaluation weeks, and one more week, because the last week's holding return needs the next week's
 * first open, which usually lies past the window's end (that week is then left out).
 */
export function finetuneWindowWeeks(config: AgentCommonConfig): number {
  return config.finetune.trainWeeks + config.finetune.gapWeeks + config.finetune.evalWeeks + 1;
}

/**
 * An agent kind's config function from its table per profile: the profile's entry, cloned (the
 * caller may change it), with the forecaster set, then validated.
 */
export function agentConfigByProfile<C extends AgentCommonConfig>(table: Record<ProfileName, Omit<C, 'forecaster'>>, validate: (c: C) => C): (profile: ProfileName, forecaster: C['forecaster']) => C {
  return (profile, forecaster) => validate({ ...structuredClone(table[profile]), seedCount: PROFILES[profile].seeds, combineSeeds: AGENT_COMBINE_SEEDS, forecaster } as C);
}

/** Throws naming the field (prefixed by `label`, e.g. "ppo config") when a shared field is out of range. */
export function validateAgentCommon(c: AgentCommonConfig, label: string): void {
  const { episodeWeeks, returnDays, volatilityDays, lookbackDays } = c;
  assertPositiveIntegers(label, { episodeWeeks, returnDays, volatilityDays, lookbackDays, 'finetune.trainWeeks': c.finetune.trainWeeks, 'finetune.evalWeeks': c.finetune.evalWeeks });
  if (!(c.evalFraction > 0 && c.evalFraction < 1)) throw new Error(`${label} evalFraction must be in (0, 1), got ${c.evalFraction}`);
  if (!Number.isInteger(c.gapWeeks) || c.gapWeeks < 0) throw new Error(`${label} gapWeeks must be a non-negative integer, got ${c.gapWeeks}`);
  if (!Number.isInteger(c.finetune.gapWeeks) || c.finetune.gapWeeks < 0) throw new Error(`${label} finetune.gapWeeks must be a non-negative integer, got ${c.finetune.gapWeeks}`);
  if (!(c.validation.fraction > 0 && c.evalFraction + c.validation.fraction < 1)) throw new Error(`${label} validation.fraction must be > 0 and leave training weeks beside evalFraction, got ${c.validation.fraction}`);
  assertPositiveIntegers(label, { 'validation.checkpoints': c.validation.checkpoints });
  if (c.seedCount !== undefined && (!Number.isInteger(c.seedCount) || c.seedCount < 1 || c.seedCount > 32)) throw new Error(`${label} seedCount must be an integer in 1..32, got ${c.seedCount}`);
  if (c.combineSeeds !== undefined && c.combineSeeds !== 'best_val' && c.combineSeeds !== 'ensemble') throw new Error(`${label} combineSeeds must be 'best_val' or 'ensemble', got ${String(c.combineSeeds)}`);
  if (c.lookbackDays <= c.volatilityDays || c.lookbackDays <= c.returnDays) throw new Error(`${label} lookbackDays must exceed returnDays and volatilityDays`);
}

/** Throws naming the first value that is not a positive integer. */
export function assertPositiveIntegers(label: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) if (!Number.isInteger(v) || v < 1) throw new Error(`${label} ${name} must be a positive integer, got ${v}`);
}

/** Sources under src/ that every agent kind's code version hashes (its forecaster's sources are added per kind). */
export const AGENT_SOURCES = [
  'models/agents',
  'models/forecasters/shared',
  'features',
  'data',
  'ml',
  'snapshots/read-forecasts.ts',
  'snapshots/walk-forward.ts',
  'snapshots/snapshot-for-week.ts',
  'snapshots/list-snapshots.ts',
] as const;

/** What the panel builder needs from an agent's config, for these symbols over this window. */
export function panelInput(config: Pick<AgentCommonConfig, 'forecaster' | 'lookbackDays' | 'returnDays' | 'volatilityDays' | 'allowFinalModel'>, symbols: string[], window: { start: string; end: string }) {
  return { forecaster: config.forecaster, symbols, window, lookbackDays: config.lookbackDays, returnDays: config.returnDays, volatilityDays: config.volatilityDays, allowFinalModel: config.allowFinalModel === true };
}
