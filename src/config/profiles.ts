/**
 * Training profiles. `smoke` is for tests (seconds); `local`, the default, is the real model on the
 * bundled data sized for a 2-core machine without a GPU; `full` is the seed's configuration, meant
 * for the GPU containers. Each model kind owns its config per profile (src/models/); the window and
 * symbol counts here, and the kind's config, go into the version hash.
 */
export const PROFILE_NAMES = ['smoke', 'local', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Profile {
  name: ProfileName;
  /** First target week considered; the window end is the last complete week of the data source. */
  windowStart: string;
  /** Fixed window end (YYYY-MM-DD) or 'latest' (the data source's last complete week). */
  windowEnd: string | 'latest';
  /** Forecasters use at most this many universe symbols (ranked), agents the top 15 (or fewer). */
  maxForecasterSymbols: number;
  maxAgentSymbols: number;
  /** Years between the window start and the first snapshot year end. */
  snapshotWarmupYears: number;
  /**
   * K: the seeds a run trains (config.seed, seed + 1, …), for the spread of every metric across
   * seeds; a forecaster stores their mean, an agent its best seed. The kinds copy it into their
   * config, so it is in the version hash.
   */
  seeds: number;
}

export const PROFILES: Record<ProfileName, Profile> = {
  smoke: {
    name: 'smoke',
    windowStart: '2016-01-04',
    windowEnd: '2022-12-30',
    maxForecasterSymbols: 4,
    maxAgentSymbols: 4,
    snapshotWarmupYears: 4,
    // The suite trains many smoke models: one seed each (tests set 2 where the ensemble is tested).
    seeds: 1,
  },
  local: {
    name: 'local',
    windowStart: '2011-01-03',
    windowEnd: 'latest',
    // With 30 symbols an LSTM run with its 11 snapshots took 20 min on 2 cores; the agents' 15
    // symbols halve that and are the symbols whose forecasts the agents read.
    maxForecasterSymbols: 15,
    maxAgentSymbols: 15,
    snapshotWarmupYears: 4,
    seeds: 5,
  },
  full: {
    name: 'full',
    windowStart: '2011-01-03',
    windowEnd: 'latest',
    maxForecasterSymbols: 40,
    maxAgentSymbols: 15,
    snapshotWarmupYears: 4,
    seeds: 5,
  },
};

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}
