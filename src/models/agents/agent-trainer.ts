/**
 * The trainer every portfolio agent kind shares (ppo_*, sac_*); the algorithm is the only part that
 * differs (agent-algorithm.ts). The weekly panel of walk-forward forecasts, signals and price
 * features (env/build-panel.ts), training in the portfolio environment, a deterministic evaluation
 * beside the equal-weight benchmark, and the fair comparison with the current agent on the same weeks.
 *
 * - Full: the panel's weeks are split in time into training, validation and evaluation with gaps
 *   (agent-weeks.ts), training ending at the universe's ranking date; features are standardised with
 *   statistics of the training weeks only, and the transform is stored with the agent
 *   (panel-transform.json). The run's checkpoints are scored on the validation weeks and the best is
 *   kept (checkpoints.ts); of the config's K seeds, the one whose kept agent scores best there, or
 *   the ensemble of all K (averaged logits), is stored as the config's `combineSeeds` says; both
 *   are scored and recorded every run (seed-combination.ts); each seed's evaluation is only
 *   reported (metric_spread).
 * - Fine-tune: from the current agent (its weights, its transform, its symbols in its order; seed i
 *   from an ensemble's member i mod K), the
 *   last `finetune.evalWeeks` weeks of the window are the evaluation, `finetune.gapWeeks` before them
 *   unused, the `finetune.trainWeeks` weeks before those the training; no validation, the last weights.
 * - Evaluation: the whole evaluation range in one pass from all cash, the policy's deterministic
 *   action, costs included (env/evaluate-policy.ts); the equal-weight and the inverse-volatility
 *   portfolios of the same symbols on the same weeks with the same costs and caps.
 * - Metrics: the algorithm's losses, then avg_episode_return / avg_episode_sharpe (the training
 *   episodes completed during the run), then eval_*, train_sharpe and val_sharpe (the same
 *   deterministic pass over the training and validation weeks), benchmark_* (equal weight),
 *   inverse_vol_*, and the counts; the Sharpe intervals and tests against the baselines go beside
 *   them (agent-evidence.ts).
 */
import { planMetadata } from '../artifacts/version-metadata.ts';
import { versionPrefix, writeModelFiles } from '../artifacts/model-files.ts';
import type { PromotionMetric } from '../kind-spec.ts';
import type { KindTrainer, TrainerDeps } from '../kind-trainer.ts';
import type { TrainingPlan } from '../training-plan.ts';
import { UserInputError } from '../../config/errors.ts';
import type { Comparison } from '../comparison.ts';
import { applyStandardiser, buildRawPanel, fitStandardiser, type PanelDeps, type RawPanel } from './env/build-panel.ts';
import { equalWeightBenchmark, evaluatePolicy, inverseVolatilityBenchmark } from './env/portfolio-env.ts';
import type { PortfolioRules } from './env/portfolio-rules.ts';
import { weeksSkipped, type WeeklyPanel } from './env/weekly-panel.ts';
import { panelInput, type AgentCommonConfig } from './agent-config.ts';
import type { AgentAlgorithm, AlgorithmRun, PortfolioAgent } from './agent-algorithm.ts';
import { compareWithCurrent } from './agent-comparison.ts';
import { describeWeeks, finetuneSplit, fullSplit, weekSpan, type AgentSplit } from './agent-weeks.ts';
import { pathMetrics, sharpe } from './portfolio-metrics.ts';
import { validationScore } from './checkpoints.ts';
import { sharpeIntervals, sharpeTests } from './agent-evidence.ts';
import { agentSeeds, trainSeeds, type SeededRuns } from './agent-seeds.ts';
import { loadStoredAgent, TRANSFORM_FILE, transformFile, type StoredAgent, type StoredTransform } from './stored-agent.ts';
import { disposeAll, PolicyEnsemble } from './policy-ensemble.ts';
import { serializeEnsemble } from './ensemble-files.ts';
import { candidatesLine, combineSeeds, type SeedCombination } from './seed-combination.ts';
import { seedWorkers, trainingEnvs } from './seed-pool.ts';
import { kindSpec } from '../kinds.ts';

