/**
 * The paths through TrainModel, run by aws-local-stepfunctions on the definition the local runner runs:
 * which Batch queue a plan goes to, and when "Publish to Hugging Face" runs. The Task handlers here only
 * record that they were called and return the service's raw shape; the trainer and the Lambda steps
 * themselves are exercised by the local-workflow and e2e tests.
 */
import '../../infra/local/promise-with-resolvers.ts';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { localTrainModelDefinition } from '../../infra/local/local-definition.ts';
import { PLACEHOLDER_ARNS } from '../../infra/state-machine/render-asl.ts';
import { STATE } from '../../infra/state-machine/train-model-definition.ts';

interface Run {
  /** Task states in the order they ran, with what each received. */
  calls: Array<{ state: string; input: Record<string, unknown> }>;
  /** Every state entered, in order. */
  entered: string[];
  output: unknown;
}

async function runTrainModel(opts: { mode: 'full' | 'finetune'; publish: boolean; promoted: boolean }): Promise<Run> {
  const calls: Run['calls'] = [];
  const record = (state: string, result: (input: Record<string, unknown>) => unknown) => async (input: unknown) => {
    calls.push({ state, input: input as Record<string, unknown> });
    return result(input as Record<string, unknown>) as never;
  };
  const batchJob = () => ({ JobId: 'job-1', JobName: 'mizan', Status: 'SUCCEEDED' });
  const promotion = { promoted: opts.promoted, prior_version: null, reason: opts.promoted ? 'first model' : 'val_loss not lower', compared_on: 'first_model' };
  const machine = new StateMachine(localTrainModelDefinition() as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
  const input = {
    plan: { kind: 'ppo_lstm', mode: opts.mode, version: 'v2026.01.02-abc', snapshotYearEnds: [] },
    skipSnapshot: true,
    publish: opts.publish,
    executionName: 'v2026.01.02-abc',
  };
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: {
        [STATE.train]: record(STATE.train, batchJob),
        [STATE.fineTune]: record(STATE.fineTune, batchJob),
        [STATE.trainSnapshot]: record(STATE.trainSnapshot, batchJob),
        [STATE.decidePromotion]: record(STATE.decidePromotion, () => promotion),
        [STATE.publish]: record(STATE.publish, () => ({ hf_repo: 'acme/mizan-ppo_lstm', hf_url: 'https://huggingface.co/acme/mizan-ppo_lstm' })),
        [STATE.recordResult]: record(STATE.recordResult, (state) => ({ promoted: opts.promoted, published: state.published ?? null })),
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
  const output = await execution.result;
  await events;
  return { calls, entered, output };
}

const jobQueueOf = (call: { input: Record<string, unknown> }) => call.input.JobQueue;

describe('TrainModel routes each run', () => {
  it('trains a full run on the GPU queue', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: false, promoted: true });
    // Assess
    expect(run.entered.slice(0, 3)).toEqual([STATE.fullOrFineTune, STATE.train, STATE.decidePromotion]);
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.fineTune);
    expect(jobQueueOf(run.calls.find((c) => c.state === STATE.train)!)).toBe(PLACEHOLDER_ARNS.trainQueue);
  });

  it('fine-tunes an agent on the CPU queue, then decides promotion as a full run does', async () => {
    // Act
    const run = await runTrainModel({ mode: 'finetune', publish: false, promoted: true });
    // Assess
    expect(run.entered).toEqual([STATE.fullOrFineTune, STATE.fineTune, STATE.decidePromotion, STATE.shouldPublish, STATE.shouldBackfill, STATE.recordResult]);
    const fineTune = run.calls.find((c) => c.state === STATE.fineTune)!;
    expect(jobQueueOf(fineTune)).toBe(PLACEHOLDER_ARNS.fineTuneQueue);
    expect(fineTune.input.JobDefinition).toBe(PLACEHOLDER_ARNS.fineTuneJobDefinition);
    const environment = (fineTune.input.ContainerOverrides as { Environment: { Name: string; Value: string }[] }).Environment;
    expect(JSON.parse(environment.find((e) => e.Name === 'MIZAN_PLAN')!.Value)).toMatchObject({ kind: 'ppo_lstm', mode: 'finetune' });
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.train);
  });
});

describe('TrainModel publishes only promoted models', () => {
  it('publishes a promoted model when a publisher is configured', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: true });
    // Assess
    expect(run.entered).toContain(STATE.publish);
    expect(run.output).toEqual({ promoted: true, published: { hf_repo: 'acme/mizan-ppo_lstm', hf_url: 'https://huggingface.co/acme/mizan-ppo_lstm' } });
  });

  it('skips Publish for a model that was not promoted, and the run still succeeds', async () => {
    // Act
    const run = await runTrainModel({ mode: 'full', publish: true, promoted: false });
    // Assess
    expect(run.entered).toEqual([STATE.fullOrFineTune, STATE.train, STATE.decidePromotion, STATE.shouldPublish, STATE.shouldBackfill, STATE.recordResult]);
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.publish);
    expect(run.output).toEqual({ promoted: false, published: null });
  });

  it('skips Publish without a publisher, promoted or not', async () => {
    // Act
    const run = await runTrainModel({ mode: 'finetune', publish: false, promoted: true });
    // Assess
    expect(run.calls.map((c) => c.state)).not.toContain(STATE.publish);
    expect(run.output).toEqual({ promoted: true, published: null });
  });
});
