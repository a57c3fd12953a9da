/** The investment rules every portfolio (agent or benchmark) is held to, and the trading costs it pays. */
export interface PortfolioRules {
  /** The most one stock may weigh (0.2 = 20 % of the portfolio). */
  maxStockWeight: number;
  /** The least the portfolio holds in cash (0.02 = 2 %). */
  minCash: number;
  /** Cost in basis points per unit of one-way turnover (10 = 0.1 % of the value traded). */
  costBps: number;
}

export const DEFAULT_PORTFOLIO_RULES: Readonly<PortfolioRules> = { maxStockWeight: 0.2, minCash: 0.02, costBps: 10 };

export function assertValidRules(rules: PortfolioRules): void {
  const { maxStockWeight, minCash, costBps } = rules;
  if (!(maxStockWeight > 0 && maxStockWeight <= 1)) throw new Error(`maxStockWeight must be in (0, 1], got ${maxStockWeight}`);
  if (!(minCash >= 0 && minCash < 1)) throw new Error(`minCash must be in [0, 1), got ${minCash}`);
  if (!(costBps >= 0 && costBps < 10_000)) throw new Error(`costBps must be in [0, 10000), got ${costBps}`);
}

/** The rules with defaults for what is not given (an explicit `undefined` also means "the default"), checked. */
export function resolveRules(rules: Partial<PortfolioRules> = {}): PortfolioRules {
  const full: PortfolioRules = {
    maxStockWeight: rules.maxStockWeight ?? DEFAULT_PORTFOLIO_RULES.maxStockWeight,
    minCash: rules.minCash ?? DEFAULT_PORTFOLIO_RULES.minCash,
    costBps: rules.costBps ?? DEFAULT_PORTFOLIO_RULES.costBps,
  };
  assertValidRules(full);
  return full;
}
