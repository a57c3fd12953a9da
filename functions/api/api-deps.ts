import type { ProfileName } from '../../src/config/profiles.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import type { SignalProvider } from '../../src/ports/signals.ts';
import type { UniverseProvider } from '../../src/ports/universe.ts';
import type { Workflow } from '../../src/ports/workflow.ts';

/** Everything the API handler needs: local adapters in the local server, AWS ones in Lambda. */
export interface ApiDeps {
  profile: ProfileName;
  marketData: MarketData;
  universe: UniverseProvider;
  registry: ModelRegistry;
  /** News and statements: a plan of a kind that reads them fingerprints them (the version), an allocation reads them. */
  signals: SignalProvider;
  /** Read by GET /models/{kind} (the snapshots); the API never writes artifacts. */
  store: ArtifactStore;
  workflow: Workflow;
  publisherEnabled: boolean;
  /**
   * Cap of `?wait=`, from the request's start: Infinity locally; on AWS ~25 s (API Gateway ends a
   * request at 30 s), and the wait also ends 3 s before the Lambda does (request-clock.ts).
   */
  maxWaitSeconds: number;
  /** How often a waiting request looks at the registry (default 250 ms). */
  pollIntervalMs?: number;
  maxBodyBytes?: number;
  /** Where unexpected errors are reported (never into a response). */
  log?: (line: string) => void;
}
