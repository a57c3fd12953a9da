import { describe, expect, it } from 'vitest';
import type { AnnualStatement, CompanyProfile, Fundamentals } from '../../src/universe/fundamentals.ts';
import { formatScreenTable } from '../../src/universe/format-screen.ts';
import { closeLookupFromBars, marketCapAsOf } from '../../src/universe/market-cap.ts';
import { halalUniverse, latestStatementAsOf, screenUniverse } from '../../src/universe/shariah-screen.ts';
import { MAX_DEBT_TO_MARKET_CAP } from '../../src/universe/shariah-rules.ts';

const B = 1e9;

function company(symbol: string, sector = 'Information Technology', subIndustry = 'Application Software'): CompanyProfile {
  return { symbol, name: symbol, sector, subIndustry };
}

function statement(symbol: string, over: Partial<AnnualStatement> = {}): AnnualStatement {
  return {
    symbol,
    source: 'test',
    fiscalYear: 2020,
    periodEnd: '2020-12-31',
    publishDate: '2021-02-15',
    totalDebt: 10 * B,
    cashAndShortTermInvestments: 10 * B,
    receivables: 10 * B,
    totalAssets: 100 * B,
    sharesOutstanding: 1 * B,
    ...over,
  };
}

/** Every company has a $100 bn snapshot on 2021-01-04 unless told otherwise. */
function fundamentals(companies: CompanyProfile[], statements: AnnualStatement[], caps: Record<string, number> = {}): Fundamentals {
  return {
    companies,
    statements,
    marketCaps: companies.map((c) => ({ date: '2021-01-04', symbol: c.symbol, marketCapUsd: caps[c.symbol] ?? 100 * B })),
  };
}

describe('business-activity screen', () => {
  const cases: Array<[string, CompanyProfile, RegExp]> = [
    ['a bank', company('JPM', 'Financials', 'Diversified Banks'), /conventional finance \(GICS sector Financials\)/],
    ['an insurer', company('PGR', 'Financials', 'Property & Casualty Insurance'), /conventional finance/],
    ['a health insurer', company('UNH', 'Health Care', 'Managed Health Care'), /conventional insurance/],
    ['a brewer', company('TAP', 'Consumer Staples', 'Brewers'), /alcohol/],
    ['a distiller', company('BF.B', 'Consumer Staples', 'Distillers & Vintners'), /alcohol/],
    ['a tobacco company', company('MO', 'Consumer Staples', 'Tobacco'), /tobacco/],
    ['a pork producer', company('HRL', 'Consumer Staples', 'Packaged Foods & Meats'), /pork/],
    ['a casino', company('LVS', 'Consumer Discretionary', 'Casinos & Gaming'), /gambling/],
    ['an adult-entertainment company', company('PLBY', 'Consumer Discretionary', 'Leisure Products'), /adult entertainment/],
    ['a defence contractor', company('LMT', 'Industrials', 'Aerospace & Defense'), /weapons and defence/],
  ];
  it.each(cases)('excludes %s with the reason', (_what, c, reason) => {
    // Prepare
    const data = fundamentals([c], [statement(c.symbol)]);
    // Act
    const [result] = screenUniverse('2021-06-30', data);
    // Assess
    expect(result.passed).toBe(false);
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatch(/^business activity: /);
    expect(result.reasons[0]).toMatch(reason);
  });

  it('passes non-alcoholic beverages, oil and gas, and a prototype key used as a sector', () => {
    // Prepare
    const companies = [
      company('KO', 'Consumer Staples', 'Soft Drinks & Non-alcoholic Beverages'),
      company('XOM', 'Energy', 'Integrated Oil & Gas'),
      company('ODD', 'constructor', 'toString'),
    ];
    const data = fundamentals(companies, companies.map((c) => statement(c.symbol)));
    // Act
    const results = screenUniverse('2021-06-30', data);
    // Assess
    expect(results.map((r) => [r.symbol, r.passed, r.reasons])).toEqual([
      ['KO', true, []],
      ['ODD', true, []],
      ['XOM', true, []],
    ]);
  });
});

