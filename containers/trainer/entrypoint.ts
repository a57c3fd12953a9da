/**
 * The trainer job: what a Batch job runs on AWS and what the local runner spawns as a child process.
 *
 * Input (environment, set by the state machine's ContainerOverrides):
 *   MIZAN_TASK               'train' | 'snapshot' | 'walk-forward' (score the backfilled snapshots)
 *   MIZAN_PLAN               JSON of the TrainingPlan
 *   MIZAN_SNAPSHOT_YEAR_END  YYYY-12-31 (task 'snapshot' only)
 *   MIZAN_DATA_DIR           local runs: the data dir (artifacts, registry); without it the
 *                            AWS adapters are built from the environment (src/runtime/deps-from-env.ts)
 * Output: progress lines on stderr, the TrainJobResult JSON on stdout, exit code 0 / 1; on failure
 * the last stderr line is `mizan-trainer: failed: <reason>` (the local runner shows it as the cause).
 *
 * MIZAN_EXIT_WITH_PARENT=1 (set by the local runner): exit when stdin closes, i.e. the server died.
 */
import type { TrainJobSpec } from '../../src/pipeline/plan.ts';
import type { TrainJobDeps } from '../../src/pipeline/train-job.ts';
import { failureReason, readJobSpec } from './job-spec.ts';

const FAILURE_PREFIX = 'mizan-trainer: failed: ';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function buildDeps(env: NodeJS.ProcessEnv, spec: TrainJobSpec): Promise<Omit<TrainJobDeps, 'log'>> {
  // The plan says where its prices came from: the trainer reads the same source.
  const { depsFromEnv } = await import('../../src/runtime/deps-from-env.ts');
  return depsFromEnv({ ...env, MIZAN_DATA_SOURCE: spec.plan.source });
}

async function main(): Promise<number> {
  if (process.env.MIZAN_EXIT_WITH_PARENT === '1') {
    process.stdin.on('end', () => process.exit(1));
    process.stdin.on('error', () => process.exit(1));
    process.stdin.resume();
  }
  try {
    const spec = readJobSpec(process.env);
    log(`mizan-trainer: ${spec.task} ${spec.plan.kind} ${spec.plan.version}${spec.snapshotYearEnd ? ` snapshot ${spec.snapshotYearEnd}` : ''} (pid ${process.pid})`);
    const deps = await buildDeps(process.env, spec);
    // Loaded here, inside the try: a broken import is reported like any other failure.
    const { runTrainJob } = await import('../../src/pipeline/train-job.ts');
    const result = await runTrainJob(spec, { ...deps, log });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    log(`${FAILURE_PREFIX}${failureReason(error, process.env.MIZAN_DATA_DIR)}`);
    return 1;
  }
}

// Exit explicitly: stdin (kept open to notice the parent's death) would otherwise hold the process.
process.exit(await main());
