import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YahooFinance from 'yahoo-finance2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { YahooMarketData } from '../../src/adapters/yahoo/yahoo-market-data.ts';
import { startYahooReplayServer, type ReplayServer } from '../fixtures/yahoo/replay-server.ts';

const quietLogger = { info() {}, warn() {}, error: console.error, debug() {}, dir() {} };
let server: ReplayServer;
let dir: string;

beforeAll(async () => {
  server = await startYahooReplayServer();
  dir = mkdtempSync(join(tmpdir(), 'mizan-yahoo-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function yahooData(store = new DirArtifactStore(dir)) {
  const client = new YahooFinance({ fetch: server.fetch, logger: quietLogger, suppressNotices: ['yahooSurvey'] });
  return { store, data: new YahooMarketData({ client, store, now: () => new Date('2024-03-11T15:00:00Z'), referenceSymbol: 'AAPL' }) };
}

describe('YahooMarketData against a local Yahoo replay server', () => {
  it('returns adjusted daily bars with exchange dates, and fetches a window only once', async () => {
    // Prepare
    const { store, data } = yahooData();
    const range = { start: '2024-02-05', end: '2024-02-16' };
    const chartCalls = () => server.requests.filter((r) => r.includes('/v8/finance/chart/AAPL')).length;
    const before = chartCalls();
    // Act
    const first = await data.dailyBars('AAPL', range);
    const second = await yahooData(store).data.dailyBars('AAPL', range); // a new instance: the cache is the store
    // Assess
    expect(chartCalls() - before).toBe(1);
    expect(second).toEqual(first);
    expect(first.map((b) => b.date)).toEqual([
      '2024-02-05', '2024-02-06', '2024-02-07', '2024-02-08', '2024-02-09',
      '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16',
    ]);
    // Before the 2024-02-09 ex-dividend date every price is scaled by adjclose/close; from it on, not.
    const factor = 187.440811 / 187.679993;
    expect(first[0]).toEqual({
      date: '2024-02-05',
      open: Number((188.149994 * factor).toPrecision(7)),
      high: Number((189.25 * factor).toPrecision(7)),
      low: Number((185.839996 * factor).toPrecision(7)),
      close: 187.4408,
      volume: 69668800,
    });
    expect(first[4]).toEqual({ date: '2024-02-09', open: 188.65, high: 189.99, low: 188, close: 188.85, volume: 45155200 });
    expect(await store.list('cache/yahoo/chart/AAPL')).toEqual(['cache/yahoo/chart/AAPL/2024-02-05_2024-02-16.json']);
  });

  it('asks Yahoo for the range with period2 the day after its end', async () => {
    // Prepare
    const { data } = yahooData();
    // Act
    const bars = await data.dailyBars('AAPL', { start: '2024-03-04', end: '2024-03-06' });
    // Assess
    const request = server.requests.filter((r) => r.includes('/v8/finance/chart/AAPL')).at(-1)!;
    const query = new URL(`http://x/${request}`).searchParams;
    expect(query.get('interval')).toBe('1d');
    expect(Number(query.get('period1'))).toBe(Date.parse('2024-03-04T00:00:00Z') / 1000);
    expect(Number(query.get('period2'))).toBe(Date.parse('2024-03-07T00:00:00Z') / 1000);
    expect(bars.map((b) => b.date)).toEqual(['2024-03-04', '2024-03-05', '2024-03-06']);
  });

  it('does not store a window that reaches today', async () => {
    // Prepare
    const { store, data } = yahooData();
    // Act
    await data.dailyBars('AAPL', { start: '2024-03-01', end: '2024-03-11' });
    // Assess
    expect(await store.exists(YahooMarketData.cacheKey('AAPL', { start: '2024-03-01', end: '2024-03-11' }))).toBe(false);
  });

  it('gives the last complete trading day as lastDate', async () => {
    expect(await yahooData().data.lastDate()).toBe('2024-03-08');
  });

  it('names an unknown symbol and caches nothing for it', async () => {
    // Prepare
    const { store, data } = yahooData();
    // Act / Assess
    await expect(data.dailyBars('NOPE', { start: '2024-02-05', end: '2024-02-16' })).rejects.toThrow(/Yahoo chart for "NOPE".*No data found/);
    expect(await store.list('cache/yahoo/chart/NOPE')).toEqual([]);
    await expect(data.dailyBars('../x', { start: '2024-02-05', end: '2024-02-16' })).rejects.toThrow(/unknown symbol "\.\.\/x"/);
  });
});
