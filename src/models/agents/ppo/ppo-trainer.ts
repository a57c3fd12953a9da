/**
 * The PPO agents' trainer (ppo_lstm, ppo_patchtst): the weekly panel of walk-forward forecasts,
 * signals and price features (env/build-panel.ts), PPO in the portfolio environment (ppo.ts),
 * a deterministic evaluation beside the equal-weight benchmark, and the fair comparison with the
 * current agent on the same weeks.
 *
 * - Full: the panel's weeks are split in time: training = the first weeks up to `gapWeeks` before
 *   the held-out last `evalFraction` of the weeks; features are standardised with statistics of the
 *   training weeks only, and the transform is stored with the agent (panel-transform.json).
 * - Fine-tune: from the current agent (its weights, its transform, its symbols in its order), the
 *   last `finetune.evalWeeks` weeks of the window are the evaluation, the `finetune.trainWeeks`
 *   weeks before them the training.
 * - Evaluation: the whole evaluation range in one pass from all cash, the policy's mean action,
 *   costs included (env/evaluate-policy.ts); the equal-weight portfolio of the same symbols on the
 *   same weeks with the same costs and caps.
 * - policy_loss and value_loss are the last update's (means over its minibatches);
 *   avg_episode_return / avg_episode_sharpe average the training episodes completed during the run.
 */
import { planMetadata } from '../../artifacts/version-metadata.ts';
import { readModelFiles, versionPrefix, writeModelFiles } from '../../artifacts/model-files.ts';
import type { Comparison } from '../../comparison.ts';
import type { KindTrainer, TrainerDeps } from '../../kind-trainer.ts';
import type { TrainingPlan } from '../../../pipeline/plan.ts';
import { UserInputError } from '../../../pipeline/errors.ts';
import { applyStandardiser, buildRawPanel, fitStandardiser, selectWeeks, type PanelDeps, type PanelTransform, type RawPanel } from '../env/build-panel.ts';
import { equalWeightBenchmark, evaluatePolicy, PortfolioVectorEnv, type PortfolioPath } from '../env/portfolio-env.ts';
import type { PortfolioRules } from '../env/portfolio-rules.ts';
import type { WeekRange } from '../env/weekly-panel.ts';
import { cagr, maxDrawdown, sharpe } from '../portfolio-metrics.ts';
import { trainPpo, type PpoAgent, type PpoConfig } from './ppo.ts';
import { deserializePpoAgent, serializePpoAgent } from './ppo-artifacts.ts';
import type { PpoAgentConfig } from './ppo-config.ts';

export const TRANSFORM_FILE = 'panel-transform.json';

interface StoredTransform extends PanelTransform {
  symbols: string[];
}

interface LoadedAgent {
  version: string;
  agent: PpoAgent;
  transform: StoredTransform;
  config: PpoAgentConfig;
  /** The last week the agent trained on (null when its metadata does not say). */
  trainedThrough: string | null;
}

type AgentPlanConfig = PpoAgentConfig & { baseVersion?: string };

