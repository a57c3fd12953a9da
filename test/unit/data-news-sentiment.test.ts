import { describe, expect, it } from 'vitest';
import { readNewsSentiment } from '../../src/data/news-sentiment.ts';

describe('readNewsSentiment on the bundled parquet', () => {
  it('reads 40,094 validated rows from 2009-10-14 to 2023-12-28 for 18 symbols', async () => {
    // Act
    const rows = await readNewsSentiment();
    // Assess
    const dates = rows.map((r) => r.date).sort();
    expect(rows).toHaveLength(40_094);
    expect(dates[0]).toBe('2009-10-14');
    // ../shared/data/README.md says 2023-12-15, but AMD's series runs to 2023-12-28 (parquetjs-lite read the same).
    expect(dates.at(-1)).toBe('2023-12-28');
    expect(rows.filter((r) => r.date > '2023-12-15').map((r) => r.symbol)).toEqual(Array(8).fill('AMD'));
    expect(new Set(rows.map((r) => r.symbol)).size).toBe(18);
    expect(rows.every((r) => typeof r.sentimentScore === 'number' && r.sentimentScore >= -1 && r.sentimentScore <= 1)).toBe(true);
    expect(new Set(rows.map((r) => r.articleCount))).toEqual(new Set([0, 1]));
    expect(rows[0]).toEqual({ date: '2022-06-03', symbol: 'AAPL', sentimentScore: expect.closeTo(-0.291665, 6), articleCount: 1 });
  });

  it('fails clearly, naming the file, on a file that is not parquet', async () => {
    await expect(readNewsSentiment(new URL('../fixtures/yahoo/chart-AAPL.json', import.meta.url).pathname)).rejects.toThrow(
      /chart-AAPL\.json: not a readable news-sentiment parquet/,
    );
  });
});
