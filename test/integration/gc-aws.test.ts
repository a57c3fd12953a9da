/**
 * `mizan gc --bucket … --table …`: the same 100 versions (test/support/retention-world.ts) in s3rver
 * and dynalite, through the S3 and DynamoDB adapters: the dry run lists exactly what nothing needs;
 * a gc that fails half-way (its 40th change refused) leaves no reference dangling; the next one
 * finishes its deletion and deletes the rest, every remaining reference resolving.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { S3ArtifactStore } from '../../src/adapters/aws/s3-artifact-store.ts';
import { main } from '../../src/cli/main.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import { collectGarbage } from '../../src/retention/collect-garbage.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { danglingReferences } from '../support/reference-walk.ts';
import { buildWorld, worldSpec } from '../support/retention-world.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';

const PREFIX = 'mizan';
const world = worldSpec();
const doomed = world.versions.filter((v) => v.expect === 'delete').map((v) => `${v.kind} ${v.version}`).sort();

describe('mizan gc on a bucket and table', () => {
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  let sandbox: string;
  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-gc-aws-'));
    [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  }, 60_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([s3?.stop(), dynamo?.stop()]);
    if (sandbox) await rm(sandbox, { recursive: true, force: true });
  });

  async function deployment(name: string): Promise<{ store: S3ArtifactStore; registry: DynamoModelRegistry; flags: string[] }> {
    await Promise.all([s3.createBucket(name), dynamo.createRegistryTable(name)]);
    const store = new S3ArtifactStore(s3.client(), name, PREFIX);
    await buildWorld(world, { store, registryAt: (at) => new DynamoModelRegistry(dynamo.client(), name, { clock: () => at }) });
    return { store, registry: new DynamoModelRegistry(dynamo.client(), name), flags: ['--bucket', name, '--table', name, '--bucket-prefix', PREFIX, '--region', 'us-east-1'] };
  }

  const gc = async (flags: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['gc', '--json', ...flags], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
    expect(code, err.join('\n')).toBe(0);
    return JSON.parse(out.join('\n')) as Record<string, { versions: { kind: string; version: string }[]; snapshots: { kind: string; year_end: string }[] }>;
  };

  it('lists exactly the unreferenced versions; a gc failing half-way leaves nothing dangling; the next deletes the rest', async () => {
    // Prepare
    const { store, registry, flags } = await deployment('mizan-gc');
    const before = await store.list('');

    // Act + Assess: the dry run lists exactly what nothing needs, and changes nothing
    const dry = await gc(['--dry-run', ...flags]);
    expect(dry.would_delete.versions.map((v) => `${v.kind} ${v.version}`).sort()).toEqual(doomed);
    expect(dry.would_delete.snapshots.map((s) => `${s.kind} ${s.year_end}`)).toEqual(['lstm 2013-12-31']);
    expect(await store.list('')).toEqual(before);

    // Act: a gc whose store refuses every change from the 40th on, as a lost connection would
    let changes = 0;
    const failing = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (!['put', 'delete', 'deletePrefix'].includes(String(name))) return value.bind(target);
        return async (...args: unknown[]) => {
          if (++changes >= 40) throw new Error('injected: the connection was lost');
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    }) as ArtifactStore;
    await expect(collectGarbage({ keep: 3, olderThanDays: 0, now: new Date(), dryRun: false }, { store: failing, registry })).rejects.toThrow(/connection was lost/);

    // Assess: consistent half-way, with the deletion it was in the middle of left as a tombstone
    expect(await danglingReferences({ store, registry })).toEqual([]);
    expect((await store.list('gc/pending')).length).toBe(1);

    // Act + Assess: `mizan gc --bucket …` finishes it and deletes the rest
    const real = await gc(flags);
    expect(real.pending.versions).toHaveLength(1);
    for (const v of world.versions) expect(await registry.get(v.kind, v.version), `${v.kind} ${v.version}`).toEqual(v.expect === 'keep' ? expect.anything() : undefined);
    for (const v of world.versions.filter((x) => x.expect === 'delete')) expect(await store.list(`models/${v.kind}/${v.version}`), `${v.kind} ${v.version}`).toEqual([]);
    expect(await store.list('models/snapshots/lstm/2013-12-31')).toEqual([]);
    expect(await store.list('gc')).toEqual([]);
    expect(await danglingReferences({ store, registry })).toEqual([]);
    expect((await gc(flags)).deleted.versions).toEqual([]);
  }, 240_000);
});
