/**
 * The test kinds' registry lines: `linear` (a forecaster) and `ppo_linear` (PPO on its walk-forward
 * forecasts), each with the code version of its sources, registered when this module loads. Every
 * process that handles them loads it first: the test (its first import: the API's route table is
 * read when the server's modules load), and the CLI and trainer processes it starts (preload.mjs).
 */
import { hashSources } from '../../../src/models/code-version-hash.ts';
import { agentKindSpec } from '../../../src/models/agents/agent-spec.ts';
import { PPO_PIECES } from '../../../src/models/agents/ppo/ppo-spec.ts';
import type { KindSpec } from '../../../src/models/kind-spec.ts';
import { isModelKind, registerKind } from '../../../src/models/kinds.ts';
import { linearSpec } from './linear-spec.ts';

export const TEST_KINDS: readonly KindSpec[] = [linearSpec, agentKindSpec('ppo_linear', linearSpec, PPO_PIECES)];

/** Registers the test kinds in this process (once). */
export function registerLinearKinds(): void {
  for (const spec of TEST_KINDS) if (!isModelKind(spec.kind)) registerKind(spec, hashSources(spec.sources));
}

registerLinearKinds();
