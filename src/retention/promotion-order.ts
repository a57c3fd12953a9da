/**
 * The versions a kind's `current` has pointed at, the most recent first: what `--keep N` keeps
 * (the last N of them). HISTORY PLUG-IN POINT: until the registry keeps a promotion history, this is
 * read from the registry's own promotion records, the SUCCEEDED versions whose stored response says
 * `promoted: true`, ordered by when their run finished (it promotes just before recording itself).
 * Once `ModelRegistry.history(kind)` exists, `fromHistory` is the one to call: it also counts manual
 * promotions and rollbacks, which no run's response records.
 */
import type { VersionRecord } from '../ports/model-registry.ts';

export function promotedNewestFirst(records: readonly VersionRecord[]): string[] {
  return records
    .filter((r) => r.status === 'SUCCEEDED' && r.response?.promoted === true)
    .sort((a, b) => compare(b.finishedAt ?? b.claimedAt, a.finishedAt ?? a.claimedAt) || compare(b.version, a.version))
    .map((r) => r.version);
}

/** The same order from a promotion history (oldest move first): each move's target, newest first, once each. */
export function fromHistory(moves: readonly { to: string | null }[]): string[] {
  const seen = new Set<string>();
  for (const move of [...moves].reverse()) if (move.to !== null) seen.add(move.to);
  return [...seen];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
