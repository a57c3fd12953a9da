/**
 * Training profiles. `smoke` is for tests (seconds); `local`, the default, is the real model on the
 * bundled data sized for a 2-core machine without a GPU; `full` is the seed's configuration, meant
 * for the GPU containers. Everything in a profile goes into the version hash.
 */
export const PROFILE_NAMES = ['smoke', 'local', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface ForecasterConfig {
  /** Trading days of history per sample. */
  lookbackDays: number;
  hiddenUnits: number;
  layers: number;
  dropout: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Early stopping: epochs without a lower validation loss before training stops. */
  patience: number;
  /** Fraction of target weeks (by date) used for training; the rest, after the gap, is validation. */
  trainFraction: number;
  /** Weeks left out between the last training target week and the first validation target week. */
  gapWeeks: number;
  seed: number;
}

export interface Profile {
  name: ProfileName;
  /** First target week considered; the window end is the last complete week of the data source. */
  windowStart: string;
  /** Fixed window end (YYYY-MM-DD) or 'latest' (the data source's last complete week). */
  windowEnd: string | 'latest';
  /** Forecasters use at most this many universe symbols (ranked), agents the top 15 (or fewer). */
  maxForecasterSymbols: number;
  maxAgentSymbols: number;
  forecaster: ForecasterConfig;
  /** Years between the window start and the first snapshot year end. */
  snapshotWarmupYears: number;
}

const BASE_FORECASTER: ForecasterConfig = {
  lookbackDays: 60,
  hiddenUnits: 64,
  layers: 2,
  dropout: 0.2,
  learningRate: 1e-3,
  batchSize: 64,
  maxEpochs: 50,
  patience: 5,
  trainFraction: 0.8,
  gapWeeks: 1,
  seed: 42,
};

export const PROFILES: Record<ProfileName, Profile> = {
  smoke: {
    name: 'smoke',
    windowStart: '2016-01-04',
    windowEnd: '2022-12-30',
    maxForecasterSymbols: 4,
    maxAgentSymbols: 4,
    forecaster: { ...BASE_FORECASTER, hiddenUnits: 8, batchSize: 128, maxEpochs: 2, patience: 1 },
    snapshotWarmupYears: 4,
  },
  local: {
    name: 'local',
    windowStart: '2011-01-03',
    windowEnd: 'latest',
    // Sized on wasm (single-threaded in Node), 2 cores: ~65 s per epoch for 30 symbols × ~815 weeks
    // (batch 256 is ~40% faster per sample than 128 there). With 30 symbols a run with its 11
    // snapshots took 20 min here; the agents' 15 symbols halve that and are the symbols whose
    // forecasts the agents read.
    maxForecasterSymbols: 15,
    maxAgentSymbols: 15,
    forecaster: { ...BASE_FORECASTER, maxEpochs: 3, patience: 1, batchSize: 256 },
    snapshotWarmupYears: 4,
  },
  full: {
    name: 'full',
    windowStart: '2011-01-03',
    windowEnd: 'latest',
    maxForecasterSymbols: 40,
    maxAgentSymbols: 15,
    forecaster: { ...BASE_FORECASTER },
    snapshotWarmupYears: 4,
  },
};

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}