export function agentTrainer<A extends PortfolioAgent, C extends AgentCommonConfig>(algorithm: AgentAlgorithm<A, C>, promotion: PromotionMetric): KindTrainer {
  return {
    async train(plan: TrainingPlan, deps: TrainerDeps) {
      const started = Date.now();
      const config = plan.config as unknown as C & { baseVersion?: string };
      let base: StoredAgent<A> | undefined;
      if (plan.mode === 'finetune') {
        if (!config.baseVersion) throw new Error(`a ${plan.kind} fine-tune plan needs config.baseVersion`);
        base = await loadStoredAgent(plan.kind, config.baseVersion, deps.store, algorithm.deserialize);
      }
      try {
        const prepared = await preparePanel(plan, config, base, deps);
        const { panel, split, rules } = prepared;
        const makeEnv = trainingEnvs(panel, split.train, config.episodeWeeks, rules);
        const validation = split.validation ? validationScore(panel, split.validation, rules) : undefined;
        // K seeds, ranked on the validation weeks (agent-seeds.ts); each seed's metrics make the spread.
        const seeded = await trainSeeds<A>({
          seeds: agentSeeds(config),
          train: (seed, i) => algorithm.train(makeEnv, { ...config, seed }, base?.members[i % base.members.length], deps.log, validation),
          evaluate: (r) => evaluateRun(r, prepared).metrics,
          validation,
          log: deps.log,
          // Two seeds at a time on worker threads when the run may use two (seed-pool.ts); the same runs, byte for byte.
          workers: seedWorkers<A>({
            backend: deps.backend,
            job: (seed, i) => ({ algorithm: kindSpec(plan.kind).policy!.algorithm, panel, train: split.train, validation: split.validation, rules, config: { ...config, seed }, base: base && algorithm.serialize(base.members[i % base.members.length]) }),
            deserialize: algorithm.deserialize,
            log: deps.log,
          }),
        });
        // The ensemble owns all K agents (the best seed's among them): disposing it frees every one.
        let ensemble: PolicyEnsemble<A> | undefined;
        try {
          ensemble = seeded.runs.length > 1 ? new PolicyEnsemble(seeded.runs.map((r) => r.agent)) : undefined;
          // The best seed and the ensemble, both scored; the config says which is stored (seed-combination.ts).
          const combination = combineSeeds(seeded, ensemble, config.combineSeeds ?? 'best_val', (r) => evaluateRun(r, prepared));
          const { run, evaluated } = combination.stored;
          const comparison = await compareWithCurrent(plan, { agent: run.agent, ...prepared, evaluation: split.evaluation }, config, promotion, algorithm.deserialize, deps);
          const gapWeeks = base ? config.finetune.gapWeeks : config.gapWeeks;
          const serialize = () => (combination.combine === 'ensemble' ? serializeEnsemble(seeded.runs.map((r) => r.agent), algorithm.serialize) : algorithm.serialize(seeded.run.agent));
          await commitAgent(plan, { ...prepared, ...evaluated, run, seeded, combination, base, comparison, started, gapWeeks, universeAsOf: universeDate(plan, config, base) }, serialize, deps);
          return { metrics: evaluated.metrics, comparison };
        } finally {
          if (ensemble) ensemble.dispose();
          else disposeAll(seeded.runs.map((r) => r.agent));
        }
      } finally {
        base?.agent.dispose();
      }
    },
  };
}

/** The panel of the run and how it is used: its weeks split, the transform standardising it, the rules of its env. */
interface PreparedPanel {
  symbols: string[];
  raw: RawPanel;
  split: AgentSplit;
  transform: StoredTransform;
  panel: WeeklyPanel;
  rules: PortfolioRules;
}

