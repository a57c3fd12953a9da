/** PatchTST through the HTTP API and the state machine (smoke profile): trained with ?wait, then answered from the store. */
import { describe, expect, it } from 'vitest';
import { call, endedExecution, smokeServerForFile } from './support.ts';

describe('POST /train/patchtst', () => {
  const ctx = smokeServerForFile();

  it('trains the 11-channel model through TrainModel with ?wait, then answers the same JSON at once without training', async () => {
    // Act
    const first = await call(ctx.server.url, 'POST', '/train/patchtst?wait=300&skip_snapshot=true');
    // Assess
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ promoted: true, prior_version: null, num_input_channels: 11 });
    expect(Object.keys(first.body.metrics as object)).toEqual(['train_loss', 'val_loss', 'baseline_loss', 'mean_baseline_loss', 'test_loss', 'test_baseline_loss', 'test_mean_baseline_loss']);
    const spawned = ctx.server.workflow.trainers.spawned;
    const again = await call(ctx.server.url, 'POST', '/train/patchtst', '{"skip_snapshot":true}');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(ctx.server.workflow.trainers.spawned).toBe(spawned);
    const models = await call(ctx.server.url, 'GET', '/models/patchtst');
    const executionId = (models.body.versions as { execution_id: string }[])[0].execution_id;
    const execution = await endedExecution(ctx.server.url, `/train/executions/${executionId}`);
    expect(execution.body).toMatchObject({ status: 'SUCCEEDED', result: first.body });
  });
});
