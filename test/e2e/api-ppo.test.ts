/**
 * Issue 10 through the HTTP API with the smoke profile: ppo_lstm/finetune before any agent → 400;
 * ppo_lstm/full with ?wait → the seed PPO response; ppo_lstm/finetune from it; each repeated
 * request answers the stored result without training.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';
import { call } from './support.ts';

const SEED_METRICS = ['policy_loss', 'value_loss', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown'];

describe('ppo_lstm through the API (smoke profile, walk-forward lstm snapshots)', () => {
  let server: LocalServer;

  beforeAll(async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-api-ppo-')), 'data');
    const marketData = new SampleMarketData();
    const deps = await localDeps({ dataDir });
    await trainSmokeLstmSnapshots(deps.store, marketData);
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
  }, 60_000);

  afterAll(async () => server?.close());

  it('refuses a fine-tune before any agent, trains full, fine-tunes from it, and answers each again from the store', async () => {
    // Act + Assess: fine-tune first is a 400 naming the full endpoint.
    const early = await call(server.url, 'POST', '/train/ppo_lstm/finetune', '{}');
    expect(early.status).toBe(400);
    expect(early.body.full_endpoint).toBe('/train/ppo_lstm/full');

    const full = await call(server.url, 'POST', '/train/ppo_lstm/full?wait=300', '{}');
    expect(full.status, full.text).toBe(200);
    expect(Object.keys(full.body.metrics as object).slice(0, SEED_METRICS.length)).toEqual(SEED_METRICS);
    expect(full.body).toMatchObject({ promoted: true, prior_version: null, walk_forward: 'snapshots', hf_repo: null, hf_url: null });
    expect((full.body.symbols_used as string[]).length).toBeGreaterThan(0);
    expect((full.body.metrics as Record<string, number>).benchmark_sharpe).toEqual(expect.any(Number));
    const fullAgain = await call(server.url, 'POST', '/train/ppo_lstm/full', '{}');
    expect(fullAgain.status).toBe(200);
    expect(fullAgain.body).toEqual(full.body);

    const tuned = await call(server.url, 'POST', '/train/ppo_lstm/finetune?wait=300', '{}');
    expect(tuned.status, tuned.text).toBe(200);
    expect(tuned.body.version).not.toBe(full.body.version);
    expect(tuned.body).toMatchObject({ prior_version: full.body.version, promotion: { compared_on: 'same_test_weeks' } });
    expect((tuned.body.evaluation_weeks as { count: number }).count).toBe(13);
    // The same fine-tune request names the same inputs while the agent it starts from is current;
    // once a fine-tune is promoted, the next one starts from it (another version).
    const tunedAgain = await call(server.url, 'POST', '/train/ppo_lstm/finetune', '{}');
    if (tuned.body.promoted) {
      expect(tunedAgain.body.version).not.toBe(tuned.body.version);
    } else {
      expect(tunedAgain.status).toBe(200);
      expect(tunedAgain.body).toEqual(tuned.body);
    }
  }, 240_000);
});
