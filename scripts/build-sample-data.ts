/**
 * One-off: builds data/sample/ from ../shared/data (see data/sample/README.md for what changes).
 * Run from the repository root: `node bin/run-ts.mjs scripts/build-sample-data.ts [SHARED_DATA_DIR]`.
 * Not part of the runtime: nothing under src/ reads ../shared.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { csvField, parseCsv, requireHeader, type CsvTable } from '../src/data/csv.ts';
// The statement columns the Shariah screen (and its market-cap fallback) reads: written as the reader expects.
import { STATEMENT_COLUMNS } from '../src/universe/fundamentals.ts';
import { estimatedPublishDate, parseQuarterlyStatements, QUARTERLY_STATEMENT_COLUMNS } from '../src/data/quarterly-statements-csv.ts';

const SHARED = resolve(process.argv[2] ?? '../shared/data');
const OUT = resolve('data/sample');

const PRICE_HEADER_IN = ['date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'];
const PRICE_HEADER_OUT = ['date', 'open', 'high', 'low', 'close', 'volume'];
/**
 * Source rows that describe another company: the Kaggle NYSE "PG" rows (FY2013-2016) report
 * revenue of $2-4 bn and total assets of $3-7 bn, about 6% of Procter & Gamble's; SimFin's PG is right.
 */
const WRONG_COMPANY_ROWS = [{ symbol: 'PG', source: 'nyse_kaggle' }];
/** Alphabet's statements exist only as GOOG; GOOGL is the same company. */
const STATEMENT_ALIASES: Record<string, string> = { GOOGL: 'GOOG' };

function readTable(path: string): CsvTable {
  return parseCsv(readFileSync(path, 'utf8'), relative(SHARED, path));
}

function column(table: CsvTable, name: string, file: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`${file}: no column ${name}`);
  return index;
}

function writeCsv(path: string, header: readonly string[], rows: string[][]): void {
  const lines = [header.join(','), ...rows.map((row) => row.map(csvField).join(','))];
  writeFileSync(path, lines.join('\n') + '\n');
}

function buildPrices(): string[] {
  const dir = join(SHARED, 'prices');
  const symbols = readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .map((name) => name.slice(0, -4))
    .sort();
  mkdirSync(join(OUT, 'prices'), { recursive: true });
  for (const symbol of symbols) {
    const file = join(dir, `${symbol}.csv`);
    const table = readTable(file);
    requireHeader(table, PRICE_HEADER_IN, file);
    const rows = table.rows.map(({ line, fields }) => {
      const [date, open, high, low, close, adjClose, volume] = fields;
      // The source says adj_close == close (auto_adjust=True); dropping it must lose nothing.
      if (adjClose !== close) throw new Error(`${file}:${line}: adj_close ${adjClose} differs from close ${close}`);
      return [date, open, high, low, close, volume]; // values copied as text: 7 significant digits kept
    });
    writeCsv(join(OUT, 'prices', `${symbol}.csv`), PRICE_HEADER_OUT, rows);
  }
  return symbols;
}

function buildCompanies(symbols: Set<string>): void {
  const file = join(SHARED, 'fundamentals/sp500_constituents.csv');
  const table = readTable(file);
  const [s, n, sector, sub] = ['symbol', 'name', 'gics_sector', 'gics_sub_industry'].map((c) => column(table, c, file));
  const rows = table.rows
    .filter(({ fields }) => symbols.has(fields[s]))
    .map(({ fields }) => [fields[s], fields[n], fields[sector], fields[sub]])
    .sort((a, b) => a[0].localeCompare(b[0]));
  if (rows.length !== symbols.size) throw new Error(`companies: found ${rows.length} of ${symbols.size} symbols`);
  writeCsv(join(OUT, 'fundamentals/companies.csv'), ['symbol', 'name', 'gics_sector', 'gics_sub_industry'], rows);
}

function buildStatements(symbols: Set<string>): void {
  const file = join(SHARED, 'fundamentals/annual_statements.csv');
  const table = readTable(file);
  const indexes = STATEMENT_COLUMNS.map((c) => column(table, c, file));
  const picked = table.rows
    .map(({ fields }) => indexes.map((i) => fields[i]))
    .filter((r) => !WRONG_COMPANY_ROWS.some((w) => w.symbol === r[0] && w.source === r[1]));
  // Where both sources cover the same fiscal period (FY2016), keep SimFin: it has the filing date.
  const simfinPeriods = new Set(picked.filter((r) => r[1] === 'simfin').map((r) => `${r[0]}|${r[3]}`));
  const deduped = picked.filter((r) => r[1] === 'simfin' || !simfinPeriods.has(`${r[0]}|${r[3]}`));
  const rows = deduped.filter((r) => symbols.has(r[0]));
  for (const [alias, of] of Object.entries(STATEMENT_ALIASES)) {
    if (!symbols.has(alias)) continue;
    for (const r of deduped.filter((x) => x[0] === of)) rows.push([alias, `${r[1]}:${of}`, ...r.slice(2)]);
  }
  rows.sort((a, b) => a[0].localeCompare(b[0]) || a[3].localeCompare(b[3]));
  writeCsv(join(OUT, 'fundamentals/annual_statements.csv'), STATEMENT_COLUMNS, rows);
}

