/**
 * A data dir (local registry and artifact store) with one lstm version claimed, for the tests of runs
 * whose execution ended without recording them (src/pipeline/ended-run.ts and its two callers).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { decisionKey, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import type { WorkflowInput } from '../../src/pipeline/start-training.ts';
import { putJson } from '../../src/ports/artifact-store.ts';
import { STATE } from '../../src/ports/train-model.ts';
import { FakeWorkflow } from './fake-workflow.ts';

export const PRIOR = 'v2026.01.05-aaaaaaaaaaaa';
export const RUN = 'v2026.01.12-bbbbbbbbbbbb';

export const plan = {
  kind: 'lstm',
  mode: 'full',
  profile: 'smoke',
  version: RUN,
  window: { start: '2020-01-06', end: '2026-01-12' },
  symbols: ['AAPL', 'MSFT'],
  snapshotYearEnds: [],
} as unknown as TrainingPlan;

export const inputOf = (executionName: string): WorkflowInput => ({ plan, skipSnapshot: true, publish: false, executionName });

/** The states a run went through, up to where it stopped. */
export const STATES = {
  stoppedInTraining: [STATE.fullOrFineTune, STATE.train],
  stoppedInDecision: [STATE.fullOrFineTune, STATE.train, STATE.decidePromotion],
  stoppedAfterDecision: [STATE.fullOrFineTune, STATE.train, STATE.decidePromotion, STATE.shouldPublish, STATE.publish],
};

export async function endedRunDeps() {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-ended-run-'));
  return { registry: new LocalModelRegistry(dir), store: new DirArtifactStore(dir), workflow: new FakeWorkflow() };
}

export type EndedRunTestDeps = Awaited<ReturnType<typeof endedRunDeps>>;

/** RUN promoted over PRIOR, its decision stored, as "Decide promotion" leaves them. */
export async function promoteRun(deps: EndedRunTestDeps): Promise<void> {
  await deps.registry.promote('lstm', undefined, PRIOR);
  await deps.registry.promote('lstm', PRIOR, RUN);
  const decision: PromotionOutcome = { promoted: true, prior_version: PRIOR, reason: 'test', compared_on: 'same_test_weeks' };
  await putJson(deps.store, decisionKey('lstm', RUN), decision);
}

/** RUN claimed under `executionName`; its claim time. */
export async function claimRun(deps: EndedRunTestDeps, executionName = RUN): Promise<number> {
  const claim = await deps.registry.claim('lstm', RUN, executionName);
  if (!claim.claimed) throw new Error('expected the claim');
  return Date.parse(claim.record.claimedAt);
}
