/**
 * A hundred identical POSTs at once start exactly one training run, and all answers agree. Checked
 * where a double start would show, not only in the answers (the local workflow folds starts of one
 * execution name into one, which would hide a registry claim that let every request win): the
 * workflow is asked to start once, the registry holds one record, the execution store one file.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { call, smokeServerForFile } from './support.ts';

const REQUESTS = 100;

describe('concurrent identical requests', () => {
  const ctx = smokeServerForFile();

  it(`${REQUESTS} POSTs (skip_snapshot in the body or the query) claim once, start one execution and spawn one trainer process`, async () => {
    // Prepare: count the starts the API asks of the workflow (each follows a won claim).
    const workflow = ctx.server.workflow;
    const startOnce = workflow.start.bind(workflow);
    const starts: string[] = [];
    workflow.start = async (name, input) => {
      starts.push(name);
      return startOnce(name, input);
    };

    // Act
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        i % 2 === 0 ? call(ctx.server.url, 'POST', '/train/lstm', '{"skip_snapshot":true}') : call(ctx.server.url, 'POST', '/train/lstm?skip_snapshot=true', ''),
      ),
    );

    // Assess: the answers agree.
    expect(answers.map((a) => a.status)).toEqual(Array(REQUESTS).fill(202));
    const ids = new Set(answers.map((a) => a.body.execution_id));
    const versions = new Set(answers.map((a) => a.body.version));
    expect(ids.size).toBe(1);
    expect(versions.size).toBe(1);
    const executionId = String([...ids][0]);
    // One claim won: one start asked of the workflow, one registry record naming that execution.
    expect(starts).toEqual([executionId]);
    const records = await new LocalModelRegistry(ctx.dataDir).list('lstm');
    expect(records).toEqual([expect.objectContaining({ version: [...versions][0], executionId })]);
    // One execution, one trainer process.
    await workflow.waitFor(executionId);
    expect(workflow.trainers.spawned).toBe(1);
    const files = (await readdir(join(ctx.dataDir, 'executions'))).filter((f) => f.endsWith('.json'));
    expect(files).toEqual([`${executionId}.json`]);
    expect(await new LocalModelRegistry(ctx.dataDir).get('lstm', String([...versions][0]))).toMatchObject({ status: 'SUCCEEDED', executionId });
  });
});
