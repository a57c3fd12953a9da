/**
 * Point-in-time fundamental ratios of one symbol on trading dates: each date sees only statements
 * PUBLISHED on or before it (an as-of join on `published`, never on `periodEnd`).
 *
 * Rules (what a date's value is):
 * - Income ratios (gross, operating, net margin) come from quarterly rows. An FY row is used only
 *   for a fiscal year that has no quarterly row for the symbol (AVGO before 2018Q2, HD before
 *   2015Q4, ...): a margin is scale-free, so a yearly margin stands in for a quarterly one.
 * - Balance-sheet ratios (current ratio, debt to equity) come from any row with a balance sheet
 *   (before 2019Q3 only Q4/FY rows have one; the Q4 and FY balance sheets are the same).
 * - A row whose value is missing or invalid (null field, revenue or current liabilities ≤ 0)
 *   changes nothing: the previous valid value carries forward until the next valid filing.
 * - Equity ≤ 0 is not invalid: with debt > 0 debt to equity is the ceiling (20: liabilities
 *   exceed assets, as levered as the scale shows); with no debt it is 0.
 * - Values are clipped: margins to [-2, 2], current ratio and debt to equity to [0, 20], so one
 *   absurd quarter (TSLA 2012 margins near -3, HD debt to equity of 173) cannot dominate a scaler.
 * - Before a symbol's first valid filing the value is NaN: the caller maps NaN to the training mean
 *   (0 after standardisation) and computes its statistics over the finite values only.
 * - When two rows share a publish date, the one with the later period end wins.
 */
import type { QuarterlyStatement } from '../data/statement-types.ts';
import { FUNDAMENTAL_RATIOS, type FundamentalRatio, type RatioTimelines } from '../ports/signals.ts';

export const RATIO_BOUNDS: Readonly<Record<FundamentalRatio, readonly [number, number]>> = {
  gross_margin: [-2, 2],
  operating_margin: [-2, 2],
  net_margin: [-2, 2],
  current_ratio: [0, 20],
  debt_to_equity: [0, 20],
};

const INCOME_RATIOS = new Set<FundamentalRatio>(['gross_margin', 'operating_margin', 'net_margin']);

/** The five ratios of one statement, clipped; null where the statement cannot give one. */
export function statementRatios(s: QuarterlyStatement): Record<FundamentalRatio, number | null> {
  const margin = (ratio: FundamentalRatio, numerator: number | null) =>
    numerator === null || s.revenue === null || !(s.revenue > 0) ? null : clip(ratio, numerator / s.revenue);
  const currentRatio =
    s.totalCurrentAssets === null || s.totalCurrentLiabilities === null || !(s.totalCurrentLiabilities > 0)
      ? null
      : clip('current_ratio', s.totalCurrentAssets / s.totalCurrentLiabilities);
  let debtToEquity: number | null = null;
  if (s.totalDebt !== null && s.totalEquity !== null) {
    if (s.totalDebt === 0) debtToEquity = 0;
    else debtToEquity = s.totalEquity > 0 ? clip('debt_to_equity', s.totalDebt / s.totalEquity) : RATIO_BOUNDS.debt_to_equity[1];
  }
  return {
    gross_margin: margin('gross_margin', s.grossProfit),
    operating_margin: margin('operating_margin', s.operatingIncome),
    net_margin: margin('net_margin', s.netIncome),
    current_ratio: currentRatio,
    debt_to_equity: debtToEquity,
  };
}

function clip(ratio: FundamentalRatio, value: number): number {
  const [lo, hi] = RATIO_BOUNDS[ratio];
  return Math.min(hi, Math.max(lo, value));
}

/** Fiscal year of a `2023Q2` / `FY2023` label (SimFin labels a year's quarters with the FY's year). */
function fiscalYear(fiscalPeriod: string): string {
  return fiscalPeriod.startsWith('FY') ? fiscalPeriod.slice(2) : fiscalPeriod.slice(0, 4);
}

/** Builds the five timelines of ONE symbol's statements (any order). */
export function ratioTimelines(statements: readonly QuarterlyStatement[]): RatioTimelines {
  const symbols = new Set(statements.map((s) => s.symbol));
  if (symbols.size > 1) throw new Error(`ratioTimelines takes one symbol's statements, got ${[...symbols].join(', ')}`);
  const quarterYears = new Set(statements.filter((s) => !s.fiscalPeriod.startsWith('FY')).map((s) => fiscalYear(s.fiscalPeriod)));
  const ordered = [...statements].sort((a, b) =>
    a.published !== b.published ? (a.published < b.published ? -1 : 1) : a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : 0,
  );
  const timelines = Object.fromEntries(FUNDAMENTAL_RATIOS.map((r) => [r, { dates: [] as string[], values: [] as number[] }])) as Record<
    FundamentalRatio,
    { dates: string[]; values: number[] }
  >;
  for (const s of ordered) {
    const yearlyStandIn = s.fiscalPeriod.startsWith('FY') && quarterYears.has(fiscalYear(s.fiscalPeriod));
    const ratios = statementRatios(s);
    for (const ratio of FUNDAMENTAL_RATIOS) {
      const value = ratios[ratio];
      if (value === null || (yearlyStandIn && INCOME_RATIOS.has(ratio))) continue;
      const line = timelines[ratio];
      // Same publish date: the later period end (sorted last) replaces the earlier.
      if (line.dates.at(-1) === s.published) line.values[line.values.length - 1] = value;
      else {
        line.dates.push(s.published);
        line.values.push(value);
      }
    }
  }
  return timelines;
}

/**
 * tradingDates.length × 5 values, row-major (`[day * 5 + ratio]`, ratio order FUNDAMENTAL_RATIOS):
 * on each date the latest value published on or before it, NaN before the first.
 * `tradingDates` must be strictly ascending.
 */
export function ratiosOnDates(timelines: RatioTimelines, tradingDates: readonly string[]): Float64Array {
  assertAscending(tradingDates);
  const n = FUNDAMENTAL_RATIOS.length;
  const out = new Float64Array(tradingDates.length * n).fill(Number.NaN);
  FUNDAMENTAL_RATIOS.forEach((ratio, r) => {
    const { dates, values } = timelines[ratio];
    let next = 0; // first timeline entry not yet published
    for (let d = 0; d < tradingDates.length; d++) {
      while (next < dates.length && dates[next] <= tradingDates[d]) next++;
      if (next > 0) out[d * n + r] = values[next - 1];
    }
  });
  return out;
}

/** `ratiosOnDates(ratioTimelines(statements), tradingDates)`: one symbol's statements. */
export function fundamentalRatios(statements: readonly QuarterlyStatement[], tradingDates: readonly string[]): Float64Array {
  return ratiosOnDates(ratioTimelines(statements), tradingDates);
}

function assertAscending(dates: readonly string[]): void {
  for (let i = 1; i < dates.length; i++) {
    if (!(dates[i] > dates[i - 1])) throw new Error(`trading dates must be strictly ascending: ${dates[i - 1]} then ${dates[i]}`);
  }
}
