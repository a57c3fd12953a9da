/**
 * Where PatchTST's (and the agents') news and statements come from: the bundled files offline;
 * Alpha Vantage statements and a sentiment parquet in the artifact store live (here: a local
 * Alpha Vantage replay and a directory store). What they read is part of the version.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alphaVantageFundamentals } from '../../src/adapters/alphavantage/alpha-vantage-fundamentals.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { DEFAULT_SAMPLE_DIR } from '../../src/data/sample-dir.ts';
import { loadSampleSignalSources, signalRows } from '../../src/features/signal-channels.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import type { SignalProvider } from '../../src/ports/signals.ts';
import { liveSignalProvider } from '../../src/adapters/alphavantage/live-signal-provider.ts';
import { sampleSignalProvider } from '../../src/adapters/sample/sample-signal-provider.ts';
import { startAlphaVantageReplay, type AlphaVantageReplay } from '../fixtures/alphavantage/replay-server.ts';
import { sampleUniverse } from '../support/snapshot-deps.ts';

const KEY = 'test-key';
let dir: string;
let replay: AlphaVantageReplay | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mizan-signals-'));
});
afterEach(async () => {
  await replay?.close();
  replay = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('signal providers', () => {
  it('offline: the bundled files, with one fingerprint for them', async () => {
    const provider = sampleSignalProvider(DEFAULT_SAMPLE_DIR);
    const dates = ['2023-08-03', '2023-08-04'];
    expect(signalRows('AAPL', dates, await provider.signalSources(['AAPL']))).toEqual(signalRows('AAPL', dates, await loadSampleSignalSources()));
    expect(await provider.fingerprint(['AAPL'])).toMatch(/^[0-9a-f]{64}$/);
    expect(await provider.fingerprint(['MSFT'])).toBe(await provider.fingerprint(['AAPL']));
  });

  it('live: statements from Alpha Vantage (from their estimated publish date on) and the sentiment parquet at its store key', async () => {
    // Prepare
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    const store = new DirArtifactStore(dir);
    await store.put('inputs/news/daily_sentiment.parquet', readFileSync(join(DEFAULT_SAMPLE_DIR, 'news', 'daily_sentiment.parquet')));
    const statements = alphaVantageFundamentals({ apiKey: KEY, store, baseUrl: replay.baseUrl, minIntervalMs: 0, sleep: async () => {} });
    const provider = liveSignalProvider({ store, statements, sentimentKey: 'inputs/news/daily_sentiment.parquet' });
    // Act
    const sources = await provider.signalSources(['AAPL']);
    const [first] = await statements.quarterlyStatements('AAPL');
    const before = signalRows('AAPL', ['2023-06-01'], sources);
    const after = signalRows('AAPL', [first.published], sources);
    const days = (await new SampleMarketData().dailyBars('AAPL', { start: '2023-11-01', end: '2023-12-15' })).map((b) => b.date);
    const sentiment = (rows: Float32Array) => days.map((_, d) => rows[d * 6]);
    // Assess: nothing before the first (estimated) publish date, the ratios from it on, the store's sentiment.
    expect(Number.isNaN(before[1])).toBe(true);
    expect([...after.slice(1)].some((v) => Number.isFinite(v))).toBe(true);
    const liveSentiment = sentiment(signalRows('AAPL', days, sources));
    expect(liveSentiment).toEqual(sentiment(signalRows('AAPL', days, await loadSampleSignalSources())));
    expect(liveSentiment.some((v) => v !== 0)).toBe(true);
    expect(replay.requests.filter((r) => r.endsWith('AAPL'))).toHaveLength(2); // once per statement, then the day's cache
  });

  it('live without a sentiment key: every day scores 0; a missing object is a clear error', async () => {
    replay = await startAlphaVantageReplay({ apiKey: KEY });
    const store = new DirArtifactStore(dir);
    const statements = alphaVantageFundamentals({ apiKey: KEY, store, baseUrl: replay.baseUrl, minIntervalMs: 0, sleep: async () => {} });
    const none = await liveSignalProvider({ store, statements }).signalSources(['AAPL']);
    expect(signalRows('AAPL', ['2023-12-15'], none)[0]).toBe(0);
    await expect(liveSignalProvider({ store, statements, sentimentKey: 'inputs/missing.parquet' }).signalSources(['AAPL'])).rejects.toThrow(
      /inputs\/missing.parquet is not in the artifact store/,
    );
  });

  it('puts the signals\' fingerprint in the version of a kind that reads them, and only there', async () => {
    const marketData = new SampleMarketData();
    const deps = (fingerprint: string) => ({
      marketData,
      universe: undefined as never,
      registry: new LocalModelRegistry(dir),
      store: new DirArtifactStore(dir),
      signals: { source: 'sample', signalSources: async () => undefined as never, fingerprint: async () => fingerprint } satisfies SignalProvider,
    });
    const universe = await sampleUniverse(marketData);
    const plan = (kind: 'lstm' | 'patchtst', fingerprint: string) => resolveTrainingPlan({ kind, mode: 'full', profile: 'smoke' }, { ...deps(fingerprint), universe });
    expect((await plan('patchtst', 'a')).version).not.toBe((await plan('patchtst', 'b')).version);
    expect((await plan('patchtst', 'a')).signalFingerprint).toBe('a');
    expect((await plan('lstm', 'a')).version).toBe((await plan('lstm', 'b')).version);
    expect((await plan('lstm', 'a')).signalFingerprint).toBeUndefined();
  });
});
