/**
 * The crash-consistency invariants of one kind's store and registry after a run (issue 16 §1), as
 * a list of violations (empty: consistent):
 * - `current` names a version whose record is SUCCEEDED and whose prefix holds metadata.json with
 *   every listed file's sha256 matching;
 * - the run's record says what the run reported: SUCCEEDED with the execution's output when the
 *   execution succeeded, FAILED when it failed or the request failed before starting it, never RUNNING
 *   once nothing runs; a SUCCEEDED record's `promoted` agrees with `current`;
 * - a version prefix without metadata.json is never current, never SUCCEEDED, never read as a model.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { METADATA_FILE, readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import type { StartOutcome } from '../../src/pipeline/start-training.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import type { ExecutionDescription } from '../../src/ports/workflow.ts';

/** What the run reported: the request's answer (or its error) and the execution it started, if any. */
export interface RunReport {
  kind: ModelKind;
  version: string;
  start: StartOutcome | { error: string };
  execution?: ExecutionDescription;
}

export async function invariantViolations(run: RunReport, deps: { store: ArtifactStore; registry: ModelRegistry }): Promise<string[]> {
  const { kind, version } = run;
  const violations: string[] = [];
  const current = await deps.registry.current(kind);
  if (current !== undefined) {
    const record = await deps.registry.get(kind, current);
    if (record?.status !== 'SUCCEEDED') violations.push(`current ${current} is ${record?.status ?? 'unrecorded'}`);
    const model = await readModelFiles(deps.store, versionPrefix(kind, current)).catch((error: Error) => error);
    if (model === undefined) violations.push(`current ${current} has no metadata.json`);
    else if (model instanceof Error) violations.push(`current ${current} is unreadable: ${model.message}`);
  }

  const record = await deps.registry.get(kind, version);
  const execution = run.execution;
  if ('error' in run.start) {
    if (record?.status === 'RUNNING') violations.push(`the request failed (${run.start.error}) but ${version} is RUNNING`);
  } else if (run.start.status === 'RUNNING' && !execution) {
    violations.push(`the request answered RUNNING under ${run.start.executionId}, an execution that does not exist`);
  } else if (run.start.status === 'SUCCEEDED' && !isDeepStrictEqual(record?.response, run.start.response)) {
    violations.push(`the request answered a response the record does not hold`);
  }
  if (record?.status === 'RUNNING') violations.push(`${version} is RUNNING under ${record.executionId} but nothing runs`);
  if (execution?.status === 'SUCCEEDED') {
    if (record?.status !== 'SUCCEEDED') violations.push(`execution ${execution.name} SUCCEEDED but ${version} is ${record?.status ?? 'unrecorded'}`);
    else if (!isDeepStrictEqual(record.response, execution.output)) violations.push(`execution ${execution.name}'s output differs from the stored response`);
  } else if (execution && record?.status !== 'FAILED' && record?.executionId === execution.name) {
    violations.push(`execution ${execution.name} ${execution.status} (${execution.error}) but ${version} is ${record?.status ?? 'unrecorded'}`);
  }
  if (record?.status === 'SUCCEEDED') {
    const promoted = record.response?.promoted;
    if (promoted !== (current === version)) violations.push(`${version} SUCCEEDED with promoted=${String(promoted)} but current is ${current ?? 'none'}`);
  }
  if (record?.status === 'FAILED' && current === version) violations.push(`current ${version} is FAILED`);

  for (const prefix of await versionPrefixes(deps.store, kind)) {
    const keys = await deps.store.list(prefix);
    if (keys.some((key) => key.endsWith(`/${METADATA_FILE}`))) continue;
    const partial = prefix.split('/').at(-1)!;
    if (partial === current) violations.push(`current ${partial} has no metadata.json`);
    if ((await deps.registry.get(kind, partial))?.status === 'SUCCEEDED') violations.push(`${partial} is SUCCEEDED without metadata.json`);
    if ((await readModelFiles(deps.store, prefix)) !== undefined) violations.push(`${prefix} without metadata.json was read as a model`);
  }
  return [...new Set(violations)];
}

/** `models/{kind}/{version}` for every version with at least one object (not the snapshots' folder). */
async function versionPrefixes(store: ArtifactStore, kind: string): Promise<string[]> {
  const root = `models/${kind}`;
  const versions = new Set((await store.list(root)).map((key) => key.slice(root.length + 1).split('/')[0]));
  return [...versions].filter((v) => /^v\d{4}\.\d{2}\.\d{2}-/.test(v)).map((v) => `${root}/${v}`);
}

/** The version's prefix holds exactly its metadata.json and the files it lists, each verified. */
export async function committedExactly(store: ArtifactStore, kind: string, version: string): Promise<string[]> {
  const prefix = versionPrefix(kind, version);
  const model = await readModelFiles(store, prefix).catch((error: Error) => error);
  if (model === undefined) return [`${prefix} has no metadata.json`];
  if (model instanceof Error) return [`${prefix}: ${model.message}`];
  const expected = [...Object.keys(model.files).map((name) => `${prefix}/${name}`), `${prefix}/${METADATA_FILE}`].sort();
  const actual = await store.list(prefix);
  return isDeepStrictEqual(actual, expected) ? [] : [`${prefix} holds ${actual.join(', ')}; metadata.json lists ${expected.join(', ')}`];
}
