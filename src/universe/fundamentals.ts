import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvFormatError, parseCsv, requireHeader, type CsvRow } from '../data/csv.ts';
import { isIsoDate } from '../data/dates.ts';
import { DEFAULT_SAMPLE_DIR } from '../data/sample-dir.ts';

/** A company's GICS classification (for the business-activity screen). */
export interface CompanyProfile {
  symbol: string;
  name: string;
  sector: string;
  subIndustry: string;
}

/** One fiscal year's balance-sheet figures, in USD; a missing figure is undefined, never 0. */
export interface AnnualStatement {
  symbol: string;
  source: string;
  fiscalYear: number;
  periodEnd: string;
  /** Filing date; undefined when the source has none (then period end + 90 days is assumed). */
  publishDate?: string;
  totalDebt?: number;
  cashAndShortTermInvestments?: number;
  receivables?: number;
  totalAssets?: number;
  sharesOutstanding?: number;
}

/** A point-in-time market capitalisation, in USD. */
export interface MarketCapSnapshot {
  date: string;
  symbol: string;
  marketCapUsd: number;
}

export interface Fundamentals {
  companies: CompanyProfile[];
  statements: AnnualStatement[];
  marketCaps: MarketCapSnapshot[];
}

export const COMPANY_COLUMNS = ['symbol', 'name', 'gics_sector', 'gics_sub_industry'] as const;
export const STATEMENT_COLUMNS = [
  'symbol',
  'source',
  'fiscal_year',
  'period_end',
  'publish_date',
  'total_debt',
  'cash_and_short_term_investments',
  'receivables',
  'total_assets',
  'shares_outstanding',
] as const;
export const MARKET_CAP_COLUMNS = ['snapshot_date', 'symbol', 'market_cap_usd', 'price'] as const;

/** Reads `fundamentals/{companies,annual_statements,market_cap_snapshots}.csv` of a sample directory, strictly. */
export async function loadSampleFundamentals(sampleDir: string = DEFAULT_SAMPLE_DIR): Promise<Fundamentals> {
  const read = async (name: string) => {
    const file = join(sampleDir, 'fundamentals', name);
    return { file, table: parseCsv(await readFile(file, 'utf8'), file) };
  };
  const [companies, statements, caps] = await Promise.all([
    read('companies.csv'),
    read('annual_statements.csv'),
    read('market_cap_snapshots.csv'),
  ]);
  requireHeader(companies.table, COMPANY_COLUMNS, companies.file);
  requireHeader(statements.table, STATEMENT_COLUMNS, statements.file);
  requireHeader(caps.table, MARKET_CAP_COLUMNS, caps.file);
  return {
    companies: companies.table.rows.map(({ fields: [symbol, name, sector, subIndustry] }) => ({ symbol, name, sector, subIndustry })),
    statements: statements.table.rows.map((row) => parseStatement(row, statements.file)),
    marketCaps: caps.table.rows.map((row) => {
      const [date, symbol] = row.fields;
      requireDate(date, row, caps.file, 'snapshot_date');
      const marketCapUsd = optionalAmount(row.fields[2], row, caps.file, 'market_cap_usd');
      if (marketCapUsd === undefined || marketCapUsd <= 0) throw new CsvFormatError(caps.file, row.line, 'market_cap_usd must be positive');
      return { date, symbol, marketCapUsd };
    }),
  };
}

function parseStatement(row: CsvRow, file: string): AnnualStatement {
  const [symbol, source, fiscalYear, periodEnd, publishDate] = row.fields;
  requireDate(periodEnd, row, file, 'period_end');
  if (publishDate !== '') requireDate(publishDate, row, file, 'publish_date');
  if (!/^\d{4}$/.test(fiscalYear)) throw new CsvFormatError(file, row.line, `bad fiscal_year "${fiscalYear}"`);
  const amount = (index: number) => optionalAmount(row.fields[index], row, file, STATEMENT_COLUMNS[index]);
  return {
    symbol,
    source,
    fiscalYear: Number(fiscalYear),
    periodEnd,
    publishDate: publishDate === '' ? undefined : publishDate,
    totalDebt: amount(5),
    cashAndShortTermInvestments: amount(6),
    receivables: amount(7),
    totalAssets: amount(8),
    sharesOutstanding: amount(9),
  };
}

function requireDate(value: string, row: CsvRow, file: string, column: string): void {
  if (!isIsoDate(value)) throw new CsvFormatError(file, row.line, `bad ${column} "${value}" (expected YYYY-MM-DD)`);
}

function optionalAmount(raw: string, row: CsvRow, file: string, column: string): number | undefined {
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new CsvFormatError(file, row.line, `${column} "${raw}" is not a non-negative number`);
  return value;
}
