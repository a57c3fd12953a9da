import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../../ports/artifact-store.ts';

export const METADATA_FILE = 'metadata.json';

/**
 * Writes a model's files under `prefix`, then metadata.json with the sha256 of each file.
 * metadata.json is the commit marker: a reader treats a directory without it as not there,
 * so a run that dies half-way never shows a half-written model.
 */
export async function writeModelFiles(
  store: ArtifactStore,
  prefix: string,
  files: Record<string, Uint8Array>,
  metadata: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const sha256: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    if (name === METADATA_FILE) throw new Error(`${METADATA_FILE} is written last by writeModelFiles, not passed in`);
    await store.put(`${prefix}/${name}`, bytes);
    sha256[name] = createHash('sha256').update(bytes).digest('hex');
  }
  const complete = { ...metadata, files: sha256 };
  await store.put(`${prefix}/${METADATA_FILE}`, JSON.stringify(complete, null, 2) + '\n');
  return complete;
}

/** Reads every file of a committed model (metadata.json present), verifying each sha256. */
export async function readModelFiles(
  store: ArtifactStore,
  prefix: string,
): Promise<{ metadata: Record<string, unknown> & { files: Record<string, string> }; files: Record<string, Uint8Array> } | undefined> {
  const raw = await store.get(`${prefix}/${METADATA_FILE}`);
  if (raw === undefined) return undefined;
  const metadata = JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown> & { files: Record<string, string> };
  const files: Record<string, Uint8Array> = {};
  for (const [name, expected] of Object.entries(metadata.files ?? {})) {
    const bytes = await store.get(`${prefix}/${name}`);
    if (bytes === undefined) throw new Error(`${prefix}/${name} is listed in metadata.json but missing`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected) throw new Error(`${prefix}/${name} is corrupt: sha256 ${actual} != ${expected}`);
    files[name] = bytes;
  }
  return { metadata, files };
}

export function versionPrefix(kind: string, version: string): string {
  return `models/${kind}/${version}`;
}
