/**
 * The promotion history of a kind: every move of its `current` pointer, in order, append-only.
 *
 * How it stays complete without transactions: the pointer's state carries its last move (DynamoDB:
 * on the CURRENT item, written by the same conditional write; locally: a pending file written under
 * the pointer's lock just before the pointer moves). Every recorded move first copies that last move
 * into the log, then moves the pointer, then copies its own move. A crash between moving and copying
 * loses nothing: the next move, or any reader, finds the move on the pointer's state and appends it.
 * A move made without a record (by `promote`/`restore`, or before histories were kept) shows as an
 * `unrecorded` entry, so the history always ends at the version that is current.
 */
import type { PointerMove, PromotionEntry } from '../ports/model-registry.ts';

/** The pointer as the registry stores it: the version, and the move that put it there when it was recorded. */
export interface PointerState {
  version: string | undefined;
  lastMove?: PromotionEntry;
  /** When it was last moved, if known (for a move that was not recorded). */
  movedAt?: string;
}

export const UNRECORDED_REASON =
  'current was moved without a record (before promotion histories were kept, or by a tool that does not record)';

/**
 * The entries the log lacks for the pointer's state: its own last move when the log stops just
 * before it, or else an `unrecorded` move when the log does not end at the current version.
 * `tail` is the log's last entry. Pure, so adapters and readers agree on the answer.
 */
export function missingEntries(tail: PromotionEntry | undefined, pointer: PointerState): PromotionEntry[] {
  const logged = tail?.seq ?? 0;
  const current = pointer.version ?? null;
  const last = pointer.lastMove;
  if (last && last.to === current && last.seq === logged + 1 && last.from === (tail?.to ?? null)) return [last];
  if ((tail?.to ?? null) === current) return [];
  return [
    {
      seq: logged + 1,
      at: pointer.movedAt ?? last?.at ?? tail?.at ?? new Date(0).toISOString(),
      from: tail?.to ?? null,
      to: current,
      trigger: 'unknown',
      action: 'unrecorded',
      by: 'unknown',
      reason: UNRECORDED_REASON,
    },
  ];
}

/** The entry a move appends after the log (whose last entry, missing ones included, is `tail`). */
export function nextEntry(tail: PromotionEntry | undefined, move: PointerMove, at: string): PromotionEntry {
  return { seq: (tail?.seq ?? 0) + 1, at, from: move.expected ?? null, to: move.next ?? null, ...move.record };
}

/** The entry that made `current` current: the last one moving to it (undefined if none is recorded). */
export function entryOfCurrent(history: readonly PromotionEntry[], current: string | undefined): PromotionEntry | undefined {
  const last = history.at(-1);
  return current !== undefined && last?.to === current ? last : undefined;
}

/** Checks a stored entry's shape (a hand-edited or torn file must not pass as history). */
export function parseEntry(value: unknown, where: string): PromotionEntry {
  const entry = value as Partial<PromotionEntry> | null;
  const text = (v: unknown) => typeof v === 'string';
  const versionOrNull = (v: unknown) => v === null || text(v);
  if (
    !entry ||
    !Number.isInteger(entry.seq) ||
    (entry.seq as number) < 1 ||
    !text(entry.at) ||
    !versionOrNull(entry.from) ||
    !versionOrNull(entry.to) ||
    !['automatic', 'manual', 'unknown'].includes(entry.trigger as string) ||
    !['promote', 'rollback', 'undo', 'unrecorded'].includes(entry.action as string) ||
    !text(entry.by) ||
    !text(entry.reason)
  ) {
    throw new Error(`${where} is not a promotion history entry`);
  }
  const { seq, at, from, to, trigger, action, by, reason } = entry as PromotionEntry;
  return { seq, at, from, to, trigger, action, by, reason };
}
