/**
 * Restores a published branch into the local store: a version into models/{kind}/{version}/, a
 * snapshot branch into models/snapshots/{kind}/{yearEnd}/. Every file listed in the branch's
 * metadata.json is downloaded and its sha256 checked before anything is written; metadata.json
 * (the commit marker) is written last, so an interrupted pull never shows a half model.
 */
import { createHash } from 'node:crypto';
import type { ModelKind } from '../config/model-kinds.ts';
import { FORECASTER_KINDS, kindSpec } from '../models/kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { PublishedModels } from '../ports/publisher.ts';
import { METADATA_FILE, readModelFiles, versionPrefix } from '../models/artifacts/model-files.ts';
import { snapshotPrefix } from '../snapshots/snapshot-paths.ts';
import { UserInputError } from '../config/errors.ts';
import { snapshotYearEndOf } from './publish.ts';

export interface PullOutcome {
  /** Where the model now is in the store. */
  prefix: string;
  /** The files checked against metadata.json (metadata.json itself not counted). */
  files: Record<string, string>;
  /** True when the store already held exactly these files: nothing was written. */
  alreadyPresent: boolean;
}

const NAME = /^[\w][\w.-]*$/;
const FILE_PATH = /^[\w.-]+(\/[\w.-]+)*$/;

export async function pullModel(
  input: { kind: ModelKind; branch: string; repo: string },
  deps: { source: PublishedModels; store: ArtifactStore; log?: (line: string) => void },
): Promise<PullOutcome> {
  const { kind, branch, repo } = input;
  if (!NAME.test(branch)) throw new UserInputError(`"${branch}" is not a version or snapshot branch name`);
  const yearEnd = snapshotYearEndOf(branch);
  if (yearEnd && !kindSpec(kind).snapshots) throw new UserInputError(`${branch} is a snapshot branch: only forecasters (${FORECASTER_KINDS.join(', ')}) have snapshots`);
  const prefix = yearEnd ? snapshotPrefix(kind, yearEnd) : versionPrefix(kind, branch);
  const at = `${repo} branch ${branch}`;

  const listed = await deps.source.listBranch(repo, branch);
  if (listed === undefined) throw new UserInputError(`${at} does not exist (or the token cannot read it)`);
  if (!listed.includes(METADATA_FILE)) throw new Error(`${at} has no ${METADATA_FILE}: not a model published by mizan`);
  const metadataBytes = await deps.source.download(repo, branch, METADATA_FILE);
  if (!metadataBytes) throw new Error(`${at}: ${METADATA_FILE} disappeared while pulling`);
  const metadata = parseMetadata(metadataBytes, at);
  if (metadata.kind !== kind) throw new UserInputError(`${at} holds a ${String(metadata.kind)} model, not ${kind}`);
  const expected = yearEnd ? { field: 'year_end', value: yearEnd } : { field: 'version', value: branch };
  if (metadata[expected.field] !== expected.value) {
    throw new Error(`${at}: metadata.json says ${expected.field} ${JSON.stringify(metadata[expected.field])}, not ${expected.value}`);
  }

  const existing = await readModelFiles(deps.store, prefix);
  if (existing) {
    if (sameFiles(existing.metadata.files, metadata.files)) return { prefix, files: metadata.files, alreadyPresent: true };
    throw new UserInputError(`${prefix} already holds another model (its files differ from ${at}): pull into another --data-dir`);
  }

  const downloaded: Record<string, Uint8Array> = {};
  for (const [name, sha256] of Object.entries(metadata.files).sort(([a], [b]) => a.localeCompare(b))) {
    if (!FILE_PATH.test(name) || name.split('/').includes('..') || name === METADATA_FILE) throw new Error(`${at}: metadata.json lists an unsafe file ${JSON.stringify(name)}`);
    if (!listed.includes(name)) throw new Error(`${at} lacks ${name}, which metadata.json lists`);
    const bytes = await deps.source.download(repo, branch, name);
    if (!bytes) throw new Error(`${at}: ${name} disappeared while pulling`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new Error(`${at}: ${name} does not match metadata.json (sha256 ${actual}, expected ${sha256}): nothing was written`);
    downloaded[name] = bytes;
    deps.log?.(`${name}: ${bytes.byteLength} bytes, sha256 verified`);
  }
  for (const [name, bytes] of Object.entries(downloaded)) await deps.store.put(`${prefix}/${name}`, bytes);
  await deps.store.put(`${prefix}/${METADATA_FILE}`, metadataBytes);
  return { prefix, files: metadata.files, alreadyPresent: false };
}

function parseMetadata(bytes: Uint8Array, at: string): Record<string, unknown> & { files: Record<string, string> } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${at}: ${METADATA_FILE} is not valid JSON (${(error as Error).message})`);
  }
  const meta = value as { files?: unknown } | null;
  const files = meta?.files as Record<string, unknown> | undefined;
  if (!files || typeof files !== 'object' || Object.values(files).some((h) => typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h))) {
    throw new Error(`${at}: ${METADATA_FILE} has no "files" map of sha256 hashes`);
  }
  return meta as Record<string, unknown> & { files: Record<string, string> };
}

function sameFiles(a: Record<string, string>, b: Record<string, string>): boolean {
  const names = Object.keys(a).sort();
  return names.join('\n') === Object.keys(b).sort().join('\n') && names.every((n) => a[n] === b[n]);
}
