/**
 * The every-write fault sweep of data-dir-write-faults.test.ts for a portfolio agent: a second
 * ppo_lstm run (smoke profile, PPO cut to SMALL_PPO_STEPS timesteps) on prepared lstm snapshots (the
 * smoke plan's 2020 and 2021), the first agent version (window up to 2022-03-31) current, the faulted
 * run's window up to 2022-09-30 (promoted without a fault). Its own file, so that it runs beside the
 * lstm sweep on the second core.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { prepare, sweep, withConfig, type FaultCode, type Prepared } from '../support/every-write-fault.ts';
import { trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';

/** PPO's smoke run is 2 048 timesteps; the sweep trains about 150 times. */
const SMALL_PPO_STEPS = 512;

describe('a ppo_lstm run with any one of its writes failing', () => {
  let prepared: Prepared;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'mizan-write-faults-ppo-'));
    const dataDir = join(root, 'data');
    const deps = await localDeps({ dataDir });
    await trainSmokeLstmSnapshots(deps.store, new SampleMarketData());
    const plan = async (windowEnd: string) => {
      const resolved = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke', windowEnd }, deps);
      return withConfig(resolved, { ppo: { ...(resolved.config.ppo as object), totalTimesteps: SMALL_PPO_STEPS } });
    };
    const first = await plan('2022-03-31');
    prepared = await prepare({ dataDir, pristine: join(root, 'pristine'), deps, plan: await plan('2022-09-30'), skipSnapshot: true }, first, 'ppo_lstm');
  });

  for (const code of ['ENOSPC', 'EIO'] as FaultCode[]) {
    it(`stays consistent with ${code} at each write, and a retry succeeds`, async () => {
      const { outcomes } = await sweep(prepared, code, 'ppo_lstm');
      expect(outcomes.length).toBe(code === 'ENOSPC' ? prepared.totals.data : prepared.totals.all);
      expect(outcomes.filter((o) => o.violations.length > 0 || o.retry.violations.length > 0)).toEqual([]);
    }, 600_000);
  }
});
