/**
 * One company's financial statement for one fiscal period, as filed: the input of the five
 * fundamental ratios (gross, operating and net margin, current ratio, debt to equity).
 * Bundled source: data/sample/fundamentals/quarterly_statements.csv; live source: Alpha Vantage.
 */
export interface QuarterlyStatement {
  symbol: string;
  /** e.g. `2023Q2` or `FY2023`. */
  fiscalPeriod: string;
  /** YYYY-MM-DD. */
  periodEnd: string;
  /** YYYY-MM-DD: the day the statement was filed (published). A value is usable from this day on, never before. */
  published: string;
  /** True when no filing date was known and `published` is period end + 45 days (10-Q) or + 60 days (10-K). */
  publishedEstimated: boolean;
  revenue: number | null;
  grossProfit: number | null;
  operatingIncome: number | null;
  netIncome: number | null;
  totalCurrentAssets: number | null;
  totalCurrentLiabilities: number | null;
  totalDebt: number | null;
  totalEquity: number | null;
}
