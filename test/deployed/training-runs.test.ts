/**
 * The deployed tier, part 2: training runs through the synthesized stack, from an HTTP request to the
 * API bundle, through the state machine's definition as deployed, its Lambda bundles and Batch jobs
 * (the trainer entrypoint with the job definition's environment and role), to the user's next
 * request; then every AWS call each role made, checked against that role's synthesized policies.
 */
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTY_TRAINER_ENTRY } from '../support/trainer-fault.ts';
import type { SubmitJobRequest } from './support/batch-jobs.ts';
import { DeployedSystem } from './support/deployed-system.ts';
import { checkCalls, summarise } from './support/iam-check.ts';

let system: DeployedSystem;
/** Which kind's snapshot jobs the next run's trainer fails (the first year crashes, the others hang). */
let faultyKind: string | undefined;

const planKind = (request: SubmitJobRequest) =>
  (JSON.parse(request.ContainerOverrides?.Environment?.find((e) => e.Name === 'MIZAN_PLAN')?.Value ?? '{}') as { kind?: string }).kind;

beforeAll(async () => {
  system = await DeployedSystem.start({
    commandFor: (request) =>
      faultyKind !== undefined && planKind(request) === faultyKind
        ? { command: [process.execPath, 'bin/run-ts.mjs', FAULTY_TRAINER_ENTRY], env: { MIZAN_TRAINER_FAULT: 'crash-snapshot-then-hang' } }
        : undefined,
  });
}, 240_000);
afterAll(() => system?.close());

/** POST a training route; the run's execution once it has ended (and its status change was delivered). */
async function train(path: string, body = '{}') {
  const started = await system.gateway.request('POST', path, { body });
  expect(started.statusCode, started.body).toBe(202);
  const { execution_id: executionId, version } = started.json<{ execution_id: string; version: string }>();
  const execution = await system.settled(executionId);
  const status = await system.gateway.request('GET', `/train/executions/${encodeURIComponent(executionId)}`);
  return { executionId, version, execution, status: status.json<{ status: string; states: Array<{ name: string; status: string }> }>() };
}

describe('TrainModel as synthesized, with the deployed bundles and job definitions', () => {
  it('trains a forecaster with its snapshots through to "Record result", and promotes it', async () => {
    const run = await train('/train/lstm');

    expect(run.execution.status, run.execution.cause).toBe('SUCCEEDED');
    const states = run.status.states.map((s) => s.name);
    for (const name of ['Train', 'Train snapshot', 'Score walk-forward', 'Decide promotion', 'Record result']) expect(states).toContain(name);
    expect(states.filter((name) => name === 'Train snapshot')).toHaveLength(2);
    const models = (await system.gateway.request('GET', '/models/lstm')).json<{ current: string | null }>();
    expect(models.current).toBe(run.version);
    // Each attempt of a Batch job runs under the job definition's limit (trainJobTimeoutHours), not an override.
    expect(new Set(system.batch.runs.map((job) => job.attemptSeconds))).toEqual(new Set([6 * 3600]));
  });

  it('trains an agent on the forecaster\'s snapshots, then answers its allocation through the API bundle', async () => {
    const run = await train('/train/ppo_lstm/full');

    expect(run.execution.status, run.execution.cause).toBe('SUCCEEDED');
    const allocation = await system.gateway.request('GET', '/models/ppo_lstm/allocation', { query: 'as_of=2022-12-30' });
    expect(allocation.statusCode, allocation.body).toBe(200);
    const body = allocation.json<{ version: string; weights?: unknown; target_weights?: unknown }>();
    expect(body.version).toBe(run.version);
  });

  it('records a failed snapshot year through "Record failure", terminates the other years\' jobs, and moves nothing', async () => {
    faultyKind = 'patchtst';
    const run = await train('/train/patchtst').finally(() => (faultyKind = undefined));

    expect(run.execution.status).toBe('FAILED');
    expect(run.status.states.map((s) => s.name)).toEqual(expect.arrayContaining(['Record failure', 'Training failed']));
    const terminated = system.stateMachineCalls.filter((call) => call.action === 'batch:TerminateJob');
    expect(terminated.length).toBeGreaterThanOrEqual(1);
    const models = (await system.gateway.request('GET', '/models/patchtst')).json<{ current: string | null; versions: Array<{ version: string; status: string }> }>();
    expect(models.current).toBeNull();
    expect(models.versions.find((v) => v.version === run.version)?.status).toBe('FAILED');
  });

  it('frees the claim of an execution stopped from the console (ABORTED), so the same request runs again', async () => {
    // Prepare: a run of a new version, stopped as an operator would stop it.
    const started = await system.gateway.request('POST', '/train/patchtst', { body: '{}' });
    expect(started.statusCode, started.body).toBe(202);
    const { execution_id: executionId } = started.json<{ execution_id: string }>();
    const sfn = new SFNClient({ endpoint: system.recorder.url, region: 'us-east-1', credentials: { accessKeyId: 'Operator', secretAccessKey: 'x' } });
    const executionArn = system.stepFunctions.execution(executionId).executionArn;

    // Act
    await sfn.send(new StopExecutionCommand({ executionArn, cause: 'stopped by the operator' }));
    await system.settled(executionId);
    const again = await system.gateway.request('POST', '/train/patchtst', { body: '{}' });

    // Assess
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    expect(system.delivered.map((d) => d.error)).not.toContain(expect.anything());
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json<{ execution_id: string }>().execution_id).not.toBe(executionId);
    await system.settled(again.json<{ execution_id: string }>().execution_id);
    sfn.destroy();
  });
});

describe('IAM, by simulation', () => {
  it('allows every AWS call each role made during the runs, by that role\'s synthesized policies', async () => {
    const calls = system.calls().filter((call) => call.principal !== 'Operator');
    const results = await checkCalls(system.stack.template, system.resolver, calls);
    const summary = summarise(results);
    const actions = new Map<string, Set<string>>();
    for (const call of calls) (actions.get(call.principal) ?? actions.set(call.principal, new Set()).get(call.principal)!).add(call.action);
    console.log(`${summary.text}\n${[...actions].map(([role, set]) => `${role}: ${[...set].sort().join(', ')}`).join('\n')}`);
    expect(summary.denied, summary.text).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });
});
