/**
 * The paths through TrainModel, run by aws-local-stepfunctions on the definition the local runner runs:
 * which Batch queue a plan goes to, and when "Publish to Hugging Face" runs. The Task handlers here only
 * record that they were called and return the service's raw shape; the trainer and the Lambda steps
 * themselves are exercised by the local-workflow and e2e tests.
 */
import '../../src/adapters/local-workflow/promise-with-resolvers.ts';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { localTrainModelDefinition } from '../../src/adapters/local-workflow/local-definition.ts';
import { PLACEHOLDER_ARNS } from '../../infra/state-machine/render-asl.ts';
import { STATE } from '../../infra/state-machine/train-model-definition.ts';

interface Run {
  /** Task states in the order they ran, with what each received. */
  calls: Array<{ state: string; input: Record<string, unknown> }>;
  /** Every state entered, in order. */
  entered: string[];
  output: unknown;
}

interface RunOptions {
  mode: 'full' | 'finetune';
  publish: boolean;
  promoted: boolean;
  /** A forecaster with these snapshot years (default: an agent, no snapshots). */
  snapshotYearEnds?: string[];
  /** skip_snapshot (default: true without snapshot years). */
  skipSnapshot?: boolean;
  /** The Task whose handler throws, as a failing service would. */
  failAt?: string;
}

async function runTrainModel(opts: RunOptions): Promise<Run> {
  const calls: Run['calls'] = [];
  const record = (state: string, result: (input: Record<string, unknown>) => unknown) => async (input: unknown) => {
    calls.push({ state, input: input as Record<string, unknown> });
    if (opts.failAt === state) throw Object.assign(new Error(`${state} failed`), { name: 'States.TaskFailed' });
    return result(input as Record<string, unknown>) as never;
  };
  const batchJob = () => ({ JobId: 'job-1', JobName: 'mizan', Status: 'SUCCEEDED' });
  const promotion = { promoted: opts.promoted, prior_version: null, reason: opts.promoted ? 'first model' : 'val_loss not lower', compared_on: 'first_model' };
  const machine = new StateMachine(localTrainModelDefinition() as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
  const snapshotYearEnds = opts.snapshotYearEnds ?? [];
  const input = {
    plan: { kind: snapshotYearEnds.length > 0 ? 'lstm' : 'ppo_lstm', mode: opts.mode, version: 'v2026.01.02-abc', snapshotYearEnds },
    skipSnapshot: opts.skipSnapshot ?? snapshotYearEnds.length === 0,
    publish: opts.publish,
    executionName: 'v2026.01.02-abc',
  };
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: {
        [STATE.train]: record(STATE.train, batchJob),
        [STATE.fineTune]: record(STATE.fineTune, batchJob),
        [STATE.trainSnapshot]: record(STATE.trainSnapshot, batchJob),
        [STATE.scoreWalkForward]: record(STATE.scoreWalkForward, batchJob),
        [STATE.decidePromotion]: record(STATE.decidePromotion, () => promotion),
        [STATE.publish]: record(STATE.publish, () => ({ hf_repo: 'acme/mizan-ppo_lstm', hf_url: 'https://huggingface.co/acme/mizan-ppo_lstm' })),
        [STATE.recordResult]: record(STATE.recordResult, (state) => ({
          promoted: opts.promoted,
          published: state.published ?? null,
          ...(state.publishError ? { publish_error: (state.publishError as { Error: string }).Error } : {}),
        })),
        [STATE.recordFailure]: record(STATE.recordFailure, () => ({})),
      },
    },
  });
  const entered: string[] = [];
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as { type: string; state?: { name: string } };
      if (e.type === 'StateEntered' && e.state) entered.push(e.state.name);
    }
  })();
  const output = await execution.result.catch((error: Error) => ({ failed: error.name }));
  await events;
  return { calls, entered, output };
}

const jobQueueOf = (call: { input: Record<string, unknown> }) => call.input.JobQueue;

describe('TrainModel routes each run', () => {
  it('trains a full run on the GPU queue', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: false, promoted: true });
    // Assess
    expect(run.entered.slice(0, 4)).toEqual([STATE.fullOrFineTune, STATE.train, STATE.shouldBackfill, STATE.decidePromotion]);
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.fineTune);
    expect(jobQueueOf(run.calls.find((c) => c.state === STATE.train)!)).toBe(PLACEHOLDER_ARNS.trainQueue);
  });

  it('fine-tunes an agent on the CPU queue, then decides promotion as a full run does', async () => {
    // Act
    const run = await runTrainModel({ mode: 'finetune', publish: false, promoted: true });
    // Assess
    expect(run.entered).toEqual([STATE.fullOrFineTune, STATE.fineTune, STATE.shouldBackfill, STATE.decidePromotion, STATE.shouldPublish, STATE.recordResult]);
    const fineTune = run.calls.find((c) => c.state === STATE.fineTune)!;
    expect(jobQueueOf(fineTune)).toBe(PLACEHOLDER_ARNS.fineTuneQueue);
    expect(fineTune.input.JobDefinition).toBe(PLACEHOLDER_ARNS.fineTuneJobDefinition);
    const environment = (fineTune.input.ContainerOverrides as { Environment: { Name: string; Value: string }[] }).Environment;
    expect(JSON.parse(environment.find((e) => e.Name === 'MIZAN_PLAN')!.Value)).toMatchObject({ kind: 'ppo_lstm', mode: 'finetune' });
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.train);
  });
});

