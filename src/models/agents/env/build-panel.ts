/**
 * The weekly panel an agent trains and is evaluated on, built with no look-ahead. For the week w
 * (its Monday) and each symbol:
 * - `forecast`: the forecaster's walk-forward forecast of w, made by the snapshot of the latest
 *   year end strictly before w's first session (read through the ForecastReader handed in: see
 *   src/snapshots/read-forecasts.ts); only when the forecaster has no snapshots at all and the input
 *   allows it, its current (final) model's forecast, which is not walk-forward (that model has seen
 *   the later weeks; the panel's walkForward says so);
 * - `sentiment` and the five fundamental ratios: the signal row of the symbol's last trading day
 *   before w's first session (news of that day and before, statements filed by then; a ratio is NaN
 *   before the first filing);
 * - `ret_20d`: log(close / close 20 trading days earlier) at the previous close; `vol_60d`: the
 *   standard deviation of the 60 daily log close-to-close returns up to the previous close.
 * - the holding return: w's first open → the first open of the next row's week (trades fill at w's
 *   first open). The weeks kept are decided first, the returns after: when the panel leaves weeks
 *   out, the row before them holds through them (a portfolio cannot be rebalanced without an
 *   observation, and really is held), so no week's P&L is lost; the last row's runs to the first
 *   open on or after its Monday + 7.
 * A week is left out when a symbol has no walk-forward forecast for it (no snapshot covers it), no
 * session in it, or (the last weeks) no later session inside the window (the next open is unknown).
 * Only bars up to the window's end are read for prices.
 * A symbol that stops trading (its last bar lies in an earlier week than the last bar of the
 * window's other symbols) goes to cash at its last price: the holding return of the row whose span
 * holds its last session runs to its last close, and in the rows after it its features are unknown
 * (NaN), its return 0 and `tradable` 0 (the portfolio's weight on it moves to cash: env/tradable.ts).
 *
 * Raw features (NaN allowed) are standardised afterwards with statistics of the training weeks only
 * (fitStandardiser); NaN becomes 0, the training mean. The same stored transform is applied to any
 * later panel of the agent (evaluation, comparison, fine-tune, inference).
 */
import { lowerBound } from '../../../data/daily-bars-csv.ts';
import { addDays } from '../../../data/dates.ts';
import { loadBars } from '../../../data/load-bars.ts';
import { isoWeekMonday } from '../../../features/iso-week.ts';
import { SIGNAL_CHANNELS, bundledSignalSources, signalRows } from '../../../features/signal-channels.ts';
import type { SignalSources } from '../../../ports/signals.ts';
import { dataRange } from '../../../data/data-range.ts';
import { UserInputError } from '../../../config/errors.ts';
import type { ForecasterKind } from '../../../config/model-kinds.ts';
import type { SignalProvider } from '../../../ports/signals.ts';
import type { DailyBar, DateRange, MarketData } from '../../../ports/market-data.ts';
import type { ForecastReader } from '../../forecasts.ts';
import type { WeekRange, WeeklyPanel } from './weekly-panel.ts';

export const PANEL_FEATURES = ['forecast', ...SIGNAL_CHANNELS, 'ret_20d', 'vol_60d'] as const;

/** Signal rows (tradingDates × 6, SIGNAL_CHANNELS order) of a symbol; tests replace it to perturb signals. */
export type SignalReader = (symbol: string, tradingDates: readonly string[]) => Float32Array;

export interface RawPanel {
  weeks: string[];
  symbols: string[];
  featureNames: string[];
  /** weeks × S × F, unscaled, NaN where unknown. */
  raw: Float64Array;
  returns: Float64Array;
  /** weeks × S: 0 where the symbol no longer trades (after its last session); absent when every symbol trades every week. */
  tradable?: Uint8Array;
  /** The symbols that stopped trading before the window's end, with their last session. */
  ended?: Record<string, string>;
  /** The snapshot year ends whose forecasts the panel uses. */
  snapshots: string[];
  /** Where the forecasts come from: 'final_model' only when allowed and the forecaster has no snapshots. */
  walkForward?: 'snapshots' | 'final_model';
}