describe('financial-ratio screen', () => {
  it('fails each ratio at or above its limit and passes just below', () => {
    // Prepare: market cap $100 bn, so $30 bn is exactly the 30% limit.
    const companies = ['DEBT', 'CASH', 'RECV', 'EDGE', 'OK'].map((s) => company(s));
    const data = fundamentals(companies, [
      statement('DEBT', { totalDebt: 30 * B }),
      statement('CASH', { cashAndShortTermInvestments: 45 * B }),
      statement('RECV', { receivables: 49 * B }),
      statement('EDGE', { totalDebt: 29.99 * B, cashAndShortTermInvestments: 29.99 * B, receivables: 48.99 * B }),
      statement('OK'),
    ]);
    // Act
    const results = Object.fromEntries(screenUniverse('2021-06-30', data).map((r) => [r.symbol, r]));
    // Assess
    expect(results.DEBT.reasons).toEqual(['debt 30.0% of market cap (limit < 30.0%)']);
    expect(results.CASH.reasons).toEqual(['cash and short-term investments 45.0% of market cap (limit < 30.0%)']);
    expect(results.RECV.reasons).toEqual(['receivables 49.0% of market cap (limit < 49.0%)']);
    expect(results.EDGE.passed).toBe(true);
    expect(results.OK).toMatchObject({ passed: true, marketCap: 100 * B, ratios: { debt: 0.1, cash: 0.1, receivables: 0.1 } });
    expect(MAX_DEBT_TO_MARKET_CAP).toBe(0.3);
  });

  it('lists every failing check, not just the first', () => {
    // Prepare
    const c = company('BAD', 'Financials', 'Consumer Finance');
    const data = fundamentals([c], [statement('BAD', { totalDebt: 80 * B, receivables: 90 * B })]);
    // Act
    const [result] = screenUniverse('2021-06-30', data);
    // Assess
    expect(result.reasons).toEqual([
      'business activity: conventional finance (GICS sector Financials)',
      'debt 80.0% of market cap (limit < 30.0%)',
      'receivables 90.0% of market cap (limit < 49.0%)',
    ]);
  });
});

describe('missing data never passes', () => {
  it('fails a symbol with no fundamentals, no statements, no market cap or a missing figure', () => {
    // Prepare
    const companies = [company('NOSTMT'), company('NOFIELD'), company('NOCAP')];
    const data: Fundamentals = {
      companies,
      statements: [statement('NOFIELD', { receivables: undefined }), statement('NOCAP', { sharesOutstanding: undefined })],
      marketCaps: [
        { date: '2021-01-04', symbol: 'NOSTMT', marketCapUsd: 100 * B },
        { date: '2021-01-04', symbol: 'NOFIELD', marketCapUsd: 100 * B },
      ],
    };
    // Act
    const results = Object.fromEntries(
      screenUniverse('2021-06-30', data, { symbols: ['NOSTMT', 'NOFIELD', 'NOCAP', 'GHOST'] }).map((r) => [r.symbol, r]),
    );
    // Assess
    expect(results.NOSTMT.reasons).toEqual(['no fundamentals: no annual statements public by 2021-06-30']);
    expect(results.NOFIELD.reasons).toEqual(['no fundamentals: FY2020 statement has no receivables']);
    expect(results.NOCAP.reasons).toEqual(['no market cap as of 2021-06-30']);
    expect(results.GHOST.reasons).toEqual([
      'no fundamentals: sector unknown',
      'no fundamentals: no annual statements public by 2021-06-30',
      'no market cap as of 2021-06-30',
    ]);
    expect(Object.values(results).every((r) => !r.passed)).toBe(true);
  });

  it('rejects a malformed screen date', () => {
    expect(() => screenUniverse('2021-13-01', fundamentals([], []))).toThrow(/YYYY-MM-DD/);
  });
});

