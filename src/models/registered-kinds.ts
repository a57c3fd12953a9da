/**
 * Which model kinds this deployment trains: every kind with a trainer in src/models/kinds.ts, or
 * fewer when the operator says so with MIZAN_KINDS (comma-separated, e.g. a deployment that only
 * trains forecasters). Planning a run checks it (src/pipeline/resolve-plan.ts), for the API and the
 * CLI alike, before any claim or execution: a request for another kind is refused at once instead of
 * starting a (GPU) job that can only fail.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { UserInputError } from '../config/errors.ts';
import { isModelKind, MODEL_KINDS } from './kinds.ts';

export const KINDS_ENV = 'MIZAN_KINDS';

/** The kinds this process trains: MODEL_KINDS, limited by MIZAN_KINDS when it is set. */
export function trainableKinds(env: NodeJS.ProcessEnv = process.env): ModelKind[] {
  const limit = env[KINDS_ENV]?.trim();
  if (!limit) return [...MODEL_KINDS];
  const named = limit.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = named.filter((k) => !isModelKind(k));
  if (unknown.length > 0) throw new Error(`${KINDS_ENV}=${limit} names unknown kinds: ${unknown.join(', ')} (kinds: ${MODEL_KINDS.join(', ')})`);
  return MODEL_KINDS.filter((k) => named.includes(k));
}

export function isTrainerRegistered(kind: ModelKind, env: NodeJS.ProcessEnv = process.env): boolean {
  return trainableKinds(env).includes(kind);
}

/** Throws a UserInputError (400 / exit 2) naming the kinds that can be trained. */
export function assertTrainerRegistered(kind: ModelKind, env: NodeJS.ProcessEnv = process.env): void {
  if (isTrainerRegistered(kind, env)) return;
  const where = MODEL_KINDS.includes(kind) ? `this deployment (${KINDS_ENV})` : 'this version';
  throw new UserInputError(`no ${kind} trainer in ${where} of mizan: the kinds that train are ${trainableKinds(env).join(', ')}`, ['kind']);
}
