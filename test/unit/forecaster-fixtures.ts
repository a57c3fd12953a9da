/**
 * Synthetic but realistic daily bars for forecaster tests: Monday–Friday trading days, a seeded
 * random walk, occasional zero-volume days, and a learnable signal: the last trading day before each
 * week opens with a gap whose sign is that week's drift (so the 60-day features do predict the
 * weekly return, as a test of learning needs).
 */
import type { DailyBar } from '../../src/ports/market-data.ts';
import type { LstmConfig } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { buildLstmModel } from '../../src/models/forecasters/lstm/lstm-model.ts';
import { trainForecaster, type TrainForecasterOptions } from '../../src/models/forecasters/shared/train-forecaster.ts';
import { mulberry32 } from '../../src/ml/random.ts';

export function syntheticBars(opts: { start: string; days: number; seed: number; startPrice?: number }): DailyBar[] {
  const rng = mulberry32(opts.seed);
  const noise = () => (rng() - 0.5) * 0.004;
  const dates: string[] = [];
  for (let ms = Date.parse(`${opts.start}T00:00:00Z`); dates.length < opts.days; ms += 86_400_000) {
    const day = new Date(ms).getUTCDay();
    if (day !== 0 && day !== 6) dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  // One drift sign per week, known one day ahead through the opening gap of the week's eve.
  const weekOf = (date: string) => Math.floor((Date.parse(`${date}T00:00:00Z`) / 86_400_000 + 3) / 7);
  const signs = new Map<number, number>();
  const signOf = (week: number) => {
    if (!signs.has(week)) signs.set(week, rng() < 0.5 ? -1 : 1);
    return signs.get(week)!;
  };
  const bars: DailyBar[] = [];
  let prevClose = opts.startPrice ?? 100;
  dates.forEach((date, i) => {
    const week = weekOf(date);
    const nextIsNewWeek = i + 1 < dates.length && weekOf(dates[i + 1]) !== week;
    const open = prevClose * Math.exp(nextIsNewWeek ? 0.01 * signOf(week + 1) : noise());
    const close = prevClose * Math.exp(0.008 * signOf(week) + noise());
    const high = Math.max(open, close) * (1 + Math.abs(noise()));
    const low = Math.min(open, close) * (1 - Math.abs(noise()));
    const volume = rng() < 0.01 ? 0 : Math.round(1e6 * (0.5 + rng()));
    bars.push({ date, open, high, low, close, volume });
    prevClose = close;
  });
  return bars;
}

/** A small, fast config with the real code path (2 LSTM layers, dropout, early stopping). */
export function tinyConfig(overrides: Partial<LstmConfig> = {}): LstmConfig {
  return {
    lookbackDays: 10,
    hiddenUnits: 8,
    layers: 2,
    dropout: 0.2,
    learningRate: 1e-2,
    batchSize: 32,
    maxEpochs: 3,
    patience: 2,
    trainFraction: 0.6,
    valFraction: 0.2,
    scaleTarget: false,
    gapWeeks: 1,
    seed: 7,
    seedCount: 1,
    combineSeeds: 'mean',
    ...overrides,
  };
}

/** The shared training loop with the LSTM network: what the lstm kind trains. */
export function trainLstm(options: Omit<TrainForecasterOptions<LstmConfig>, 'buildModel'>) {
  return trainForecaster({ ...options, buildModel: buildLstmModel });
}
