/**
 * A gc killed at any point leaves no dangling reference, and the next gc finishes its work: `mizan gc`
 * runs in a child process that kills itself (SIGKILL) after its K-th change, for K at every step of
 * the first version's deletion, across later versions and in the snapshots' deletion at the end.
 * After each kill every reference and dashboard link resolves; then `mizan gc` ends with exactly the
 * state of an uninterrupted run.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../src/adapters/local-workflow/execution-store.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { main } from '../../src/cli/main.ts';
import { danglingReferences } from '../support/reference-walk.ts';
import { buildWorld, worldSpec } from '../support/retention-world.ts';
import { expectLinksResolve } from '../support/static-site.ts';

const run = promisify(execFile);
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const ENTRY = fileURLToPath(new URL('../support/gc-crash-entry.ts', import.meta.url));
const quiet = { stdout: () => undefined, stderr: () => undefined, env: {} };

/** Runs the crashing gc; resolves with the signal that ended it (null: it finished) and what it printed. */
async function crashingGc(dataDir: string, killAfter: number): Promise<{ signal: string | null; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [RUN_TS, ENTRY, dataDir, String(killAfter)]);
    return { signal: null, out: stdout };
  } catch (error) {
    const e = error as { signal?: string; stderr?: string };
    if (e.signal !== 'SIGKILL') throw new Error(`gc child failed: ${e.stderr}`);
    return { signal: e.signal, out: '' };
  }
}

/** Records, files (with sizes) and pointers: the state two runs must agree on. */
async function state(dataDir: string): Promise<string[]> {
  const store = new DirArtifactStore(dataDir);
  return (await store.listSizes('')).filter((s) => !s.key.startsWith('executions/')).map((s) => `${s.key} ${s.bytes}`);
}

describe('gc killed at any point', () => {
  let sandbox: string;
  let template: string;
  let finished: string[];
  let totalChanges: number;

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-gc-crash-'));
    template = join(sandbox, 'template');
    const executions = new ExecutionStore(template);
    await buildWorld(worldSpec(), { store: new DirArtifactStore(template), registryAt: (at) => new LocalModelRegistry(template, { clock: () => at }), writeExecution: (r) => executions.write(r) });
    // The uninterrupted run, through the crash entry with no crash: its changes counted, its end state kept.
    const whole = join(sandbox, 'whole');
    await cp(template, whole, { recursive: true, verbatimSymlinks: true });
    const { signal, out } = await crashingGc(whole, Number.MAX_SAFE_INTEGER);
    expect(signal).toBeNull();
    totalChanges = (JSON.parse(out) as { changes: number }).changes;
    finished = await state(whole);
  }, 180_000);

  afterAll(async () => {
    if (sandbox) await rm(sandbox, { recursive: true, force: true });
  });

  it('makes changes in six steps per version (tombstone, record, commit marker, files, run records, tombstone)', () => {
    expect(totalChanges).toBeGreaterThan(6 * 50);
  });

  // 1–6: each step of the first version; 200: mid-way; the last two: inside the snapshot's deletion.
  const points = () => [1, 2, 3, 4, 5, 6, 200, totalChanges - 2, totalChanges - 1];
  it('leaves every reference resolving after each kill, and the next gc finishes with the uninterrupted state', async () => {
    for (const [i, killAfter] of points().entries()) {
      const dataDir = join(sandbox, `crash-${i}`);
      await cp(template, dataDir, { recursive: true, verbatimSymlinks: true });
      const deps = { store: new DirArtifactStore(dataDir), registry: new LocalModelRegistry(dataDir) };

      const { signal } = await crashingGc(dataDir, killAfter);
      expect(signal, `killed after change ${killAfter}`).toBe('SIGKILL');
      expect(await danglingReferences(deps), `after a kill at change ${killAfter}`).toEqual([]);
      const site = join(sandbox, `site-${i}`);
      expect(await main(['dashboard', '--out', site, '--data-dir', dataDir], quiet)).toBe(0);
      await expectLinksResolve(site);

      expect(await main(['gc', '--data-dir', dataDir], quiet)).toBe(0);
      expect(await state(dataDir), `the gc after a kill at change ${killAfter}`).toEqual(finished);
      expect(await danglingReferences(deps)).toEqual([]);
    }
  }, 300_000);
});
