/**
 * `mizan gc` on a data dir with 100 versions (test/support/retention-world.ts): the dry run lists
 * exactly the versions and snapshots nothing needs, with their bytes, and changes nothing; the real
 * run deletes exactly those, every remaining reference resolves (walked), and so does every link of
 * the dashboard built from what remains; a second run finds nothing; bad input changes nothing.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../src/adapters/local-workflow/execution-store.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { main } from '../../src/cli/main.ts';
import { danglingReferences } from '../support/reference-walk.ts';
import { buildWorld, worldSpec, type World } from '../support/retention-world.ts';
import { expectLinksResolve } from '../support/static-site.ts';

const io = (out: string[] = [], err: string[] = []) => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} });

async function gc(dataDir: string, ...flags: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['gc', '--data-dir', dataDir, ...flags], io(out, err));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every file under the data dir with its size: what "nothing changed" compares. */
async function snapshotOfDir(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => join(e.parentPath, e.name).slice(dir.length)).sort();
}

describe('mizan gc on a data dir of 100 versions', () => {
  let sandbox: string;
  let template: string;
  const world: World = worldSpec();
  const doomed = world.versions.filter((v) => v.expect === 'delete');
  const doomedSnapshots = world.snapshots.filter((s) => s.expect === 'delete');

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-gc-'));
    template = join(sandbox, 'template');
    const executions = new ExecutionStore(template);
    await buildWorld(world, { store: new DirArtifactStore(template), registryAt: (at) => new LocalModelRegistry(template, { clock: () => at }), writeExecution: (r) => executions.write(r) });
  }, 120_000);

  afterAll(async () => {
    if (sandbox) await rm(sandbox, { recursive: true, force: true });
  });

  const freshCopy = async (name: string) => {
    const dir = join(sandbox, name);
    await cp(template, dir, { recursive: true, verbatimSymlinks: true });
    return dir;
  };

  it('builds the world it says: 100 versions, every reference resolving', async () => {
    expect(world.versions).toHaveLength(100);
    expect(doomed.length).toBeGreaterThan(40);
    expect(await danglingReferences({ store: new DirArtifactStore(template), registry: new LocalModelRegistry(template) })).toEqual([]);
  });

  it('--dry-run lists exactly the unreferenced versions and snapshots with the bytes they hold, and changes nothing', async () => {
    // Prepare
    const dataDir = await freshCopy('dry');
    const store = new DirArtifactStore(dataDir);
    const before = await snapshotOfDir(dataDir);
    let expectedBytes = 0;
    for (const v of doomed) for (const prefix of [`models/${v.kind}/${v.version}`, `runs/${v.kind}/${v.version}`]) for (const s of await store.listSizes(prefix)) expectedBytes += s.bytes;
    for (const s of doomedSnapshots) for (const size of await store.listSizes(`models/snapshots/${s.kind}/${s.yearEnd}`)) expectedBytes += size.bytes;

    // Act
    const { code, out } = await gc(dataDir, '--dry-run', '--json');
    const text = await gc(dataDir, '--dry-run');

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out) as { dry_run: boolean; would_delete: { versions: { kind: string; version: string }[]; snapshots: { kind: string; year_end: string }[]; bytes: number } };
    expect(report.dry_run).toBe(true);
    expect(report.would_delete.versions.map((v) => `${v.kind} ${v.version}`).sort()).toEqual(doomed.map((v) => `${v.kind} ${v.version}`).sort());
    expect(report.would_delete.snapshots.map((s) => `${s.kind} ${s.year_end}`)).toEqual(doomedSnapshots.map((s) => `${s.kind} ${s.yearEnd}`));
    expect(report.would_delete.bytes).toBe(expectedBytes);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`would delete ${doomed.length} version(s) and ${doomedSnapshots.length} snapshot(s) in ${dataDir}, freeing ${expectedBytes.toLocaleString('en-US')} bytes`);
    expect(text.out).toMatch(/ppo_lstm\s+v\S+\s+named by ppo_lstm v/); // why an old base stays
    expect(await snapshotOfDir(dataDir)).toEqual(before);
  });

  it('deletes exactly those; every remaining reference and dashboard link resolves; a second run finds nothing', async () => {
    // Prepare
    const dataDir = await freshCopy('real');
    const store = new DirArtifactStore(dataDir);
    const registry = new LocalModelRegistry(dataDir);

    // Act
    const { code, out } = await gc(dataDir, '--json');

    // Assess: what went
    expect(code).toBe(0);
    const report = JSON.parse(out) as { deleted: { versions: { kind: string; version: string }[]; snapshots: unknown[]; bytes: number } };
    expect(report.deleted.versions.map((v) => `${v.kind} ${v.version}`).sort()).toEqual(doomed.map((v) => `${v.kind} ${v.version}`).sort());
    expect(report.deleted.snapshots).toHaveLength(doomedSnapshots.length);
    for (const v of doomed) {
      expect(await registry.get(v.kind, v.version), `${v.kind} ${v.version}`).toBeUndefined();
      expect([...(await store.list(`models/${v.kind}/${v.version}`)), ...(await store.list(`runs/${v.kind}/${v.version}`))], `${v.kind} ${v.version}`).toEqual([]);
    }
    for (const s of doomedSnapshots) expect(await store.list(`models/snapshots/${s.kind}/${s.yearEnd}`)).toEqual([]);
    // What stayed: every kept version's record and files, every current, the pulled model, no tombstone.
    for (const v of world.versions.filter((x) => x.expect === 'keep')) expect((await registry.get(v.kind, v.version))?.status, `${v.kind} ${v.version}`).toBe(v.status);
    expect(await registry.current('lstm')).toBe(world.versions.find((v) => v.kind === 'lstm' && v.promoted && v.expect === 'keep' && v.version === world.versions.filter((x) => x.kind === 'lstm' && x.promoted).at(-1)!.version)!.version);
    expect(await store.exists(`models/lstm/${world.pulled}/metadata.json`)).toBe(true);
    expect(await store.list('gc')).toEqual([]);
    expect(await danglingReferences({ store, registry })).toEqual([]);
    const site = join(sandbox, 'site');
    expect(await main(['dashboard', '--out', site, '--data-dir', dataDir], io())).toBe(0);
    await expectLinksResolve(site);

    // A second run: nothing left to delete.
    const again = await gc(dataDir, '--json');
    expect(JSON.parse(again.out).deleted).toEqual({ versions: [], snapshots: [], bytes: 0 });
  });

  it('--keep 0 keeps only current, what kept versions name and running runs; --older-than spares what is younger', async () => {
    const dataDir = await freshCopy('keep0');
    const none = JSON.parse((await gc(dataDir, '--dry-run', '--json', '--older-than', '100000')).out) as { would_delete: { versions: unknown[]; snapshots: unknown[] } };
    expect(none.would_delete).toMatchObject({ versions: [], snapshots: [] });
    const keep0 = JSON.parse((await gc(dataDir, '--dry-run', '--json', '--keep', '0')).out) as { kept: { kind: string; version: string; why: string[] }[] };
    const kept = keep0.kept.map((k) => `${k.kind} ${k.version}`);
    const lstm = world.versions.filter((v) => v.kind === 'lstm' && v.promoted).map((v) => v.version);
    expect(kept).toContain(`lstm ${lstm.at(-1)}`);
    expect(kept).not.toContain(`lstm ${lstm.at(-2)}`);
    // ppo_lstm's current names its base, which names its own, down to the first full training.
    const chain = world.versions.filter((v) => v.kind === 'ppo_lstm' && v.promoted).map((v) => `ppo_lstm ${v.version}`);
    expect(kept).toEqual(expect.arrayContaining(chain));
  });

  it.each([
    [['--keep=-1'], /--keep "-1" is not a whole number/],
    [['--keep', 'three'], /--keep "three" is not a whole number/],
    [['--older-than', '1.5'], /--older-than "1.5" is not a whole number/],
    [['extra'], /usage: mizan gc/],
    [['--table', 'mizan-registry'], /--table goes with --bucket/],
    [['--bogus'], /unknown flag --bogus/],
  ])('refuses %j with exit 2, deleting nothing', async (flags, message) => {
    const dataDir = await freshCopy(`bad-${flags.join('')}`);
    const before = await snapshotOfDir(dataDir);
    const { code, err } = await gc(dataDir, ...flags);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(await snapshotOfDir(dataDir)).toEqual(before);
  });

  it('refuses a data dir that is not there, and a bucket without its table or region (exit 2)', async () => {
    const missing = await gc(join(sandbox, 'no-such-dir'));
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toMatch(/no data dir at/);
    const err: string[] = [];
    expect(await main(['gc', '--bucket', 'mizan-artifacts'], io([], err))).toBe(2);
    expect(err.join('\n')).toMatch(/a bucket goes with its registry table: --table NAME/);
    expect(await main(['gc', '--bucket', 'mizan-artifacts', '--table', 'mizan-registry'], io([], err))).toBe(2);
    expect(err.join('\n')).toMatch(/needs the stack's region/);
  });
});
