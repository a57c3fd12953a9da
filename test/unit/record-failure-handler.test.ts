/**
 * "Record failure" after a "Record result" that stored the response and still failed (its Lambda timed
 * out after the write, its reply was lost): the version stays SUCCEEDED and `current` where the response
 * says; a run that failed before its result was stored is undone and recorded FAILED as before.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRecordFailureHandler } from '../../functions/record-failure/handler.ts';
import { localLambdaContext } from '../../functions/shared/lambda-context.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { decisionKey, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import { putJson } from '../../src/ports/artifact-store.ts';

const PRIOR = 'v2026.01.05-aaaaaaaaaaaa';
const RUN = 'v2026.01.12-bbbbbbbbbbbb';
const EXECUTION = `${RUN}-retry2`;
const plan = { kind: 'lstm', version: RUN, window: { start: '2016-01-04', end: '2026-01-12' }, symbols: ['AAPL'], snapshotYearEnds: [] };
const promotion: PromotionOutcome = { promoted: true, prior_version: PRIOR, reason: 'test', compared_on: 'same_test_weeks' };
const state = { plan, skipSnapshot: true, publish: false, executionName: EXECUTION, promotion, error: { Error: 'States.Timeout', Cause: 'Task timed out' } };

/** A data dir where this execution claimed the run's version and promoted it over PRIOR, as Decide promotion leaves it. */
async function promotedRun() {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-record-failure-'));
  const deps = { store: new DirArtifactStore(dir), registry: new LocalModelRegistry(dir) };
  await deps.registry.promote('lstm', undefined, PRIOR);
  await deps.registry.claim('lstm', RUN, EXECUTION);
  await deps.registry.promote('lstm', PRIOR, RUN);
  await putJson(deps.store, decisionKey('lstm', RUN), promotion);
  return deps;
}

describe('Record failure', () => {
  it('leaves a version this run completed as it is: SUCCEEDED, current where its response says', async () => {
    // Prepare
    const deps = await promotedRun();
    await deps.registry.complete('lstm', RUN, { version: RUN, promoted: true });

    // Act
    const outcome = await makeRecordFailureHandler(deps)(state, localLambdaContext('mizan-record-failure'));

    // Assess
    expect(outcome).toEqual({ recorded: false, why: 'completed by this run' });
    expect(await deps.registry.current('lstm')).toBe(RUN);
    expect(await deps.registry.get('lstm', RUN)).toMatchObject({ status: 'SUCCEEDED', response: { promoted: true } });
  });

  it('undoes the promotion and records FAILED when the result was not stored', async () => {
    // Prepare
    const deps = await promotedRun();

    // Act
    const outcome = await makeRecordFailureHandler(deps)(state, localLambdaContext('mizan-record-failure'));

    // Assess
    expect(outcome).toEqual({ recorded: true, promotionUndone: { undone: true, restoredTo: PRIOR } });
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
    expect(await deps.registry.get('lstm', RUN)).toMatchObject({ status: 'FAILED', error: { error: 'States.Timeout', cause: 'Task timed out' } });
  });
});
