/**
 * What a runner removes when it opens (src/adapters/local/data-dir-sweep.ts): what a process that
 * stopped mid-run left (temps, a lock, a reserve, a version dir without metadata.json of a FAILED
 * run), each kind in one line; what a live process is using, or a run still RUNNING, stays.
 */
import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDataDir } from '../../src/adapters/local/data-dir-invariants.ts';
import { sweepDataDir } from '../../src/adapters/local/data-dir-sweep.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';

const FAILED = 'v2026.01.05-abc123def456';
const RUNNING = 'v2026.01.12-fedcba654321';
const exists = (path: string) => lstat(path).then(() => true, () => false);

describe('the sweep when a runner opens', () => {
  it('removes what a process that is gone left behind, says so, and leaves a live run alone', async () => {
    // Prepare: a FAILED version with a partial dir and a stale reserve, a RUNNING one with its partial
    // dir and reserve, temps of a dead and of a live writer, a lock of a dead holder.
    const dataDir = await mkdtemp(join(tmpdir(), 'mizan-sweep-'));
    const registry = new LocalModelRegistry(dataDir);
    await registry.claim('lstm', FAILED, 'exec-1');
    await registry.fail('lstm', FAILED, { error: 'E', cause: 'c' });
    await writeFile(join(dataDir, 'registry', 'lstm', `.${FAILED}.json.reserve`), '{}'); // left by a process killed in fail()
    await registry.claim('lstm', RUNNING, 'exec-2');
    for (const version of [FAILED, RUNNING]) {
      await mkdir(join(dataDir, 'models', 'lstm', version), { recursive: true });
      await writeFile(join(dataDir, 'models', 'lstm', version, 'model.json'), '{}');
    }
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await mkdir(join(dataDir, 'executions'), { recursive: true });
    await writeFile(join(dataDir, 'executions', `.x.json.tmp-${dead}-1`), '{');
    await writeFile(join(dataDir, 'models', 'lstm', RUNNING, `.weights.bin.mizan-tmp-${dead}-2`), 'x');
    await writeFile(join(dataDir, 'executions', `.y.json.tmp-${process.ppid}-3`), '{'); // a live writer's
    await mkdir(join(dataDir, 'registry', 'lstm', '.locks'), { recursive: true });
    await symlink(`${dead}@${hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 24)}@${Date.now()}@1`, join(dataDir, 'registry', 'lstm', '.locks', 'current.lock'));
    const lines: string[] = [];
    // Act
    await sweepDataDir(dataDir, (line) => void lines.push(line));
    // Assess
    expect(lines).toEqual([
      `mizan: removed 2 temp file(s) under ${dataDir} left by a process that stopped mid-write`,
      expect.stringMatching(/^mizan: removed the lock .*current\.lock: its holder \(pid \d+\) is gone$/),
      `mizan: removed ${join(dataDir, 'models', 'lstm', FAILED)}: its run failed before the model was complete`,
    ]);
    expect(await exists(join(dataDir, 'models', 'lstm', FAILED))).toBe(false);
    expect(await readdir(join(dataDir, 'models', 'lstm', RUNNING))).toEqual(['model.json']);
    expect(await exists(join(dataDir, 'executions', `.y.json.tmp-${process.ppid}-3`))).toBe(true);
    expect((await readdir(join(dataDir, 'registry', 'lstm'))).sort()).toEqual(['.locks', `.${RUNNING}.json.reserve`, `${FAILED}.json`, `${RUNNING}.json`]);
    const check = await checkDataDir(dataDir);
    expect(check.violations).toEqual([
      `lstm ${RUNNING} is RUNNING, but nothing runs`,
      `models/lstm/${RUNNING} has no metadata.json but its record is RUNNING`,
      `temp file executions/.y.json.tmp-${process.ppid}-3 is left behind`,
    ]);
  });
});
