/**
 * gc reads the promotion history (src/retention/read-inventory.ts): a version a person made current,
 * which no run's record names as promoted, counts among the last N.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { collectGarbage } from '../../src/retention/collect-garbage.ts';

const FIRST = 'v2026.01.04-aaaaaaaaaaaa';
const MANUAL = 'v2026.01.05-bbbbbbbbbbbb';
const LATEST = 'v2026.01.06-cccccccccccc';

describe('gc with a promotion history', () => {
  let dataDir: string;
  let store: DirArtifactStore;
  let registry: LocalModelRegistry;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-gc-history-'));
    store = new DirArtifactStore(dataDir);
    registry = new LocalModelRegistry(dataDir);
    for (const version of [FIRST, MANUAL, LATEST]) {
      await registry.claim('lstm', version, version);
      await writeModelFiles(store, versionPrefix('lstm', version), { 'model.json': new TextEncoder().encode('{}') }, { kind: 'lstm', version });
      // The runs promoted FIRST and LATEST; a person made MANUAL current in between.
      await registry.complete('lstm', version, { promoted: version !== MANUAL });
    }
    await registry.promote('lstm', undefined, LATEST);
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  const plan = async (history?: { to: string | null }[]) => {
    const withHistory = history ? Object.assign(Object.create(registry) as LocalModelRegistry, { history: async (_kind: ModelKind) => history }) : registry;
    const report = await collectGarbage({ keep: 2, olderThanDays: 0, now: new Date(), dryRun: true }, { store, registry: withHistory });
    return report.plan.kept.filter((k) => k.kind === 'lstm').map((k) => [k.version, k.why]).sort();
  };

  it('keeps the last N the history names, manual moves included, beside those the runs\' records name', async () => {
    expect(await plan()).toEqual([
      [FIRST, ['among the last 2 made current']],
      [LATEST, ['current', 'among the last 2 made current']],
    ]);
    expect(await plan([{ to: FIRST }, { to: MANUAL }, { to: LATEST }])).toEqual([
      [MANUAL, ['among the last 2 made current']],
      [LATEST, ['current', 'among the last 2 made current']],
    ]);
  });
});
