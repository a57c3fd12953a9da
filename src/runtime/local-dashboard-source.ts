/** The dashboard's records in a data dir (`mizan serve`, `mizan dashboard`): read only, nothing here writes. */
import { DirArtifactStore } from '../adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../adapters/local/local-model-registry.ts';
import type { DashboardSource } from '../dashboard/source.ts';
import { ExecutionStore } from '../adapters/local-workflow/execution-store.ts';

export function localDashboardSource(dataDir: string, parts: Partial<Pick<DashboardSource, 'store' | 'registry'>> = {}): DashboardSource {
  return {
    store: parts.store ?? new DirArtifactStore(dataDir),
    registry: parts.registry ?? new LocalModelRegistry(dataDir),
    executions: new ExecutionStore(dataDir),
  };
}
