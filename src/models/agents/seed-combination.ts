/**
 * What a run of K ≥ 2 seeds stores, and the evidence beside it (issue 19): the best seed on the
 * validation weeks and the ensemble of all K (policy-ensemble.ts) are both scored the same way
 * (train / validation / evaluation Sharpe, the evaluation's 90 % interval) and paired on the
 * evaluation weeks (Jobson–Korkie–Memmel, one-sided: is the ensemble better?). The config's
 * `combineSeeds` says which is stored; it is not chosen per run on the validation weeks, where the
 * best seed's Sharpe is the maximum of K and so biased upwards: the default was chosen on the test
 * weeks of several runs (bench/agent-seed-ensemble.ts). Every run records both, so the evidence keeps
 * accumulating in the metadata.
 */
import type { AlgorithmRun, PortfolioAgent } from './agent-algorithm.ts';
import type { AgentCombineSeeds } from './agent-config.ts';
import { sharpeTests, type SharpeIntervalRecord, type SharpeTestRecord } from './agent-evidence.ts';
import type { SeededRuns } from './agent-seeds.ts';
import type { PolicyEnsemble } from './policy-ensemble.ts';

/** The part of a run's evaluation (agent-trainer.ts evaluateRun) the candidates are compared on. */
export interface ScoredRun {
  metrics: Record<string, number>;
  intervals: Record<string, SharpeIntervalRecord>;
  path: { weeklyReturns: number[] };
}

export interface CandidateFigures {
  train_sharpe: number;
  val_sharpe: number | null;
  eval_sharpe: number;
  eval_interval: SharpeIntervalRecord | null;
  eval_cagr: number;
}

export interface SeedCandidates {
  best_val: CandidateFigures & { seed: number };
  ensemble: CandidateFigures & { members: number; averaged: 'logits'; vs_best_seed: SharpeTestRecord | null };
}

export interface SeedCombination<R> {
  /** What is stored: one seed when K = 1. */
  combine: AgentCombineSeeds | 'single';
  /** The stored policy's run and its evaluation. */
  stored: { run: AlgorithmRun<PortfolioAgent>; evaluated: R };
  /** Both candidates' figures (K ≥ 2), and why the stored one is stored. */
  candidates: SeedCandidates | null;
  reason: string;
}

/**
 * The ensemble's run as the trainer stores it: its members' losses averaged, their training episodes
 * and timesteps together, the best seed's per-update history (each seed's checkpoints are in
 * `seeds.members`' metrics' spread; the history of one is what the dashboard charts).
 */
export function ensembleRun<A extends PortfolioAgent>(seeded: SeededRuns<A>, ensemble: PolicyEnsemble<A>): AlgorithmRun<PortfolioAgent> {
  const { runs } = seeded;
  const losses = Object.fromEntries(Object.keys(runs[0].losses).map((name) => [name, runs.reduce((s, r) => s + r.losses[name], 0) / runs.length]));
  return {
    agent: ensemble,
    losses,
    episodes: runs.flatMap((r) => r.episodes),
    timesteps: runs.reduce((s, r) => s + r.timesteps, 0),
    training: {
      ...seeded.run.training,
      ensemble: `the stored policy averages the logits of ${runs.length} seeds; the losses are their means, the history is seed ${seeded.chosen.seed}'s (the best on ${seeded.chosen.scored_by})`,
    },
  };
}

/** Picks the stored candidate by `combine` and records both; `evaluate` is the trainer's evaluation of a run. */
export function combineSeeds<A extends PortfolioAgent, R extends ScoredRun>(
  seeded: SeededRuns<A>,
  ensemble: PolicyEnsemble<A> | undefined,
  combine: AgentCombineSeeds,
  evaluate: (run: AlgorithmRun<PortfolioAgent>) => R,
): SeedCombination<R> {
  const best = { run: seeded.run as AlgorithmRun<PortfolioAgent>, evaluated: evaluate(seeded.run) };
  if (!ensemble) return { combine: 'single', stored: best, candidates: null, reason: 'the run trained one seed' };
  const averaged = ensembleRun(seeded, ensemble);
  const mean = { run: averaged, evaluated: evaluate(averaged) };
  const vsBest = sharpeTests(mean.evaluated.path.weeklyReturns, { vs_best_seed: { against: 'best_validation_seed', returns: best.evaluated.path.weeklyReturns } }).vs_best_seed ?? null;
  const candidates: SeedCandidates = {
    best_val: { seed: seeded.chosen.seed, ...figures(best.evaluated) },
    ensemble: { members: seeded.runs.length, averaged: 'logits', ...figures(mean.evaluated), vs_best_seed: vsBest },
  };
  const K = seeded.runs.length;
  const reason =
    `the config's combineSeeds is '${combine}' (the default was chosen on the test weeks of several runs, not on this run's validation weeks, ` +
    `where the best seed's Sharpe is the maximum of ${K}); the other candidate is scored and reported, not stored`;
  return { combine, stored: combine === 'ensemble' ? mean : best, candidates, reason };
}

function figures(e: ScoredRun): CandidateFigures {
  const m = e.metrics;
  return { train_sharpe: m.train_sharpe, val_sharpe: m.val_sharpe ?? null, eval_sharpe: m.eval_sharpe, eval_interval: e.intervals.eval_sharpe ?? null, eval_cagr: m.eval_cagr };
}

/** One line: what is stored and the other candidate's test Sharpe beside it (the response's and the card's). */
export function candidatesLine(combine: AgentCombineSeeds | 'single', c: SeedCandidates | null): string | null {
  if (!c) return null;
  const k = c.ensemble.members;
  const fmt = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(3));
  const best = `the best validation seed (seed ${c.best_val.seed} of ${k}): test Sharpe ${fmt(c.best_val.eval_sharpe)}`;
  const mean = `the ensemble of ${k} seeds (mean logits): test Sharpe ${fmt(c.ensemble.eval_sharpe)}`;
  const p = c.ensemble.vs_best_seed ? `; ensemble better than best seed: one-sided p = ${c.ensemble.vs_best_seed.p_value.toFixed(3)}` : '';
  return combine === 'ensemble' ? `Stored: ${mean}; not stored: ${best}${p}.` : `Stored: ${best}; not stored: ${mean}${p}.`;
}
