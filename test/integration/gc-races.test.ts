/**
 * gc beside runs that start while it works: a version claimed again after the decision keeps its
 * record and files; a run that reads a forecaster's snapshots, started during the gc, keeps them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { collectGarbage } from '../../src/retention/collect-garbage.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';

const CURRENT = 'v2026.01.05-aaaaaaaaaaaa';
const OLD = 'v2026.01.04-bbbbbbbbbbbb';
const AGENT = 'v2026.01.06-cccccccccccc';
const bytes = (s: string) => new TextEncoder().encode(s);

describe('gc beside runs starting', () => {
  let dataDir: string;
  let store: DirArtifactStore;
  let registry: LocalModelRegistry;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-gc-races-'));
    store = new DirArtifactStore(dataDir);
    registry = new LocalModelRegistry(dataDir);
    for (const version of [OLD, CURRENT]) {
      await registry.claim('lstm', version, version);
      await writeModelFiles(store, versionPrefix('lstm', version), { 'model.json': bytes('{}') }, { kind: 'lstm', version });
      await registry.complete('lstm', version, { promoted: version === CURRENT });
    }
    await registry.promote('lstm', undefined, CURRENT);
    // A snapshot year no version names: the gc would delete it.
    await writeModelFiles(store, snapshotPrefix('lstm', '2013-12-31'), { 'model.json': bytes('{}') }, { kind: 'lstm', snapshot_key: 's2013', year_end: '2013-12-31' });
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  /** The registry, with `during` run once, just before gc removes the first record. */
  const withRace = (during: () => Promise<void>): ModelRegistry => {
    let ran = false;
    return new Proxy(registry, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (name !== 'remove') return value.bind(target);
        return async (...args: unknown[]) => {
          if (!ran) {
            ran = true;
            await during();
          }
          return (value as (...a: unknown[]) => Promise<boolean>).apply(target, args);
        };
      },
    });
  };

  it('leaves a version claimed again after the decision, and its files', async () => {
    // A retry reclaims OLD (as a reopen would) between the decision and the deletion.
    const racing = withRace(async () => {
      await registry.claim('lstm', OLD, `${OLD}-retry2`, { reopenSucceeded: true });
    });
    const report = await collectGarbage({ keep: 0, olderThanDays: 0, now: new Date(), dryRun: false }, { store, registry: racing });
    expect(report.deleted.versions).toEqual([]);
    expect(report.skipped).toContainEqual({ kind: 'lstm', name: OLD, why: 'its record changed since the decision (claimed again)' });
    expect(await registry.get('lstm', OLD)).toMatchObject({ status: 'RUNNING', executionId: `${OLD}-retry2` });
    expect(await store.exists(`${versionPrefix('lstm', OLD)}/metadata.json`)).toBe(true);
    expect(await store.list('gc')).toEqual([]);
  });

  it('keeps the snapshots of a forecaster an agent run started reading during the gc', async () => {
    const racing = withRace(async () => {
      await registry.claim('ppo_lstm', AGENT, AGENT);
    });
    const report = await collectGarbage({ keep: 0, olderThanDays: 0, now: new Date(), dryRun: false }, { store, registry: racing });
    expect(report.deleted.versions.map((v) => v.version)).toEqual([OLD]);
    expect(report.skipped).toContainEqual({ kind: 'lstm', name: '2013-12-31', why: 'a run that reads lstm snapshots started during this gc' });
    expect(await store.exists(`${snapshotPrefix('lstm', '2013-12-31')}/metadata.json`)).toBe(true);
    // Once it has ended, the next gc deletes it.
    await registry.fail('ppo_lstm', AGENT, { error: 'E', cause: 'done' });
    const next = await collectGarbage({ keep: 0, olderThanDays: 0, now: new Date(), dryRun: false }, { store, registry });
    expect(next.deleted.snapshots.map((s) => s.yearEnd)).toEqual(['2013-12-31']);
  });
});
