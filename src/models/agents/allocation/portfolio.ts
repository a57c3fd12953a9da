/**
 * A current portfolio as a person gives it (`--portfolio FILE`, the allocation route's body): cash
 * and each position's market value, in one currency. One schema for the CLI and the API, then the
 * checks that need the agent: every position is one of its symbols, no value is negative, and the
 * portfolio holds something. Every refusal names the field (a position by its name).
 */
import { z } from 'zod';
import { UserInputError } from '../../../config/errors.ts';

/** A ticker as the market data spells it: AAPL, BRK-B, BF.B. */
const SYMBOL = /^[A-Z0-9][A-Z0-9.^=-]{0,14}$/;

/**
 * Positions by symbol. Names are checked on the parsed JSON itself, before zod's record: JSON.parse
 * makes `__proto__` an own key, which the record would drop without a word (a portfolio of what
 * remains, or "empty"); `constructor`, `prototype` and the like are no symbols either.
 */
const positionsSchema = z.preprocess((value, ctx) => {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const name of Object.keys(value)) {
      if (!SYMBOL.test(name)) ctx.addIssue({ code: 'custom', message: 'not a ticker symbol (such as AAPL or BRK-B)', path: [name], input: value });
    }
  }
  return value;
}, z.record(z.string(), z.number()));

export const portfolioSchema = z.strictObject({
  cash: z.number().optional(),
  positions: positionsSchema.optional(),
});

export type Portfolio = z.infer<typeof portfolioSchema>;

/** The portfolio's total value and its weights in the agent's order: S stocks, then cash. */
export interface HeldPortfolio {
  value: number;
  weights: Float64Array;
}

/** Parses a JSON value (a `--portfolio` file) with the schema; a mismatch names its path. */
export function parsePortfolio(value: unknown): Portfolio {
  const result = portfolioSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path.map(String), issue.keys[0]] : issue.path.map(String);
  const message = issue.code === 'unrecognized_keys' ? `unknown key (a portfolio has cash and positions)` : issue.message;
  throw new UserInputError(`${path.join('.') || 'portfolio'}: ${message}`, path.length > 0 ? path : ['portfolio']);
}

/** Checks the portfolio against the agent's symbols and returns its value and weights. */
export function heldPortfolio(portfolio: Portfolio, symbols: readonly string[]): HeldPortfolio {
  const cash = portfolio.cash ?? 0;
  const positions = portfolio.positions ?? {};
  if (!(cash >= 0)) throw new UserInputError(`cash: a market value must be ≥ 0, got ${cash}`, ['cash']);
  const index = new Map(symbols.map((s, i) => [s, i]));
  const weights = new Float64Array(symbols.length + 1);
  for (const [symbol, value] of Object.entries(positions)) {
    const field = `positions.${symbol.slice(0, 20)}`;
    const i = index.get(symbol);
    if (i === undefined) throw new UserInputError(`${field}: not one of the agent's symbols (${symbols.join(', ')})`, ['positions', symbol]);
    if (!(value >= 0)) throw new UserInputError(`${field}: a market value must be ≥ 0, got ${value}`, ['positions', symbol]);
    weights[i] = value;
  }
  weights[symbols.length] = cash;
  const value = weights.reduce((a, b) => a + b, 0);
  if (!(value > 0)) throw new UserInputError('positions: the portfolio is empty (cash and positions add up to 0): give cash or a position with a market value above 0', ['positions']);
  if (!Number.isFinite(value)) throw new UserInputError(`positions: cash and positions add up to ${value}, beyond what a number can hold`, ['positions']);
  for (let i = 0; i < weights.length; i++) weights[i] /= value;
  return { value, weights };
}