describe('TrainModel publishes every trained version when a publisher is configured', () => {
  it('publishes a promoted model when a publisher is configured', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: true });
    // Assess
    expect(run.entered).toContain(STATE.publish);
    expect(run.output).toEqual({ promoted: true, published: { hf_repo: 'acme/mizan-ppo_lstm', hf_url: 'https://huggingface.co/acme/mizan-ppo_lstm' } });
  });

  it('publishes a model that was not promoted too (to its own branch; the publish function decides about main)', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: false });
    // Assess
    expect(run.entered).toEqual([STATE.fullOrFineTune, STATE.train, STATE.shouldBackfill, STATE.decidePromotion, STATE.shouldPublish, STATE.publish, STATE.recordResult]);
    expect(run.output).toEqual({ promoted: false, published: { hf_repo: 'acme/mizan-ppo_lstm', hf_url: 'https://huggingface.co/acme/mizan-ppo_lstm' } });
  });

  it('skips Publish without a publisher, promoted or not', async () => {
    // Act
    const run = await runTrainModel({ mode: 'finetune', publish: false, promoted: true });
    // Assess
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.publish);
    expect(run.output).toEqual({ promoted: true, published: null });
  });
});

describe('TrainModel never promotes from a failed run', () => {
  it('backfills the snapshot years and scores them walk-forward (on the CPU queue) before deciding promotion', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: false, promoted: true, snapshotYearEnds: ['2020-12-31', '2021-12-31'] });
    // Assess
    const tasks = run.calls.map((c) => c.state);
    expect(tasks).toEqual([STATE.train, STATE.trainSnapshot, STATE.trainSnapshot, STATE.scoreWalkForward, STATE.decidePromotion, STATE.recordResult]);
    const score = run.calls.find((c) => c.state === STATE.scoreWalkForward)!;
    expect(jobQueueOf(score)).toBe(PLACEHOLDER_ARNS.fineTuneQueue);
    const environment = (score.input.ContainerOverrides as { Environment: { Name: string; Value: string }[] }).Environment;
    expect(environment.find((e) => e.Name === 'MIZAN_TASK')!.Value).toBe('walk-forward');
    expect(JSON.parse(environment.find((e) => e.Name === 'MIZAN_PLAN')!.Value)).toMatchObject({ kind: 'lstm', snapshotYearEnds: ['2020-12-31', '2021-12-31'] });
  });

  it('scores nothing when there are no snapshots to backfill (an agent, or skip_snapshot)', async () => {
    // Act
    const agent = await runTrainModel({ mode: 'full', publish: false, promoted: true });
    const skipped = await runTrainModel({ mode: 'full', publish: false, promoted: true, snapshotYearEnds: ['2020-12-31'], skipSnapshot: true });
    // Assess
    for (const run of [agent, skipped]) {
      expect(run.entered).toEqual([STATE.fullOrFineTune, STATE.train, STATE.shouldBackfill, STATE.decidePromotion, STATE.shouldPublish, STATE.recordResult]);
    }
  });

  it('fails a run whose walk-forward scoring fails without ever reaching Decide promotion', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: true, snapshotYearEnds: ['2020-12-31'], failAt: STATE.scoreWalkForward });
    // Assess
    expect(run.entered).toContain(STATE.backfill);
    expect(run.entered).not.toContain(STATE.decidePromotion);
    expect(run.entered.slice(-3)).toEqual([STATE.scoreWalkForward, STATE.recordFailure, STATE.failed]);
    expect(run.output).toHaveProperty('failed');
  });

  it('fails a run whose snapshot year fails without ever reaching Decide promotion', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: true, snapshotYearEnds: ['2020-12-31'], failAt: STATE.trainSnapshot });
    // Assess: `current` can only move in Decide promotion, which never ran.
    expect(run.entered).not.toContain(STATE.decidePromotion);
    expect(run.entered.slice(-2)).toEqual([STATE.recordFailure, STATE.failed]);
    expect(run.output).toHaveProperty('failed');
    expect(run.calls.filter((c) => c.state === STATE.recordFailure)).toHaveLength(1);
  });

  it('records a failed upload and still succeeds: the promoted model stays promoted', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: true, failAt: STATE.publish });
    // Assess
    expect(run.entered.slice(-2)).toEqual([STATE.publish, STATE.recordResult]);
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.recordFailure);
    expect(run.output).toEqual({ promoted: true, published: null, publish_error: 'States.TaskFailed' });
  });
});
