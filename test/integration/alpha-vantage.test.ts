import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alphaVantageFundamentals,
  AlphaVantageFundamentals,
  type AlphaVantageFundamentalsOptions,
} from '../../src/adapters/alphavantage/alpha-vantage-fundamentals.ts';
import { alphaVantageApiKey } from '../../src/adapters/alphavantage/alpha-vantage-key.ts';
import { CallBudget } from '../../src/adapters/alphavantage/call-budget.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { FIXTURES, startAlphaVantageReplay, type AlphaVantageReplay } from '../fixtures/alphavantage/replay-server.ts';

const KEY = 'test-key';
const B = 1_000_000; // the fixtures' amounts are whole millions of USD

let replay: AlphaVantageReplay;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mizan-alphavantage-'));
});
afterEach(async () => {
  await replay?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A clock that only moves when the adapter sleeps, and the sleeps it asked for. */
function fakeTime(start = '2026-11-29T15:00:00Z') {
  let now = Date.parse(start);
  const slept: number[] = [];
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advanceDays: (days: number) => (now += days * 86_400_000),
  };
}

function fundamentals(time: ReturnType<typeof fakeTime>, options: Partial<AlphaVantageFundamentalsOptions> = {}) {
  return alphaVantageFundamentals({ apiKey: KEY, store: new DirArtifactStore(dir), baseUrl: replay.baseUrl, clock: time.clock, sleep: time.sleep, ...options });
}

describe('AlphaVantageFundamentals against a local Alpha Vantage replay', () => {
  it('joins the income statement and balance sheet into quarters with estimated publish dates', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    const time = fakeTime();

    // Act
    const statements = await fundamentals(time).quarterlyStatements('AAPL');

    // Assess
    expect(replay.requests).toEqual(['INCOME_STATEMENT AAPL', 'BALANCE_SHEET AAPL']);
    expect(statements.map((s) => [s.periodEnd, s.fiscalPeriod, s.published])).toEqual([
      ['2023-06-30', '2023Q3', '2023-08-14'], // on the balance sheet only
      ['2023-09-30', '2023Q4', '2023-11-29'], // Apple's fiscal year ends in September: + 60 days
      ['2023-12-31', '2024Q1', '2024-02-14'],
      ['2024-03-31', '2024Q2', '2024-05-15'],
      ['2024-06-30', '2024Q3', '2024-08-14'],
      ['2024-09-30', '2024Q4', '2024-11-29'],
    ]);
    expect(statements.every((s) => s.symbol === 'AAPL' && s.publishedEstimated)).toBe(true);
    expect(statements[5]).toEqual({
      symbol: 'AAPL',
      fiscalPeriod: '2024Q4',
      periodEnd: '2024-09-30',
      published: '2024-11-29',
      publishedEstimated: true,
      revenue: 94_930 * B,
      grossProfit: 43_879 * B,
      operatingIncome: 29_591 * B,
      netIncome: 14_736 * B,
      totalCurrentAssets: 152_987 * B,
      totalCurrentLiabilities: 176_392 * B,
      totalDebt: (9_967 + 96_662) * B, // shortTermDebt + longTermDebt
      totalEquity: 56_950 * B,
    });
    const [june2023, , , march2024, june2024] = statements;
    expect([june2023.revenue, june2023.netIncome, june2023.totalEquity]).toEqual([null, null, 60_274 * B]);
    expect(march2024.grossProfit).toBeNull(); // "None" in the fixture
    expect(march2024.totalDebt).toBe((1_997 + 102_593) * B); // the sum, not shortLongTermDebtTotal's 104,572
    expect(june2024.totalDebt).toBe(101_304 * B); // shortTermDebt "None": shortLongTermDebtTotal
  });

  it('serves a symbol from the store for the rest of the day, to any instance, and fetches it again the next day', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    const time = fakeTime();
    const first = await fundamentals(time).quarterlyStatements('AAPL');

    // Act
    const again = await fundamentals(time).quarterlyStatements('AAPL');
    const sameDayRequests = replay.requests.length;
    time.advanceDays(1);
    await fundamentals(time).quarterlyStatements('AAPL');

    // Assess
    expect(again).toEqual(first);
    expect(sameDayRequests).toBe(2);
    expect(replay.requests).toHaveLength(4);
    const store = new DirArtifactStore(dir);
    expect(await store.list('cache/alphavantage/INCOME_STATEMENT/AAPL')).toEqual([
      'cache/alphavantage/INCOME_STATEMENT/AAPL/2026-11-29.json',
      'cache/alphavantage/INCOME_STATEMENT/AAPL/2026-11-30.json',
    ]);
  });

  it('backs off after a throttling note, then caches the real answer, not the note', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    replay.queue.push({ status: 200, body: FIXTURES.note });
    const time = fakeTime();

    // Act
    const statements = await fundamentals(time).quarterlyStatements('AAPL');

    // Assess
    expect(statements).toHaveLength(6);
    expect(replay.requests).toEqual(['INCOME_STATEMENT AAPL', 'INCOME_STATEMENT AAPL', 'BALANCE_SHEET AAPL']);
    expect(time.slept).toEqual([15_000, 12_000]); // the backoff, then the spacing before BALANCE_SHEET
    const cached = readFileSync(join(dir, AlphaVantageFundamentals.cacheKey('INCOME_STATEMENT', 'AAPL', '2026-11-29')), 'utf8');
    expect(JSON.parse(cached)).toEqual(FIXTURES.INCOME_STATEMENT);
  });

  it('gives up on persistent throttling with the note quoted, caching nothing', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    for (let i = 0; i < 4; i++) replay.queue.push({ status: 200, body: FIXTURES.information });
    const time = fakeTime();

    // Act
    const attempt = fundamentals(time).quarterlyStatements('AAPL');

    // Assess
    await expect(attempt).rejects.toThrow(
      'Alpha Vantage is still throttling INCOME_STATEMENT for "AAPL" after 4 attempts: "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day.',
    );
    expect(time.slept).toEqual([15_000, 30_000, 60_000]);
    expect(replay.requests).toHaveLength(4);
    expect(await new DirArtifactStore(dir).list('cache/alphavantage/INCOME_STATEMENT')).toEqual([]);
  });

  it('refuses the 26th call of a UTC day without sending it, in every process sharing the store', async () => {
    // Prepare
    const symbols = Array.from({ length: 13 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);
    replay = await startAlphaVantageReplay({ apiKey: KEY, symbols });
    const time = fakeTime();
    for (const symbol of symbols.slice(0, 12)) await fundamentals(time).quarterlyStatements(symbol); // 24 calls

    // Act
    const thirteenth = fundamentals(time).quarterlyStatements('S13'); // INCOME_STATEMENT is call 25, BALANCE_SHEET would be 26
    const spent = `Alpha Vantage free-tier quota of 25 calls for 2026-11-29 is spent; cached symbols: ${symbols.slice(0, 12).join(', ')}; try tomorrow or set a premium key`;

    // Assess
    await expect(thirteenth).rejects.toThrow(spent);
    expect(replay.requests).toHaveLength(25);
    expect(time.slept).toEqual(Array(24).fill(12_000)); // 12 s between calls
    await expect(fundamentals(time).quarterlyStatements('S13')).rejects.toThrow(spent);
    expect(await fundamentals(time).quarterlyStatements('S01')).toHaveLength(6); // cached: no call needed
    expect(replay.requests).toHaveLength(25);
    time.advanceDays(1);
    expect(await fundamentals(time).quarterlyStatements('S13')).toHaveLength(6);
    const store = new DirArtifactStore(dir);
    expect(JSON.parse(readFileSync(join(dir, CallBudget.key('2026-11-29')), 'utf8')).calls).toBe(25);
    expect(await store.exists(CallBudget.key('2026-11-30'))).toBe(true);
  });

  it('retries HTTP 5xx, then succeeds or names the status', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    replay.queue.push({ status: 502, body: '<html>Bad Gateway</html>' });
    const time = fakeTime();

    // Act
    const recovered = await fundamentals(time).quarterlyStatements('AAPL');
    for (let i = 0; i < 4; i++) replay.queue.push({ status: 503, body: 'Service Unavailable' });
    time.advanceDays(1);
    const failing = fundamentals(time).quarterlyStatements('AAPL');

    // Assess
    expect(recovered).toHaveLength(6);
    await expect(failing).rejects.toThrow('Alpha Vantage INCOME_STATEMENT for "AAPL" failed after 4 attempts: HTTP 503');
    expect(replay.requests).toHaveLength(3 + 4);
  });

  it('names an unknown symbol at once, without retrying or caching', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    const time = fakeTime();

    // Act
    const unknown = fundamentals(time).quarterlyStatements('NOPE');

    // Assess
    await expect(unknown).rejects.toThrow('Alpha Vantage does not know the symbol "NOPE" (INCOME_STATEMENT): Invalid API call.');
    expect(replay.requests).toEqual(['INCOME_STATEMENT NOPE']);
    replay.queue.push({ status: 200, body: {} }); // what some functions answer for a symbol they lack
    await expect(fundamentals(time).quarterlyStatements('AAPL')).rejects.toThrow('Alpha Vantage has no INCOME_STATEMENT for the symbol "AAPL" (empty answer)');
    await expect(fundamentals(time).quarterlyStatements('../x')).rejects.toThrow('unknown symbol "../x"');
    expect(replay.requests).toHaveLength(2);
    expect(await new DirArtifactStore(dir).list('cache/alphavantage/INCOME_STATEMENT')).toEqual([]);
  });

  it('names the environment variable when there is no key, and the rejection when the key is wrong', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    const time = fakeTime();
    await fundamentals(time).quarterlyStatements('AAPL');

    // Act
    const keyless = fundamentals(time, { apiKey: alphaVantageApiKey({}) });
    const wrongKey = fundamentals(time, { apiKey: 'not-the-key' });

    // Assess
    await expect(keyless.quarterlyStatements('MSFT')).rejects.toThrow('no Alpha Vantage API key: set ALPHAVANTAGE_API_KEY (or MIZAN_ALPHAVANTAGE_SECRET_ARN on AWS)');
    await expect(fundamentals(time, { apiKey: undefined }).quarterlyStatements('MSFT')).rejects.toThrow('set ALPHAVANTAGE_API_KEY');
    expect(await keyless.quarterlyStatements('AAPL')).toHaveLength(6); // cached today: no key needed
    expect(replay.requests).toHaveLength(2);
    await expect(wrongKey.quarterlyStatements('MSFT')).rejects.toThrow('Alpha Vantage rejected the API key: the parameter apikey is invalid or missing.');
  });
});
