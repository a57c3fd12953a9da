import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YahooFinance from 'yahoo-finance2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { EtfHoldingsUniverse, formatHoldingsTable, mergeHoldings } from '../../src/adapters/yahoo/etf-holdings.ts';
import { CRUMB, startYahooReplayServer, type ReplayServer } from '../fixtures/yahoo/replay-server.ts';

const quietLogger = { info() {}, warn() {}, error() {}, debug() {}, dir() {} };
const NOW = () => new Date('2025-06-02T12:00:00Z');
let server: ReplayServer;
let dir: string;

beforeAll(async () => {
  server = await startYahooReplayServer();
  dir = mkdtempSync(join(tmpdir(), 'mizan-etf-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => new YahooFinance({ fetch: server.fetch, logger: quietLogger, suppressNotices: ['yahooSurvey'] });

describe('the live halal universe from Shariah ETF holdings', () => {
  it('merges SPUS, HLAL and SPTE top holdings ranked by mean weight, through the crumb handshake', async () => {
    // Prepare
    const store = new DirArtifactStore(dir);
    const universe = new EtfHoldingsUniverse({ client: client(), store, now: NOW });
    // Act
    const holdings = await universe.holdings();
    const symbols = await universe.halalSymbols('2025-06-02');
    // Assess
    expect(symbols.slice(0, 4)).toEqual(['AAPL', 'MSFT', 'NVDA', 'AVGO']);
    expect(symbols).toHaveLength(new Set(symbols).size);
    expect(symbols).toEqual(expect.arrayContaining(['META', 'TSM', 'PG', 'ADBE']));
    const aapl = holdings[0];
    expect(aapl.weights).toEqual({ SPUS: 0.1071, HLAL: 0.1452, SPTE: 0.1389 });
    expect(aapl.weight).toBeCloseTo((0.1071 + 0.1452 + 0.1389) / 3, 12);
    const summaries = server.requests.filter((r) => r.includes('/v10/finance/quoteSummary/'));
    expect(summaries).toHaveLength(3);
    expect(summaries.every((r) => r.includes(`crumb=${CRUMB}`) && r.includes('modules=topHoldings'))).toBe(true);
    expect(server.requests.some((r) => r.startsWith('query1.finance.yahoo.com/v1/test/getcrumb'))).toBe(true);
    expect(await store.list('cache/yahoo/top-holdings')).toHaveLength(3);
  });

  it('serves the same day again from the store without asking Yahoo', async () => {
    // Prepare
    const universe = new EtfHoldingsUniverse({ client: client(), store: new DirArtifactStore(dir), now: NOW });
    const before = server.requests.length;
    // Act
    const symbols = await universe.halalSymbols('2025-06-02');
    // Assess
    expect(server.requests.length).toBe(before);
    expect(symbols[0]).toBe('AAPL');
  });

  it('refuses a past date (holdings are today-only) and names an unknown ETF', async () => {
    // Prepare
    const past = new EtfHoldingsUniverse({ client: client(), now: NOW });
    const unknown = new EtfHoldingsUniverse({ client: client(), now: NOW, etfs: ['NOPE'] });
    // Act / Assess
    await expect(past.halalSymbols('2024-01-02')).rejects.toThrow(/only known for today \(2025-06-02\)/);
    await expect(unknown.holdings()).rejects.toThrow(/topHoldings for NOPE failed/);
  });
});

describe('mergeHoldings and its table', () => {
  it('averages weights over all ETFs, counting absence as zero', () => {
    // Prepare
    const byEtf = new Map([
      ['X', [{ symbol: 'A', name: 'A Inc', weight: 0.3 }, { symbol: 'B', name: 'B Inc', weight: 0.2 }]],
      ['Y', [{ symbol: 'B', name: 'B Inc', weight: 0.2 }]],
    ]);
    // Act
    const merged = mergeHoldings(byEtf);
    const table = formatHoldingsTable(merged, ['X', 'Y']);
    // Assess
    expect(merged.map((h) => [h.symbol, h.weight])).toEqual([['B', 0.2], ['A', 0.15]]);
    expect(table.split('\n')[1]).toMatch(/^\s*1\s+B\s+20\.00%\s+20\.00%\s+20\.00%\s+B Inc$/);
    expect(table.split('\n')[2]).toMatch(/^\s*2\s+A\s+15\.00%\s+30\.00%\s+-\s+A Inc$/);
  });
});
