/** Twenty identical POSTs at once start exactly one training run, and all answers agree. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, smokeServerForFile } from './support.ts';

describe('concurrent identical requests', () => {
  const ctx = smokeServerForFile();

  it('start one execution and spawn one trainer process', async () => {
    // Act
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(ctx.server.url, 'POST', '/train/lstm', '{"skip_snapshot":true}')));
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((a) => a.body.execution_id));
    const versions = new Set(answers.map((a) => a.body.version));
    expect(ids.size).toBe(1);
    expect(versions.size).toBe(1);
    const executionId = String([...ids][0]);
    await ctx.server.workflow.waitFor(executionId);
    expect(ctx.server.workflow.trainers.spawned).toBe(1);
    const files = (await readdir(join(ctx.dataDir, 'executions'))).filter((f) => f.endsWith('.json'));
    expect(files).toEqual([`${executionId}.json`]);
  });
});
