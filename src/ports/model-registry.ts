import type { ModelKind } from '../config/model-kinds.ts';

export type VersionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** What the registry knows of one version: who is (or was) training it, and its stored response. */
export interface VersionRecord {
  kind: ModelKind;
  version: string;
  status: VersionStatus;
  executionId: string;
  claimedAt: string;
  finishedAt?: string;
  /** The seed response, stored when the run SUCCEEDED: a repeated request answers with exactly this. */
  response?: Record<string, unknown>;
  /** Why a FAILED run failed (error name and cause). */
  error?: { error: string; cause: string };
}

export interface ClaimOptions {
  reopenSucceeded?: boolean;
}

export interface FailOptions {
  executionId?: string;
}

/** What a record must still be for retention to remove it: the one it decided on, never RUNNING. */
export interface RemoveExpectation {
  executionId: string;
  status: Exclude<VersionStatus, 'RUNNING'>;
}

export type ClaimResult = { claimed: true; record: VersionRecord } | { claimed: false; existing: VersionRecord };

/**
 * The versions of each model kind and its `current` pointer.
 * Locally: JSON files and a symlink; on AWS: DynamoDB with conditional writes only (no transactions).
 */
export interface ModelRegistry {
  get(kind: ModelKind, version: string): Promise<VersionRecord | undefined>;
  /**
   * Conditional create: succeeds when the version is absent or FAILED (a retry), and then
   * records it RUNNING under `executionId`. Otherwise returns the existing record untouched.
   * With `reopenSucceeded` a SUCCEEDED version may be claimed too (its stored response is
   * dropped): a later run that adds what an earlier one skipped, e.g. the snapshot backfill.
   */
  claim(kind: ModelKind, version: string, executionId: string, options?: ClaimOptions): Promise<ClaimResult>;
  /** RUNNING → SUCCEEDED with the response to answer repeated requests with. */
  complete(kind: ModelKind, version: string, response: Record<string, unknown>): Promise<void>;
  /**
   * RUNNING → FAILED, freeing the claim so an identical request retries. With `executionId`,
   * only the claim of that execution is failed (not a newer claim taken meanwhile).
   */
  fail(kind: ModelKind, version: string, error: { error: string; cause: string }, options?: FailOptions): Promise<void>;
  /** All records of a kind, oldest claim first. */
  list(kind: ModelKind): Promise<VersionRecord[]>;
  current(kind: ModelKind): Promise<string | undefined>;
  /**
   * Compare-and-swap of the `current` pointer: moves it to `next` only if it still points at
   * `expected` (undefined = no current model yet). Returns whether it moved.
   */
  promote(kind: ModelKind, expected: string | undefined, next: string): Promise<boolean>;
  /**
   * Compare-and-swap back: moves `current` from `expected` to `previous`, or removes it when
   * `previous` is undefined (a first model's promotion undone). Returns whether it moved.
   * It undoes the promotion of a run that failed after promoting (src/pipeline/undo-promotion.ts).
   */
  restore(kind: ModelKind, expected: string, previous: string | undefined): Promise<boolean>;
  /**
   * Conditional delete, for retention (`mizan gc`, src/retention/): removes the record only while it
   * is still the one `expected` names (same execution, same status), so a version claimed again since
   * the decision is left alone. Returns whether it was removed (false when absent or changed).
   */
  remove(kind: ModelKind, version: string, expected: RemoveExpectation): Promise<boolean>;
  /**
   * The recorded compare-and-swap: moves `current` from `move.expected` to `move.next` (or clears
   * it) like `promote`/`restore`, and appends the move to the kind's promotion history
   * (src/registry/promotion-history.ts). Returns whether it moved; a refused move records nothing.
   */
  move(kind: ModelKind, move: PointerMove): Promise<boolean>;
  /** Every move of `current`, oldest first, ending at the version current now. */
  history(kind: ModelKind): Promise<PromotionEntry[]>;
  /**
   * Replaces the stored response of a SUCCEEDED version, only while the record is still that of
   * `executionId` (a re-run that reclaimed it meanwhile wins). Returns whether it was replaced.
   * `mizan publish` uses it to record a retried upload.
   */
  replaceResponse(kind: ModelKind, version: string, executionId: string, response: Record<string, unknown>): Promise<boolean>;
}

/*
 * The promotion history: every move of a kind's `current`, in order (how a registry keeps it complete
 * without transactions: src/registry/promotion-history.ts).
 */

/** Who moved the pointer: a run deciding by the promotion rule, or a person. */
export type PromotionTrigger = 'automatic' | 'manual' | 'unknown';

/** promote: a new current; rollback: back to an earlier one; undo: a failed run's promotion taken back. */
export type PromotionAction = 'promote' | 'rollback' | 'undo' | 'unrecorded';

export interface PromotionEntry {
  /** 1, 2, 3… per kind: the order of the moves. */
  seq: number;
  /** When the pointer moved (ISO 8601). */
  at: string;
  /** The version current before (null: none). */
  from: string | null;
  /** The version current after (null: none, a first model's promotion undone). */
  to: string | null;
  trigger: PromotionTrigger;
  action: PromotionAction;
  /** Who: the run (`run v…`), or the person or principal (`alice@host (cli)`, an IAM ARN). */
  by: string;
  /** Why, in words: the promotion rule's verdict, or the reason the person gave. */
  reason: string;
}

/** What the caller says about a move; the registry adds its place in the history. */
export type PromotionRecord = Pick<PromotionEntry, 'trigger' | 'action' | 'by' | 'reason'>;

export interface PointerMove {
  /** Moves only if `current` is still this (undefined: no current model). */
  expected: string | undefined;
  /** The new current (undefined: clear it). */
  next: string | undefined;
  record: PromotionRecord;
}
