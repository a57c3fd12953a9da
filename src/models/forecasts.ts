/**
 * The walk-forward forecasts a kind reads of a forecaster (an agent's panel): for each (symbol, week),
 * the forecast of the snapshot of the latest year end before the week. Which snapshot makes which
 * week, and reading the snapshots from the store, is orchestration (src/snapshots/read-forecasts.ts);
 * the models are handed a ForecastReader and never look at snapshots themselves.
 */
import type { ForecasterKind } from '../config/model-kinds.ts';
import type { DateRange, MarketData } from '../ports/market-data.ts';
import type { SignalProvider } from '../ports/signals.ts';

/** The inputs a forecaster's dataset reads: prices (a view that may end at a cutoff) and, for kinds with signal channels, news and statements. */
export interface ForecasterData {
  marketData: MarketData;
  /** News sentiment and statements (the bundled files when absent). */
  signals?: SignalProvider;
}

export interface ForecastRequest {
  forecaster: ForecasterKind;
  symbols: string[];
  /** The weeks wanted; the forecasts cover those after the oldest snapshot's cutoff. */
  window: DateRange;
  /**
   * When the forecaster has no snapshots at all, forecast every week with its current (final) model
   * instead of failing. That model has seen the later weeks: the answer says so.
   */
  allowFinalModel: boolean;
}

export interface ForecastRow {
  symbol: string;
  weekStart: string;
  forecast: number;
  /** Year end of the snapshot that made the forecast; null when the final model made it. */
  snapshot: string | null;
}

export interface Forecasts {
  rows: ForecastRow[];
  /** 'final_model' only when allowed and the forecaster has no snapshots. */
  walkForward: 'snapshots' | 'final_model';
}

/** Reads the forecasts of a request, its features read from `data` (e.g. prices that end before a decision week). */
export type ForecastReader = (request: ForecastRequest, data: ForecasterData) => Promise<Forecasts>;
