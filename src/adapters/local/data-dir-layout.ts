/**
 * Where the local adapters keep things under the data dir (README "Artifacts"), for the code that
 * checks and repairs the whole dir (data-dir-sweep.ts, data-dir-invariants.ts). LocalModelRegistry
 * and DirArtifactStore write the same paths.
 */
import { join } from 'node:path';
import { METADATA_FILE } from '../../models/artifacts/model-files.ts';

export const layout = {
  registryDir: (dataDir: string, kind: string) => join(dataDir, 'registry', kind),
  recordPath: (dataDir: string, kind: string, version: string) => join(dataDir, 'registry', kind, `${version}.json`),
  locksDir: (dataDir: string, kind: string) => join(dataDir, 'registry', kind, '.locks'),
  versionLock: (dataDir: string, kind: string, version: string) => join(dataDir, 'registry', kind, '.locks', `${version}.lock`),
  kindDir: (dataDir: string, kind: string) => join(dataDir, 'models', kind),
  pointerPath: (dataDir: string, kind: string) => join(dataDir, 'models', kind, 'current'),
  versionDir: (dataDir: string, kind: string, version: string) => join(dataDir, 'models', kind, version),
  metadataPath: (dataDir: string, kind: string, version: string) => join(dataDir, 'models', kind, version, METADATA_FILE),
  executionsDir: (dataDir: string) => join(dataDir, 'executions'),
} as const;

/** `models/snapshots/` holds every kind's yearly snapshots, not a kind. */
export const SNAPSHOTS_DIR = 'snapshots';
