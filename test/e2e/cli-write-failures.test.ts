/**
 * A full or read-only data dir (writes refused with ENOSPC, EACCES, EROFS, injected by the
 * test/support/fail-writes.mjs preload into the CLI and, through NODE_OPTIONS, its trainer):
 * exit 1 with one line naming the data dir and the cause, no stack trace, nothing committed,
 * `current` intact; the same command succeeds once the writes work again.
 */
import { mkdtemp, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTree, runCli } from './cli-support.ts';
import { committedVersions } from './support.ts';

const FAIL_WRITES = fileURLToPath(new URL('../support/fail-writes.mjs', import.meta.url));
const CAUSES = { ENOSPC: 'no space left on device', EACCES: 'permission denied', EROFS: 'read-only file system' } as const;
type Code = keyof typeof CAUSES;

const failingWrites = (under: string, code: Code) => ({ NODE_OPTIONS: `--import=${FAIL_WRITES}`, MIZAN_FAIL_WRITES_UNDER: under, MIZAN_FAIL_WRITES_CODE: code });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('mizan train on a data dir that refuses writes', () => {
  let cwd: string;
  let dataDir: string;
  let firstVersion: string;
  // A second version (another window end), so that a failed run has a `current` to leave alone.
  const secondRun = () => ['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--end', '2022-09-30', '--data-dir', dataDir];
  const current = () => readlink(join(dataDir, 'models', 'lstm', 'current'));

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mizan-cli-cwd-'));
    dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-cli-full-')), 'data');
    const first = await runCli(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir], cwd);
    expect(first.code, first.stderr).toBe(0);
    firstVersion = (JSON.parse(first.stdout) as { version: string }).version;
  });

  for (const code of Object.keys(CAUSES) as Code[]) {
    it(`${code} on every write: exit 1, one line naming the data dir, nothing written`, async () => {
      // Prepare
      const before = await listTree(dataDir);
      // Act
      const run = await runCli(secondRun(), cwd, failingWrites(dataDir, code));
      // Assess
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toEqual([`mizan: cannot write to ${dataDir}: ${CAUSES[code]} (${code})`]);
      expect(await listTree(dataDir)).toEqual(before);
      expect(await current()).toBe(firstVersion);
    });

    it(`${code} on the trainer's model files: exit 1 with the cause in one line, no new version committed, current intact`, async () => {
      // Act
      const run = await runCli(secondRun(), cwd, failingWrites(join(dataDir, 'models'), code));
      // Assess
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      const failure = new RegExp(`^training failed: States\\.TaskFailed: cannot write to ${escape(dataDir)}: ${CAUSES[code]} \\(${code}\\)`);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(failure);
      expect(run.stderr).not.toMatch(/^\s+at /m); // no stack trace
      expect(await committedVersions(dataDir, 'lstm')).toEqual([firstVersion]);
      expect(await current()).toBe(firstVersion);
    });
  }

  it('succeeds with the same command once the writes work again', async () => {
    // Act
    const run = await runCli(secondRun(), cwd);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const response = JSON.parse(run.stdout) as { version: string; promoted: boolean };
    expect(response.version).toMatch(/^v2022\.09\.30-/);
    expect((await committedVersions(dataDir, 'lstm')).sort()).toEqual([firstVersion, response.version].sort());
    expect(await current()).toBe(response.promoted ? response.version : firstVersion);
  });
});
