import { addDays } from './dates.ts';
import type { DateRange } from '../ports/market-data.ts';

/**
 * The bars a run reads: the window plus enough calendar days before it for the lookback
 * (60 trading days fit in 120 calendar days, holidays included).
 */
export function dataRange(window: DateRange, lookbackDays: number): DateRange {
  return { start: addDays(window.start, -Math.ceil(lookbackDays * 2)), end: window.end };
}