export interface PanelInput {
  forecaster: ForecasterKind;
  symbols: string[];
  window: DateRange;
  lookbackDays: number;
  returnDays: number;
  volatilityDays: number;
  /**
   * When the forecaster has no snapshots at all, forecast every week with its current (final)
   * model instead of failing. That model has seen the evaluation weeks: the panel says so.
   */
  allowFinalModel?: boolean;
}

export interface PanelDeps {
  marketData: MarketData;
  /** The forecaster's walk-forward forecasts (src/snapshots/read-forecasts.ts assembles them over its snapshots). */
  forecasts: ForecastReader;
  /** News and statements for the signal channels and the forecaster's (the run's provider: live or bundled); the bundled files when absent. */
  signals?: SignalProvider;
  /** Overrides the signal rows outright (tests perturb them). */
  signalReader?: SignalReader;
}

function readerOf(sources: SignalSources): SignalReader {
  return (symbol, dates) => signalRows(symbol, dates, sources);
}

/** The bundled sample's news and statements (read once per process) as a SignalReader. */
export async function loadSignalReader(): Promise<SignalReader> {
  return readerOf(await bundledSignalSources());
}

export async function buildRawPanel(input: PanelInput, deps: PanelDeps): Promise<RawPanel> {
  const { forecaster, symbols, window } = input;
  // One provider per run: the forecasts (PatchTST's signal channels) read the same news and statements as the panel.
  const { rows, walkForward } = await deps.forecasts({ forecaster, symbols, window, allowFinalModel: input.allowFinalModel === true }, { marketData: deps.marketData, signals: deps.signals });
  const forecasts = new Map<string, number>(); // `${symbol}|${monday}`
  const usedSnapshots = new Set<string>();
  for (const r of rows) {
    forecasts.set(`${r.symbol}|${isoWeekMonday(r.weekStart)}`, r.forecast);
    if (r.snapshot) usedSnapshots.add(r.snapshot);
  }

  const bars = await loadBars(deps.marketData, symbols, dataRange(window, input.lookbackDays));
  const readSignals = deps.signalReader ?? (deps.signals ? readerOf(await deps.signals.signalSources(symbols)) : await loadSignalReader());
  const perSymbol = symbols.map((symbol) => {
    const list = (bars.get(symbol) ?? []).filter((b) => b.date <= window.end);
    if (list.length === 0) throw new UserInputError(`${symbol} has no prices in ${window.start}..${window.end}`, ['symbols']);
    return { symbol, bars: list, signals: readSignals(symbol, list.map((b) => b.date)) };
  });

  const candidateWeeks = [...new Set(rows.map((r) => isoWeekMonday(r.weekStart)))].filter((w) => w >= isoWeekMonday(window.start)).sort();
  // A symbol whose last bar is in an earlier week than the market's last bar has stopped trading.
  const marketLastWeek = isoWeekMonday(perSymbol.reduce((last, p) => (p.bars.at(-1)!.date > last ? p.bars.at(-1)!.date : last), ''));
  const endedWeek = new Map(perSymbol.filter((p) => isoWeekMonday(p.bars.at(-1)!.date) < marketLastWeek).map((p) => [p.symbol, isoWeekMonday(p.bars.at(-1)!.date)]));
  const F = PANEL_FEATURES.length;
  const S = symbols.length;
  const gone = (symbol: string, week: string) => {
    const lastWeek = endedWeek.get(symbol);
    return lastWeek !== undefined && week > lastWeek;
  };
  // 1. The weeks every symbol still trading can be observed in: a forecast, a session in the week, one before it.
  const weeks = candidateWeeks.filter((week) =>
    perSymbol.every(({ symbol, bars: list }) => {
      if (gone(symbol, week)) return true;
      const first = firstIndexOnOrAfter(list, week);
      return forecasts.has(`${symbol}|${week}`) && first > 0 && isoWeekMonday(list[first].date) === week;
    }),
  );
  // 2. The last rows need a later open (a symbol that stops trading in it is sold at its last close instead).
  while (weeks.length > 0) {
    const last = weeks.at(-1)!;
    if (perSymbol.every(({ symbol, bars: list }) => gone(symbol, last) || endedWeek.has(symbol) || firstIndexOnOrAfter(list, addDays(last, 7)) >= 0)) break;
    weeks.pop();
  }
  // 3. Features (bars before the week's first session only) and holding returns to the next row's week.
  const raw = new Float64Array(weeks.length * S * F);
  const returns = new Float64Array(weeks.length * S);
  const tradable = new Uint8Array(weeks.length * S);
  weeks.forEach((week, w) => {
    const holdUntil = w + 1 < weeks.length ? weeks[w + 1] : addDays(week, 7);
    perSymbol.forEach(({ symbol, bars: list, signals }, s) => {
      const at = (w * S + s) * F;
      if (gone(symbol, week)) {
        raw.fill(Number.NaN, at, at + F); // gone: held as cash from its last price on
        return;
      }
      const first = firstIndexOnOrAfter(list, week);
      const prev = first - 1; // the last session before w: the features read bars[..prev] only
      raw[at] = forecasts.get(`${symbol}|${week}`)!;
      for (let c = 0; c < SIGNAL_CHANNELS.length; c++) raw[at + 1 + c] = signals[prev * SIGNAL_CHANNELS.length + c];
      raw[at + 1 + SIGNAL_CHANNELS.length] = prev - input.returnDays >= 0 ? Math.log(list[prev].close / list[prev - input.returnDays].close) : Number.NaN;
      raw[at + 2 + SIGNAL_CHANNELS.length] = volatility(list, prev, input.volatilityDays);
      const next = firstIndexOnOrAfter(list, holdUntil);
      // No open after the span: only a symbol that stopped trading in it (sold at its last close).
      if (next < 0 && !endedWeek.has(symbol)) throw new Error(`buildRawPanel: ${symbol} has no session after the row ${week}`);
      returns[w * S + s] = (next < 0 ? list.at(-1)!.close : list[next].open) / list[first].open - 1;
      tradable[w * S + s] = 1;
    });
  });
  const panel: RawPanel = { weeks, symbols: [...symbols], featureNames: [...PANEL_FEATURES], raw, returns, snapshots: [...usedSnapshots].sort(), walkForward };
  if (endedWeek.size > 0) {
    panel.ended = Object.fromEntries(perSymbol.filter((p) => endedWeek.has(p.symbol)).map((p) => [p.symbol, p.bars.at(-1)!.date]));
    if (tradable.includes(0)) panel.tradable = tradable;
  }
  return panel;
}