describe('as-of: only information public on the screen date', () => {
  const statements = [
    statement('A', { fiscalYear: 2019, periodEnd: '2019-12-31', publishDate: '2020-02-20', totalDebt: 1 * B }),
    statement('A', { fiscalYear: 2020, periodEnd: '2020-12-31', publishDate: '2021-02-15', totalDebt: 50 * B }),
    // No filing date: assumed public period end + 90 days = 2021-03-31.
    statement('B', { fiscalYear: 2020, periodEnd: '2020-12-31', publishDate: undefined }),
  ];

  it('uses a statement from its filing date on, never before', () => {
    // Act / Assess
    expect(latestStatementAsOf(statements, 'A', '2021-02-14')?.fiscalYear).toBe(2019);
    expect(latestStatementAsOf(statements, 'A', '2021-02-15')?.fiscalYear).toBe(2020);
    expect(latestStatementAsOf(statements, 'B', '2021-03-30')).toBeUndefined();
    expect(latestStatementAsOf(statements, 'B', '2021-03-31')?.fiscalYear).toBe(2020);
  });

  it('changes the verdict when a worse statement is filed', () => {
    // Prepare
    const data = fundamentals([company('A')], statements);
    // Act
    const [before] = screenUniverse('2021-02-14', data);
    const [after] = screenUniverse('2021-02-15', data);
    // Assess
    expect(before).toMatchObject({ passed: true, statement: { fiscalYear: 2019, availableFrom: '2020-02-20' } });
    expect(after).toMatchObject({ passed: false, reasons: ['debt 50.0% of market cap (limit < 30.0%)'] });
  });

  it('takes the latest market-cap snapshot on or before the date and moves it by the price ratio', () => {
    // Prepare
    const snapshots = [
      { date: '2020-01-02', symbol: 'A', marketCapUsd: 50 * B },
      { date: '2021-01-04', symbol: 'A', marketCapUsd: 100 * B },
      { date: '2022-01-03', symbol: 'A', marketCapUsd: 900 * B },
    ];
    const bar = (date: string, close: number) => ({ date, open: close, high: close, low: close, close, volume: 1 });
    const closes = closeLookupFromBars(new Map([['A', [bar('2020-12-31', 10), bar('2021-01-04', 20), bar('2021-06-30', 30)]]]));
    // Act
    const rolled = marketCapAsOf('A', '2021-07-03', snapshots, undefined, closes);
    const bare = marketCapAsOf('A', '2021-07-03', snapshots, undefined, undefined);
    const tooEarly = marketCapAsOf('A', '2019-12-31', snapshots, undefined, closes);
    // Assess
    expect(rolled).toEqual({ marketCapUsd: 150 * B, method: 'snapshot rolled forward by price', basisDate: '2021-01-04' });
    expect(bare).toEqual({ marketCapUsd: 100 * B, method: 'snapshot', basisDate: '2021-01-04' });
    expect(tooEarly).toBeUndefined();
  });

  it('falls back to shares x close when no snapshot precedes the date', () => {
    // Prepare
    const bar = { date: '2021-06-30', open: 40, high: 40, low: 40, close: 40, volume: 1 };
    const closes = closeLookupFromBars(new Map([['A', [bar]]]));
    // Act
    const cap = marketCapAsOf('A', '2021-07-01', [], statement('A', { sharesOutstanding: 2 * B }), closes);
    // Assess
    expect(cap).toEqual({ marketCapUsd: 80 * B, method: 'shares x close', basisDate: '2020-12-31' });
  });
});

describe('halalUniverse and the table', () => {
  it('ranks passing symbols by market cap, largest first', () => {
    // Prepare
    const companies = [company('SMALL'), company('BIG'), company('MID'), company('BANK', 'Financials', 'Regional Banks')];
    const data = fundamentals(
      companies,
      companies.map((c) => statement(c.symbol, { totalDebt: 1 * B, cashAndShortTermInvestments: 1 * B, receivables: 1 * B })),
      { SMALL: 10 * B, BIG: 900 * B, MID: 50 * B, BANK: 2000 * B },
    );
    // Act
    const ranked = halalUniverse('2021-06-30', data);
    // Assess
    expect(ranked).toEqual(['BIG', 'MID', 'SMALL']);
  });

  it('prints one line per symbol with PASS/FAIL and the reason', () => {
    // Prepare
    const data = fundamentals([company('KO'), company('UNH', 'Health Care', 'Managed Health Care')], [statement('KO'), statement('UNH')]);
    // Act
    const table = formatScreenTable(screenUniverse('2021-06-30', data));
    // Assess
    const lines = table.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^KO\s+PASS\s+100\.0\s+10\.0%\s+10\.0%\s+10\.0%\s+2020\s+Information Technology\s+passes/);
    expect(lines[2]).toMatch(/^UNH\s+FAIL .*business activity: conventional insurance \(GICS sub-industry Managed Health Care\)$/);
    expect(lines[3]).toBe('1 of 2 pass');
  });
});
