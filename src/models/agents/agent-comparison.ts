/**
 * The challenger against the current agent on the same weeks: the current agent (if any, and not
 * this version) is re-evaluated on the challenger's evaluation weeks with its own symbols, symbol
 * order and stored transform; both are scored by the kind's promotion metric on the weeks both
 * panels have (normally all of the challenger's), each from all cash, with the same costs. The
 * weekly net returns of both passes are kept: the promotion test (the paired Sharpe difference) runs
 * on them.
 */
import { comparisonWeeks, tooFewWeeks, WEEKLY_MEASURES, type Comparison } from '../comparison.ts';
import type { PromotionMetric } from '../kind-spec.ts';
import type { TrainerDeps } from '../kind-trainer.ts';
import type { TrainingPlan } from '../training-plan.ts';
import { applyStandardiser, buildRawPanel, selectWeeks, type PanelTransform, type RawPanel } from './env/build-panel.ts';
import { evaluatePolicy } from './env/portfolio-env.ts';
import type { PortfolioRules } from './env/portfolio-rules.ts';
import type { WeekRange } from './env/weekly-panel.ts';
import { panelInput, type AgentCommonConfig } from './agent-config.ts';
import type { PortfolioAgent } from './agent-algorithm.ts';
import { pathMetrics } from './portfolio-metrics.ts';
import { loadStoredAgent, type StoredAgent } from './stored-agent.ts';

export interface Challenger {
  agent: PortfolioAgent;
  raw: RawPanel;
  transform: PanelTransform;
  evaluation: WeekRange;
  rules: PortfolioRules;
}

export async function compareWithCurrent<A extends PortfolioAgent>(
  plan: TrainingPlan,
  challenger: Challenger,
  config: AgentCommonConfig,
  promotion: PromotionMetric,
  deserialize: (files: Readonly<Record<string, Uint8Array>>) => A,
  deps: TrainerDeps,
): Promise<Comparison | null> {
  const current = await deps.registry.current(plan.kind);
  if (!current || current === plan.version) return null;
  const METRIC = { metric: promotion.name, better: promotion.better } as const;
  // A deterministic pass over all of a panel's weeks, from all cash.
  const pass = (panel: Parameters<typeof evaluatePolicy>[0], agent: PortfolioAgent, rules: PortfolioRules) =>
    evaluatePolicy(panel, { fromWeek: 0, toWeek: panel.weeks.length }, (obs) => agent.act(obs), rules);
  let incumbent: StoredAgent<A>;
  try {
    incumbent = await loadStoredAgent(plan.kind, current, deps.store, deserialize);
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
        await buildRawPanel(panelInput(incumbentConfig, incumbent.transform.symbols, window), { marketData: deps.marketData, signals: deps.signals, forecasts: deps.forecasts }),
        evalWeeks,
      );
    } catch (error) {
      return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `cannot build the current agent's panel on the evaluation weeks: ${(error as Error).message}` };
    }
    const scorable = incumbentRaw.weeks.filter((w) => evalWeeks.includes(w));
    const chosen = comparisonWeeks(scorable, incumbent.trainedThrough);
    if (!chosen) return { against: current, compared_on: 'not_comparable', ...METRIC, reason: tooFewWeeks('evaluation weeks') };
    const common = chosen.weeks;
    const incumbentPanel = applyStandardiser(selectWeeks(incumbentRaw, common), incumbent.transform);
    if (incumbent.agent.obsDim !== incumbentPanel.symbols.length * incumbentPanel.featureNames.length + incumbentPanel.symbols.length + 1) {
      return { against: current, compared_on: 'not_comparable', ...METRIC, reason: `current agent ${current} expects ${incumbent.agent.obsDim} observations, its panel gives another size` };
    }
    const candidatePanel = applyStandardiser(selectWeeks(challenger.raw, common), challenger.transform);
    const incumbentRules = { maxStockWeight: incumbentConfig.maxStockWeight, minCash: incumbentConfig.minCash, costBps: challenger.rules.costBps };
    const incumbentPath = pass(incumbentPanel, incumbent.agent, incumbentRules);
    const candidatePath = pass(candidatePanel, challenger.agent, challenger.rules);
    return {
      against: current,
      compared_on: 'same_test_weeks',
      ...METRIC,
      // The promotion metric (eval_sharpe, eval_cagr, …) of each pass.
      current_score: pathMetrics('eval', incumbentPath)[promotion.name],
      candidate_score: pathMetrics('eval', candidatePath)[promotion.name],
      weeks: { first: common[0], last: common.at(-1)!, count: common.length },
      samples: common.length,
      weekly: { weeks: [...common], candidate: [...candidatePath.weeklyReturns], current: [...incumbentPath.weeklyReturns], measure: WEEKLY_MEASURES.returns },
      reason:
        `both agents evaluated deterministically from all cash on ${common.length} of the challenger's ${evalWeeks.length} evaluation weeks` +
        `${chosen.unseenOnly && common.length < scorable.length ? ' that the current agent did not train on' : ''}, costs included (${promotion.name} over few weeks is noisy)` +
        `${chosen.unseenOnly ? '' : ` (the current agent trained on weeks up to ${incumbent.trainedThrough ?? 'an unrecorded week'}: this favours it)`}`,
    };
  } finally {
    incumbent.agent.dispose();
  }
}