/** Index of the first bar dated on or after `date`, or -1 when there is none. */
function firstIndexOnOrAfter(bars: readonly DailyBar[], date: string): number {
  const index = lowerBound(bars, date);
  return index < bars.length ? index : -1;
}

/** The sample std (n − 1) of the `days` daily log returns to `prev`: an estimate of the stock's volatility from a short sample, as pandas' rolling std. */
function volatility(bars: readonly DailyBar[], prev: number, days: number): number {
  if (prev - days < 0) return Number.NaN;
  let sum = 0;
  let squares = 0;
  for (let k = prev - days + 1; k <= prev; k++) {
    const r = Math.log(bars[k].close / bars[k - 1].close);
    sum += r;
    squares += r * r;
  }
  const mean = sum / days;
  return Math.sqrt(Math.max(0, (squares - days * mean * mean) / (days - 1)));
}

/**
 * Per-feature mean and standard deviation over the training weeks (finite values of every symbol).
 * The std is the sample std (n − 1), unlike the forecasters' scaler (n, ml/scaler.ts): the panel's
 * statistics are estimated from few values (weeks × symbols: a few hundred in the smoke profile)
 * like the agent's other statistics (vol_60d, Sharpe), while the scaler matches the seed's twins on
 * 10^4+ day rows. Every stored agent's transform was fitted so: changing it would change the
 * observations of every agent trained since.
 */
