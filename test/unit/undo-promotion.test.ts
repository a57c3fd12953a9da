/** The compensation of "Record failure": which failed runs move `current` back, and which leave it. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { decisionKey, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { undoPromotion } from '../../src/pipeline/undo-promotion.ts';
import { putJson } from '../../src/ports/artifact-store.ts';

const PRIOR = 'v2026.01.05-aaaaaaaaaaaa';
const RUN = 'v2026.01.12-bbbbbbbbbbbb';
const OTHER = 'v2026.01.19-cccccccccccc';
const plan = { kind: 'lstm', version: RUN } as TrainingPlan;

/** A data dir where the run's version was promoted over `prior` (none: a first model), as decidePromotion leaves it. */
async function promotedRun(prior: string | undefined, promoted = true) {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-undo-'));
  const deps = { store: new DirArtifactStore(dir), registry: new LocalModelRegistry(dir) };
  if (prior) await deps.registry.promote('lstm', undefined, prior);
  if (promoted) await deps.registry.promote('lstm', prior, RUN);
  const decision: PromotionOutcome = { promoted, prior_version: prior ?? null, reason: 'test', compared_on: prior ? 'same_test_weeks' : 'first_model' };
  await putJson(deps.store, decisionKey('lstm', RUN), decision);
  return deps;
}

describe('undoPromotion', () => {
  it('moves current back to the prior version of the decision', async () => {
    const deps = await promotedRun(PRIOR);
    expect(await undoPromotion({ plan, decidedInThisRun: true }, deps)).toEqual({ undone: true, restoredTo: PRIOR });
    expect(await deps.registry.current('lstm')).toBe(PRIOR);
  });

  it('clears current when the run promoted the first model', async () => {
    const deps = await promotedRun(undefined);
    expect(await undoPromotion({ plan, decidedInThisRun: true }, deps)).toEqual({ undone: true, restoredTo: null });
    expect(await deps.registry.current('lstm')).toBeUndefined();
  });

  it('leaves current alone when the run failed before its decision (e.g. a backfill of the current version)', async () => {
    const deps = await promotedRun(PRIOR);
    expect(await undoPromotion({ plan, decidedInThisRun: false }, deps)).toEqual({ undone: false, why: 'not decided in this run' });
    expect(await deps.registry.current('lstm')).toBe(RUN);
  });

  it('leaves current alone when the decision did not promote, or another run has promoted since', async () => {
    const kept = await promotedRun(PRIOR, false);
    expect(await undoPromotion({ plan, decidedInThisRun: true }, kept)).toEqual({ undone: false, why: 'not promoted' });
    expect(await kept.registry.current('lstm')).toBe(PRIOR);

    const movedOn = await promotedRun(PRIOR);
    await movedOn.registry.promote('lstm', RUN, OTHER);
    expect(await undoPromotion({ plan, decidedInThisRun: true }, movedOn)).toEqual({ undone: false, why: 'no longer current' });
    expect(await movedOn.registry.current('lstm')).toBe(OTHER);
  });
});
