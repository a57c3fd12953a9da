/**
 * The trainer every portfolio agent kind shares (ppo_*, sac_*); the algorithm is the only part that
 * differs (agent-algorithm.ts). The weekly panel of walk-forward forecasts, signals and price
 * features (env/build-panel.ts), training in the portfolio environment, a deterministic evaluation
 * beside the equal-weight benchmark, and the fair comparison with the current agent on the same weeks.
 *
 * - Full: the panel's weeks are split in time (agent-weeks.ts); features are standardised with
 *   statistics of the training weeks only, and the transform is stored with the agent (panel-transform.json).
 * - Fine-tune: from the current agent (its weights, its transform, its symbols in its order), the
 *   last `finetune.evalWeeks` weeks of the window are the evaluation, the `finetune.trainWeeks`
 *   weeks before them the training.
 * - Evaluation: the whole evaluation range in one pass from all cash, the policy's deterministic
 *   action, costs included (env/evaluate-policy.ts); the equal-weight portfolio of the same symbols
 *   on the same weeks with the same costs and caps.
 * - Metrics: the algorithm's losses, then avg_episode_return / avg_episode_sharpe (the training
 *   episodes completed during the run), then eval_* and benchmark_* and the counts.
 */
import { planMetadata } from '../artifacts/version-metadata.ts';
import { versionPrefix, writeModelFiles } from '../artifacts/model-files.ts';
import type { PromotionMetric } from '../kind-spec.ts';
import type { KindTrainer, TrainerDeps } from '../kind-trainer.ts';
import type { TrainingPlan } from '../../pipeline/plan.ts';
import { UserInputError } from '../../pipeline/errors.ts';
import { assertPlannedForecasterModels } from '../../pipeline/forecaster-models.ts';
import { applyStandardiser, buildRawPanel, fitStandardiser, type PanelDeps } from './env/build-panel.ts';
import { equalWeightBenchmark, evaluatePolicy, PortfolioVectorEnv } from './env/portfolio-env.ts';
import type { PortfolioRules } from './env/portfolio-rules.ts';
import { panelInput, type AgentCommonConfig } from './agent-config.ts';
import type { AgentAlgorithm, PortfolioAgent } from './agent-algorithm.ts';
import { compareWithCurrent } from './agent-comparison.ts';
import { describeWeeks, finetuneSplit, fullSplit, weekSpan } from './agent-weeks.ts';
import { pathMetrics } from './portfolio-metrics.ts';
import { loadStoredAgent, TRANSFORM_FILE, transformFile, type StoredAgent, type StoredTransform } from './stored-agent.ts';

export function agentTrainer<A extends PortfolioAgent, C extends AgentCommonConfig>(algorithm: AgentAlgorithm<A, C>, promotion: PromotionMetric): KindTrainer {
  return {
    async train(plan: TrainingPlan, deps: TrainerDeps) {
      const started = Date.now();
      const config = plan.config as unknown as C & { baseVersion?: string };
      const rules: PortfolioRules = { maxStockWeight: config.maxStockWeight, minCash: config.minCash, costBps: config.costBps };
      const panelDeps: PanelDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, signals: deps.signals };
      await assertPlannedForecasterModels(plan, deps);

      let base: StoredAgent<A> | undefined;
      if (plan.mode === 'finetune') {
        if (!config.baseVersion) throw new Error(`a ${plan.kind} fine-tune plan needs config.baseVersion`);
        base = await loadStoredAgent(plan.kind, config.baseVersion, deps.store, algorithm.deserialize);
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
            `(snapshots ${raw.snapshots.join(', ')}); train ${describeWeeks(raw, split.train)}, evaluate ${describeWeeks(raw, split.evaluation)}`,
        );
        const transform: StoredTransform = base ? base.transform : { ...fitStandardiser(raw, split.train), symbols: [...symbols] };
        const panel = applyStandardiser(raw, transform);

        const makeEnv = (numEnvs: number, seed: number) => new PortfolioVectorEnv(panel, { weekRange: split.train, numEnvs, seed, episodeWeeks: config.episodeWeeks, ...rules });
        const run = await algorithm.train(makeEnv, config, base?.agent, deps.log);
        const agent = run.agent;
        try {
          const path = evaluatePolicy(panel, split.evaluation, (obs) => agent.act(obs), rules);
          const benchmark = equalWeightBenchmark(panel, split.evaluation, rules);
          const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
          const metrics: Record<string, number> = {
            ...run.losses,
            avg_episode_return: mean(run.episodes.map((e) => e.return)),
            avg_episode_sharpe: mean(run.episodes.map((e) => e.sharpe)),
            ...pathMetrics('eval', path),
            ...pathMetrics('benchmark', benchmark),
            eval_weeks: path.weeks.length,
            train_weeks: split.train.toWeek - split.train.fromWeek,
            episodes_completed: run.episodes.length,
            timesteps: run.timesteps,
          };
          const comparison = await compareWithCurrent(plan, { agent, raw, transform, evaluation: split.evaluation, rules }, config, promotion, algorithm.deserialize, deps);
          const evaluationWeeks = { first: path.weeks[0], last: path.weeks.at(-1)!, count: path.weeks.length };
          // 'final_model' only when allowed and the forecaster has no snapshots: its forecasts have seen the evaluation weeks.
          const walkForward = raw.walkForward ?? 'snapshots';
          const files: Record<string, Uint8Array> = { ...algorithm.serialize(agent), [TRANSFORM_FILE]: transformFile(transform) };
          await writeModelFiles(deps.store, versionPrefix(plan.kind, plan.version), files, {
            ...planMetadata(plan, deps.backend),
            symbols_used: symbols,
            base_version: base?.version ?? null,
            metrics,
            // Read by record-result into the response, beside the seed's fields (it adds hf_repo and hf_url).
            response: { walk_forward: walkForward, evaluation_weeks: evaluationWeeks },
            walk_forward: walkForward,
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
            training: { ...run.training, episodes_completed: run.episodes.length },
            comparison,
            train_seconds: (Date.now() - started) / 1000,
            created_at: new Date().toISOString(),
          });
          deps.log(
            `trained ${plan.kind} ${plan.version}: eval_sharpe=${metrics.eval_sharpe.toFixed(3)} (equal weight ${metrics.benchmark_sharpe.toFixed(3)}) ` +
              `eval_cagr=${metrics.eval_cagr.toFixed(4)} (equal weight ${metrics.benchmark_cagr.toFixed(4)}) eval_max_drawdown=${metrics.eval_max_drawdown.toFixed(4)} over ${path.weeks.length} weeks`,
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
}
