import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { DEFAULT_SAMPLE_DIR } from '../../src/data/sample-dir.ts';
import { loadSampleFundamentals } from '../../src/universe/fundamentals.ts';
import { SampleUniverse } from '../../src/adapters/sample/sample-universe.ts';

describe('the halal universe of the bundled sample', () => {
  const universe = (async () => new SampleUniverse(await loadSampleFundamentals(), new SampleMarketData()))();

  it('passes 37 of 40 on the last sample date and says why the others fail', async () => {
    // Act
    const results = await (await universe).screen('2026-08-14');
    // Assess
    const failed = Object.fromEntries(results.filter((r) => !r.passed).map((r) => [r.symbol, r.reasons]));
    expect(results).toHaveLength(40);
    expect(failed).toEqual({
      ACN: ['no fundamentals: FY2021 statement has no receivables'],
      ORCL: ['no fundamentals: FY2021 statement has no receivables'],
      UNH: ['business activity: conventional insurance (GICS sub-industry Managed Health Care)'],
    });
    const ko = results.find((r) => r.symbol === 'KO')!;
    expect(ko).toMatchObject({ passed: true, sector: 'Consumer Staples', statement: { fiscalYear: 2021 } });
    expect(ko.marketCapMethod).toBe('snapshot rolled forward by price');
  });

  it('ranks the passing symbols by market cap, one share class per company', async () => {
    // Act
    const ranked = await (await universe).halalSymbols('2026-08-14');
    // Assess: 37 pass; GOOG (Alphabet class C) gives way to the larger-ranked GOOGL.
    expect(ranked).toHaveLength(36);
    expect(ranked.slice(0, 5)).toEqual(['NVDA', 'AAPL', 'GOOGL', 'MSFT', 'AMZN']);
    expect(ranked).not.toContain('GOOG');
    expect(ranked).not.toContain('UNH');
  });

  it('uses only what was public at an earlier date', async () => {
    // Act
    const results = await (await universe).screen('2016-01-04');
    // Assess: FY2015 cash was 45% of Cisco's market cap; AMD had neither statements nor a snapshot yet.
    const bySymbol = Object.fromEntries(results.map((r) => [r.symbol, r]));
    expect(bySymbol.CSCO.reasons).toEqual(['cash and short-term investments 44.7% of market cap (limit < 30.0%)']);
    expect(bySymbol.AMD.reasons).toEqual([
      'no fundamentals: no annual statements public by 2016-01-04',
      'no market cap as of 2016-01-04',
    ]);
    expect(results.every((r) => r.statement === null || r.statement.availableFrom <= '2016-01-04')).toBe(true);
  });
});

describe('loadSampleFundamentals', () => {
  it('names the file and line of a bad row', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'mizan-fund-'));
    try {
      cpSync(join(DEFAULT_SAMPLE_DIR, 'fundamentals'), join(dir, 'fundamentals'), { recursive: true });
      const file = join(dir, 'fundamentals', 'market_cap_snapshots.csv');
      writeFileSync(file, 'snapshot_date,symbol,market_cap_usd,price\n2020-01-02,AAPL,1e12,300\n2020-01-03,AAPL,lots,300\n');
      // Act / Assess
      await expect(loadSampleFundamentals(dir)).rejects.toThrow(/market_cap_snapshots\.csv:3: market_cap_usd "lots"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
