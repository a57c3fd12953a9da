/**
 * A store and registry holding 100 versions of the six kinds, made cheaply (no training): registry
 * records through the registry's own claim/complete/fail and recorded moves of `current` (so the
 * promotion history holds every promotion), each version's files through
 * writeModelFiles (metadata.json with every file's sha256), promotion decisions, snapshot outcomes
 * and snapshots through the writers the runs use. Each version says by hand whether `mizan gc
 * --keep 3` must keep it and why: the test's oracle, written apart from the code it checks.
 *
 * The shape: forecaster promotion chains (current plus the last three made current stay); agent
 * fine-tune chains whose bases stay because a kept fine-tune names them, and doomed chains that must
 * go child first; an agent that read lstm's final model (that lstm version stays); FAILED versions
 * with half-written files; RUNNING runs (kept, and a running patchtst run keeps every patchtst
 * snapshot); a kind without any current; an lstm snapshot year no kept version names (it goes); a
 * model restored by `mizan pull` (files, no record: never touched).
 */
import { createHash } from 'node:crypto';
import type { ExecutionRecord } from '../../src/ports/execution-source.ts';
import type { ForecasterKind, ModelKind } from '../../src/config/model-kinds.ts';
import { isAgentKind, isForecasterKind } from '../../src/models/kinds.ts';
import { versionPrefix, writeModelFiles } from '../../src/models/artifacts/model-files.ts';
import { decisionKey, type PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import { putJson, type ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry, VersionStatus } from '../../src/ports/model-registry.ts';
import { writeSnapshotOutcome } from '../../src/snapshots/snapshot-outcomes.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';

export interface VersionSpec {
  kind: ModelKind;
  version: string;
  status: VersionStatus;
  /** Made current, in this order within its kind (the last one is current). */
  promoted: boolean;
  mode: 'full' | 'finetune';
  base?: string;
  /** Agents: the forecaster snapshot years the panel read; forecasters: the years the run recorded. */
  snapshotYears: string[];
  finalModel?: string;
  claimedAt: string;
  /** The oracle: what gc --keep 3 must do with it. */
  expect: 'keep' | 'delete';
}

export interface SnapshotSpec {
  kind: ForecasterKind;
  yearEnd: string;
  key: string;
  expect: 'keep' | 'delete';
}

export interface World {
  versions: VersionSpec[];
  snapshots: SnapshotSpec[];
  /** A model restored by `mizan pull`: files under models/lstm/{pulled}/ and no record. */
  pulled: string;
}

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-05T00:00:00.000Z');

export const versionOf = (kind: ModelKind, i: number) => `v2026.01.05-${createHash('sha256').update(`${kind}#${i}`).digest('hex').slice(0, 12)}`;
const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}-12-31`);

/** Per kind: how many versions, which are made current (in order), FAILED, RUNNING, and the agents' bases. */
interface KindPlan {
  kind: ModelKind;
  count: number;
  promoted: number[];
  failed: number[];
  running: number[];
  /** Fine-tunes: index → base index. */
  bases?: Record<number, number>;
  snapshotYears: (i: number) => string[];
  finalModel?: Record<number, string>;
  /** Beyond current and the last three made current: kept because something kept names them. */
  named?: number[];
}

function plans(): KindPlan[] {
  return [
    // lstm: l7 was made current long ago, but the kept agent ppo_lstm #15 read it as its final model.
    { kind: 'lstm', count: 30, promoted: [2, 7, 12, 18, 25], failed: [3, 9, 20], running: [], snapshotYears: (i) => (i === 2 ? years(2013, 2025) : i % 2 === 0 ? years(2015, 2025) : []), named: [7] },
    // patchtst: a run in progress (#14): all patchtst snapshots stay, the orphan 2012 year included.
    { kind: 'patchtst', count: 15, promoted: [1, 5, 10], failed: [3], running: [14], snapshotYears: (i) => (i === 1 ? years(2012, 2025) : years(2016, 2025)) },
    // ppo_lstm: current #22 ← #15 ← #9 ← #4 ← #0 (each fine-tuned from the one before: the old bases stay);
    // doomed fine-tunes #5 (of #4), #10 (of #9), and #11 of #10 (goes before its base).
    {
      kind: 'ppo_lstm',
      count: 25,
      promoted: [0, 4, 9, 15, 22],
      failed: [7, 19],
      running: [],
      bases: { 4: 0, 9: 4, 15: 9, 22: 15, 5: 4, 10: 9, 11: 10, 16: 15 },
      snapshotYears: (i) => (i === 15 ? [] : years(2014, 2025)),
      finalModel: { 15: versionOf('lstm', 7) },
      named: [0, 4],
    },
    { kind: 'ppo_patchtst', count: 10, promoted: [0, 3], failed: [5], running: [9], bases: { 9: 3, 4: 3 }, snapshotYears: () => years(2016, 2025) },
    // sac_lstm: #0 falls out of the last three; doomed #11 is a fine-tune of doomed #10.
    { kind: 'sac_lstm', count: 12, promoted: [0, 2, 5, 8], failed: [1], running: [], bases: { 11: 10 }, snapshotYears: () => years(2015, 2025) },
    // sac_patchtst: nothing ever made current: everything not running goes.
    { kind: 'sac_patchtst', count: 8, promoted: [], failed: [2, 6], running: [], snapshotYears: () => years(2016, 2025) },
  ];
}

/** The world as specs (no I/O): 100 versions and the snapshots, each with its expected fate. */
export function worldSpec(): World {
  const versions: VersionSpec[] = [];
  let hour = 0;
  for (const plan of plans()) {
    const lastThree = plan.promoted.slice(-3);
    for (let i = 0; i < plan.count; i++) {
      const status: VersionStatus = plan.failed.includes(i) ? 'FAILED' : plan.running.includes(i) ? 'RUNNING' : 'SUCCEEDED';
      const base = plan.bases?.[i];
      const kept = lastThree.includes(i) || status === 'RUNNING' || (plan.named ?? []).includes(i);
      versions.push({
        kind: plan.kind,
        version: versionOf(plan.kind, i),
        status,
        promoted: plan.promoted.includes(i),
        mode: base === undefined ? 'full' : 'finetune',
        ...(base === undefined ? {} : { base: versionOf(plan.kind, base) }),
        snapshotYears: status === 'SUCCEEDED' ? plan.snapshotYears(i) : [],
        ...(plan.finalModel?.[i] ? { finalModel: plan.finalModel[i] } : {}),
        claimedAt: new Date(T0 + hour++ * HOUR).toISOString(),
        expect: kept ? 'keep' : 'delete',
      });
    }
  }
  const snapshots: SnapshotSpec[] = [
    ...years(2013, 2025).map((yearEnd) => ({ kind: 'lstm' as const, yearEnd, key: snapshotKey('lstm', yearEnd), expect: yearEnd === '2013-12-31' ? ('delete' as const) : ('keep' as const) })),
    ...years(2012, 2025).map((yearEnd) => ({ kind: 'patchtst' as const, yearEnd, key: snapshotKey('patchtst', yearEnd), expect: 'keep' as const })),
  ];
  return { versions, snapshots, pulled: 'v2025.12.31-0000000000ff' };
}

const snapshotKey = (kind: string, yearEnd: string) => `s${yearEnd.replaceAll('-', '')}-${createHash('sha256').update(`${kind}@${yearEnd}`).digest('hex').slice(0, 16)}`;

/** Writes the world through the ports; `registryAt(t)` is a registry whose clock reads `t`. */
export async function buildWorld(world: World, deps: { store: ArtifactStore; registryAt: (at: Date) => ModelRegistry; writeExecution?: (record: ExecutionRecord) => Promise<void> }): Promise<void> {
  const currentOf = new Map<ModelKind, string>();
  for (const snapshot of world.snapshots) await writeSnapshot(snapshot, deps.store);
  for (const [i, v] of world.versions.entries()) {
    const claimed = new Date(v.claimedAt);
    const finished = new Date(claimed.getTime() + HOUR / 2);
    await deps.registryAt(claimed).claim(v.kind, v.version, v.version);
    const prefix = versionPrefix(v.kind, v.version);
    if (v.status === 'FAILED') {
      // Half-written, as a crashed trainer leaves it: files but no metadata.json.
      if (i % 2 === 0) await deps.store.put(`${prefix}/model.json`, '{"modelTopology": {"trunc');
      await deps.registryAt(finished).fail(v.kind, v.version, { error: 'TrainerFailed', cause: `injected for ${v.version}` });
    } else if (v.status === 'SUCCEEDED') {
      await writeModelFiles(deps.store, prefix, { 'model.json': text(`{"kind":"${v.kind}"}`), 'weights.bin': new Uint8Array(1000 + i * 7).fill(i % 251) }, metadataOf(v, finished));
      for (const yearEnd of isForecasterKind(v.kind) ? v.snapshotYears : []) {
        await writeSnapshotOutcome(deps.store, v.kind as ForecasterKind, v.version, { yearEnd, outcome: 'skipped', snapshotKey: snapshotKey(v.kind, yearEnd), lastTrainingWeekEnd: yearEnd, seconds: 0.1 });
      }
      const prior = currentOf.get(v.kind);
      const decisionReason = v.promoted ? 'better on the same weeks' : 'not better on the same weeks';
      const decision: PromotionOutcome = {
        promoted: v.promoted,
        prior_version: prior ?? null,
        reason: decisionReason,
        compared_on: prior ? 'same_test_weeks' : 'first_model',
      };
      if (v.promoted) {
        const move = { expected: prior, next: v.version, record: { trigger: 'automatic' as const, action: 'promote' as const, by: `run ${v.version}`, reason: decisionReason } };
        if (!(await deps.registryAt(finished).move(v.kind, move))) throw new Error(`world: promotion of ${v.kind} ${v.version} refused`);
        currentOf.set(v.kind, v.version);
      }
      await putJson(deps.store, decisionKey(v.kind, v.version), decision);
      await deps.registryAt(finished).complete(v.kind, v.version, {
        version: v.version,
        promoted: v.promoted,
        prior_version: prior ?? null,
        kind: v.kind,
        metrics: { test_loss: 0.003 },
        ...(isForecasterKind(v.kind) && v.snapshotYears.length > 0 ? { snapshots: v.snapshotYears.map((year_end) => ({ year_end, outcome: 'skipped' })) } : {}),
      });
    }
    await deps.writeExecution?.(executionOf(v, claimed, finished));
  }
  await writeModelFiles(deps.store, versionPrefix('lstm', world.pulled), { 'model.json': text('{}') }, { kind: 'lstm', version: world.pulled, created_at: '2025-12-31T00:00:00.000Z' });
}

function metadataOf(v: VersionSpec, finished: Date): Record<string, unknown> {
  const common = { kind: v.kind, version: v.version, mode: v.mode, profile: 'smoke', window: { start: '2016-01-04', end: '2022-12-30' }, metrics: { test_loss: 0.003 }, created_at: finished.toISOString() };
  if (!isAgentKind(v.kind)) return common;
  const forecaster = v.kind.split('_')[1] as ForecasterKind;
  return {
    ...common,
    config: { forecaster },
    base_version: v.base ?? null,
    snapshots_used: v.snapshotYears,
    forecaster_models: { kind: forecaster, snapshots: v.snapshotYears.map((yearEnd) => ({ yearEnd, key: snapshotKey(forecaster, yearEnd), files: '0'.repeat(16) })), ...(v.finalModel ? { finalModel: v.finalModel } : {}) },
  };
}

async function writeSnapshot(s: SnapshotSpec, store: ArtifactStore): Promise<void> {
  await writeModelFiles(store, snapshotPrefix(s.kind, s.yearEnd), { 'model.json': text('{}'), 'weights.bin': new Uint8Array(500).fill(7) }, {
    kind: s.kind,
    snapshot_key: s.key,
    year_end: s.yearEnd,
    training_data_end: s.yearEnd,
    last_training_week_end: s.yearEnd,
    window: { start: '2011-01-03', end: s.yearEnd },
    symbols: ['AAPL', 'MSFT'],
    config: { seed: 1 },
    config_hash: 'abcdefabcdef',
    seed: 1,
    metrics: { train_loss: 0.1, val_loss: 0.1, baseline_loss: 0.1 },
    made_by_version: 'v2025.12.31-000000000000',
    created_at: '2025-12-31T00:00:00.000Z',
  });
}

function executionOf(v: VersionSpec, claimed: Date, finished: Date): ExecutionRecord {
  const running = v.status === 'RUNNING';
  return {
    executionId: v.version,
    name: v.version,
    status: v.status,
    startedAt: claimed.toISOString(),
    ...(running ? {} : { stoppedAt: finished.toISOString() }),
    ...(v.status === 'FAILED' ? { error: 'TrainerFailed', cause: `injected for ${v.version}` } : {}),
    input: { plan: { kind: v.kind, version: v.version, mode: v.mode } },
    states: [],
    events: [],
  };
}

const text = (s: string) => new TextEncoder().encode(s);
