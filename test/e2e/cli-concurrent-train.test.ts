/** Two `mizan train` processes asked for the same version at once: one trains, the other waits for it and prints the same result. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-support.ts';

describe('mizan train, twice at once on one data dir', () => {
  it('trains once; the other process waits for that run and answers its result', async () => {
    // Prepare
    const cwd = await mkdtemp(join(tmpdir(), 'mizan-cli-twice-cwd-'));
    const dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-cli-twice-')), 'data');
    const args = ['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir];
    // Act
    const [one, second] = await Promise.all([runCli(args, cwd), runCli(args, cwd)]);
    // Assess
    expect(one.code, one.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(one.stdout));
    // One claimed and trained; the other found the claim and waited for that run (a smoke run takes ~10 s).
    expect([one.stderr, second.stderr].filter((err) => /already running, waiting for it/.test(err))).toHaveLength(1);
  }, 120_000);
});
