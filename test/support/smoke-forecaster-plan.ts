import { PROFILES } from '../../src/config/profiles.ts';
import { LSTM_CONFIGS, type LstmConfig } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { codeVersion } from '../../src/models/kinds.ts';
import { fingerprintBars } from '../../src/data/fingerprint.ts';
import { loadBars } from '../../src/data/load-bars.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import type { TrainingInputs, TrainingPlan } from '../../src/models/training-plan.ts';
import { dataRange } from '../../src/data/data-range.ts';
import { snapshotYearEnds } from '../../src/pipeline/resolve-plan.ts';
import { computeVersion } from '../../src/registry/version.ts';

/** Four real symbols of the bundled sample, as the smoke profile's forecaster would use. */
export const SMOKE_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'PEP'];

/**
 * The lstm plan of the smoke profile (window 2016-01-04..2022-12-30, snapshot years 2020 and
 * 2021), built the way resolveTrainingPlan builds it but with a fixed symbol list, so snapshot
 * tests do not depend on the universe screen.
 */
export async function smokeForecasterPlan(
  marketData: MarketData,
  overrides: { config?: Partial<LstmConfig>; symbols?: string[] } = {},
): Promise<TrainingPlan> {
  const profile = PROFILES.smoke;
  const config: LstmConfig = { ...LSTM_CONFIGS.smoke, ...overrides.config };
  const symbols = [...(overrides.symbols ?? SMOKE_SYMBOLS)].sort();
  const window = { start: profile.windowStart, end: profile.windowEnd };
  const bars = await loadBars(marketData, symbols, dataRange(window, config.lookbackDays));
  const inputs: TrainingInputs = {
    kind: 'lstm',
    mode: 'full',
    profile: 'smoke',
    window,
    symbols,
    config: { ...config },
    source: marketData.source,
    dataFingerprint: fingerprintBars(bars),
    codeVersion: codeVersion('lstm'),
  };
  return { ...inputs, version: computeVersion(inputs), snapshotYearEnds: snapshotYearEnds(window, profile.snapshotWarmupYears) };
}
