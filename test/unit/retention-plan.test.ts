/** The retention decision on small inventories: what stays and why, and the order deletions come in. */
import { describe, expect, it } from 'vitest';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import type { VersionStatus } from '../../src/ports/model-registry.ts';
import type { Inventory, SnapshotFacts, VersionFacts } from '../../src/retention/inventory.ts';
import { fromHistory, promotedNewestFirst } from '../../src/retention/promotion-order.ts';
import { versionReferences } from '../../src/retention/references.ts';
import { planRetention } from '../../src/retention/retention-plan.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
const v = (kind: ModelKind, n: number, at: string, status: VersionStatus = 'SUCCEEDED', metadata: unknown = {}, years: string[] = []): VersionFacts => ({
  kind,
  version: `v2026.01.05-${String(n).padStart(12, '0')}`,
  status,
  executionId: `exec-${n}`,
  at,
  bytes: 100 * n,
  files: 2,
  references: versionReferences(kind, metadata, years),
});
const snap = (yearEnd: string, createdAt: string | null = '2025-01-01T00:00:00Z'): SnapshotFacts => ({ kind: 'lstm', yearEnd, key: `s-${yearEnd}`, createdAt, bytes: 10, files: 2 });
const name = (x: { kind: string; version: string }) => `${x.kind} ${x.version.slice(-2)}`;

describe('planRetention', () => {
  it('deletes a doomed fine-tune before its doomed base, and an agent before the forecaster model it read', () => {
    const l1 = v('lstm', 1, '2026-01-01T00:00:00Z');
    const l2 = v('lstm', 2, '2026-01-02T00:00:00Z');
    const p3 = v('ppo_lstm', 3, '2026-01-03T00:00:00Z', 'SUCCEEDED', { forecaster_models: { kind: 'lstm', snapshots: [], finalModel: l1.version } });
    const p4 = v('ppo_lstm', 4, '2026-01-04T00:00:00Z', 'SUCCEEDED', { base_version: p3.version });
    const p5 = v('ppo_lstm', 5, '2026-01-01T00:00:00Z', 'SUCCEEDED', { base_version: p4.version }); // claimed "earlier": order must come from names, not time
    const inventory: Inventory = {
      kinds: [
        { kind: 'lstm', current: l2.version, promoted: [l2.version], versions: [l1, l2] },
        { kind: 'ppo_lstm', current: undefined, promoted: [], versions: [p3, p4, p5] },
      ],
      snapshots: [],
    };
    const plan = planRetention(inventory, { keep: 0, olderThanDays: 0, now: NOW });
    expect(plan.versions.map(name)).toEqual(['ppo_lstm 05', 'ppo_lstm 04', 'ppo_lstm 03', 'lstm 01']);
    expect(plan.bytes).toBe(500 + 400 + 300 + 100);
    expect(plan.kept).toEqual([{ kind: 'lstm', version: l2.version, why: ['current'] }]);
  });

  it('keeps what is younger than --older-than, snapshots too (one without a date as well), and a running agent\'s forecaster snapshots', () => {
    const old = v('lstm', 1, '2026-01-01T00:00:00Z');
    const young = v('lstm', 2, '2026-02-25T00:00:00Z');
    const inventory: Inventory = { kinds: [{ kind: 'lstm', current: undefined, promoted: [], versions: [old, young] }], snapshots: [snap('2014-12-31'), snap('2015-12-31', '2026-02-28T00:00:00Z'), snap('2016-12-31', null)] };
    const plan = planRetention(inventory, { keep: 3, olderThanDays: 30, now: NOW });
    expect(plan.versions.map(name)).toEqual(['lstm 01']);
    expect(plan.kept.map((k) => [name(k), k.why])).toEqual([['lstm 02', ['newer than 30 days']]]);
    expect(plan.snapshots.map((s) => s.yearEnd)).toEqual(['2014-12-31']);

    const running = v('sac_lstm', 3, '2026-01-01T00:00:00Z', 'RUNNING');
    const withRun = planRetention({ ...inventory, kinds: [...inventory.kinds, { kind: 'sac_lstm', current: undefined, promoted: [], versions: [running] }] }, { keep: 3, olderThanDays: 0, now: NOW });
    expect(withRun.snapshots).toEqual([]);
    expect(withRun.keptSnapshots[0].why).toEqual([`sac_lstm ${running.version} is RUNNING`]);
  });
});

describe('what a version names, and the promotion order', () => {
  it('reads an agent\'s base, snapshots and final model, a forecaster\'s years, and nothing from a damaged file', () => {
    expect(versionReferences('ppo_patchtst', { base_version: 'v2026.01.05-aaaaaaaaaaaa', snapshots_used: ['2019-12-31'], forecaster_models: { kind: 'patchtst', snapshots: [{ yearEnd: '2020-12-31' }] } })).toEqual({
      versions: [{ kind: 'ppo_patchtst', version: 'v2026.01.05-aaaaaaaaaaaa' }],
      snapshots: [
        { kind: 'patchtst', yearEnd: '2019-12-31' },
        { kind: 'patchtst', yearEnd: '2020-12-31' },
      ],
    });
    expect(versionReferences('lstm', null, ['2019-12-31', 'junk'])).toEqual({ versions: [], snapshots: [{ kind: 'lstm', yearEnd: '2019-12-31' }] });
    expect(versionReferences('sac_lstm', { base_version: '../../etc', snapshots_used: 'all', forecaster_models: { finalModel: 42 } })).toEqual({ versions: [], snapshots: [] });
  });

  it('orders the versions made current, newest first: from the runs\' records, or from a promotion history', () => {
    const record = (version: string, finishedAt: string, promoted: boolean) => ({ kind: 'lstm' as const, version, status: 'SUCCEEDED' as const, executionId: version, claimedAt: finishedAt, finishedAt, response: { promoted } });
    expect(promotedNewestFirst([record('v1', '2026-01-01', true), record('v2', '2026-01-03', false), record('v3', '2026-01-02', true)])).toEqual(['v3', 'v1']);
    expect(fromHistory([{ to: 'a' }, { to: 'b' }, { to: 'a' }, { to: null }, { to: 'c' }])).toEqual(['c', 'a', 'b']);
  });
});
