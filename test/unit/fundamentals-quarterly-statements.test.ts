import { describe, expect, it } from 'vitest';
import {
  estimatedPublishDate,
  parseQuarterlyStatements,
  QUARTERLY_STATEMENT_COLUMNS,
  readQuarterlyStatements,
} from '../../src/data/quarterly-statements-csv.ts';

const HEADER = QUARTERLY_STATEMENT_COLUMNS.join(',');

describe('readQuarterlyStatements on the bundled CSV', () => {
  it('reads 2,498 rows with filing dates; AAPL 2023 rows carry the known 10-Q/10-K filing days', async () => {
    // Act
    const rows = await readQuarterlyStatements();
    // Assess
    expect(rows).toHaveLength(2498);
    expect(new Set(rows.map((r) => r.symbol)).size).toBe(40);
    const aapl = (period: string) => rows.find((r) => r.symbol === 'AAPL' && r.fiscalPeriod === period);
    // Apple's fiscal 2023Q3 (June quarter), FY2023 10-K, fiscal 2024Q1 (December quarter).
    expect(aapl('2023Q3')).toMatchObject({ periodEnd: '2023-06-30', published: '2023-08-04', publishedEstimated: false });
    expect(aapl('FY2023')).toMatchObject({ periodEnd: '2023-09-30', published: '2023-11-03', publishedEstimated: false });
    expect(aapl('2024Q1')).toMatchObject({ periodEnd: '2023-12-31', published: '2024-02-02', publishedEstimated: false });
    expect(aapl('2012Q2')).toMatchObject({ revenue: 39_186_000_000, totalCurrentAssets: null });
    expect(rows.every((r) => r.published > r.periodEnd)).toBe(true);
  });

  it('fills the 13 unknown filing dates with period end + 45 (10-Q) or + 60 days (10-K), flagged', async () => {
    // Act
    const estimated = (await readQuarterlyStatements()).filter((r) => r.publishedEstimated);
    // Assess: the dates the shared folder gives for these rows
    expect(estimated.map((r) => `${r.symbol} ${r.fiscalPeriod} ${r.published}`)).toEqual([
      'AMD 2015Q2 2015-08-14',
      'COST 2017Q3 2017-07-15',
      'COST 2023Q3 2023-07-15',
      'HD FY2011 2012-03-31',
      'HD FY2012 2013-04-01',
      'HD 2015Q4 2016-03-31',
      'HD FY2015 2016-03-31',
      'HD 2017Q4 2018-04-01',
      'HD FY2017 2018-04-01',
      'PEP 2016Q3 2016-11-14',
      'PEP 2020Q3 2020-11-14',
      'PEP 2023Q3 2023-11-14',
      'PEP 2024Q3 2024-11-14',
    ]);
  });
});

describe('estimatedPublishDate', () => {
  it('is period end + 45 days for Q1-Q3 and + 60 days for Q4 and FY rows', () => {
    expect(estimatedPublishDate('2024Q2', '2024-06-30')).toBe('2024-08-14');
    expect(estimatedPublishDate('2024Q4', '2024-12-31')).toBe('2025-03-01');
    expect(estimatedPublishDate('FY2024', '2024-12-31')).toBe('2025-03-01');
  });
});

describe('parseQuarterlyStatements validation', () => {
  const parse = (line: string) => () => parseQuarterlyStatements(`${HEADER}\n${line}\n`, 'q.csv');

  it('reads blanks as null and a blank publish date as estimated', () => {
    // Act
    const [row] = parseQuarterlyStatements(`${HEADER}\nXOM,2024Q1,2024-03-31,,100,40,-5,,,,0,-7\n`, 'q.csv');
    // Assess
    expect(row).toEqual({
      symbol: 'XOM',
      fiscalPeriod: '2024Q1',
      periodEnd: '2024-03-31',
      published: '2024-05-15',
      publishedEstimated: true,
      revenue: 100,
      grossProfit: 40,
      operatingIncome: -5,
      netIncome: null,
      totalCurrentAssets: null,
      totalCurrentLiabilities: null,
      totalDebt: 0,
      totalEquity: -7,
    });
  });

  it.each([
    ['XOM,2024Q5,2024-03-31,2024-05-01,1,1,1,1,1,1,1,1', /q\.csv:2: bad fiscal_period "2024Q5"/],
    ['XOM,2024Q1,2024-02-30,2024-05-01,1,1,1,1,1,1,1,1', /q\.csv:2: bad period_end "2024-02-30"/],
    ['XOM,2024Q1,2024-03-31,2024-03-31,1,1,1,1,1,1,1,1', /q\.csv:2: publish_date 2024-03-31 is not after period_end/],
    ['XOM,2024Q1,2024-03-31,2024-05-01,abc,1,1,1,1,1,1,1', /q\.csv:2: revenue "abc" is not a number/],
    ['XOM,2024Q1,2024-03-31,2024-05-01,1,1,1,1,1,1,-3,1', /q\.csv:2: total_debt -3 is negative/],
    ['xom,2024Q1,2024-03-31,2024-05-01,1,1,1,1,1,1,1,1', /q\.csv:2: bad symbol "xom"/],
  ])('rejects %s naming the file and line', (line, message) => {
    expect(parse(line)).toThrow(message);
  });

  it('rejects a wrong header and a duplicated period', () => {
    expect(() => parseQuarterlyStatements('symbol,period\nXOM,2024Q1\n', 'q.csv')).toThrow(/q\.csv:1: expected header/);
    const row = 'XOM,2024Q1,2024-03-31,2024-05-01,1,1,1,1,1,1,1,1';
    expect(() => parseQuarterlyStatements(`${HEADER}\n${row}\n${row}\n`, 'q.csv')).toThrow(/q\.csv:3: duplicate row for XOM 2024Q1/);
  });
});
