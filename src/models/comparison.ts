/**
 * How a challenger was compared with the current model, recorded in its metadata and in the
 * promotion decision. Both are scored on the same weeks: the challenger's test weeks that neither
 * model trained on (or, when none are left, all of them: an advantage to the current model).
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
  reason: string;
}
