/**
 * The promotion test's settings (src/registry/promotion-rule.ts), in one place:
 *
 * - `level`: a challenger replaces the current model when it is better at this one-sided
 *   significance level (Diebold–Mariano on the weekly losses for forecasters, the paired Sharpe
 *   test for agents). Default 0.10.
 * - `maxAgeWeeks`: a current model whose data ends at least this many weeks before the challenger's
 *   (window end minus window end) is replaced by any challenger that is not significantly worse at
 *   the same level, so the current model does not go stale waiting for a significant win. Default 26.
 * - `minWeeks`: fewer paired weeks than this are not tested (no promotion, unless it is the first
 *   model or the age rule applies). Default 8.
 * - `minSharpeGain`: agents only: the challenger must beat the current agent's annualised Sharpe by
 *   at least this much, significantly (H0: gain ≤ margin). Default 0.1. Without it, seeds of the same
 *   agent, whose weekly returns correlate at ~1.0, were promoted on persistent differences of
 *   0.005–0.03 (7 of 20 in bench/promotion.ts); every flip of an agent is real turnover and cost.
 *
 * Each can be overridden by an environment variable of the process that decides promotion (the CLI
 * or `mizan serve` locally; the "Decide promotion" Lambda on AWS, whose environment the stack sets):
 * MIZAN_PROMOTION_LEVEL, MIZAN_PROMOTION_MAX_AGE_WEEKS, MIZAN_PROMOTION_MIN_WEEKS,
 * MIZAN_PROMOTION_MIN_SHARPE_GAIN. A value that does
 * not parse is an error, never silently the default.
 */
export interface PromotionSettings {
  /** One-sided significance level, in (0, 0.5]. */
  level: number;
  /** Weeks of data (window end to window end) after which the current model may be replaced by a challenger that is not significantly worse. */
  maxAgeWeeks: number;
  /** The fewest paired weeks a test is run on (at least 3). */
  minWeeks: number;
  /** Agents: the annualised Sharpe gain the challenger must show significantly (≥ 0). */
  minSharpeGain: number;
}

export const DEFAULT_PROMOTION_SETTINGS: Readonly<PromotionSettings> = Object.freeze({ level: 0.1, maxAgeWeeks: 26, minWeeks: 8, minSharpeGain: 0.1 });

export const PROMOTION_ENV = {
  level: 'MIZAN_PROMOTION_LEVEL',
  maxAgeWeeks: 'MIZAN_PROMOTION_MAX_AGE_WEEKS',
  minWeeks: 'MIZAN_PROMOTION_MIN_WEEKS',
  minSharpeGain: 'MIZAN_PROMOTION_MIN_SHARPE_GAIN',
} as const satisfies Record<keyof PromotionSettings, string>;

/** Throws naming the first bad field: settings that reach the rule are always usable. */
export function validatePromotionSettings(settings: PromotionSettings): PromotionSettings {
  if (!(settings.level > 0 && settings.level <= 0.5)) throw new Error(`promotion level must be in (0, 0.5], got ${settings.level}`);
  if (!(Number.isInteger(settings.maxAgeWeeks) && settings.maxAgeWeeks >= 1)) throw new Error(`promotion maxAgeWeeks must be a positive integer, got ${settings.maxAgeWeeks}`);
  if (!(Number.isInteger(settings.minWeeks) && settings.minWeeks >= 3)) throw new Error(`promotion minWeeks must be an integer ≥ 3, got ${settings.minWeeks}`);
  if (!(Number.isFinite(settings.minSharpeGain) && settings.minSharpeGain >= 0)) throw new Error(`promotion minSharpeGain must be a number ≥ 0, got ${settings.minSharpeGain}`);
  return settings;
}

/** The defaults, with each setting whose environment variable is set (non-empty) overridden. */
export function promotionSettings(env: Readonly<Record<string, string | undefined>> = {}): PromotionSettings {
  const settings: PromotionSettings = { ...DEFAULT_PROMOTION_SETTINGS };
  for (const key of Object.keys(PROMOTION_ENV) as (keyof PromotionSettings)[]) {
    const raw = env[PROMOTION_ENV[key]]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${PROMOTION_ENV[key]}=${JSON.stringify(raw)} is not a number`);
    settings[key] = value;
  }
  try {
    return validatePromotionSettings(settings);
  } catch (error) {
    throw new Error(`${(error as Error).message} (from ${Object.values(PROMOTION_ENV).filter((name) => env[name]?.trim()).join(', ') || 'the defaults'})`);
  }
}
