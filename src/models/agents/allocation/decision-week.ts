/**
 * Which week an allocation is for, and the prices it may read. The allocation for "the week after
 * as_of" is decided after as_of's week has closed, as the environment decides week w before w's
 * first session:
 * - as_of defaults to the end of the last complete week of the data (its Friday, or the last
 *   session when the data's last week reached its Friday);
 * - a given as_of must be at or after the last session of its week (the decision is taken at that
 *   close), and the data must reach that week's Friday (a week still in progress is not decided);
 * - a symbol whose last session is before that close no longer trades (not-trading.ts).
 */
import { addDays, isIsoDate } from '../../../data/dates.ts';
import { isoWeekMonday } from '../../../features/iso-week.ts';
import { UserInputError } from '../../../config/errors.ts';
import type { DailyBar, DateRange, MarketData } from '../../../ports/market-data.ts';
import { marketDataUpTo } from '../../../data/cutoff-market-data.ts';
import { notTradingSymbols } from './not-trading.ts';

export interface DecisionWeek {
  asOf: string;
  /** Monday of the week the weights are for. */
  week: string;
  /** The last session before that week among the symbols (null when none has one close to it). */
  dataThrough: string | null;
  /** The symbols that no longer trade at that close, with their last session (not-trading.ts); empty when all trade. */
  notTrading: Record<string, string>;
}

export async function resolveDecisionWeek(requested: string | undefined, symbols: readonly string[], marketData: MarketData): Promise<DecisionWeek> {
  if (requested !== undefined && !isIsoDate(requested)) throw new UserInputError(`as_of "${requested.slice(0, 40)}" is not a date: use YYYY-MM-DD`, ['as_of']);
  const last = await marketData.lastDate();
  const asOf = requested ?? lastCompleteWeekEnd(last);
  if (asOf > last) throw new UserInputError(`as_of ${asOf} is after the data's last session ${last}`, ['as_of']);
  const monday = isoWeekMonday(asOf);
  if (last < addDays(monday, 4)) {
    throw new UserInputError(`the week of as_of ${asOf} is not complete in the data (last session ${last}): the last complete week ends ${lastCompleteWeekEnd(last)}`, ['as_of']);
  }
  const nearby = await Promise.all(symbols.map((s) => marketData.dailyBars(s, { start: addDays(monday, -14), end: addDays(monday, 6) })));
  const dates = [...new Set(nearby.flat().map((b) => b.date))].sort();
  const later = dates.filter((d) => d > asOf);
  if (later.length > 0) {
    throw new UserInputError(
      `as_of ${asOf} is mid-week: the data has sessions after it in that week (${later.join(', ')}); the next week is decided after the week's last close: use ${later.at(-1)}`,
      ['as_of'],
    );
  }
  const week = addDays(monday, 7);
  const dataThrough = dates.at(-1) ?? null;
  return { asOf, week, dataThrough, notTrading: await notTradingSymbols(symbols, nearby, dataThrough, week, marketData) };
}

/** The end of the data's last complete week: the last session if it is on or after its week's Friday, else the Friday before. */
export function lastCompleteWeekEnd(lastSession: string): string {
  const monday = isoWeekMonday(lastSession);
  return lastSession >= addDays(monday, 4) ? lastSession : addDays(monday, -3);
}

/**
 * `source` as it was before `week` began, plus two placeholder sessions: `week`'s Monday and the
 * next Monday, each a flat bar at the last close before `week`. The shared dataset and panel code
 * only build a week that has a session and a later one; their features read only the sessions
 * before the week's first, so the placeholders make the week buildable and never enter an
 * observation (a test checks it against the real week's).
 */
export function marketDataBeforeWeek(source: MarketData, week: string): MarketData {
  const cutoff = addDays(week, -1);
  const before = marketDataUpTo(source, cutoff);
  const placeholderDates = [week, addDays(week, 7)];
  return {
    source: source.source,
    async dailyBars(symbol: string, range: DateRange): Promise<DailyBar[]> {
      const bars = await before.dailyBars(symbol, range);
      const wanted = placeholderDates.filter((d) => d >= range.start && d <= range.end);
      if (wanted.length === 0) return bars;
      const last = bars.at(-1) ?? (await before.dailyBars(symbol, { start: addDays(week, -31), end: cutoff })).at(-1);
      if (!last) return bars;
      const c = last.close;
      return [...bars, ...wanted.map((date) => ({ date, open: c, high: c, low: c, close: c, volume: last.volume }))];
    },
    async lastDate(): Promise<string> {
      return placeholderDates[1];
    },
  };
}