/**
 * Full: the plan's symbols, the weeks split in time, the transform fitted on the training weeks.
 * Fine-tune: the base agent's symbols (in its order) and transform, the window's last weeks.
 */
async function preparePanel(plan: TrainingPlan, config: AgentCommonConfig, base: StoredAgent<PortfolioAgent> | undefined, deps: TrainerDeps): Promise<PreparedPanel> {
  const rules: PortfolioRules = { maxStockWeight: config.maxStockWeight, minCash: config.minCash, costBps: config.costBps };
  const symbols = base ? base.transform.symbols : plan.symbols;
  const panelDeps: PanelDeps = { marketData: deps.marketData, signals: deps.signals, forecasts: deps.forecasts };
  const raw = await buildRawPanel(panelInput(config, symbols, plan.window), panelDeps).catch((error: Error) => {
    if (base) throw new UserInputError(`cannot fine-tune ${plan.kind} ${base.version} on its symbols ${symbols.join(', ')}: ${error.message}`);
    throw error;
  });
  const split = base ? finetuneSplit(raw, config) : fullSplit(raw, config);
  deps.log(
    `panel: ${raw.weeks.length} weeks ${raw.weeks[0]}..${raw.weeks.at(-1)} × ${symbols.length} symbols × ${raw.featureNames.length} features ` +
      `(snapshots ${raw.snapshots.join(', ')}); train ${describeWeeks(raw, split.train)}, ` +
      `${split.validation ? `validate ${describeWeeks(raw, split.validation)}, ` : ''}evaluate ${describeWeeks(raw, split.evaluation)}` +
      `${raw.ended ? `; stopped trading (held as cash from their last price): ${Object.entries(raw.ended).map(([s, d]) => `${s} ${d}`).join(', ')}` : ''}`,
  );
  const transform: StoredTransform = base ? base.transform : { ...fitStandardiser(raw, split.train), symbols: [...symbols] };
  return { symbols, raw, split, transform, panel: applyStandardiser(raw, transform), rules };
}

/**
 * The trained agent's deterministic pass over the evaluation weeks (the only time it reads them)
 * beside the equal-weight and inverse-volatility portfolios, its passes over the training and
 * validation weeks, and the run's metrics, intervals and tests.
 */
function evaluateRun(run: AlgorithmRun<PortfolioAgent>, prepared: PreparedPanel) {
  const { panel, raw, split, rules } = prepared;
  const act = (obs: Float32Array) => run.agent.act(obs);
  const path = evaluatePolicy(panel, split.evaluation, act, rules);
  const benchmark = equalWeightBenchmark(panel, split.evaluation, rules);
  const inverseVol = inverseVolatilityBenchmark(panel, split.evaluation, featureOf(raw, 'vol_60d'), rules);
  const trainSharpe = sharpe(evaluatePolicy(panel, split.train, act, rules).weeklyReturns);
  const valSharpe = split.validation ? sharpe(evaluatePolicy(panel, split.validation, act, rules).weeklyReturns) : undefined;
  const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const metrics: Record<string, number> = {
    ...run.losses,
    avg_episode_return: mean(run.episodes.map((e) => e.return)),
    avg_episode_sharpe: mean(run.episodes.map((e) => e.sharpe)),
    ...pathMetrics('eval', path),
    train_sharpe: trainSharpe,
    ...(valSharpe !== undefined ? { val_sharpe: valSharpe } : {}),
    ...pathMetrics('benchmark', benchmark),
    ...pathMetrics('inverse_vol', inverseVol),
    eval_weeks: path.weeks.length,
    // Calendar weeks the evaluation held through without a row (weeks left out of the panel: build-panel.ts); 0 normally.
    eval_weeks_skipped: weeksSkipped(panel, split.evaluation),
    train_weeks: split.train.toWeek - split.train.fromWeek,
    ...(split.validation ? { val_weeks: split.validation.toWeek - split.validation.fromWeek } : {}),
    episodes_completed: run.episodes.length,
    timesteps: run.timesteps,
  };
  const intervals = sharpeIntervals({ eval_sharpe: path.weeklyReturns, benchmark_sharpe: benchmark.weeklyReturns, inverse_vol_sharpe: inverseVol.weeklyReturns });
  const tests = sharpeTests(path.weeklyReturns, {
    sharpe_vs_equal_weight: { against: 'equal_weight', returns: benchmark.weeklyReturns },
    sharpe_vs_inverse_volatility: { against: 'inverse_volatility', returns: inverseVol.weeklyReturns },
  });
  return { path, benchmark, inverseVol, metrics, intervals, tests };
}

