/** The local runner wired to a data dir's adapters: what the server, the CLI and the tests all open. */
import type { LocalDeps } from '../../src/runtime/local-deps.ts';
import { localStepHandlers } from './local-steps.ts';
import { LocalWorkflow, type LocalWorkflowOptions } from '../../src/adapters/local-workflow/local-workflow.ts';

export function openLocalWorkflow(
  deps: Pick<LocalDeps, 'dataDir' | 'store' | 'registry' | 'publisher'>,
  options: Omit<LocalWorkflowOptions, 'dataDir' | 'steps' | 'registry'> = {},
): Promise<LocalWorkflow> {
  return LocalWorkflow.open({ ...options, dataDir: deps.dataDir, steps: localStepHandlers(deps), registry: deps.registry, store: deps.store });
}
