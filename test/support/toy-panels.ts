/** Weekly panels with a known answer for the agents' algorithm tests (PPO and SAC use the same ones). */
import { mulberry32 } from '../../src/ml/random.ts';
import { PortfolioVectorEnv } from '../../src/models/agents/env/portfolio-env.ts';
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
