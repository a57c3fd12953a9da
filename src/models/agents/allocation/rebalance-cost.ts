/**
 * What moving a held portfolio to the agent's target costs, with the accounting the agent trained
 * under (env/rebalance.ts): turnover = ½ Σ |target − held| over the stocks and cash, cost =
 * costBps/10⁴ · turnover of the portfolio's value, paid pro rata, so after the trades every asset
 * holds target · value · (1 − cost).
 */
import { rebalanceWeek } from '../env/rebalance.ts';
import type { HeldPortfolio } from './portfolio.ts';

export interface RebalanceCost {
  portfolio_value: number;
  /** The held weights, symbols then cash. */
  current_weights: Record<string, number>;
  /** One-way turnover as a fraction of the portfolio's value. */
  turnover: number;
  cost_bps: number;
  /** The cost as a fraction of the portfolio's value, and in its currency. */
  cost: number;
  cost_value: number;
  /** Market value of each asset after the trades and the cost. */
  target_values: Record<string, number>;
  /** Buy (> 0) or sell (< 0) per asset, in market value; cash's entry is what the trades leave in it. */
  trades: Record<string, number>;
}

/** `target` and `held.weights` are S stock weights then cash; `names` the S symbols. */
export function rebalanceCost(names: readonly string[], held: HeldPortfolio, target: ArrayLike<number>, costBps: number): RebalanceCost {
  const assets = [...names, 'cash'];
  if (target.length !== assets.length || held.weights.length !== assets.length) throw new Error(`rebalanceCost: ${assets.length} assets, got ${target.length} target and ${held.weights.length} held weights`);
  // The training accounting itself, on a copy (it overwrites the weights with the week's drift; no returns here).
  const { turnover, cost } = rebalanceWeek(Float64Array.from(held.weights), target, new Float64Array(names.length), 0, costBps);
  const invested = held.value * (1 - cost);
  const byAsset = (f: (i: number) => number) => Object.fromEntries(assets.map((name, i) => [name, f(i)]));
  return {
    portfolio_value: held.value,
    current_weights: byAsset((i) => held.weights[i]),
    turnover,
    cost_bps: costBps,
    cost,
    cost_value: cost * held.value,
    target_values: byAsset((i) => target[i] * invested),
    trades: byAsset((i) => target[i] * invested - held.weights[i] * held.value),
  };
}