export const ppoTrainer: KindTrainer = {
  async train(plan: TrainingPlan, deps: TrainerDeps) {
    const started = Date.now();
    const config = plan.config as unknown as AgentPlanConfig;
    const rules: PortfolioRules = { maxStockWeight: config.maxStockWeight, minCash: config.minCash, costBps: config.costBps };
    const panelDeps: PanelDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData };

    let base: LoadedAgent | undefined;
    if (plan.mode === 'finetune') {
      if (!config.baseVersion) throw new Error(`a ${plan.kind} fine-tune plan needs config.baseVersion`);
      base = await loadAgent(plan.kind, config.baseVersion, deps);
    }
    try {
      const symbols = base ? base.transform.symbols : plan.symbols;
      const raw = await buildRawPanel(panelInput(config, symbols, plan.window), panelDeps).catch((error: Error) => {
        if (base) throw new UserInputError(`cannot fine-tune ${plan.kind} ${base.version} on its symbols ${symbols.join(', ')}: ${error.message}`);
        throw error;
      });
      const split = base ? finetuneSplit(raw, config) : fullSplit(raw, config);
      deps.log(
        `panel: ${raw.weeks.length} weeks ${raw.weeks[0]}..${raw.weeks.at(-1)} × ${symbols.length} symbols × ${raw.featureNames.length} features ` +
          `(snapshots ${raw.snapshots.join(', ')}); train ${describe(raw, split.train)}, evaluate ${describe(raw, split.evaluation)}`,
      );
      const transform: StoredTransform = base ? base.transform : { ...fitStandardiser(raw, split.train), symbols: [...symbols] };
      const panel = applyStandardiser(raw, transform);

      const overrides: Partial<PpoConfig> = base
        ? { ...config.ppo, seed: config.seed, totalTimesteps: config.finetune.totalTimesteps, learningRate: config.finetune.learningRate, hiddenSizes: base.agent.config.hiddenSizes }
        : { ...config.ppo, seed: config.seed };
      const trained = await trainPpo(
        (numEnvs, seed) => new PortfolioVectorEnv(panel, { weekRange: split.train, numEnvs, seed, episodeWeeks: config.episodeWeeks, ...rules }),
        overrides,
        {
          initial: base?.agent,
          onUpdate: (u) =>
            deps.log(
              `update ${u.update} step ${u.global_step} policy_loss=${u.policy_loss.toFixed(5)} value_loss=${u.value_loss.toExponential(3)} ` +
                `approx_kl=${u.approx_kl.toExponential(2)} clip_fraction=${u.clip_fraction.toFixed(3)} explained_variance=${u.explained_variance?.toFixed(3) ?? 'n/a'} ` +
                `entropy=${u.entropy.toFixed(3)} mean_episode_return=${u.mean_episode_return?.toFixed(4) ?? 'n/a'} sps=${Math.round(u.steps_per_second)}`,
            ),
        },
      );
      const agent = trained.agent;
      try {
        const path = evaluatePolicy(panel, split.evaluation, (obs) => agent.act(obs), rules);
        const benchmark = equalWeightBenchmark(panel, split.evaluation, rules);
        const last = trained.history.at(-1);
        const episodes = trained.episodes;
        const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
        const metrics: Record<string, number> = {
          policy_loss: last?.policy_loss ?? Number.NaN,
          value_loss: last?.value_loss ?? Number.NaN,
          avg_episode_return: mean(episodes.map((e) => e.return)),
          avg_episode_sharpe: mean(episodes.map((e) => e.sharpe)),
          ...pathMetrics('eval', path),
          ...pathMetrics('benchmark', benchmark),
          eval_weeks: path.weeks.length,
          train_weeks: split.train.toWeek - split.train.fromWeek,
          episodes_completed: episodes.length,
          timesteps: last?.global_step ?? 0,
        };
        const comparison = await compareWithCurrent(plan, { agent, raw, transform, evaluation: split.evaluation, rules }, config, deps);
        const evaluationWeeks = { first: path.weeks[0], last: path.weeks.at(-1)!, count: path.weeks.length };
        const files: Record<string, Uint8Array> = {
          ...serializePpoAgent(agent),
          [TRANSFORM_FILE]: new TextEncoder().encode(`${JSON.stringify(transform, null, 2)}\n`),
        };
        await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), files, {
          ...planMetadata(plan, deps.backend),
          symbols_used: symbols,
          base_version: base?.version ?? null,
          metrics,
          // Read by record-result into the response, beside the seed's fields.
          response: { walk_forward: 'snapshots', evaluation_weeks: evaluationWeeks, hf_repo: null, hf_url: null },
          walk_forward: 'snapshots',
          snapshots_used: raw.snapshots,
          split: {
            train: weekSpan(raw, split.train),
            evaluation: weekSpan(raw, split.evaluation),
            gap_weeks: base ? 0 : config.gapWeeks,
          },
          evaluation: {
            weeks: path.weeks,
            agent_equity: path.equity,
            benchmark_equity: benchmark.equity,
            agent_weights: path.weights,
            agent_turnover: path.turnover,
            benchmark_turnover: benchmark.turnover,
          },
          training: {
            note: 'policy_loss and value_loss are the last update’s (means over its minibatches)',
            updates: trained.history,
            episodes_completed: episodes.length,
          },
          comparison,
          train_seconds: (Date.now() - started) / 1000,
          created_at: new Date().toISOString(),
        });
        deps.log(
          `trained ${plan.kind} ${plan.version}: eval_sharpe=${metrics.eval_sharpe.toFixed(3)} (equal weight ${metrics.benchmark_sharpe.toFixed(3)}) ` +
            `eval_cagr=${metrics.eval_cagr.toFixed(4)} eval_max_drawdown=${metrics.eval_max_drawdown.toFixed(4)} over ${path.weeks.length} weeks`,
        );
        return { metrics, comparison };
      } finally {
        agent.dispose();
      }
    } finally {
      base?.agent.dispose();
    }
  },
};

