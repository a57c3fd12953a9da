/** The local TrainModel runner on its own: Step Functions start semantics, history on disk, claims freed. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ExecutionStore } from '../../src/adapters/local-workflow/execution-store.ts';
import { localStepHandlers } from '../../infra/local/local-steps.ts';
import { LocalWorkflow, type StepHandlers } from '../../src/adapters/local-workflow/local-workflow.ts';
import { openLocalWorkflow } from '../../infra/local/open-local-workflow.ts';
import { decisionKey, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { getJson, putJson } from '../../src/ports/artifact-store.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { ORPHANED_CLAIM_MS, startTraining, type WorkflowInput } from '../../src/pipeline/start-training.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { walkForwardKey } from '../../src/snapshots/snapshot-paths.ts';
import type { WalkForwardScore } from '../../src/snapshots/walk-forward-score.ts';
import { tempDataDir } from '../e2e/support.ts';
import { trainerFault } from '../support/trainer-fault.ts';

async function setup() {
  const deps = await localDeps({ dataDir: await tempDataDir() });
  const workflow = await openLocalWorkflow(deps, { trainerEnv: trainerFault('crash') });
  const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);
  return { deps, workflow, plan };
}

describe('the local workflow runner', () => {
  it('treats a repeated start of a name as the same execution, and another input under that name as an error', async () => {
    // Prepare
    const { deps, workflow, plan } = await setup();
    const claim = await deps.registry.claim(plan.kind, plan.version, plan.version);
    expect(claim.claimed).toBe(true);
    const input: WorkflowInput = { plan, skipSnapshot: true, publish: false, executionName: plan.version };
    // Act
    const [a, b] = await Promise.all([workflow.start(plan.version, input), workflow.start(plan.version, input)]);
    // Assess
    expect(a).toEqual(b);
    await expect(workflow.start(plan.version, { ...input, skipSnapshot: false })).rejects.toThrow(/already exists/);
    await workflow.waitFor(a.executionId);
    expect(workflow.trainers.spawned).toBe(1);
    await workflow.close();
  });

  it('waits for an execution that is started just after its version was claimed, and gives up on one never started', async () => {
    // Prepare: the claim is visible to another process a moment before the execution is written.
    const { deps, workflow, plan } = await setup();
    await deps.registry.claim(plan.kind, plan.version, plan.version);
    const input: WorkflowInput = { plan, skipSnapshot: true, publish: false, executionName: plan.version };
    // Act
    const waiting = workflow.waitFor(plan.version);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await workflow.start(plan.version, input);
    // Assess: the wait followed the run to its end (the faulty trainer fails it).
    expect(await waiting).toMatchObject({ executionId: plan.version, status: 'FAILED' });
    await expect(workflow.waitFor('v-never-started', 50, 200)).rejects.toThrow(/no execution v-never-started: its version was claimed but the run was never started/);
    await workflow.close();
  });

  it('frees a claim whose run was never started once it is two minutes old (the claimant stopped in between), and retries', async () => {
    // Prepare: a claim without an execution, as a process killed between the two leaves it.
    const { deps, workflow, plan } = await setup();
    const claim = await deps.registry.claim(plan.kind, plan.version, plan.version);
    if (!claim.claimed) throw new Error('expected the claim');
    const claimedAt = Date.parse(claim.record.claimedAt);
    const startDeps = (afterMs: number) => ({ registry: deps.registry, store: deps.store, workflow, publisherEnabled: false, now: () => claimedAt + afterMs });
    // Act
    const young = await startTraining(plan, { skipSnapshot: true }, startDeps(ORPHANED_CLAIM_MS - 1000));
    const [one, other] = await Promise.all([1, 2].map(() => startTraining(plan, { skipSnapshot: true }, startDeps(ORPHANED_CLAIM_MS))));
    // Assess: a young claim is waited for; an old one is recorded NeverStarted and the run retried
    // under a new name, once, when two requests find it at the same moment.
    expect(young).toMatchObject({ status: 'RUNNING', started: false, executionId: plan.version });
    expect([one, other].map((o) => o.status === 'RUNNING' && o.started).sort()).toEqual([false, true]);
    for (const outcome of [one, other]) expect(outcome).toMatchObject({ status: 'RUNNING', executionId: `${plan.version}-retry2` });
    await workflow.waitFor(`${plan.version}-retry2`);
    await workflow.close();
  });

  it('records a failed run with its event history and per-state timings, and frees the version for a retry', async () => {
    // Prepare: every record the runner writes, as a reader of the file would see it at that moment.
    const { deps, workflow, plan } = await setup();
    const written: { status: string; error?: string; cause?: string }[] = [];
    const write = ExecutionStore.prototype.write;
    const spy = vi.spyOn(ExecutionStore.prototype, 'write').mockImplementation(function (this: ExecutionStore, record) {
      written.push(structuredClone(record));
      return write.call(this, record);
    });
    // Act
    const outcome = await startTraining(plan, { skipSnapshot: true }, { registry: deps.registry, store: deps.store, workflow, publisherEnabled: false });
    if (outcome.status !== 'RUNNING') throw new Error('expected a new run');
    const finished = await workflow.waitFor(outcome.executionId);
    spy.mockRestore();
    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    // Never FAILED without its error and cause: a reader polling the file stops at the first FAILED it sees.
    expect(written.length).toBeGreaterThan(3);
    for (const r of written) if (r.status !== 'RUNNING') expect(r).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: expect.stringContaining('injected fault') });
    const { executionId, status, startedAt, stoppedAt, error, cause } = finished;
    expect(await workflow.status(outcome.executionId)).toEqual({ executionId, status, startedAt, stoppedAt, error, cause });
    expect(await workflow.status('v-never-started')).toBeUndefined();
    expect(finished.states.map((s) => `${s.name}:${s.status}`)).toEqual(['Full or fine-tune?:SUCCEEDED', 'Train:FAILED', 'Record failure:SUCCEEDED', 'Training failed:FAILED']);
    for (const s of finished.states) expect(Date.parse(s.endedAt!)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    const onDisk = JSON.parse(await readFile(join(deps.dataDir, 'executions', `${outcome.executionId}.json`), 'utf8')) as { events: { type: string }[] };
    expect(onDisk.events.map((e) => e.type)).toEqual(expect.arrayContaining(['ExecutionStarted', 'StateEntered', 'StateFailed', 'ExecutionFailed']));
    const record = await deps.registry.get(plan.kind, plan.version);
    expect(record).toMatchObject({ status: 'FAILED', error: { error: 'States.TaskFailed' } });
    expect(record?.error?.cause).toContain('injected fault');
    expect(await deps.registry.current(plan.kind)).toBeUndefined();

    const retry = await startTraining(plan, { skipSnapshot: true }, { registry: deps.registry, store: deps.store, workflow, publisherEnabled: false });
    expect(retry).toMatchObject({ status: 'RUNNING', started: true, executionId: `${plan.version}-retry2` });
    await workflow.waitFor(`${plan.version}-retry2`);
    await workflow.close();
  });

  it('runs a fine-tune\'s "Fine-tune" state as a trainer child process, as it does "Train"', async () => {
    // Prepare: an agent plan in fine-tune mode (the runner routes by plan.mode; the API checks the prior model).
    // (Only the route matters here: the faulty trainer fails before it looks at the kind.)
    const { deps, workflow, plan: lstmPlan } = await setup();
    const plan = { ...lstmPlan, kind: 'ppo_lstm' as const, mode: 'finetune' as const };
    await deps.registry.claim(plan.kind, plan.version, plan.version);
    // Act
    const { executionId } = await workflow.start(plan.version, { plan, skipSnapshot: true, publish: false, executionName: plan.version } satisfies WorkflowInput);
    const finished = await workflow.waitFor(executionId);
    // Assess
    expect(finished.states.map((s) => `${s.name}:${s.status}`)).toEqual([
      'Full or fine-tune?:SUCCEEDED',
      'Fine-tune:FAILED',
      'Record failure:SUCCEEDED',
      'Training failed:FAILED',
    ]);
    expect(workflow.trainers.spawned).toBe(1);
    expect(finished.cause).toContain('injected fault'); // what the trainer process printed as it failed
    expect(await deps.registry.get(plan.kind, plan.version)).toMatchObject({ status: 'FAILED' });
    await workflow.close();
  });
});

describe('"Score walk-forward" in a real run (the real trainer, smoke profile)', () => {
  it('comes between Backfill snapshots and Decide promotion in a run with snapshots, and not at all with skip_snapshot', async () => {
    // Prepare
    const deps = await localDeps({ dataDir: await tempDataDir() });
    const workflow = await openLocalWorkflow(deps);
    const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);
    const run = async (skipSnapshot: boolean) => {
      const outcome = await startTraining(plan, { skipSnapshot }, { registry: deps.registry, store: deps.store, workflow, publisherEnabled: false });
      if (outcome.status !== 'RUNNING') throw new Error(`expected a new run, got ${outcome.status}`);
      const finished = await workflow.waitFor(outcome.executionId);
      return { finished, topLevel: finished.states.filter((s) => !s.name.includes('[')).map((s) => `${s.name}:${s.status}`) };
    };
    try {
      // Act: skip_snapshot first, then the same version reopened to backfill its snapshots.
      const skipped = await run(true);
      const skippedResponse = (await deps.registry.get(plan.kind, plan.version))?.response;
      const backfilled = await run(false);
      // Assess
      expect(skipped.topLevel).toEqual(['Full or fine-tune?:SUCCEEDED', 'Train:SUCCEEDED', 'Backfill snapshots?:SUCCEEDED', 'Decide promotion:SUCCEEDED', 'Publish?:SUCCEEDED', 'Record result:SUCCEEDED']);
      expect(skippedResponse).not.toHaveProperty('walk_forward');
      expect(backfilled.topLevel).toEqual([
        'Full or fine-tune?:SUCCEEDED',
        'Train:SUCCEEDED',
        'Backfill snapshots?:SUCCEEDED',
        'Backfill snapshots:SUCCEEDED',
        'Score walk-forward:SUCCEEDED',
        'Decide promotion:SUCCEEDED',
        'Publish?:SUCCEEDED',
        'Record result:SUCCEEDED',
      ]);
      const score = (await getJson<WalkForwardScore>(deps.store, walkForwardKey('lstm', plan.version)))!;
      expect(score.years.map((y) => y.year_end)).toEqual(plan.snapshotYearEnds);
      const { hit_rate, always_up_rate, rank_ic_mean, rank_ic_t, weeks } = score.total;
      expect((await deps.registry.get(plan.kind, plan.version))?.response).toMatchObject({ walk_forward: { hit_rate, always_up_rate, rank_ic_mean, rank_ic_t, weeks } });
    } finally {
      await workflow.close();
    }
  }, 300_000);

  it('fails the run when the scoring fails, as a failed backfill does: Decide promotion never runs, current stays absent', async () => {
    // Prepare
    const deps = await localDeps({ dataDir: await tempDataDir() });
    const workflow = await openLocalWorkflow(deps, { trainerEnv: trainerFault('crash-walk-forward') });
    const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);
    try {
      // Act
      const outcome = await startTraining(plan, { skipSnapshot: false }, { registry: deps.registry, store: deps.store, workflow, publisherEnabled: false });
      if (outcome.status !== 'RUNNING') throw new Error(`expected a new run, got ${outcome.status}`);
      const finished = await workflow.waitFor(outcome.executionId);
      // Assess
      expect(finished.status).toBe('FAILED');
      expect(finished.states.filter((s) => !s.name.includes('[')).map((s) => `${s.name}:${s.status}`)).toEqual([
        'Full or fine-tune?:SUCCEEDED',
        'Train:SUCCEEDED',
        'Backfill snapshots?:SUCCEEDED',
        'Backfill snapshots:SUCCEEDED',
        'Score walk-forward:FAILED',
        'Record failure:SUCCEEDED',
        'Training failed:FAILED',
      ]);
      expect(finished.cause).toContain('injected fault: the walk-forward scoring crashed');
      expect(await deps.registry.get(plan.kind, plan.version)).toMatchObject({ status: 'FAILED', error: { cause: expect.stringContaining('walk-forward scoring crashed') } });
      expect(await deps.registry.current(plan.kind)).toBeUndefined();
    } finally {
      await workflow.close();
    }
  }, 300_000);
});

describe('recovery of interrupted runs', () => {
  it("leaves a run of another live process alone (a server while the CLI starts), and fails it once that process is gone", async () => {
    // Prepare: a RUNNING execution owned by another, live process, with its version claimed.
    const deps = await localDeps({ dataDir: await tempDataDir() });
    const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);
    await deps.registry.claim(plan.kind, plan.version, plan.version);
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const executions = new ExecutionStore(deps.dataDir);
    await executions.write({
      executionId: plan.version,
      name: plan.version,
      status: 'RUNNING',
      startedAt: new Date().toISOString(),
      input: { plan, skipSnapshot: true, publish: false, executionName: plan.version },
      states: [],
      events: [],
      ownerPid: owner.pid,
    });
    const open = () => openLocalWorkflow(deps);
    try {
      // Act: another process opens the same data dir while the owner lives.
      await (await open()).close();
      // Assess
      expect((await executions.read(plan.version))?.status).toBe('RUNNING');
      expect((await deps.registry.get(plan.kind, plan.version))?.status).toBe('RUNNING');
    } finally {
      owner.kill('SIGKILL');
      await once(owner, 'exit');
    }
    // Act: the owner died; the next start recovers its run.
    await (await open()).close();
    // Assess
    expect(await executions.read(plan.version)).toMatchObject({ status: 'FAILED', error: 'Interrupted' });
    expect((await deps.registry.get(plan.kind, plan.version))?.status).toBe('FAILED');
  });
});

describe('a run that fails after "Decide promotion" moved current', () => {
  const injected = (state: string) => async (): Promise<never> => {
    throw new Error(`injected fault: ${state} failed`);
  };
  /** The real trainer and Lambda steps, with some steps replaced. */
  const runnerWith = (deps: LocalDeps, steps: Partial<StepHandlers>) =>
    LocalWorkflow.open({ dataDir: deps.dataDir, registry: deps.registry, steps: { ...localStepHandlers(deps), ...steps } });
  const run = async (workflow: LocalWorkflow, deps: LocalDeps, plan: TrainingPlan) => {
    const outcome = await startTraining(plan, { skipSnapshot: true }, { registry: deps.registry, store: deps.store, workflow, publisherEnabled: true });
    if (outcome.status !== 'RUNNING') throw new Error(`expected a new run, got ${outcome.status}`);
    const finished = await workflow.waitFor(outcome.executionId);
    await workflow.close();
    return finished;
  };
  const statesOf = (finished: { states: { name: string; status: string }[] }) => finished.states.map((s) => `${s.name}:${s.status}`);

  it('moves current back (absent for a first model) when Record result, or Publish then Record result, fails; a failed Publish alone keeps it', async () => {
    // Prepare: a first model (the real Decide promotion promotes a first model).
    const deps = await localDeps({ dataDir: await tempDataDir() });
    const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);

    // Act: Record result fails after the promotion.
    const recordFails = await run(await runnerWith(deps, { recordResult: injected('Record result') }), deps, plan);
    // Assess
    expect(recordFails.status).toBe('FAILED');
    expect(statesOf(recordFails)).toEqual(expect.arrayContaining(['Decide promotion:SUCCEEDED', 'Record result:FAILED', 'Record failure:SUCCEEDED']));
    expect(await deps.store.exists(decisionKey(plan.kind, plan.version))).toBe(true); // it was promoted...
    expect(await deps.registry.current(plan.kind)).toBeUndefined(); // ...and that is undone
    expect(await deps.registry.get(plan.kind, plan.version)).toMatchObject({ status: 'FAILED', error: { cause: expect.stringContaining('Record result failed') } });

    // Act: the retry publishes; Publish fails (caught: recorded, not fatal), then Record result fails.
    const bothFail = await run(await runnerWith(deps, { publish: injected('Publish'), recordResult: injected('Record result') }), deps, plan);
    // Assess
    expect(bothFail.status).toBe('FAILED');
    expect(statesOf(bothFail)).toEqual(expect.arrayContaining(['Publish to Hugging Face:FAILED', 'Record result:FAILED', 'Record failure:SUCCEEDED']));
    expect(await deps.registry.current(plan.kind)).toBeUndefined();
    expect((await deps.registry.get(plan.kind, plan.version))?.status).toBe('FAILED');

    // Act: the next retry, where only Publish fails.
    const publishFails = await run(await runnerWith(deps, { publish: injected('Publish') }), deps, plan);
    // Assess: a failed upload does not undo a trained, promoted model; the result says why.
    expect(publishFails.status).toBe('SUCCEEDED');
    expect(await deps.registry.current(plan.kind)).toBe(plan.version);
    expect(await deps.registry.get(plan.kind, plan.version)).toMatchObject({ status: 'SUCCEEDED', response: { promoted: true, publish_error: expect.anything() } });
  });

  it('moves current back to the prior version when a second model is promoted and Record result fails', async () => {
    // Prepare: a prior current version, and a Decide step that promotes the run's model over it
    // (what decidePromotion does when the new model is better: compare-and-swap, then the decision is stored).
    const deps = await localDeps({ dataDir: await tempDataDir() });
    const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);
    const prior = 'v2020.12.31-000000000000';
    await deps.registry.promote(plan.kind, undefined, prior);
    const promoteOverPrior = async (input: unknown) => {
      const { plan: decided } = input as { plan: TrainingPlan };
      const current = await deps.registry.current(decided.kind);
      if (!(await deps.registry.promote(decided.kind, current, decided.version))) throw new Error('test setup: current moved');
      const outcome: PromotionOutcome = { promoted: true, prior_version: current ?? null, reason: 'better (test)', compared_on: 'same_test_weeks' };
      await putJson(deps.store, decisionKey(decided.kind, decided.version), outcome);
      return outcome;
    };
    // Act
    const finished = await run(await runnerWith(deps, { decidePromotion: promoteOverPrior, recordResult: injected('Record result') }), deps, plan);
    // Assess
    expect(finished.status).toBe('FAILED');
    expect(statesOf(finished)).toEqual(expect.arrayContaining(['Decide promotion:SUCCEEDED', 'Record result:FAILED', 'Record failure:SUCCEEDED']));
    expect(await deps.registry.current(plan.kind)).toBe(prior);
    expect((await deps.registry.get(plan.kind, plan.version))?.status).toBe('FAILED');
  });
});
