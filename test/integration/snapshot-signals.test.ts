/**
 * A PatchTST snapshot's key holds the signal rows it read up to its cutoff: news of other days before
 * the cutoff retrain it, news after the cutoff does not (like its prices).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFiles } from '../../src/models/artifacts/model-files.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import type { SignalProvider } from '../../src/ports/signals.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';
import { trainSnapshot } from '../../src/snapshots/train-snapshot.ts';
import { editedSignalProvider, gloomFrom } from '../support/edited-signals.ts';

const CUTOFF = '2020-12-31';
let deps: LocalDeps;
let plan: TrainingPlan;

const snapshot = (signals: SignalProvider) =>
  trainSnapshot(
    { plan, yearEnd: CUTOFF },
    { store: deps.store, marketData: deps.marketData, universe: deps.universe, signals, log: () => undefined, backend: 'wasm' },
  );

beforeAll(async () => {
  deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-snapshot-signals-')), 'data') });
  plan = await resolveTrainingPlan({ kind: 'patchtst', mode: 'full', profile: 'smoke' }, deps);
});

describe('the key of a snapshot that reads signals', () => {
  it('changes with the news read before the cutoff, not with news after it', async () => {
    // Act
    const bundled = await snapshot(deps.signals);
    const later = await snapshot(await editedSignalProvider('gloom from 2021', gloomFrom('2021-01-01')));
    const earlier = await snapshot(await editedSignalProvider('gloom from 2019', gloomFrom('2019-01-01')));
    // Assess
    expect(bundled.outcome).toBe('trained');
    expect(later).toMatchObject({ outcome: 'skipped', snapshotKey: bundled.snapshotKey });
    expect(earlier).toMatchObject({ outcome: 'replaced', replacedKey: bundled.snapshotKey });
    expect(earlier.snapshotKey).not.toBe(bundled.snapshotKey);
    const stored = await readModelFiles(deps.store, snapshotPrefix('patchtst', CUTOFF));
    expect(stored!.metadata.signal_fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
