/**
 * Bad usage and bad input at the CLI, run as a user would (the real `bin/mizan.mjs` process):
 * exit code 2, one line on stderr naming the valid choices, nothing on stdout, and nothing written:
 * a data dir holding a trained model is left exactly as it was (names, sizes, mtimes, `current`).
 * (test/unit/cli-bad-input.test.ts runs the same cases in-process against a data dir that does
 * not exist yet, which must not be created.)
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import { BAD_INPUTS } from '../support/cli-bad-inputs.ts';
import { inBatches, listTree, runCli, type CliRun } from './cli-support.ts';

/** A data dir as a trained LSTM leaves it: a committed version, its registry record, `current`. */
async function trainedDataDir(root: string): Promise<string> {
  const dataDir = join(root, 'data');
  const version = 'v2022.12.30-0123456789ab';
  const registry = new LocalModelRegistry(dataDir);
  await registry.claim('lstm', version, version);
  await writeModelFiles(new DirArtifactStore(dataDir), versionPrefix('lstm', version), { 'model.json': new TextEncoder().encode('{}'), 'weights.bin': new Uint8Array([1, 2, 3]) }, {
    kind: 'lstm',
    version,
    metrics: { train_loss: 0.1, val_loss: 0.2, baseline_loss: 0.3 },
  });
  await registry.complete('lstm', version, { version, promoted: true, prior_version: null });
  await registry.promote('lstm', undefined, version);
  return dataDir;
}

describe('mizan with bad usage or bad input', () => {
  const outcomes = new Map<string, { run: CliRun; before: string[]; after: string[] }>();
  let cwd: string;

  beforeAll(async () => {
    // Prepare: each case gets its own trained data dir, so a write is pinned on the case that made it.
    cwd = await mkdtemp(join(tmpdir(), 'mizan-cli-cwd-'));
    const jobs = await Promise.all(
      BAD_INPUTS.map(async (testCase) => {
        const dataDir = await trainedDataDir(await mkdtemp(join(tmpdir(), 'mizan-cli-bad-')));
        const before = await listTree(dataDir);
        return async () => {
          const run = await runCli([...testCase.args, '--data-dir', dataDir], cwd);
          outcomes.set(testCase.name, { run, before, after: await listTree(dataDir) });
        };
      }),
    );
    // Act: two processes at a time (two cores).
    await inBatches(jobs, 2);
  });

  it.each(BAD_INPUTS.map((c) => [c.name, c] as const))('%s: exit 2, one line naming the valid choices, data dir untouched', (name, testCase) => {
    const { run, before, after } = outcomes.get(name)!;
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^mizan( \w+)?: /);
    expect(lines[0]).toMatch(testCase.message);
    expect(after).toEqual(before);
  });

  it('creates no ./data when no data dir is given either', async () => {
    // Act
    const run = await runCli(['train', 'lstm', '--profile', 'smoke', '--end', '2024-02-30'], cwd);
    // Assess
    expect(run.code).toBe(2);
    expect(await listTree(join(cwd, 'data'))).toEqual(['<absent>']);
  });
});
