/**
 * Which model kinds this deployment trains: every kind with a trainer in src/models/kinds.ts, or
 * fewer when the operator says so with MIZAN_KINDS (comma-separated, e.g. a deployment that only
 * trains forecasters). The API and the CLI check it before any claim or execution, so a request for
 * another kind is refused at once instead of starting a (GPU) job that can only fail.
 */
import { isModelKind, type ModelKind } from '../config/model-kinds.ts';
import { UserInputError } from '../pipeline/errors.ts';
import { KIND_SPECS } from './kinds.ts';

/** Every kind with a trainer in this version of mizan. */
export const REGISTERED_KINDS: readonly ModelKind[] = Object.keys(KIND_SPECS) as ModelKind[];

export const KINDS_ENV = 'MIZAN_KINDS';

/** The kinds this process trains: REGISTERED_KINDS, limited by MIZAN_KINDS when it is set. */
export function trainableKinds(env: NodeJS.ProcessEnv = process.env): ModelKind[] {
  const limit = env[KINDS_ENV]?.trim();
  if (!limit) return [...REGISTERED_KINDS];
  const named = limit.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = named.filter((k) => !isModelKind(k));
  if (unknown.length > 0) throw new Error(`${KINDS_ENV}=${limit} names unknown kinds: ${unknown.join(', ')} (kinds: ${REGISTERED_KINDS.join(', ')})`);
  return REGISTERED_KINDS.filter((k) => named.includes(k));
}

export function isTrainerRegistered(kind: ModelKind, env: NodeJS.ProcessEnv = process.env): boolean {
  return trainableKinds(env).includes(kind);
}

/** Throws a UserInputError (400 / exit 2) naming the kinds that can be trained. */
export function assertTrainerRegistered(kind: ModelKind, env: NodeJS.ProcessEnv = process.env): void {
  if (isTrainerRegistered(kind, env)) return;
  const where = REGISTERED_KINDS.includes(kind) ? `this deployment (${KINDS_ENV})` : 'this version';
  throw new UserInputError(`no ${kind} trainer in ${where} of mizan: the kinds that train are ${trainableKinds(env).join(', ')}`, ['kind']);
}
