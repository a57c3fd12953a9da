/**
 * A person's choice of `current` (`mizan promote` / `mizan rollback`, POST /models/{kind}/current):
 * checked (a reason, a promotable version), then one recorded compare-and-swap from the version the
 * caller says is current. A pointer that is elsewhere is a conflict naming where it is; nothing changes.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry, PromotionEntry } from '../ports/model-registry.ts';
import { UserInputError } from '../config/errors.ts';
import { assertPromotable } from './promotable-version.ts';

export const MAX_REASON_CHARS = 500;

export interface ChangeCurrentInput {
  kind: ModelKind;
  version: string;
  /** What the caller believes is current (null: none); undefined: whatever is current now. */
  expectedCurrent: string | null | undefined;
  reason: string;
  /** Who asks, as the history shows it. */
  by: string;
  action: 'promote' | 'rollback';
}

export interface ChangeCurrentOutcome {
  kind: ModelKind;
  changed: boolean;
  previous: string | null;
  current: string;
  /** The history entry of this move (absent when the version was current already). */
  entry?: PromotionEntry;
}

/** `current` is not what the caller expected: answered 409 (exit 1), naming the version that is current. */
export class CurrentConflictError extends Error {
  override readonly name = 'CurrentConflictError';
  constructor(
    readonly kind: ModelKind,
    readonly current: string | null,
    expected: string | null,
  ) {
    super(`current ${kind} is ${current ?? 'none'}, not ${expected ?? 'none'}: nothing changed (read it again and retry)`);
  }
}

export async function changeCurrent(input: ChangeCurrentInput, deps: { registry: ModelRegistry; store: ArtifactStore }): Promise<ChangeCurrentOutcome> {
  const { kind, version } = input;
  const reason = input.reason.trim();
  if (reason === '') throw new UserInputError('a reason is required: say why (it is kept in the promotion history)', ['reason']);
  if (reason.length > MAX_REASON_CHARS) throw new UserInputError(`the reason is longer than ${MAX_REASON_CHARS} characters`, ['reason']);
  await assertPromotable(kind, version, deps);

  const current = (await deps.registry.current(kind)) ?? null;
  const expected = input.expectedCurrent === undefined ? current : input.expectedCurrent;
  // Asking again for what is already current (a retried request) changes and records nothing.
  if (current === version) return { kind, changed: false, previous: current, current: version };
  if (current !== expected) throw new CurrentConflictError(kind, current, expected);

  const record = { trigger: 'manual' as const, action: input.action, by: input.by, reason };
  if (!(await deps.registry.move(kind, { expected: expected ?? undefined, next: version, record }))) {
    throw new CurrentConflictError(kind, (await deps.registry.current(kind)) ?? null, expected);
  }
  const entry = (await deps.registry.history(kind)).reverse().find((e) => e.to === version && e.trigger === 'manual' && e.from === expected);
  return { kind, changed: true, previous: expected, current: version, ...(entry ? { entry } : {}) };
}
