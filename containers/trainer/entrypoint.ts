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
import { z } from 'zod';
import { describeWriteFailure } from '../../src/adapters/local/write-failure.ts';
import { MODEL_KINDS } from '../../src/config/model-kinds.ts';
import type { TrainJobSpec, TrainingPlan } from '../../src/pipeline/plan.ts';
import type { TrainJobDeps } from '../../src/pipeline/train-job.ts';

const FAILURE_PREFIX = 'mizan-trainer: failed: ';

const envSchema = z.object({
  MIZAN_TASK: z.enum(['train', 'snapshot', 'walk-forward']),
  MIZAN_PLAN: z.string().min(2),
  MIZAN_SNAPSHOT_YEAR_END: z.string().regex(/^\d{4}-12-31$/).optional(),
});

const planSchema = z.looseObject({
  kind: z.enum(MODEL_KINDS),
  version: z.string().regex(/^v\d{4}\.\d{2}\.\d{2}-[0-9a-f]+$/),
});

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function readJobSpec(env: NodeJS.ProcessEnv): TrainJobSpec {
  const parsed = envSchema.parse(env);
  const plan = planSchema.parse(JSON.parse(parsed.MIZAN_PLAN)) as unknown as TrainingPlan;
  if (parsed.MIZAN_TASK === 'snapshot' && !parsed.MIZAN_SNAPSHOT_YEAR_END) throw new Error('MIZAN_SNAPSHOT_YEAR_END is required for a snapshot job');
  return { task: parsed.MIZAN_TASK, plan, ...(parsed.MIZAN_SNAPSHOT_YEAR_END ? { snapshotYearEnd: parsed.MIZAN_SNAPSHOT_YEAR_END } : {}) };
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
    const message =
      error instanceof z.ZodError
        ? `invalid job spec: ${z.prettifyError(error)}`
        : (describeWriteFailure(error, process.env.MIZAN_DATA_DIR) ?? (error instanceof Error ? error.message : String(error)));
    log(`${FAILURE_PREFIX}${message.replace(/\s+/g, ' ')}`);
    return 1;
  }
}

// Exit explicitly: stdin (kept open to notice the parent's death) would otherwise hold the process.
process.exit(await main());
