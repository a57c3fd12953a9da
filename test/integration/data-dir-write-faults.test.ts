/**
 * Issue 16 §1: crash consistency as a property. A second lstm run (smoke profile with windows cut
 * short and a smaller config, SMALL_LSTM: the first version, up to 2017-06-30, is current; the faulted
 * run trains up to 2017-12-29 with --skip-snapshot and, without a fault, is promoted) is repeated
 * from the same prepared data dir with its N-th write failing, for every N: ENOSPC from the N-th data
 * write on (a disk that fills up and stays full), then EIO on exactly the N-th write of any kind.
 * After each run the data dir's invariants hold (src/adapters/local/data-dir-invariants.ts), a failed
 * run says why in one line, and a retry without the fault succeeds and settles everything.
 * The counts are in the README's "Reliability" section; MIZAN_FAULT_REPORT=1 prints them.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { prepare, sweep, withConfig, type FaultCode, type Prepared } from '../support/every-write-fault.ts';

/** The smoke config made smaller still (the sweep trains about 200 times): 4 units, one epoch, 10 days of history. */
const SMALL_LSTM = { hiddenUnits: 4, maxEpochs: 1, lookbackDays: 10 };

describe('an lstm run with any one of its writes failing', () => {
  let prepared: Prepared;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'mizan-write-faults-lstm-'));
    const dataDir = join(root, 'data');
    const deps = await localDeps({ dataDir });
    const plan = async (windowEnd: string) => withConfig(await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke', windowEnd }, deps), SMALL_LSTM);
    const first = await plan('2017-06-30');
    prepared = await prepare({ dataDir, pristine: join(root, 'pristine'), deps, plan: await plan('2017-12-29'), skipSnapshot: true }, first, 'lstm');
  });

  for (const code of ['ENOSPC', 'EIO'] as FaultCode[]) {
    it(`stays consistent with ${code} at each write, and a retry succeeds`, async () => {
      const { outcomes } = await sweep(prepared, code, 'lstm');
      expect(outcomes.length).toBe(code === 'ENOSPC' ? prepared.totals.data : prepared.totals.all);
      expect(outcomes.filter((o) => o.violations.length > 0 || o.retry.violations.length > 0)).toEqual([]);
    }, 600_000);
  }
});
