/**
 * The versions a kind's `current` has pointed at, the most recent first: what `--keep N` keeps
 * (the last N of them). Two sources, merged by read-inventory.ts: the registry's promotion history
 * (`fromHistory`: manual promotions and rollbacks included), and the runs' own promotion records
 * (`promotedNewestFirst`: the SUCCEEDED versions whose stored response says `promoted: true`, by when
 * their run finished, just after it promoted), which also cover what came before the history.
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
