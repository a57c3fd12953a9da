import { addDays, assertIsoDate } from '../data/dates.ts';
import type { AnnualStatement, Fundamentals } from './fundamentals.ts';
import { marketCapAsOf, type CloseOnOrBefore, type MarketCapMethod } from './market-cap.ts';
import {
  ASSUMED_FILING_LAG_DAYS,
  MAX_CASH_TO_MARKET_CAP,
  MAX_DEBT_TO_MARKET_CAP,
  MAX_RECEIVABLES_TO_MARKET_CAP,
  excludedActivity,
} from './shariah-rules.ts';

export interface ScreenRatios {
  /** Total debt / market cap. */
  debt: number | null;
  /** (Cash + short-term investments) / market cap. */
  cash: number | null;
  /** Receivables / market cap. */
  receivables: number | null;
}

export interface ScreenResult {
  symbol: string;
  passed: boolean;
  /** Why it failed (every failing check); empty when it passed. */
  reasons: string[];
  ratios: ScreenRatios;
  /** USD at the screen date, or null when it could not be estimated. */
  marketCap: number | null;
  marketCapMethod: MarketCapMethod | null;
  sector: string | null;
  subIndustry: string | null;
  /** The statements the ratios used: the latest fiscal year public on the screen date. */
  statement: { fiscalYear: number; periodEnd: string; availableFrom: string; source: string } | null;
}

export interface ScreenOptions {
  /** Symbols to screen (default: every company in the fundamentals). Ones without data fail, never pass. */
  symbols?: readonly string[];
  /** Closes to move market caps to the screen date (see marketCapAsOf). */
  closeOnOrBefore?: CloseOnOrBefore;
}

/** The day a statement became public: its filing date, or period end + 90 days when unknown. */
export function availableFrom(statement: AnnualStatement): string {
  return statement.publishDate ?? addDays(statement.periodEnd, ASSUMED_FILING_LAG_DAYS);
}

/** The latest fiscal year of `symbol` whose statements were public on `asOf` (as-of: no look-ahead). */
export function latestStatementAsOf(statements: readonly AnnualStatement[], symbol: string, asOf: string): AnnualStatement | undefined {
  let best: AnnualStatement | undefined;
  for (const s of statements) {
    if (s.symbol !== symbol || availableFrom(s) > asOf) continue;
    if (!best || s.periodEnd > best.periodEnd) best = s;
  }
  return best;
}

/**
 * The Shariah screen of each symbol as of `asOf`: business activity (GICS), then debt, cash and
 * receivables each against market cap (thresholds in shariah-rules.ts). A symbol whose data is
 * missing fails with the missing item named. Results are in symbol order.
 */
export function screenUniverse(asOf: string, fundamentals: Fundamentals, options: ScreenOptions = {}): ScreenResult[] {
  assertIsoDate(asOf, 'screen date');
  const symbols = [...new Set(options.symbols ?? fundamentals.companies.map((c) => c.symbol))].sort();
  return symbols.map((symbol) => screenOne(symbol, asOf, fundamentals, options.closeOnOrBefore));
}

/** The passing symbols as of `asOf`, largest market cap first (ties by symbol). */
export function halalUniverse(asOf: string, fundamentals: Fundamentals, options: ScreenOptions = {}): string[] {
  return rankPassing(screenUniverse(asOf, fundamentals, options));
}

export function rankPassing(results: readonly ScreenResult[]): string[] {
  return results
    .filter((r) => r.passed)
    .sort((a, b) => (b.marketCap ?? 0) - (a.marketCap ?? 0) || a.symbol.localeCompare(b.symbol))
    .map((r) => r.symbol);
}

function screenOne(symbol: string, asOf: string, fundamentals: Fundamentals, closes: CloseOnOrBefore | undefined): ScreenResult {
  const reasons: string[] = [];
  const company = fundamentals.companies.find((c) => c.symbol === symbol);
  if (!company) reasons.push('no fundamentals: sector unknown');
  const activity = company && excludedActivity(company);
  if (activity) reasons.push(`business activity: ${activity}`);

  const statement = latestStatementAsOf(fundamentals.statements, symbol, asOf);
  if (!statement) reasons.push(`no fundamentals: no annual statements public by ${asOf}`);
  const cap = marketCapAsOf(symbol, asOf, fundamentals.marketCaps, statement, closes);
  if (!cap) reasons.push(`no market cap as of ${asOf}`);

  const ratio = (value: number | undefined, label: string, max: number): number | null => {
    if (!statement || !cap) return null;
    if (value === undefined) {
      reasons.push(`no fundamentals: FY${statement.fiscalYear} statement has no ${label}`);
      return null;
    }
    const r = value / cap.marketCapUsd;
    if (r >= max) reasons.push(`${label} ${pct(r)} of market cap (limit < ${pct(max)})`);
    return r;
  };
  const ratios: ScreenRatios = {
    debt: ratio(statement?.totalDebt, 'debt', MAX_DEBT_TO_MARKET_CAP),
    cash: ratio(statement?.cashAndShortTermInvestments, 'cash and short-term investments', MAX_CASH_TO_MARKET_CAP),
    receivables: ratio(statement?.receivables, 'receivables', MAX_RECEIVABLES_TO_MARKET_CAP),
  };
  return {
    symbol,
    passed: reasons.length === 0,
    reasons,
    ratios,
    marketCap: cap?.marketCapUsd ?? null,
    marketCapMethod: cap?.method ?? null,
    sector: company?.sector ?? null,
    subIndustry: company?.subIndustry ?? null,
    statement: statement
      ? { fiscalYear: statement.fiscalYear, periodEnd: statement.periodEnd, availableFrom: availableFrom(statement), source: statement.source }
      : null,
  };
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
