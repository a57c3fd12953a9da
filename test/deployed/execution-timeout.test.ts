/**
 * The deployed tier, part 3: an execution that outlives the state machine's timeout (72 h deployed;
 * here the same definition with 4 s) ends TIMED_OUT; EventBridge's status-change rule records the run
 * FAILED, so the next identical request starts a new execution instead of answering RUNNING for ever.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { DeployedSystem } from './support/deployed-system.ts';

let system: DeployedSystem;

beforeAll(async () => {
  // A Train job that is still running when the 4 s run out: with the fused kernels the real trainer
  // can finish a smoke run in less, and the timeout would then land in a later state, with no job.
  system = await DeployedSystem.start({ executionTimeoutSeconds: 4, commandFor: () => ({ command: [process.execPath, '-e', 'setTimeout(() => {}, 120_000)'] }) });
}, 240_000);
afterAll(() => system?.close());

it('records a TIMED_OUT execution FAILED through the status-change rule, and the same request runs again', async () => {
  // Prepare
  const first = await system.gateway.request('POST', '/train/lstm', { body: '{"skip_snapshot":true}' });
  expect(first.statusCode, first.body).toBe(202);
  const { execution_id: executionId, version } = first.json<{ execution_id: string; version: string }>();

  // Act
  const ended = await system.settled(executionId);
  const models = (await system.gateway.request('GET', '/models/lstm')).json<{ versions: Array<{ version: string; status: string }> }>();
  const again = await system.gateway.request('POST', '/train/lstm', { body: '{"skip_snapshot":true}' });

  // Assess
  expect(ended.status).toBe('TIMED_OUT');
  expect(system.delivered.filter((d) => d.event.detail.name === executionId).map((d) => d.error ?? 'ok')).toEqual(['ok']);
  expect(models.versions.find((v) => v.version === version)?.status).toBe('FAILED');
  expect(again.statusCode, again.body).toBe(202);
  expect(again.json<{ execution_id: string }>().execution_id).toBe(`${version}-retry2`);
  // The timed-out Train job was terminated with the execution, by the state machine's role (the
  // termination is sent as the execution ends, so it may be recorded a moment after it settles).
  await vi.waitFor(() => expect(system.stateMachineCalls.some((call) => call.action === 'batch:TerminateJob')).toBe(true), { timeout: 10_000, interval: 100 });
});
