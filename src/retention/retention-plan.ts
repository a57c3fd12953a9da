/**
 * Which versions and snapshots go (pure: the inventory in, the decision out). A version stays when it
 * is current, among the last `keep` versions made current, RUNNING, newer than `olderThanDays`, or
 * named (transitively) by a version that stays; a snapshot stays when a version that stays names its
 * year, when a run that may read it is RUNNING, or when it is newer than `olderThanDays`. The
 * deletions come in an order that never leaves a dangling reference: a version before those it names.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { MODEL_KINDS } from '../models/kinds.ts';
import type { Inventory, SnapshotFacts, VersionFacts } from './inventory.ts';
import { forecasterOf } from './references.ts';

export interface RetentionOptions {
  /** How many of the versions most recently made current to keep (besides current itself). */
  keep: number;
  /** Only what is older than this many days goes (0: no age limit). */
  olderThanDays: number;
  now: Date;
}

export interface Kept {
  kind: ModelKind;
  version: string;
  why: string[];
}

export interface RetentionPlan {
  /** To delete, each before any other deleted version it names. */
  versions: VersionFacts[];
  snapshots: SnapshotFacts[];
  bytes: number;
  kept: Kept[];
  keptSnapshots: { kind: string; yearEnd: string; why: string[] }[];
}

const DAY_MS = 86_400_000;

export function planRetention(inventory: Inventory, options: RetentionOptions): RetentionPlan {
  const cutoff = options.now.getTime() - options.olderThanDays * DAY_MS;
  const young = (at: string | null) => options.olderThanDays > 0 && (at === null || Date.parse(at) > cutoff);
  const all = new Map<string, VersionFacts>();
  const why = new Map<string, string[]>();
  const keep = (id: string, reason: string) => why.set(id, [...(why.get(id) ?? []), reason]);

  for (const facts of inventory.kinds) {
    const recent = new Set(facts.promoted.slice(0, options.keep));
    for (const v of facts.versions) {
      const id = idOf(v.kind, v.version);
      all.set(id, v);
      if (v.version === facts.current) keep(id, 'current');
      if (recent.has(v.version)) keep(id, `among the last ${options.keep} made current`);
      if (v.status === 'RUNNING') keep(id, 'RUNNING');
      if (young(v.at)) keep(id, `newer than ${options.olderThanDays} days`);
    }
  }
  // What a kept version names is kept too, and so on down the chain (fine-tune → its base → …).
  const queue = [...why.keys()];
  while (queue.length > 0) {
    const from = all.get(queue.pop()!)!;
    for (const ref of from.references.versions) {
      const id = idOf(ref.kind, ref.version);
      if (!all.has(id)) continue;
      if (!why.has(id)) queue.push(id);
      keep(id, `named by ${from.kind} ${from.version}`);
    }
  }

  const snapshotWhy = new Map<string, string[]>();
  const keepSnapshot = (id: string, reason: string) => snapshotWhy.set(id, [...(snapshotWhy.get(id) ?? []), reason]);
  for (const id of why.keys()) {
    const v = all.get(id)!;
    for (const ref of v.references.snapshots) keepSnapshot(idOf(ref.kind, ref.yearEnd), `named by ${v.kind} ${v.version}`);
    // A run in progress has not said yet which snapshots it reads or writes: its forecaster's all stay.
    const forecaster = forecasterOf(v.kind);
    if (v.status === 'RUNNING' && forecaster) for (const s of inventory.snapshots) if (s.kind === forecaster) keepSnapshot(idOf(s.kind, s.yearEnd), `${v.kind} ${v.version} is RUNNING`);
  }
  for (const s of inventory.snapshots) if (s.key !== null && young(s.createdAt)) keepSnapshot(idOf(s.kind, s.yearEnd), `newer than ${options.olderThanDays} days`);

  const versions = deletionOrder([...all.values()].filter((v) => !why.has(idOf(v.kind, v.version))));
  const snapshots = inventory.snapshots.filter((s) => !snapshotWhy.has(idOf(s.kind, s.yearEnd)));
  return {
    versions,
    snapshots,
    bytes: [...versions, ...snapshots].reduce((sum, x) => sum + x.bytes, 0),
    kept: [...why].map(([id, reasons]) => ({ kind: all.get(id)!.kind, version: all.get(id)!.version, why: reasons })),
    keptSnapshots: inventory.snapshots.filter((s) => snapshotWhy.has(idOf(s.kind, s.yearEnd))).map((s) => ({ kind: s.kind, yearEnd: s.yearEnd, why: snapshotWhy.get(idOf(s.kind, s.yearEnd))! })),
  };
}

/**
 * Kahn's order over "names": a version is deleted once no version still to delete names it. Agents
 * come before forecasters and, within a kind, the newest first (a fine-tune is newer than its base).
 */
function deletionOrder(doomed: VersionFacts[]): VersionFacts[] {
  const ids = new Set(doomed.map((v) => idOf(v.kind, v.version)));
  const namedBy = new Map<string, number>();
  for (const v of doomed) for (const ref of v.references.versions) if (ids.has(idOf(ref.kind, ref.version))) namedBy.set(idOf(ref.kind, ref.version), (namedBy.get(idOf(ref.kind, ref.version)) ?? 0) + 1);
  const rank = (v: VersionFacts) => -MODEL_KINDS.indexOf(v.kind);
  const pending = [...doomed].sort((a, b) => rank(a) - rank(b) || b.at.localeCompare(a.at) || b.version.localeCompare(a.version));
  const ordered: VersionFacts[] = [];
  while (pending.length > 0) {
    // A cycle cannot come from training (a base is always older); should a hand-edited file make one, take the next anyway.
    const at = Math.max(0, pending.findIndex((v) => !namedBy.get(idOf(v.kind, v.version))));
    const [next] = pending.splice(at, 1);
    ordered.push(next);
    for (const ref of next.references.versions) {
      const id = idOf(ref.kind, ref.version);
      if (namedBy.has(id)) namedBy.set(id, namedBy.get(id)! - 1);
    }
  }
  return ordered;
}

function idOf(kind: string, name: string): string {
  return `${kind}/${name}`;
}
