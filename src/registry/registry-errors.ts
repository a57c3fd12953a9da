import type { ModelKind } from '../config/model-kinds.ts';
import { isModelKind, MODEL_KINDS } from '../models/kinds.ts';
import type { VersionStatus } from '../ports/model-registry.ts';

/** A transition the record's current status does not allow (e.g. completing a version that is not RUNNING). */
export class VersionStateError extends Error {
  override readonly name = 'VersionStateError';
  constructor(
    readonly kind: ModelKind,
    readonly version: string,
    readonly expected: VersionStatus,
    readonly actual: VersionStatus | 'ABSENT',
    action: string,
  ) {
    super(`cannot ${action} ${kind} ${version}: it is ${actual}, not ${expected}`);
  }
}

/** A conditional fail found the version claimed by another execution than the one named (a retry took over). */
export class ClaimChangedError extends VersionStateError {
  constructor(kind: ModelKind, version: string, expectedExecutionId: string, actualExecutionId: string) {
    super(kind, version, 'RUNNING', 'RUNNING', 'fail');
    this.message = `cannot fail ${kind} ${version} as ${expectedExecutionId}: it is claimed by ${actualExecutionId} now`;
  }
}

export function assertModelKind(kind: unknown): asserts kind is ModelKind {
  if (typeof kind !== 'string' || !isModelKind(kind)) {
    throw new Error(`unknown model kind ${JSON.stringify(kind)}: expected one of ${MODEL_KINDS.join(', ')}`);
  }
}

export function assertExecutionId(executionId: unknown): asserts executionId is string {
  if (typeof executionId !== 'string' || executionId.length === 0 || executionId.length > 2048) {
    throw new Error(`invalid executionId ${JSON.stringify(executionId)}: expected a non-empty string`);
  }
}
