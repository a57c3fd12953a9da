/**
 * Reads the bundled `fundamentals/quarterly_statements.csv`: one row per symbol and fiscal period
 * (`2023Q2` or `FY2023`), USD as filed, with the SEC filing date. See data/sample/README.md.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvFormatError, parseCsv, requireHeader, type CsvRow } from './csv.ts';
import { addDays, isIsoDate } from './dates.ts';
import { DEFAULT_SAMPLE_DIR } from './sample-dir.ts';
import type { QuarterlyStatement } from './statement-types.ts';

export const QUARTERLY_STATEMENT_COLUMNS = [
  'symbol',
  'fiscal_period',
  'period_end',
  'publish_date',
  'revenue',
  'gross_profit',
  'operating_income',
  'net_income',
  'total_current_assets',
  'total_current_liabilities',
  'total_debt',
  'total_equity',
] as const;

export const DEFAULT_QUARTERLY_STATEMENTS_FILE = join(DEFAULT_SAMPLE_DIR, 'fundamentals', 'quarterly_statements.csv');

const FISCAL_PERIOD = /^(?:\d{4}Q[1-4]|FY\d{4})$/;
const SYMBOL = /^[A-Z][A-Z0-9.-]{0,9}$/;
/** Columns that can never be negative; the income lines and equity can. */
const NON_NEGATIVE = new Set(['revenue', 'total_current_assets', 'total_current_liabilities', 'total_debt']);

/** True for an annual row (`FY2023`) and for a fourth quarter (`2023Q4`): both come from the 10-K. */
export function isFiledIn10K(fiscalPeriod: string): boolean {
  return fiscalPeriod.startsWith('FY') || fiscalPeriod.endsWith('Q4');
}

/**
 * The filing date assumed when a source gives none: period end + 45 days for a 10-Q (Q1-Q3),
 * + 60 days for a 10-K (Q4 and FY rows): the SEC deadlines for large filers are 40 and 60 days,
 * so the estimate is at or after the real filing (late, never early).
 */
export function estimatedPublishDate(fiscalPeriod: string, periodEnd: string): string {
  return addDays(periodEnd, isFiledIn10K(fiscalPeriod) ? 60 : 45);
}

/**
 * Every row, validated: a bad row throws naming the file and its line. A blank `publish_date`
 * becomes `estimatedPublishDate(...)` with `publishedEstimated: true`. A blank amount is `null`.
 */
export async function readQuarterlyStatements(file: string = DEFAULT_QUARTERLY_STATEMENTS_FILE): Promise<QuarterlyStatement[]> {
  return parseQuarterlyStatements(await readFile(file, 'utf8'), file);
}

/** `readQuarterlyStatements` on text already read; `file` only names the source in errors. */
export function parseQuarterlyStatements(text: string, file: string): QuarterlyStatement[] {
  const table = parseCsv(text, file);
  requireHeader(table, QUARTERLY_STATEMENT_COLUMNS, file);
  const seen = new Set<string>();
  return table.rows.map((row) => {
    const statement = parseRow(row, file);
    const key = `${statement.symbol} ${statement.fiscalPeriod}`;
    if (seen.has(key)) throw new CsvFormatError(file, row.line, `duplicate row for ${key}`);
    seen.add(key);
    return statement;
  });
}

function parseRow(row: CsvRow, file: string): QuarterlyStatement {
  const fail = (detail: string) => new CsvFormatError(file, row.line, detail);
  const [symbol, fiscalPeriod, periodEnd, publishDate] = row.fields;
  if (!SYMBOL.test(symbol)) throw fail(`bad symbol "${symbol}"`);
  if (!FISCAL_PERIOD.test(fiscalPeriod)) throw fail(`bad fiscal_period "${fiscalPeriod}" (expected e.g. 2023Q2 or FY2023)`);
  if (!isIsoDate(periodEnd)) throw fail(`bad period_end "${periodEnd}" (expected YYYY-MM-DD)`);
  if (publishDate !== '' && !isIsoDate(publishDate)) throw fail(`bad publish_date "${publishDate}" (expected YYYY-MM-DD or blank)`);
  // A filing on or before its period's last day would let a value leak into the period itself.
  if (publishDate !== '' && publishDate <= periodEnd) throw fail(`publish_date ${publishDate} is not after period_end ${periodEnd}`);
  const amount = (index: number): number | null => {
    const raw = row.fields[index];
    if (raw === '') return null;
    const name = QUARTERLY_STATEMENT_COLUMNS[index];
    const value = Number(raw);
    if (!Number.isFinite(value)) throw fail(`${name} "${raw}" is not a number`);
    if (value < 0 && NON_NEGATIVE.has(name)) throw fail(`${name} ${raw} is negative`);
    return value;
  };
  return {
    symbol,
    fiscalPeriod,
    periodEnd,
    published: publishDate === '' ? estimatedPublishDate(fiscalPeriod, periodEnd) : publishDate,
    publishedEstimated: publishDate === '',
    revenue: amount(4),
    grossProfit: amount(5),
    operatingIncome: amount(6),
    netIncome: amount(7),
    totalCurrentAssets: amount(8),
    totalCurrentLiabilities: amount(9),
    totalDebt: amount(10),
    totalEquity: amount(11),
  };
}
