import { describe, expect, it } from 'vitest';
import type { NewsSentimentRow } from '../../src/data/news-sentiment.ts';
import { indexNews, newsDayCount, sentimentOnDates } from '../../src/features/news-signal.ts';

const row = (symbol: string, date: string, sentimentScore: number, articleCount = 1): NewsSentimentRow => ({ symbol, date, sentimentScore, articleCount });
const days = ['2023-03-01', '2023-03-02', '2023-03-03', '2023-03-06', '2023-03-07'];

describe('sentimentOnDates', () => {
  it("is the day's score on a day with articles and 0 on a day without, never the previous day's", () => {
    // Prepare: 03-02 is a carried-forward fill (article_count 0), 03-03 has no row at all
    const index = indexNews([row('AAPL', '2023-03-01', 0.5), row('AAPL', '2023-03-02', 0.45, 0), row('AAPL', '2023-03-06', -0.25)]);
    // Act
    const values = sentimentOnDates(index, 'AAPL', days);
    // Assess
    expect(Array.from(values)).toEqual([0.5, 0, 0, -0.25, 0]);
  });

  it("GOOGL reads GOOG's news; a symbol without news is all 0", () => {
    const index = indexNews([row('GOOG', '2023-03-02', 0.75)]);
    expect(Array.from(sentimentOnDates(index, 'GOOGL', days))).toEqual([0, 0.75, 0, 0, 0]);
    expect(Array.from(sentimentOnDates(index, 'ADBE', days))).toEqual([0, 0, 0, 0, 0]);
  });

  it('puts weekend news on the next trading day (article-weighted), never on an earlier one', () => {
    const index = indexNews([row('MSFT', '2023-03-04', 1, 1), row('MSFT', '2023-03-05', -1, 3), row('MSFT', '2023-02-28', 1)]);
    // 2023-02-28 is before the first date: not counted anywhere
    expect(Array.from(sentimentOnDates(index, 'MSFT', days))).toEqual([0, 0, 0, -0.5, 0]);
  });

  it('a later sentiment row leaves the values up to day d unchanged', () => {
    // Prepare
    const base = [row('NVDA', '2023-03-01', 0.25), row('NVDA', '2023-03-03', 0.5)];
    const later = [...base, row('NVDA', '2023-03-06', -1), row('NVDA', '2023-03-07', 1)];
    // Act
    const before = sentimentOnDates(indexNews(base), 'NVDA', days);
    const after = sentimentOnDates(indexNews(later), 'NVDA', days);
    // Assess: rows 0..2 (up to 2023-03-03) equal
    expect(Array.from(after.subarray(0, 3))).toEqual(Array.from(before.subarray(0, 3)));
    expect(Array.from(after.subarray(3))).toEqual([-1, 1]);
  });

  it('rejects a repeated (symbol, date) and unsorted dates', () => {
    expect(() => indexNews([row('KO', '2023-03-01', 0), row('KO', '2023-03-01', 0.5)])).toThrow(/two rows for KO on 2023-03-01/);
    expect(() => sentimentOnDates(indexNews([]), 'KO', ['2023-03-02', '2023-03-01'])).toThrow(/strictly ascending/);
  });
});

describe('newsDayCount', () => {
  it('counts days with articles in the range, both ends included, with the share-class mapping', () => {
    const index = indexNews([row('GOOG', '2023-03-01', 0.1), row('GOOG', '2023-03-02', 0.1, 0), row('GOOG', '2023-03-03', 0.2), row('GOOG', '2023-03-07', 0.3)]);
    expect(newsDayCount(index, 'GOOGL', { start: '2023-03-01', end: '2023-03-03' })).toBe(2);
    expect(newsDayCount(index, 'GOOG', { start: '2023-03-02', end: '2023-03-07' })).toBe(2);
    expect(newsDayCount(index, 'AAPL', { start: '2023-03-01', end: '2023-03-07' })).toBe(0);
  });
});
