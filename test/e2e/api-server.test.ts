/** Every curl of issue 3 against the real server (smoke profile): statuses, bodies, artifacts on disk. */
import { readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, endedExecution, smokeServerForFile } from './support.ts';

describe('the local API, as a user drives it with curl', () => {
  const ctx = smokeServerForFile();

  it('trains the LSTM with ?wait and answers the seed JSON, then answers it again at once without training', async () => {
    // Act
    const first = await call(ctx.server.url, 'POST', '/train/lstm?wait=600', '{"skip_snapshot":true}');
    // Assess
    expect(first.status, first.text).toBe(200);
    const body = first.body as { version: string; metrics: Record<string, number>; promoted: boolean; prior_version: null; hf_repo: null; hf_url: null };
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['version', 'data_window_start', 'data_window_end', 'metrics', 'promoted', 'prior_version', 'hf_repo', 'hf_url']));
    expect(body.version).toMatch(/^v2022\.12\.30-[0-9a-f]{12}$/);
    // The seed's three first, then the mean baseline and the test segment beside both baselines.
    expect(Object.keys(body.metrics)).toEqual(['train_loss', 'val_loss', 'baseline_loss', 'mean_baseline_loss', 'test_loss', 'test_baseline_loss', 'test_mean_baseline_loss']);
    expect(body).toMatchObject({ promoted: true, prior_version: null, hf_repo: null, hf_url: null });
    // The test loss's spread over the seeds (smoke: one) and the Diebold–Mariano tests against both baselines.
    expect(body).toMatchObject({
      metric_spread: { test_loss: { mean: body.metrics.test_loss, n: 1 } },
      tests: { dm_vs_zero: { method: 'diebold_mariano_hln', against: 'zero' }, dm_vs_mean: { against: 'mean' } },
    });
    const versionDir = join(ctx.dataDir, 'models', 'lstm', body.version);
    for (const file of ['model.json', 'weights.bin', 'scaler.json', 'config.json', 'metadata.json']) {
      expect((await stat(join(versionDir, file))).size, file).toBeGreaterThan(0);
    }
    expect(await readlink(join(ctx.dataDir, 'models', 'lstm', 'current'))).toBe(body.version);

    const spawnedBefore = ctx.server.workflow.trainers.spawned;
    const again = await call(ctx.server.url, 'POST', '/train/lstm', '{"skip_snapshot":true}');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(ctx.server.workflow.trainers.spawned).toBe(spawnedBefore);

    // The run's execution: status, per-state timings, the result.
    const executions = await call(ctx.server.url, 'GET', '/models/lstm');
    const executionId = (executions.body.versions as { execution_id: string }[])[0].execution_id;
    const execution = await endedExecution(ctx.server.url, `/train/executions/${executionId}`);
    expect(execution.status).toBe(200);
    expect(execution.body).toMatchObject({ status: 'SUCCEEDED', version: body.version, result: first.body });
    const states = (execution.body.states as { name: string; status: string; seconds: number }[]).map((s) => `${s.name}:${s.status}`);
    expect(states).toEqual(['Full or fine-tune?:SUCCEEDED', 'Train:SUCCEEDED', 'Backfill snapshots?:SUCCEEDED', 'Decide promotion:SUCCEEDED', 'Publish?:SUCCEEDED', 'Record result:SUCCEEDED']);
    const history = JSON.parse(await readFile(join(ctx.dataDir, 'executions', `${executionId}.json`), 'utf8')) as { events: unknown[] };
    expect(history.events.length).toBeGreaterThan(5);
  });

  it('lists the current version and every version with its metrics', async () => {
    const models = await call(ctx.server.url, 'GET', '/models/lstm');
    expect(models.status).toBe(200);
    expect(models.body.current).toMatch(/^v2022\.12\.30-/);
    const versions = models.body.versions as { version: string; status: string; current: boolean; metrics: Record<string, number> }[];
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ status: 'SUCCEEDED', current: true });
    expect(versions[0].metrics.val_loss).toBeGreaterThan(0);
  });

  it('answers 400 naming skip_snapshot for a wrong type', async () => {
    const answer = await call(ctx.server.url, 'POST', '/train/lstm', '{"skip_snapshot":"yes"}');
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: 'skip_snapshot' })]);
    expect(answer.text).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  });

  it('answers 400 for a fine-tune without a prior model, naming the full endpoint', async () => {
    const answer = await call(ctx.server.url, 'POST', '/train/ppo_lstm/finetune', '{}');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('POST /train/ppo_lstm/full');
    expect(answer.body.full_endpoint).toBe('/train/ppo_lstm/full');
  });

  it('starts an agent run that fails clearly (no lstm snapshots to read forecasts from) and records it FAILED', async () => {
    const started = await call(ctx.server.url, 'POST', '/train/ppo_lstm/full', '{}');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'RUNNING', status_url: `/train/executions/${String(started.body.execution_id)}` });
    const waited = await call(ctx.server.url, 'POST', '/train/ppo_lstm/full?wait=120', '{}');
    expect(waited.status).toBe(500);
    expect(waited.body).toMatchObject({ status: 'FAILED' });
    expect(String(waited.body.cause)).toMatch(/no lstm snapshots.*mizan train lstm/);
    const execution = await endedExecution(ctx.server.url, String(started.body.status_url));
    expect(execution.body).toMatchObject({ status: 'FAILED' });
    expect(String(execution.body.cause)).toMatch(/no lstm snapshots.*mizan train lstm/);
    const models = await call(ctx.server.url, 'GET', '/models/ppo_lstm');
    expect(models.body).toMatchObject({ current: null, versions: [expect.objectContaining({ status: 'FAILED' })] });
  });

  it('answers 404 for unknown routes, kinds and executions', async () => {
    expect((await call(ctx.server.url, 'GET', '/nope')).status).toBe(404);
    expect((await call(ctx.server.url, 'GET', '/models/gpt5')).status).toBe(404);
    expect((await call(ctx.server.url, 'GET', '/train/executions/v2099.01.01-000000000000')).status).toBe(404);
    expect((await call(ctx.server.url, 'GET', '/train/lstm')).status).toBe(405);
  });
});