function panelInput(config: PpoAgentConfig, symbols: string[], window: { start: string; end: string }) {
  return { forecaster: config.forecaster, symbols, window, lookbackDays: config.lookbackDays, returnDays: config.returnDays, volatilityDays: config.volatilityDays };
}

/** Full: evaluate on the last evalFraction of the weeks; train on the weeks up to gapWeeks before them. */
function fullSplit(raw: RawPanel, config: PpoAgentConfig): { train: WeekRange; evaluation: WeekRange } {
  const n = raw.weeks.length;
  const evalCount = Math.max(2, Math.round(n * config.evalFraction));
  const evalFrom = n - evalCount;
  const trainTo = evalFrom - config.gapWeeks;
  if (trainTo < 2) throw new UserInputError(`only ${n} weeks have walk-forward forecasts: too few to train and evaluate an agent (need more snapshot years or a longer window)`);
  return { train: { fromWeek: 0, toWeek: trainTo }, evaluation: { fromWeek: evalFrom, toWeek: n } };
}

/** Fine-tune: the last evalWeeks weeks are evaluated, the trainWeeks before them trained on. */
function finetuneSplit(raw: RawPanel, config: PpoAgentConfig): { train: WeekRange; evaluation: WeekRange } {
  const n = raw.weeks.length;
  const { trainWeeks, evalWeeks } = config.finetune;
  if (n < evalWeeks + 2) throw new UserInputError(`only ${n} weeks of the fine-tune window have data for every symbol: need ${evalWeeks} evaluation weeks and some training weeks before them`);
  const evalFrom = n - evalWeeks;
  return { train: { fromWeek: Math.max(0, evalFrom - trainWeeks), toWeek: evalFrom }, evaluation: { fromWeek: evalFrom, toWeek: n } };
}

function pathMetrics(prefix: string, path: PortfolioPath): Record<string, number> {
  return {
    [`${prefix}_sharpe`]: sharpe(path.weeklyReturns),
    [`${prefix}_cagr`]: cagr(path.equity),
    [`${prefix}_max_drawdown`]: maxDrawdown(path.equity),
  };
}

function weekSpan(raw: RawPanel, range: WeekRange) {
  return { first: raw.weeks[range.fromWeek], last: raw.weeks[range.toWeek - 1], count: range.toWeek - range.fromWeek };
}

function describe(raw: RawPanel, range: WeekRange): string {
  const s = weekSpan(raw, range);
  return `${s.count} weeks ${s.first}..${s.last}`;
}

async function loadAgent(kind: string, version: string, deps: Pick<TrainerDeps, 'store'>): Promise<LoadedAgent> {
  const stored = await readModelFiles(deps.store, versionPrefix(kind, version));
  if (!stored) throw new Error(`${kind} ${version} has no committed files`);
  const transformBytes = stored.files[TRANSFORM_FILE];
  if (!transformBytes) throw new Error(`${kind} ${version} lacks ${TRANSFORM_FILE}`);
  const transform = JSON.parse(new TextDecoder().decode(transformBytes)) as StoredTransform;
  const config = stored.metadata.config as unknown as PpoAgentConfig;
  const split = stored.metadata.split as { train?: { last?: string } } | undefined;
  return { version, agent: deserializePpoAgent(stored.files), transform, config, trainedThrough: split?.train?.last ?? null };
}

