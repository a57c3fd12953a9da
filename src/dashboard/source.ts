/**
 * What the dashboard reads, and nothing else: the artifact store (metadata.json, promotion and
 * snapshot records), the registry (versions, `current`) and the execution records. Locally all three
 * are files under the data dir; the same interface can be filled from a bucket and a table.
 */
import type { ExecutionRecord } from '../../infra/local/execution-store.ts';
import { ExecutionStore } from '../../infra/local/execution-store.ts';
import { DirArtifactStore } from '../adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../adapters/local/local-model-registry.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';

export type { ExecutionRecord, HistoryEvent } from '../../infra/local/execution-store.ts';

export interface ExecutionSource {
  /** Every execution record (ids are checked by the caller before `read`). */
  list(): Promise<ExecutionRecord[]>;
  read(executionId: string): Promise<ExecutionRecord | undefined>;
}

export interface DashboardSource {
  store: ArtifactStore;
  registry: ModelRegistry;
  executions: ExecutionSource;
}

/** The data dir of `mizan serve` and `mizan dashboard`: read only (nothing here writes). */
export function localDashboardSource(dataDir: string, parts: Partial<Pick<DashboardSource, 'store' | 'registry'>> = {}): DashboardSource {
  return {
    store: parts.store ?? new DirArtifactStore(dataDir),
    registry: parts.registry ?? new LocalModelRegistry(dataDir),
    executions: new ExecutionStore(dataDir),
  };
}