export interface PanelTransform {
  featureNames: string[];
  mean: number[];
  std: number[];
}

export function fitStandardiser(panel: RawPanel, range: WeekRange): PanelTransform {
  const S = panel.symbols.length;
  const F = panel.featureNames.length;
  const mean: number[] = [];
  const std: number[] = [];
  for (let f = 0; f < F; f++) {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (let w = range.fromWeek; w < range.toWeek; w++) {
      for (let s = 0; s < S; s++) {
        const v = panel.raw[(w * S + s) * F + f];
        if (!Number.isFinite(v)) continue;
        n++;
        sum += v;
        squares += v * v;
      }
    }
    const m = n > 0 ? sum / n : 0;
    const sd = n > 1 ? Math.sqrt(Math.max(0, (squares - n * m * m) / (n - 1))) : 0;
    mean.push(m);
    std.push(sd > 1e-12 ? sd : 1);
  }
  return { featureNames: [...panel.featureNames], mean, std };
}

/** The panel standardised with `transform` (NaN → 0, the training mean), as the env reads it. */
export function applyStandardiser(panel: RawPanel, transform: PanelTransform): WeeklyPanel {
  if (transform.featureNames.join() !== panel.featureNames.join()) {
    throw new Error(`the stored transform is for features [${transform.featureNames.join(', ')}], the panel has [${panel.featureNames.join(', ')}]`);
  }
  const F = panel.featureNames.length;
  const features = new Float32Array(panel.raw.length);
  for (let i = 0; i < panel.raw.length; i++) {
    const f = i % F;
    const v = panel.raw[i];
    features[i] = Number.isFinite(v) ? (v - transform.mean[f]) / transform.std[f] : 0;
  }
  return {
    weeks: [...panel.weeks],
    symbols: [...panel.symbols],
    featureNames: [...panel.featureNames],
    features,
    returns: Float64Array.from(panel.returns),
    ...(panel.tradable ? { tradable: Uint8Array.from(panel.tradable) } : {}),
  };
}

/**
 * The panel restricted to the listed weeks (those it has), in its order. A kept row followed by rows
 * left out before the next kept one holds through them, as a row before a gap in the panel does:
 * its return compounds theirs (per symbol: open of its week → open of the next kept row's week).
 */
export function selectWeeks(panel: RawPanel, weeks: readonly string[]): RawPanel {
  const wanted = new Set(weeks);
  const S = panel.symbols.length;
  const F = panel.featureNames.length;
  const keep = panel.weeks.map((w, i) => [w, i] as const).filter(([w]) => wanted.has(w));
  const raw = new Float64Array(keep.length * S * F);
  const returns = new Float64Array(keep.length * S);
  const tradable = panel.tradable ? new Uint8Array(keep.length * S) : undefined;
  keep.forEach(([, i], j) => {
    raw.set(panel.raw.subarray(i * S * F, (i + 1) * S * F), j * S * F);
    const until = j + 1 < keep.length ? keep[j + 1][1] : i + 1;
    for (let s = 0; s < S; s++) {
      let growth = 1;
      for (let k = i; k < until; k++) growth *= 1 + panel.returns[k * S + s];
      returns[j * S + s] = until === i + 1 ? panel.returns[i * S + s] : growth - 1;
    }
    tradable?.set(panel.tradable!.subarray(i * S, (i + 1) * S), j * S);
  });
  return { ...panel, weeks: keep.map(([w]) => w), raw, returns, ...(tradable ? { tradable } : {}) };
}
