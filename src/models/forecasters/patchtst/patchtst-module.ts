/**
 * The PatchTST forecaster: 11 channels on the trading-day calendar (the 5 price channels, news
 * sentiment and 5 fundamental ratios, each known by the day's end) and the PatchTST network, RevIN
 * on the price channels only.
 */
import { loadBars } from '../../../data/load-bars.ts';
import { SIGNAL_CHANNELS, bundledSignalSources, lastFilingBySymbol, newsDaysBySymbol, signalRows } from '../../../features/signal-channels.ts';
import type { SignalSources } from '../../../ports/signals.ts';
import { buildWeeklySamples, CHANNELS } from '../../../features/weekly-dataset.ts';
import { dataRange } from '../../../data/data-range.ts';
import type { ForecasterData } from '../../forecasts.ts';
import type { ForecasterModule } from '../shared/forecaster-module.ts';
import { forecasterTrainer } from '../shared/forecaster-trainer.ts';
import type { PatchTstConfig } from './patchtst-config.ts';
import { buildPatchTstModel } from './patchtst-model.ts';

/** Price channels (0..4) are normalised per instance by RevIN; the slow channels keep their level. */
const PRICE_CHANNELS = Array.from({ length: CHANNELS }, (_, c) => c);

/** The run's signal provider, or the bundled news and statements. */
function signals(data: ForecasterData, symbols: readonly string[]): Promise<SignalSources> {
  return data.signals ? data.signals.signalSources(symbols) : bundledSignalSources();
}

export const patchtstModule: ForecasterModule<PatchTstConfig> = {
  kind: 'patchtst',
  async buildSamples(data, config, symbols, window) {
    const bars = await loadBars(data.marketData, [...symbols], dataRange(window, config.lookbackDays));
    if (!config.signals) return buildWeeklySamples(bars, window, config.lookbackDays);
    const sources = await signals(data, symbols);
    return buildWeeklySamples(bars, window, config.lookbackDays, { width: SIGNAL_CHANNELS.length, rows: (symbol, dates) => signalRows(symbol, dates, sources) });
  },
  buildModel: (config, channels) => buildPatchTstModel(config, { lookbackDays: config.lookbackDays, channels, instanceNormChannels: PRICE_CHANNELS }, config.seed, config.learningRate),
  async describeInputs(data, config, symbols, window) {
    const channels = ['open', 'high', 'low', 'close', 'volume', ...(config.signals ? SIGNAL_CHANNELS : [])];
    if (!config.signals) return { signals_used: channels, num_input_channels: channels.length };
    const sources = await signals(data, symbols);
    return {
      signals_source: data.signals?.source ?? 'sample',
      signals_used: channels,
      num_input_channels: channels.length,
      news_days_by_symbol: newsDaysBySymbol(sources, symbols, window),
      last_filing_by_symbol: lastFilingBySymbol(sources, symbols),
    };
  },
};

export const patchtstTrainer = forecasterTrainer(patchtstModule);
