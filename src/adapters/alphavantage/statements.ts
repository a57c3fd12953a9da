/**
 * Alpha Vantage's INCOME_STATEMENT and BALANCE_SHEET answers as mizan's QuarterlyStatement rows.
 * Every amount is a string, "None" when the filing lacks it. Alpha Vantage gives no filing date, so
 * `published` is estimated as for the bundled CSV: period end + 45 days, + 60 for Q4 (the 10-K).
 */
import { isIsoDate } from '../../data/dates.ts';
import { estimatedPublishDate } from '../../data/quarterly-statements-csv.ts';
import type { QuarterlyStatement } from '../../data/statement-types.ts';

/** One report of `annualReports` / `quarterlyReports`: amounts as strings ("None" when missing). */
export type AlphaVantageReport = { fiscalDateEnding: string; reportedCurrency?: string } & Record<string, unknown>;

export interface AlphaVantageStatementAnswer {
  symbol?: string;
  annualReports?: AlphaVantageReport[];
  quarterlyReports: AlphaVantageReport[];
}

/** True for a statement answer worth caching: reports with real dates (not a throttling note, an error, or `{}`). */
export function isStatementAnswer(body: unknown): body is AlphaVantageStatementAnswer {
  if (typeof body !== 'object' || body === null) return false;
  const { quarterlyReports, annualReports } = body as Record<string, unknown>;
  const reportsOk = (reports: unknown) =>
    Array.isArray(reports) && reports.every((r) => typeof r === 'object' && r !== null && isIsoDate(String((r as AlphaVantageReport).fiscalDateEnding)));
  return reportsOk(quarterlyReports) && (annualReports === undefined || reportsOk(annualReports));
}

/**
 * Joins the two statements' quarterlyReports on fiscalDateEnding (a quarter only one of them has
 * keeps nulls for the other's fields), oldest first.
 *
 * Fiscal quarters count from the fiscal year-end month, taken from the latest annualReports date
 * (December when neither statement has one); the year-end quarter is Q4, labelled with the fiscal
 * year it closes (Apple's quarter ending 2023-12-31 is `2024Q1`).
 * totalDebt is shortTermDebt + longTermDebt (Alpha Vantage's longTermDebt includes its current
 * portion); when either is "None", shortLongTermDebtTotal; else null.
 */
export function toQuarterlyStatements(symbol: string, income: AlphaVantageStatementAnswer, balance: AlphaVantageStatementAnswer): QuarterlyStatement[] {
  const incomeByDate = byDate(income.quarterlyReports);
  const balanceByDate = byDate(balance.quarterlyReports);
  const yearEndMonth = fiscalYearEndMonth([...(income.annualReports ?? []), ...(balance.annualReports ?? [])]);
  const dates = [...new Set([...incomeByDate.keys(), ...balanceByDate.keys()])].sort();
  return dates.map((periodEnd) => {
    const i = incomeByDate.get(periodEnd) ?? {};
    const b = balanceByDate.get(periodEnd) ?? {};
    const { fiscalYear, quarter } = fiscalQuarter(periodEnd, yearEndMonth);
    const fiscalPeriod = `${fiscalYear}Q${quarter}`;
    return {
      symbol,
      fiscalPeriod,
      periodEnd,
      published: estimatedPublishDate(fiscalPeriod, periodEnd), // + 45 days, + 60 for Q4 (the 10-K)
      publishedEstimated: true,
      revenue: amount(i.totalRevenue),
      grossProfit: amount(i.grossProfit),
      operatingIncome: amount(i.operatingIncome),
      netIncome: amount(i.netIncome),
      totalCurrentAssets: amount(b.totalCurrentAssets),
      totalCurrentLiabilities: amount(b.totalCurrentLiabilities),
      totalDebt: totalDebt(b),
      totalEquity: amount(b.totalShareholderEquity),
    };
  });
}

/** An Alpha Vantage amount: "None", "", "-" or anything non-numeric is null, never 0. */
export function amount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '' || text === 'None' || text === '-') return null;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : null;
}

function totalDebt(report: Record<string, unknown>): number | null {
  const short = amount(report.shortTermDebt);
  const long = amount(report.longTermDebt);
  if (short !== null && long !== null) return short + long;
  return amount(report.shortLongTermDebtTotal);
}

/** Alpha Vantage lists newest first; a repeated date keeps its first (newest) report. */
function byDate(reports: AlphaVantageReport[]): Map<string, Record<string, unknown>> {
  const map = new Map<string, Record<string, unknown>>();
  for (const report of reports) if (!map.has(report.fiscalDateEnding)) map.set(report.fiscalDateEnding, report);
  return map;
}

function fiscalYearEndMonth(annualReports: AlphaVantageReport[]): number {
  const latest = annualReports.map((r) => r.fiscalDateEnding).sort().at(-1);
  return latest ? nearestMonthEnd(latest).month : 12;
}

/** 52/53-week years end a few days either side of a month end (2023-09-30 vs 2023-10-01): snap to the nearest one. */
function nearestMonthEnd(date: string): { year: number; month: number } {
  const [year, month, day] = date.split('-').map(Number);
  if (day > 15) return { year, month };
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

function fiscalQuarter(periodEnd: string, yearEndMonth: number): { fiscalYear: number; quarter: number } {
  const { year, month } = nearestMonthEnd(periodEnd);
  const monthsIntoYear = (((month - yearEndMonth) % 12) + 12) % 12; // 0 at the year end itself
  if (monthsIntoYear === 0) return { fiscalYear: year, quarter: 4 };
  // The fiscal year is named after the calendar year it ends in.
  const fiscalYear = year + Math.floor((month - 1 + 12 - monthsIntoYear) / 12);
  return { fiscalYear, quarter: Math.ceil(monthsIntoYear / 3) };
}
