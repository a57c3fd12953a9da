import { addDays, isIsoDate } from '../../../data/dates.ts';

/**
 * The data a portfolio agent trains and is evaluated on: one row per week (Monday, ascending), each
 * with every symbol's features and its holding return for that week. Built by the caller (the
 * pipeline); the environment only reads it.
 */
export interface WeeklyPanel {
  /** ISO dates of the weeks' Mondays, ascending. */
  weeks: string[];
  /** S symbols, in the order of the features' and returns' inner axes. */
  symbols: string[];
  /** F feature names, in the order of the features' innermost axis. */
  featureNames: string[];
  /**
   * weeks × S × F, row-major, already standardised by the caller with training statistics. Week w's
   * features must be known at w's first open (computed from data up to the previous week's close).
   */
  features: Float32Array;
  /**
   * weeks × S: row w's holding return, w's first open → the first open of row w + 1's week (trades
   * fill at w's first open). Rows are consecutive weeks unless the panel left weeks out: the row
   * before such a gap then holds through it (build-panel.ts), its return spanning several weeks.
   */
  returns: Float64Array;
  /** weeks × S: 0 where the symbol no longer trades (its weight is held in cash: tradable.ts); absent: all trade. */
  tradable?: Uint8Array;
}

/** Throws when the panel's arrays do not match its dimensions or hold a non-finite number. */
export function assertValidPanel(panel: WeeklyPanel): void {
  const weeks = panel.weeks.length;
  const S = panel.symbols.length;
  const F = panel.featureNames.length;
  if (S < 1) throw new Error('a weekly panel needs at least one symbol');
  if (panel.features.length !== weeks * S * F) throw new Error(`panel features hold ${panel.features.length} values, expected weeks × symbols × features = ${weeks * S * F}`);
  if (panel.returns.length !== weeks * S) throw new Error(`panel returns hold ${panel.returns.length} values, expected weeks × symbols = ${weeks * S}`);
  if (panel.tradable && panel.tradable.length !== weeks * S) throw new Error(`panel tradable holds ${panel.tradable.length} values, expected weeks × symbols = ${weeks * S}`);
  const badFeature = panel.features.findIndex((v) => !Number.isFinite(v));
  if (badFeature >= 0) throw new Error(`panel feature #${badFeature} is not finite`);
  // A long-only holding cannot lose more than everything.
  const badReturn = panel.returns.findIndex((v) => !Number.isFinite(v) || v < -1);
  if (badReturn >= 0) throw new Error(`panel return #${badReturn} (${panel.returns[badReturn]}) is not a finite number ≥ −1`);
}

/** A half-open range of week indices into a panel: [fromWeek, toWeek). */
export interface WeekRange {
  fromWeek: number;
  toWeek: number;
}

export function assertValidRange(panel: WeeklyPanel, range: WeekRange): void {
  const { fromWeek, toWeek } = range;
  if (!Number.isInteger(fromWeek) || !Number.isInteger(toWeek) || fromWeek < 0 || toWeek > panel.weeks.length || toWeek <= fromWeek) {
    throw new Error(`week range [${fromWeek}, ${toWeek}) must be a non-empty integer range within the panel's ${panel.weeks.length} weeks`);
  }
}

/**
 * The range cut where the panel skips a week (a week left out of the panel, build-panel.ts): the
 * maximal runs of consecutive weeks, in order. Two rows are consecutive when their Mondays are 7
 * days apart; labels that are not dates (toy panels) count as consecutive. Training episodes end at
 * a segment's end; the last step of a segment before a gap carries the return of holding through
 * the skipped weeks (its row's return runs to the next row's week), while a one-pass evaluation
 * simply holds through it.
 */
export function contiguousSegments(panel: Pick<WeeklyPanel, 'weeks'>, range: WeekRange): WeekRange[] {
  const segments: WeekRange[] = [];
  let from = range.fromWeek;
  for (let w = range.fromWeek + 1; w < range.toWeek; w++) {
    const [a, b] = [panel.weeks[w - 1], panel.weeks[w]];
    if (isIsoDate(a) && isIsoDate(b) && addDays(a, 7) !== b) {
      segments.push({ fromWeek: from, toWeek: w });
      from = w;
    }
  }
  segments.push({ fromWeek: from, toWeek: range.toWeek });
  return segments;
}

/** How many calendar weeks the range's rows skip (the weeks left out between its first and last row); 0 for toy labels. */
export function weeksSkipped(panel: { readonly weeks: readonly string[] }, range: WeekRange): number {
  let skipped = 0;
  for (let w = range.fromWeek + 1; w < range.toWeek; w++) {
    const [a, b] = [panel.weeks[w - 1], panel.weeks[w]];
    if (isIsoDate(a) && isIsoDate(b)) skipped += Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / (7 * 86_400_000)) - 1;
  }
  return skipped;
}
