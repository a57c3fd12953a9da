/**
 * Versions as TrainModel leaves them, without training: committed files (metadata.json last), the
 * claim, "Decide promotion" and "Record result" (or "Record failure") with the pipeline's own
 * functions, on any store and registry (the data dir, or s3rver and dynalite).
 *   A  lstm, the first model: promoted automatically, current
 *   B  lstm, worse than A on the same weeks: not promoted; its Hugging Face upload failed (publish_error)
 *   C  lstm, worse than A on the same weeks: not promoted
 *   F  lstm, FAILED
 *   P  patchtst, the first patchtst model (an lstm command naming it names a foreign version)
 */
import { PROFILES } from '../../src/config/profiles.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { Comparison } from '../../src/models/comparison.ts';
import { decidePromotion } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { recordFailure, recordResult } from '../../src/pipeline/record-result.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';

export const FIXTURE = {
  A: 'v2022.12.30-aaaaaaaaaaaa',
  B: 'v2022.12.30-bbbbbbbbbbbb',
  C: 'v2022.12.30-cccccccccccc',
  F: 'v2022.12.30-ffffffffffff',
  P: 'v2022.12.30-0123456789ab',
} as const;

export const PUBLISH_ERROR = 'HuggingFaceError: Hugging Face Hub failed (503) while committing 6 file change(s) to acme/mizan-lstm branch v2022.12.30-bbbbbbbbbbbb: Service Unavailable; nothing is lost, the upload can be retried';

type Deps = { store: ArtifactStore; registry: ModelRegistry };

export function fixturePlan(kind: ModelKind, version: string): TrainingPlan {
  return {
    kind,
    mode: 'full',
    profile: 'smoke',
    window: { start: PROFILES.smoke.windowStart, end: '2022-12-30' },
    symbols: ['AAPL', 'MSFT'],
    config: { seed: 7 },
    source: 'sample',
    dataFingerprint: 'f'.repeat(64),
    codeVersion: 'fixture',
    version,
    snapshotYearEnds: [],
  };
}

const sameWeeks = (against: string, current: number, candidate: number): Comparison => ({
  against,
  compared_on: 'same_test_weeks',
  metric: 'test_loss',
  better: 'lower',
  current_score: current,
  candidate_score: candidate,
  weeks: { first: '2022-01-03', last: '2022-12-26', count: 52 },
  samples: 104,
  reason: 'fixture',
});

/** One version through the run's steps after training: commit, claim, decide, record. */
async function run(deps: Deps, kind: ModelKind, version: string, testLoss: number, comparison: Comparison | null, publishError?: string): Promise<void> {
  const plan = fixturePlan(kind, version);
  const files = { 'model.json': new TextEncoder().encode(`{"version":"${version}"}`), 'weights.bin': Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + testLoss * 1000) % 251) };
  await writeModelFiles(deps.store, versionPrefix(kind, version), files, {
    kind,
    version,
    mode: 'full',
    profile: 'smoke',
    window: plan.window,
    symbols: plan.symbols,
    metrics: { train_loss: 0.001, val_loss: 0.002, baseline_loss: 0.0021, test_loss: testLoss },
    comparison,
  });
  await deps.registry.claim(kind, version, version);
  const promotion = await decidePromotion({ plan, executionId: version }, deps);
  await recordResult({ plan, promotion, published: null, ...(publishError ? { publishError } : {}) }, deps);
}

export async function seedVersions(deps: Deps): Promise<void> {
  const { A, B, C, F, P } = FIXTURE;
  await run(deps, 'lstm', A, 0.002, null);
  await run(deps, 'lstm', B, 0.003, sameWeeks(A, 0.002, 0.003), PUBLISH_ERROR);
  await run(deps, 'lstm', C, 0.0025, sameWeeks(A, 0.002, 0.0025));
  await deps.registry.claim('lstm', F, F);
  await recordFailure({ plan: fixturePlan('lstm', F), error: 'States.TaskFailed', cause: 'out of memory' }, deps);
  await run(deps, 'patchtst', P, 0.004, null);
}
