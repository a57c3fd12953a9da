/**
 * `mizan train` once its plan is resolved: starts (or joins) the run, waits for its end, and reports
 * it. The version's record is the run's one decision: exit 0 with the stored response on stdout
 * only when it says SUCCEEDED (`current` moved only then, if promoted), else one line and exit 1.
 */
import { summariseCause } from '../../../functions/shared/failure-cause.ts';
import { UNRECORDED_FAILURE } from '../../adapters/local/failure-reserve.ts';
import type { TrainingPlan } from '../../models/training-plan.ts';
import { startTraining } from '../../pipeline/start-training.ts';
import { EXIT } from '../cli-error.ts';
import type { LocalSystem } from '../local-system.ts';
import type { Io } from './common.ts';

export async function runToEnd(plan: TrainingPlan, opts: { skipSnapshot: boolean }, system: LocalSystem, io: Io): Promise<number> {
  const { kind } = plan;
  try {
    const outcome = await startTraining(plan, opts, system);
    if (outcome.status === 'SUCCEEDED') {
      io.stderr(`${kind} ${plan.version} already trained with these inputs: returning the stored result, no training`);
      io.stdout(JSON.stringify(outcome.response, null, 2));
      return EXIT.ok;
    }
    io.stderr(`${kind} ${plan.version}: execution ${outcome.executionId} ${outcome.started ? 'started' : 'already running, waiting for it'}`);
    const finished = await system.waitForExecution(outcome.executionId);
    const record = await system.registry.get(kind, plan.version);
    if (record?.status === 'SUCCEEDED' && record.response) {
      io.stdout(JSON.stringify(record.response, null, 2));
      return EXIT.ok;
    }
    // The record's error was written by Record failure with a readable cause (unless the disk refused
    // it: then the execution's); the execution's cause can be the DescribeJobs JSON of a failed Batch job.
    const recorded = record?.status === 'FAILED' && record.error?.error !== UNRECORDED_FAILURE.error ? record.error : undefined;
    const failure = recorded ?? { error: finished.error ?? 'Error', cause: summariseCause(finished.cause) };
    io.stderr(`training failed: ${failure.error}: ${failure.cause}`);
    return EXIT.failed;
  } finally {
    await system.close();
  }
}