function buildMarketCaps(symbols: Set<string>): void {
  const file = join(SHARED, 'fundamentals/sp500_financials_snapshots.csv');
  const table = readTable(file);
  const [d, s, price, cap] = ['snapshot_date', 'symbol', 'price', 'market_cap_usd'].map((c) => column(table, c, file));
  const rows = table.rows
    .filter(({ fields }) => symbols.has(fields[s]) && fields[cap] !== '')
    .map(({ fields }) => [fields[d], fields[s], fields[cap], fields[price]])
    .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  writeCsv(join(OUT, 'fundamentals/market_cap_snapshots.csv'), ['snapshot_date', 'symbol', 'market_cap_usd', 'price'], rows);
}

/**
 * quarterly_statements.csv keeps the reader's columns (`source` dropped), sorted by symbol, period
 * end, quarter before FY. Where the shared file estimated a filing date (`publish_date_estimated=1`)
 * the date is left blank: the reader applies the same rule (period end + 45 / + 60 days) and flags
 * it, so the rule lives in one place. The build checks the shared estimate equals that rule.
 */
/** Amounts that cannot be negative: a negative one is a source error (TXN 2024Q4 debt of −27.3 bn), blanked. */
const NON_NEGATIVE_STATEMENT_COLUMNS = ['revenue', 'total_current_assets', 'total_current_liabilities', 'total_debt'] as const;

function buildQuarterlyStatements(symbols: Set<string>): number {
  const file = join(SHARED, 'fundamentals/quarterly_statements.csv');
  const table = readTable(file);
  const estimated = column(table, 'publish_date_estimated', file);
  const [symbol, period, periodEnd, published] = ['symbol', 'fiscal_period', 'period_end', 'publish_date'].map((c) => column(table, c, file));
  const indexes = QUARTERLY_STATEMENT_COLUMNS.map((c) => column(table, c, file));
  const rows = table.rows
    .filter(({ fields }) => symbols.has(fields[symbol]))
    .map(({ line, fields }) => {
      const out = indexes.map((i) => fields[i]);
      if (fields[estimated] === '1') {
        const rule = estimatedPublishDate(fields[period], fields[periodEnd]);
        if (fields[published] !== rule) throw new Error(`${file}:${line}: estimated publish_date ${fields[published]} is not the rule's ${rule}`);
        out[QUARTERLY_STATEMENT_COLUMNS.indexOf('publish_date')] = '';
      } else if (fields[estimated] !== '0') {
        throw new Error(`${file}:${line}: publish_date_estimated must be 0 or 1, got "${fields[estimated]}"`);
      }
      for (const name of NON_NEGATIVE_STATEMENT_COLUMNS) {
        const i = QUARTERLY_STATEMENT_COLUMNS.indexOf(name);
        if (out[i] !== '' && Number(out[i]) < 0) {
          console.log(`quarterly_statements: blanked ${out[0]} ${out[1]} ${name} ${out[i]} (cannot be negative)`);
          out[i] = '';
        }
      }
      return out;
    });
  const isFy = (r: string[]) => (r[1].startsWith('FY') ? 1 : 0);
  rows.sort((a, b) => a[0].localeCompare(b[0]) || a[2].localeCompare(b[2]) || isFy(a) - isFy(b));
  const out = join(OUT, 'fundamentals/quarterly_statements.csv');
  writeCsv(out, QUARTERLY_STATEMENT_COLUMNS, rows);
  parseQuarterlyStatements(readFileSync(out, 'utf8'), out); // the runtime reader must accept what was written
  return rows.length;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(OUT, join(e.parentPath, e.name)).split('\\').join('/'))
    .filter((path) => path !== 'manifest.json' && path !== 'README.md')
    .sort();
}

function writeManifest(): void {
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const path of listFiles(OUT)) {
    const bytes = readFileSync(join(OUT, path));
    files[path] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ builtBy: 'scripts/build-sample-data.ts', files }, null, 2) + '\n');
}

for (const sub of ['prices', 'fundamentals', 'news']) rmSync(join(OUT, sub), { recursive: true, force: true });
mkdirSync(join(OUT, 'fundamentals'), { recursive: true });
mkdirSync(join(OUT, 'news'), { recursive: true });
const symbols = new Set(buildPrices());
buildCompanies(symbols);
buildStatements(symbols);
buildMarketCaps(symbols);
const quarterlyRows = buildQuarterlyStatements(symbols);
copyFileSync(join(SHARED, 'news/daily_sentiment.parquet'), join(OUT, 'news/daily_sentiment.parquet'));
writeManifest();
console.log(`data/sample: ${symbols.size} symbols, ${quarterlyRows} statement rows written to ${OUT}`);
