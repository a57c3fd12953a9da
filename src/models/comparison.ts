/**
 * How a challenger is compared with the current model: one rule for every kind, recorded in the
 * challenger's metadata and in the promotion decision. Stored numbers from different weeks are never
 * compared: both models are scored on the same weeks, by the kind's promotion metric.
 */
export interface Comparison {
  against: string;
  compared_on: 'same_test_weeks' | 'not_comparable';
  metric: string;
  better: 'lower' | 'higher';
  current_score?: number;
  candidate_score?: number;
  weeks?: { first: string; last: string; count: number };
  samples?: number;
  /**
   * The paired weekly series the promotion test is run on (src/registry/promotion-rule.ts), one value
   * per compared week for each model, in week order. Absent in comparisons made before the test existed.
   */
  weekly?: WeeklySeries;
  reason: string;
}

/**
 * What a weekly series holds: forecasters, each week's squared error averaged over that week's
 * symbols (so symbols that move together are one observation, not several); agents, each week's
 * net portfolio return of the deterministic pass (costs included).
 */
export const WEEKLY_MEASURES = {
  loss: 'mean_squared_error_over_symbols',
  returns: 'net_portfolio_return',
} as const;

export interface WeeklySeries {
  weeks: string[];
  candidate: number[];
  current: number[];
  /** One of WEEKLY_MEASURES: which test applies (a loss: Diebold–Mariano; returns: the Sharpe difference). */
  measure: string;
}

/** Fewer weeks compare nothing: a Sharpe ratio needs two weekly returns, and one week's loss is as noisy. */
export const MIN_COMPARISON_WEEKS = 2;

/** The weeks of a comparison, and whether they are only those the current model never saw. */
export interface ComparisonWeeks {
  weeks: string[];
  /** True when the weeks are those after `seenThrough`; false when too few were left and all weeks are used (this favours the current model). */
  unseenOnly: boolean;
}

/**
 * The comparison rule. `scorable` are the challenger's held-out weeks (forecasters: its test weeks;
 * agents: its evaluation weeks) on which both models can be scored, ascending; `seenThrough` is the
 * last week the current model saw (trained, or chose its epoch, on), null when its metadata does not
 * say, which counts as having seen them all. The weeks compared are those after `seenThrough`; when
 * fewer than MIN_COMPARISON_WEEKS are left, all of the scorable weeks (which favours the current
 * model, so the rule stays conservative); when even those are fewer, none: undefined, not comparable.
 */
export function comparisonWeeks(scorable: readonly string[], seenThrough: string | null): ComparisonWeeks | undefined {
  if (scorable.length < MIN_COMPARISON_WEEKS) return undefined;
  const unseen = seenThrough === null ? [] : scorable.filter((week) => week > seenThrough);
  return unseen.length >= MIN_COMPARISON_WEEKS ? { weeks: unseen, unseenOnly: true } : { weeks: [...scorable], unseenOnly: false };
}

/** "too few weeks" as a comparison's reason. */
export function tooFewWeeks(what: string): string {
  return `fewer than ${MIN_COMPARISON_WEEKS} ${what} both models can be scored on`;
}
