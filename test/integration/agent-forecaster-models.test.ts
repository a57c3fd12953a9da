/**
 * An agent's version names the forecaster models its panel reads: after the forecaster's snapshots
 * are retrained (other config, other data), the same agent request plans another version, and the
 * trainer refuses a plan whose snapshots changed under it. A kind that reads signals is not planned
 * without the run's provider.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/api-deps.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import type { SignalProvider } from '../../src/ports/signals.ts';
import { forecasterModels } from '../../src/pipeline/forecaster-models.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { runTrainJob } from '../../src/pipeline/train-job.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { listSnapshots } from '../../src/snapshots/list-snapshots.ts';
import { trainSnapshot } from '../../src/snapshots/train-snapshot.ts';
import { perturbedAfter } from '../support/perturbed-market-data.ts';
import { smokeForecasterPlan } from '../support/smoke-forecaster-plan.ts';
import { snapshotDeps } from '../support/snapshot-deps.ts';

let deps: LocalDeps;

/** The smoke lstm backfill (2020 and 2021) into the agent's store, from these prices and config. */
async function backfillLstm(marketData: MarketData, config: { hiddenUnits?: number } = {}): Promise<void> {
  const plan = await smokeForecasterPlan(marketData, { config });
  for (const yearEnd of plan.snapshotYearEnds) await trainSnapshot({ plan, yearEnd }, await snapshotDeps(deps.store, marketData));
}

const planAgent = () => resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke' }, deps);

beforeAll(async () => {
  deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-agent-forecaster-')), 'data') });
});

describe('an agent plan after its forecaster’s snapshots are retrained', () => {
  it('names the snapshots it reads, and is another version once they are retrained differently', async () => {
    // Prepare
    await backfillLstm(deps.marketData);
    const first = await planAgent();
    // Act
    await backfillLstm(deps.marketData, { hiddenUnits: 6 });
    const otherConfig = await planAgent();
    await backfillLstm(perturbedAfter(deps.marketData, '2018-01-01'), { hiddenUnits: 6 });
    const otherData = await planAgent();
    // Assess
    const stored = await listSnapshots(deps.store, 'lstm');
    expect(otherData.forecasterModels?.snapshots.map((s) => [s.yearEnd, s.key])).toEqual(stored.map((s) => [s.yearEnd, s.key]));
    expect(first.forecasterModels?.snapshots.map((s) => s.yearEnd)).toEqual(['2020-12-31', '2021-12-31']);
    expect(new Set([first.version, otherConfig.version, otherData.version]).size).toBe(3);
    expect((await planAgent()).version).toBe(otherData.version); // unchanged snapshots: the same version

    // The trainer's job refuses the first plan: its snapshots are gone.
    await expect(runTrainJob({ task: 'train', plan: first }, { ...deps, log: () => undefined })).rejects.toThrow(/the lstm models changed since ppo_lstm v\S+ was planned \(then s20201231-.*; now s20201231-.*\): request the agent again/);
  });

  it('names the current forecaster when it reads the final model (no snapshots, allowed), and only then', async () => {
    const store = new DirArtifactStore(await mkdtemp(join(tmpdir(), 'mizan-agent-final-')));
    const registry = { current: async () => 'v2022.12.30-aaaaaaaaaaaa' } as unknown as ModelRegistry;
    const window = { start: '2016-01-04', end: '2022-12-30' };
    expect(await forecasterModels('lstm', window, true, { store, registry })).toEqual({ kind: 'lstm', snapshots: [], finalModel: 'v2022.12.30-aaaaaaaaaaaa' });
    expect(await forecasterModels('lstm', window, false, { store, registry })).toEqual({ kind: 'lstm', snapshots: [] });
  });
});

describe('a kind that reads news and statements', () => {
  it('is not planned without the run’s signal provider; a kind that reads none is', async () => {
    const withoutSignals = { ...deps, signals: undefined };
    for (const kind of ['ppo_lstm', 'patchtst'] as const) {
      await expect(resolveTrainingPlan({ kind, mode: 'full', profile: 'smoke' }, withoutSignals)).rejects.toThrow(`${kind} reads news and statements: planning it needs the run's signal provider`);
    }
    expect((await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, withoutSignals)).signalFingerprint).toBeUndefined();
  });

  it('is a declared dependency of the API (checked by tsc)', () => {
    expectTypeOf<ApiDeps['signals']>().toEqualTypeOf<SignalProvider>();
  });
});
