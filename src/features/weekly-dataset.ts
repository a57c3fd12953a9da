/**
 * The weekly forecasting dataset: one sample per symbol per ISO week.
 *
 * - Target of week w: last close of the week / first open of the week − 1.
 * - Features: the `lookbackDays` trading days strictly before w's first trading day, each day as
 *   5 channels: log(open/prevClose), log(high/prevClose), log(low/prevClose), log(close/prevClose)
 *   and log((volume+1)/(prevVolume+1)) (the +1 keeps a zero-volume day finite). Row-major:
 *   features[day * 5 + channel], oldest day first.
 *
 * Which weeks are targets (window {start, end}):
 * - the week's first trading day ≥ start, and its Friday ≤ end (so none of its days can lie past end);
 * - the week is complete in the data: the symbol has a bar in a later week, or its last bar in the
 *   week is on the Friday (a week whose data stops mid-week, e.g. a Wednesday, is not a target);
 * - the symbol has at least lookbackDays + 1 bars before the week (the extra one is the first
 *   lookback day's previous close). Callers pass bars starting well before `start` for that.
 *
 * Extra daily channels (PatchTST's news sentiment and fundamentals) come from `extraDaily`: for a
 * symbol and its trading dates, rows of what was known by each day's end. They are appended after
 * the 5 price channels of the same day, so they obey the same "strictly before the week" rule.
 */
import type { DailyBar, DateRange } from '../ports/market-data.ts';
import { addDays } from '../data/dates.ts';
import { isoWeekMonday } from './iso-week.ts';

export const FEATURE_CHANNELS = ['open', 'high', 'low', 'close', 'volume'] as const;
export const CHANNELS = FEATURE_CHANNELS.length;

export interface WeeklySample {
  symbol: string;
  /** Monday of the target's ISO week: the key the date split is made on. */
  week: string;
  /** First trading day of the week. */
  weekStart: string;
  /** Last trading day of the week. */
  weekEnd: string;
  target: number;
  /** lookbackDays × 5, row-major, unscaled. */
  features: Float32Array;
}

/** Extra channels per trading day: `width` values per date, row-major, what is known by that day's end. */
export interface ExtraDailyChannels {
  width: number;
  rows(symbol: string, dates: readonly string[]): Float32Array;
}

export type BarsBySymbol = ReadonlyMap<string, readonly DailyBar[]> | Readonly<Record<string, readonly DailyBar[]>>;

function entriesOf(bars: BarsBySymbol): [string, readonly DailyBar[]][] {
  return bars instanceof Map ? [...bars.entries()] : Object.entries(bars as Record<string, readonly DailyBar[]>);
}

/** Samples of every symbol, ordered by week then symbol (a stable order, independent of map order). */
export function buildWeeklySamples(bars: BarsBySymbol, window: DateRange, lookbackDays: number, extraDaily?: ExtraDailyChannels): WeeklySample[] {
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1) throw new Error(`lookbackDays must be a positive integer, got ${lookbackDays}`);
  if (window.start > window.end) throw new Error(`window start ${window.start} is after its end ${window.end}`);
  const samples: WeeklySample[] = [];
  for (const [symbol, symbolBars] of entriesOf(bars)) samples.push(...symbolSamples(symbol, symbolBars, window, lookbackDays, extraDaily));
  return samples.sort((a, b) => (a.week === b.week ? (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) : a.week < b.week ? -1 : 1));
}

function symbolSamples(symbol: string, bars: readonly DailyBar[], window: DateRange, lookbackDays: number, extraDaily?: ExtraDailyChannels): WeeklySample[] {
  validateBars(symbol, bars);
  const daily = extraDaily ? withExtraChannels(dailyFeatureRows(bars), extraDaily.rows(symbol, bars.map((b) => b.date)), bars.length, extraDaily.width) : dailyFeatureRows(bars);
  const width = extraDaily ? CHANNELS + extraDaily.width : CHANNELS;
  const samples: WeeklySample[] = [];
  let first = 0;
  while (first < bars.length) {
    const week = isoWeekMonday(bars[first].date);
    let last = first;
    while (last + 1 < bars.length && isoWeekMonday(bars[last + 1].date) === week) last++;
    const friday = addDays(week, 4);
    const complete = last + 1 < bars.length || bars[last].date >= friday;
    const inWindow = bars[first].date >= window.start && friday <= window.end;
    const enoughHistory = first - lookbackDays >= 1;
    if (complete && inWindow && enoughHistory) {
      samples.push({
        symbol,
        week,
        weekStart: bars[first].date,
        weekEnd: bars[last].date,
        target: bars[last].close / bars[first].open - 1,
        // Rows first-lookbackDays .. first-1: strictly before the week's first trading day.
        features: daily.slice((first - lookbackDays) * width, first * width),
      });
    }
    first = last + 1;
  }
  return samples;
}

/** Day rows of the 5 price channels followed by the extra channels of the same day. */
function withExtraChannels(prices: Float32Array, extra: Float32Array, days: number, extraWidth: number): Float32Array {
  if (extra.length !== days * extraWidth) throw new Error(`extra daily channels: ${extra.length} values for ${days} days × ${extraWidth}`);
  const width = CHANNELS + extraWidth;
  const rows = new Float32Array(days * width);
  for (let d = 0; d < days; d++) {
    rows.set(prices.subarray(d * CHANNELS, (d + 1) * CHANNELS), d * width);
    rows.set(extra.subarray(d * extraWidth, (d + 1) * extraWidth), d * width + CHANNELS);
  }
  return rows;
}

/** Row i holds day i's 5 channels relative to day i−1; row 0 has no previous day and stays unused. */
function dailyFeatureRows(bars: readonly DailyBar[]): Float32Array {
  const rows = new Float32Array(bars.length * CHANNELS);
  for (let i = 1; i < bars.length; i++) {
    const prev = bars[i - 1];
    const bar = bars[i];
    const o = i * CHANNELS;
    rows[o] = Math.log(bar.open / prev.close);
    rows[o + 1] = Math.log(bar.high / prev.close);
    rows[o + 2] = Math.log(bar.low / prev.close);
    rows[o + 3] = Math.log(bar.close / prev.close);
    rows[o + 4] = Math.log((bar.volume + 1) / (prev.volume + 1));
  }
  return rows;
}

function validateBars(symbol: string, bars: readonly DailyBar[]): void {
  for (let i = 0; i < bars.length; i++) {
    const { date, open, high, low, close, volume } = bars[i];
    if (i > 0 && !(date > bars[i - 1].date)) throw new Error(`${symbol}: bars are not in ascending date order at ${date}`);
    for (const [name, value] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) {
      if (!(Number.isFinite(value) && value > 0)) throw new Error(`${symbol} ${date}: ${name} must be a positive number, got ${value}`);
    }
    if (!(Number.isFinite(volume) && volume >= 0)) throw new Error(`${symbol} ${date}: volume must be a non-negative number, got ${volume}`);
  }
}