/**
 * The current agent (if any, and not this version) re-evaluated on the challenger's evaluation
 * weeks, with its own symbols, symbol order and stored transform; both are scored on the weeks both
 * panels have (normally all of the challenger's), each from all cash, with the same rules.
 */
async function compareWithCurrent(
  plan: TrainingPlan,
  challenger: { agent: PpoAgent; raw: RawPanel; transform: PanelTransform; evaluation: WeekRange; rules: PortfolioRules },
  config: PpoAgentConfig,
  deps: TrainerDeps,
): Promise<Comparison | null> {
  const current = await deps.registry.current(plan.kind);
  if (!current || current === plan.version) return null;
  const METRIC = { metric: 'eval_sharpe', better: 'higher' } as const;
  let incumbent: LoadedAgent;
  try {
    incumbent = await loadAgent(plan.kind, current, deps);
  } catch (error) {
    return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `current agent ${current} cannot be read: ${(error as Error).message}` };
  }
  try {
    const evalWeeks = challenger.raw.weeks.slice(challenger.evaluation.fromWeek, challenger.evaluation.toWeek);
    const window = { start: evalWeeks[0], end: plan.window.end };
    const incumbentConfig = { ...config, ...incumbent.config };
    let incumbentRaw: RawPanel;
    try {
      incumbentRaw = selectWeeks(
        await buildRawPanel(panelInput(incumbentConfig, incumbent.transform.symbols, window), {
          store: deps.store,
          registry: deps.registry,
          marketData: deps.marketData,
        }),
        evalWeeks,
      );
    } catch (error) {
      return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `cannot build the current agent's panel on the evaluation weeks: ${(error as Error).message}` };
    }
    const both = incumbentRaw.weeks.filter((w) => evalWeeks.includes(w));
    // Only the weeks the current agent did not train on count, unless that leaves fewer than 2 (then all: this favours it).
    const unseen = incumbent.trainedThrough ? both.filter((w) => w > incumbent.trainedThrough!) : both;
    const common = unseen.length >= 2 ? unseen : both;
    const seenNote = unseen.length >= 2 || unseen.length === both.length ? '' : ` (the current agent trained on weeks up to ${incumbent.trainedThrough}: this favours it)`;
    if (common.length < 2) return { against: current, compared_on: 'not_comparable', ...METRIC, reason: 'fewer than 2 evaluation weeks both agents can be scored on' };
    const incumbentPanel = applyStandardiser(selectWeeks(incumbentRaw, common), incumbent.transform);
    if (incumbent.agent.obsDim !== incumbentPanel.symbols.length * incumbentPanel.featureNames.length + incumbentPanel.symbols.length + 1) {
      return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `current agent ${current} expects ${incumbent.agent.obsDim} observations, its panel gives another size` };
    }
    const candidatePanel = applyStandardiser(selectWeeks(challenger.raw, common), challenger.transform);
    const all = { fromWeek: 0, toWeek: common.length };
    const incumbentRules = { maxStockWeight: incumbentConfig.maxStockWeight, minCash: incumbentConfig.minCash, costBps: challenger.rules.costBps };
    const currentScore = sharpe(evaluatePolicy(incumbentPanel, all, (obs) => incumbent.agent.act(obs), incumbentRules).weeklyReturns);
    const candidateScore = sharpe(evaluatePolicy(candidatePanel, all, (obs) => challenger.agent.act(obs), challenger.rules).weeklyReturns);
    return {
      against: current,
      compared_on: 'same_test_weeks',
      ...METRIC,
      current_score: currentScore,
      candidate_score: candidateScore,
      weeks: { first: common[0], last: common.at(-1)!, count: common.length },
      samples: common.length,
      reason:
        `both agents evaluated deterministically from all cash on ${common.length} of the challenger's ${evalWeeks.length} evaluation weeks` +
        `${unseen.length >= 2 && unseen.length < both.length ? ' that the current agent did not train on' : ''}, costs included (a Sharpe over few weeks is noisy)${seenNote}`,
    };
  } finally {
    incumbent.agent.dispose();
  }
}
