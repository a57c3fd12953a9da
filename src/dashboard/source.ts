/**
 * What the dashboard reads, and nothing else: the artifact store (metadata.json, promotion and
 * snapshot records), the registry (versions, `current`) and the execution records. Locally all three
 * are files under the data dir, on AWS a bucket, a table and the state machine's executions;
 * src/runtime/local-dashboard-source.ts and aws-dashboard-source.ts build them.
 */
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ExecutionSource } from '../ports/execution-source.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';

export interface DashboardSource {
  store: ArtifactStore;
  registry: ModelRegistry;
  executions: ExecutionSource;
}