/** One raw feature of every week and symbol (weeks × S), e.g. vol_60d: measured before each week. */
function featureOf(raw: RawPanel, name: string): Float64Array {
  const f = raw.featureNames.indexOf(name);
  if (f < 0) throw new Error(`the panel has no feature ${name}`);
  const F = raw.featureNames.length;
  return Float64Array.from({ length: raw.raw.length / F }, (_, i) => raw.raw[i * F + f]);
}

/** The date the agent's universe was ranked at: the plan's (point in time), a fine-tune's base's, or the window's end. */
function universeDate(plan: TrainingPlan, config: AgentCommonConfig, base: StoredAgent<PortfolioAgent> | undefined): { as_of: string; point_in_time: boolean } {
  const asOf = base ? base.config.universeAsOf : config.universeAsOf;
  return asOf ? { as_of: asOf, point_in_time: true } : { as_of: base ? 'unrecorded' : plan.window.end, point_in_time: false };
}

/** The agent's files (its algorithm's and the transform) and metadata.json (last: the commit marker). */
async function commitAgent<A extends PortfolioAgent>(
  plan: TrainingPlan,
  facts: PreparedPanel &
    ReturnType<typeof evaluateRun> & {
      run: AlgorithmRun<PortfolioAgent>;
      seeded: SeededRuns<A>;
      combination: SeedCombination<ReturnType<typeof evaluateRun>>;
      base: StoredAgent<A> | undefined;
      comparison: Comparison | null;
      started: number;
      gapWeeks: number;
      universeAsOf: { as_of: string; point_in_time: boolean };
    },
  serialize: () => Record<string, Uint8Array>,
  deps: TrainerDeps,
): Promise<void> {
  const { raw, split, path, benchmark, inverseVol, metrics, intervals, tests, run, seeded, combination, base } = facts;
  const evaluationWeeks = { first: path.weeks[0], last: path.weeks.at(-1)!, count: path.weeks.length };
  // 'final_model' only when allowed and the forecaster has no snapshots: its forecasts have seen the evaluation weeks.
  const walkForward = raw.walkForward ?? 'snapshots';
  const files: Record<string, Uint8Array> = { ...serialize(), [TRANSFORM_FILE]: transformFile(facts.transform) };
  const storedLine = candidatesLine(combination.combine, combination.candidates);
  await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), files, {
    ...planMetadata(plan, deps.backend),
    symbols_used: facts.symbols,
    // The date those symbols were ranked at (point in time: the last training week), and any that stopped trading.
    universe: { ...facts.universeAsOf, ...(raw.ended ? { stopped_trading: raw.ended } : {}) },
    base_version: base?.version ?? null,
    metrics,
    // Each metric over the K seeds' agents (mean, sample std, min, max, n); the metrics above are the stored policy's.
    metric_spread: seeded.metricSpread,
    // `chosen` is the best seed on validation; `combine` what is stored (it, or the ensemble of all K), both candidates' figures and why.
    seeds: { count: seeded.seeds.length, combine: combination.combine, chosen: seeded.chosen, members: seeded.seeds, candidates: combination.candidates, reason: combination.reason },
    intervals,
    tests,
    // Read by record-result into the response, beside the seed's fields (it adds hf_repo and hf_url).
    response: {
      walk_forward: walkForward,
      evaluation_weeks: evaluationWeeks,
      universe_as_of: facts.universeAsOf.as_of,
      metric_spread: sharpeSpread(seeded.metricSpread),
      intervals,
      tests,
      ...(storedLine ? { seeds: { count: seeded.seeds.length, stored: combination.combine, summary: storedLine, candidates: combination.candidates } } : {}),
    },
    walk_forward: walkForward,
    snapshots_used: raw.snapshots,
    split: {
      train: weekSpan(raw, split.train),
      ...(split.validation ? { validation: weekSpan(raw, split.validation) } : {}),
      evaluation: weekSpan(raw, split.evaluation),
      gap_weeks: facts.gapWeeks,
    },
    evaluation: {
      weeks: path.weeks,
      agent_equity: path.equity,
      benchmark_equity: benchmark.equity,
      inverse_vol_equity: inverseVol.equity,
      agent_weights: path.weights,
      agent_turnover: path.turnover,
      benchmark_turnover: benchmark.turnover,
      inverse_vol_turnover: inverseVol.turnover,
      agent_returns: path.weeklyReturns,
      benchmark_returns: benchmark.weeklyReturns,
      inverse_vol_returns: inverseVol.weeklyReturns,
    },
    training: { ...run.training, episodes_completed: run.episodes.length },
    ...checkpointsOf(combination.combine === 'ensemble' ? seeded : run),
    comparison: facts.comparison,
    train_seconds: (Date.now() - facts.started) / 1000,
    created_at: new Date().toISOString(),
  });
  const vsEqual = tests.sharpe_vs_equal_weight;
  deps.log(
    `trained ${plan.kind} ${plan.version}: train_sharpe=${metrics.train_sharpe.toFixed(3)} val_sharpe=${metrics.val_sharpe?.toFixed(3) ?? 'n/a'} ` +
      `eval_sharpe=${metrics.eval_sharpe.toFixed(3)} [${intervals.eval_sharpe?.low.toFixed(2) ?? '?'}, ${intervals.eval_sharpe?.high.toFixed(2) ?? '?'}] ` +
      `(equal weight ${metrics.benchmark_sharpe.toFixed(3)}, p=${vsEqual?.p_value.toFixed(3) ?? 'n/a'}; inverse volatility ${metrics.inverse_vol_sharpe.toFixed(3)}) ` +
      `eval_cagr=${metrics.eval_cagr.toFixed(4)} (equal weight ${metrics.benchmark_cagr.toFixed(4)}) eval_max_drawdown=${metrics.eval_max_drawdown.toFixed(4)} over ${path.weeks.length} weeks` +
      `${storedLine ? `. ${storedLine}` : ''}`,
  );
}

/** The stored policy's validation checkpoints: the agent's, or, for an ensemble, each member's. */
function checkpointsOf(source: AlgorithmRun<PortfolioAgent> | SeededRuns<PortfolioAgent>): Record<string, unknown> {
  const scoredOn = 'validation weeks, deterministic policy, annualised Sharpe';
  if ('runs' in source) {
    const members = source.runs.flatMap((r, i) => (r.checkpoints ? [{ seed: source.seeds[i].seed, ...r.checkpoints }] : []));
    return members.length > 0 ? { checkpoints: { scored_on: scoredOn, members } } : {};
  }
  return source.checkpoints ? { checkpoints: { scored_on: scoredOn, ...source.checkpoints } } : {};
}

/** The response's share of the spread over seeds: the Sharpe ratios of the three segments and the evaluation's CAGR. */
function sharpeSpread<T>(spread: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(['train_sharpe', 'val_sharpe', 'eval_sharpe', 'eval_cagr'].filter((name) => name in spread).map((name) => [name, spread[name]]));
}
