const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The walk-forward rule: a forecast for the week starting `weekStart` may only use the snapshot
 * of the latest year end strictly before that day (its data ends before the week begins).
 * Undefined when no snapshot is old enough.
 */
export function snapshotForWeek(yearEnds: readonly string[], weekStart: string): string | undefined {
  if (!ISO_DATE.test(weekStart)) throw new Error(`snapshotForWeek: weekStart must be YYYY-MM-DD, got ${JSON.stringify(weekStart)}`);
  let chosen: string | undefined;
  for (const yearEnd of yearEnds) {
    if (!ISO_DATE.test(yearEnd)) throw new Error(`snapshotForWeek: year end must be YYYY-MM-DD, got ${JSON.stringify(yearEnd)}`);
    // ISO dates order as strings.
    if (yearEnd < weekStart && (chosen === undefined || yearEnd > chosen)) chosen = yearEnd;
  }
  return chosen;
}
