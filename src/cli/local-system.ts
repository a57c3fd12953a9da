import type { ProfileName } from '../config/profiles.ts';
import { localDeps, type LocalDeps } from '../runtime/local-deps.ts';
import type { ExecutionDescription, Workflow } from '../ports/workflow.ts';
import type { Io } from './commands/common.ts';

export interface SystemOptions {
  dataDir: string;
  profile: ProfileName;
  source: 'sample' | 'yahoo';
  /** Commands that only read (models, forecasts) open no workflow runner. */
  readOnly?: boolean;
}

export interface LocalSystem extends LocalDeps {
  workflow: Workflow;
  publisherEnabled: boolean;
  waitForExecution(executionId: string): Promise<ExecutionDescription>;
  close(): Promise<void>;
}

/**
 * The embedded default as the CLI uses it: the same adapters and the same in-process
 * TrainModel state machine as `mizan serve`, so CLI and HTTP give identical results.
 */
export async function openLocalSystem(options: SystemOptions, io: Io): Promise<LocalSystem> {
  return withWorkflow(await localDeps({ dataDir: options.dataDir, source: options.source }), options, io);
}

/**
 * Adds the workflow runner to already opened adapters. Separate so that `train` can validate
 * its request (which reads the data) before the runner creates anything in the data dir.
 */
export async function withWorkflow(deps: LocalDeps, options: Pick<SystemOptions, 'readOnly'>, io: Io): Promise<LocalSystem> {
  if (options.readOnly) {
    const refuse = async (): Promise<never> => {
      throw new Error('this command only reads: it has no workflow runner');
    };
    return { ...deps, workflow: { start: refuse, describe: refuse }, publisherEnabled: false, waitForExecution: refuse, close: async () => undefined };
  }
  // Loaded here, not at the top: the runner brings aws-local-stepfunctions and the CDK definition.
  const { openLocalWorkflow } = await import('../../infra/local/open-local-workflow.ts');
  const workflow = await openLocalWorkflow(deps, { log: io.stderr, trainerOutput: io.stderr });
  return {
    ...deps,
    workflow,
    publisherEnabled: deps.publisher.enabled,
    waitForExecution: (executionId) => workflow.waitFor(executionId),
    close: () => workflow.close(),
  };
}
