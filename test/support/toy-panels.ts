/** Weekly panels with a known answer for the agents' algorithm tests (PPO and SAC use the same ones). */
import { mulberry32 } from '../../src/ml/random.ts';
import { PortfolioVectorEnv } from '../../src/models/agents/env/portfolio-env.ts';
import { projectWeights } from '../../src/models/agents/env/project-weights.ts';
import type { WeeklyPanel } from '../../src/models/agents/env/weekly-panel.ts';

/** One asset with a steady weekly return and cash: the best portfolio holds the asset at its cap. */
export function steadyPanel(weeks: number, weeklyReturn: number): WeeklyPanel {
  return {
    weeks: Array.from({ length: weeks }, (_, w) => `w${w}`),
    symbols: ['UP'],
    featureNames: ['zero'],
    features: new Float32Array(weeks),
    returns: new Float64Array(weeks).fill(weeklyReturn),
  };
}

/** A small noisy panel (3 stocks, 2 features) for the mechanics tests. */
export function noisyPanel(weeks = 80): WeeklyPanel {
  const rng = mulberry32(5);
  return {
    weeks: Array.from({ length: weeks }, (_, w) => `w${w}`),
    symbols: ['A', 'B', 'C'],
    featureNames: ['f0', 'f1'],
    features: Float32Array.from({ length: weeks * 6 }, () => 2 * rng() - 1),
    returns: Float64Array.from({ length: weeks * 3 }, () => 0.04 * (rng() - 0.5)),
  };
}

/** Vector envs over the noisy panel: 20-week episodes. */
export const smallEnv = (numEnvs: number, seed: number) => new PortfolioVectorEnv(noisyPanel(), { weekRange: { fromWeek: 0, toWeek: 80 }, numEnvs, seed, episodeWeeks: 20 });

/**
 * The toy market both algorithms must learn: one asset at +1 % every week for 104 weeks, cap 90 %,
 * cash ≥ 2 %, so the best weight is 0.9. `assetWeight` turns an action into the asset's weight;
 * `allCashObs` is the observation of the first week (feature 0, all in cash).
 */
export function capMarket() {
  const rules = { maxStockWeight: 0.9, minCash: 0.02 };
  const panel = steadyPanel(104, 0.01);
  return {
    rules,
    makeEnv: (numEnvs: number, seed: number) => new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: 104 }, numEnvs, seed, ...rules }),
    allCashObs: Float32Array.from([0, 0, 1]),
    assetWeight: (logits: ArrayLike<number>) => projectWeights(logits, rules)[0],
  };
}
