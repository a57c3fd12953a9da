/**
 * The uncertainty beside an agent's test figures: the 90 % interval of each evaluated portfolio's
 * Sharpe ratio (Lo 2002) and the paired test of the agent's Sharpe against each baseline's on the
 * same weeks (Jobson–Korkie with Memmel's correction; one-sided: is the agent better?). The shapes
 * are metadata's and the response's `intervals` and `tests` (the dashboard and the model card read them).
 */
import { sharpeDifference, sharpeInterval } from '../../stats/sharpe.ts';

export const INTERVAL_LEVEL = 0.9;

export interface SharpeIntervalRecord {
  level: number;
  low: number;
  high: number;
}

export interface SharpeTestRecord {
  method: 'jobson_korkie_memmel';
  against: string;
  /** Annualised Sharpe of the agent minus the baseline's. */
  difference: number;
  statistic: number;
  /** One-sided: the probability of a difference this high if both had the same Sharpe. */
  p_value: number;
  weeks: number;
}

/** Intervals of every path's Sharpe (by metric name; paths of fewer than 3 weeks have none). */
export function sharpeIntervals(paths: Record<string, readonly number[]>): Record<string, SharpeIntervalRecord> {
  const out: Record<string, SharpeIntervalRecord> = {};
  for (const [name, returns] of Object.entries(paths)) {
    if (returns.length < 3) continue;
    const { low, high, level } = sharpeInterval(returns, INTERVAL_LEVEL);
    out[name] = { level, low, high };
  }
  return out;
}

/** The agent's weekly returns against each baseline's on the same weeks (by test name; none under 3 weeks). */
export function sharpeTests(agent: readonly number[], baselines: Record<string, { against: string; returns: readonly number[] }>): Record<string, SharpeTestRecord> {
  const out: Record<string, SharpeTestRecord> = {};
  if (agent.length < 3) return out;
  for (const [name, { against, returns }] of Object.entries(baselines)) {
    const d = sharpeDifference(agent, returns);
    out[name] = { method: 'jobson_korkie_memmel', against, difference: d.difference, statistic: d.statistic, p_value: d.pValue, weeks: d.weeks };
  }
  return out;
}
