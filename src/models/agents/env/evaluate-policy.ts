/**
 * Deterministic evaluation over a whole week range in one pass (not episodes): start all cash, ask
 * the policy for its logits every week, rebalance with costs, record the path. And the same for the
 * equal-weight portfolio of the same symbols, the baseline an agent has to beat. Where the panel
 * left weeks out there is no observation and no rebalance: the row before the gap holds through it
 * (its return runs to the next row's first open: build-panel.ts), as a real portfolio would be held;
 * weeksSkipped (weekly-panel.ts) counts those weeks.
 */
import { observationSize, writeObservation } from './observation.ts';
import { resolveRules, type PortfolioRules } from './portfolio-rules.ts';
import { capAndFloor, projectWeights } from './project-weights.ts';
import { allCash, rebalanceWeek } from './rebalance.ts';
import { holdUntradableAsCash } from './tradable.ts';
import { assertValidPanel, assertValidRange, type WeekRange, type WeeklyPanel } from './weekly-panel.ts';

export interface PortfolioPath {
  /** The range's weeks (Mondays). */
  weeks: string[];
  /** Capital after each week's return (after costs), from an initial capital of 1 (not itself listed). */
  equity: number[];
  /** Each week's net return (after costs). */
  weeklyReturns: number[];
  /** The target weights set at each week's first open: S stocks, then cash. */
  weights: number[][];
  /** Each week's one-way turnover, ½ Σ |target − drifted| over stocks and cash. */
  turnover: number[];
}

/** `act` maps one observation (obsDim) to S+1 logits, e.g. a trained agent's deterministic action. */
export function evaluatePolicy(panel: WeeklyPanel, weekRange: WeekRange, act: (obs: Float32Array) => ArrayLike<number>, rules: Partial<PortfolioRules> = {}): PortfolioPath {
  const full = resolveRules(rules);
  const obs = new Float32Array(observationSize(panel));
  return walk(panel, weekRange, full, (week, held) => {
    writeObservation(panel, week, held, obs);
    return projectWeights(act(obs), full);
  });
}

/**
 * Equal weight, rebalanced weekly: each stock min((1 − minCash)/S, maxStockWeight), the rest in cash
 * (so with fewer than (1 − minCash)/maxStockWeight stocks the cap leaves more than minCash in cash).
 */
export function equalWeightBenchmark(panel: WeeklyPanel, weekRange: WeekRange, rules: Partial<PortfolioRules> = {}): PortfolioPath {
  const full = resolveRules(rules);
  const S = panel.symbols.length;
  const target = new Float64Array(S + 1).fill((1 - full.minCash) / S);
  target[S] = full.minCash;
  capAndFloor(target, S, full);
  return walk(panel, weekRange, full, () => target);
}

/**
 * Inverse volatility, rebalanced weekly: each stock's weight ∝ 1/σ, σ its volatility measured before
 * the decision week (`volatility`, weeks × S: e.g. the raw panel's vol_60d, daily log returns up to
 * the previous close), scaled to 1 − minCash, then capped as every portfolio is (the excess to cash).
 * A σ that is unknown (not a positive number) takes the median of the week's known ones.
 */
export function inverseVolatilityBenchmark(panel: WeeklyPanel, weekRange: WeekRange, volatility: ArrayLike<number>, rules: Partial<PortfolioRules> = {}): PortfolioPath {
  const full = resolveRules(rules);
  const S = panel.symbols.length;
  if (volatility.length !== panel.weeks.length * S) throw new Error(`volatility holds ${volatility.length} values, expected weeks × symbols = ${panel.weeks.length * S}`);
  return walk(panel, weekRange, full, (week) => {
    const sigma = Array.from({ length: S }, (_, s) => volatility[week * S + s]);
    const known = sigma.filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => a - b);
    const fallback = known.length > 0 ? known[Math.floor((known.length - 1) / 2)] : 1;
    const inverse = sigma.map((v) => 1 / (v > 0 && Number.isFinite(v) ? v : fallback));
    const total = inverse.reduce((a, b) => a + b, 0);
    const target = new Float64Array(S + 1);
    inverse.forEach((x, s) => (target[s] = ((1 - full.minCash) * x) / total));
    target[S] = full.minCash;
    capAndFloor(target, S, full);
    return target;
  });
}

function walk(panel: WeeklyPanel, range: WeekRange, rules: PortfolioRules, targetFor: (week: number, held: Float64Array) => ArrayLike<number>): PortfolioPath {
  assertValidPanel(panel);
  assertValidRange(panel, range);
  const S = panel.symbols.length;
  const held = allCash(S);
  const path: PortfolioPath = { weeks: [], equity: [], weeklyReturns: [], weights: [], turnover: [] };
  let capital = 1;
  for (let week = range.fromWeek; week < range.toWeek; week++) {
    const target = Array.from(targetFor(week, held));
    holdUntradableAsCash(target, panel, week); // a symbol that stopped trading is held as cash
    const outcome = rebalanceWeek(held, target, panel.returns, week * S, rules.costBps);
    capital *= 1 + outcome.netReturn;
    path.weeks.push(panel.weeks[week]);
    path.equity.push(capital);
    path.weeklyReturns.push(outcome.netReturn);
    path.weights.push(target);
    path.turnover.push(outcome.turnover);
  }
  return path;
}
