/**
 * Which model kinds have a trainer in this version of mizan. The API and the CLI check it before
 * any claim or execution, so a request for a kind whose trainer is not written yet is refused at
 * once instead of starting a (GPU) job that can only fail.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { UserInputError } from '../pipeline/errors.ts';
import { KIND_SPECS } from './kinds.ts';

export const REGISTERED_KINDS: readonly ModelKind[] = Object.keys(KIND_SPECS) as ModelKind[];

export function isTrainerRegistered(kind: ModelKind): boolean {
  return REGISTERED_KINDS.includes(kind);
}

/** Throws a UserInputError (400 / exit 2) naming the kinds that can be trained. */
export function assertTrainerRegistered(kind: ModelKind): void {
  if (!isTrainerRegistered(kind)) {
    throw new UserInputError(`no ${kind} trainer in this version of mizan: the kinds that train are ${REGISTERED_KINDS.join(', ')}`, ['kind']);
  }
}
