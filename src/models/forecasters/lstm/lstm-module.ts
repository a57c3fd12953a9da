/** The LSTM forecaster: the five OHLCV channels and a stacked LSTM (lstm-model.ts). */
import { loadBars } from '../../../data/load-bars.ts';
import { buildWeeklySamples } from '../../../features/weekly-dataset.ts';
import { dataRange } from '../../../data/data-range.ts';
import type { ForecasterModule } from '../shared/forecaster-module.ts';
import { forecasterTrainer } from '../shared/forecaster-trainer.ts';
import type { LstmConfig } from './lstm-config.ts';
import { buildLstmModel } from './lstm-model.ts';

export const lstmModule: ForecasterModule<LstmConfig> = {
  kind: 'lstm',
  async buildSamples(data, config, symbols, window) {
    const bars = await loadBars(data.marketData, [...symbols], dataRange(window, config.lookbackDays));
    return buildWeeklySamples(bars, window, config.lookbackDays);
  },
  buildModel: (config, channels) => buildLstmModel(config, channels),
};

export const lstmTrainer = forecasterTrainer(lstmModule);
