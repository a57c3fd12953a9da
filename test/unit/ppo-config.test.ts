/** The PPO agents' config and spec: the seed's figures, the registry entries, a clear error without snapshots. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { buildRawPanel } from '../../src/models/agents/env/build-panel.ts';
import { ppoAgentConfig } from '../../src/models/agents/ppo/ppo-config.ts';
import { DEFAULT_PPO_CONFIG } from '../../src/models/agents/ppo/ppo-defaults.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';

describe('the PPO agents as kinds', () => {
  it('trains with the PPO defaults (ppo-defaults.ts), the agent config holding the seed', () => {
    const { seed: _seed, ...rest } = DEFAULT_PPO_CONFIG;
    expect(ppoAgentConfig('local', 'lstm').ppo).toEqual(rest);
    expect(ppoAgentConfig('local', 'lstm').ppo.totalTimesteps).toBe(100_000);
    expect(ppoAgentConfig('full', 'lstm').finetune).toEqual({ totalTimesteps: 10_000, learningRate: 1e-4, trainWeeks: 26, gapWeeks: 4, evalWeeks: 13 });
  });

  it('registers ppo_lstm and ppo_patchtst with eval_sharpe (higher) and the seed response metrics', () => {
    for (const [kind, forecaster] of [['ppo_lstm', 'lstm'], ['ppo_patchtst', 'patchtst']] as const) {
      const spec = kindSpec(kind);
      expect(spec.promotion).toEqual({ name: 'eval_sharpe', better: 'higher' });
      expect(spec.responseMetrics).toEqual(['policy_loss', 'value_loss', 'avg_episode_return', 'avg_episode_sharpe', 'eval_sharpe', 'eval_cagr', 'eval_max_drawdown']);
      expect((spec.config('smoke') as { forecaster: string }).forecaster).toBe(forecaster);
    }
  });

  it('fails naming the command that makes the forecaster snapshots when there are none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mizan-ppo-config-'));
    try {
      const deps = { marketData: new SampleMarketData(), forecasts: forecastReader({ store: new DirArtifactStore(dir), registry: new LocalModelRegistry(dir) }) };
      const input = { symbols: ['AAPL'], window: { start: '2021-01-04', end: '2021-06-30' }, lookbackDays: 70, returnDays: 20, volatilityDays: 60 };
      await expect(buildRawPanel({ ...input, forecaster: 'patchtst' }, deps)).rejects.toThrow(/no patchtst snapshots.*`mizan train patchtst` \(without --skip-snapshot\)/);
      await expect(buildRawPanel({ ...input, forecaster: 'lstm' }, deps)).rejects.toThrow(/no lstm snapshots/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
