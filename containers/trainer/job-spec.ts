/**
 * The trainer job's input and its one-line failure reason, shared by the entrypoint (a Batch job, a
 * local child process) and whatever runs the job in-process (tests).
 */
import { z } from 'zod';
import { describeWriteFailure } from '../../src/adapters/local/write-failure.ts';
import { MODEL_KINDS } from '../../src/models/kinds.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import type { TrainJobSpec } from '../../src/pipeline/plan.ts';

const envSchema = z.object({
  MIZAN_TASK: z.enum(['train', 'snapshot', 'walk-forward']),
  MIZAN_PLAN: z.string().min(2),
  MIZAN_SNAPSHOT_YEAR_END: z.string().regex(/^\d{4}-12-31$/).optional(),
});

const planSchema = z.looseObject({
  kind: z.enum(MODEL_KINDS),
  version: z.string().regex(/^v\d{4}\.\d{2}\.\d{2}-[0-9a-f]+$/),
});

export function readJobSpec(env: NodeJS.ProcessEnv): TrainJobSpec {
  const parsed = envSchema.parse(env);
  const plan = planSchema.parse(JSON.parse(parsed.MIZAN_PLAN)) as unknown as TrainingPlan;
  if (parsed.MIZAN_TASK === 'snapshot' && !parsed.MIZAN_SNAPSHOT_YEAR_END) throw new Error('MIZAN_SNAPSHOT_YEAR_END is required for a snapshot job');
  return { task: parsed.MIZAN_TASK, plan, ...(parsed.MIZAN_SNAPSHOT_YEAR_END ? { snapshotYearEnd: parsed.MIZAN_SNAPSHOT_YEAR_END } : {}) };
}

/** Why the job failed, in one line: a refused write names the data dir (`dataDir`, local runs). */
export function failureReason(error: unknown, dataDir: string | undefined): string {
  const message =
    error instanceof z.ZodError
      ? `invalid job spec: ${z.prettifyError(error)}`
      : (describeWriteFailure(error, dataDir) ?? (error instanceof Error ? error.message : String(error)));
  return message.replace(/\s+/g, ' ');
}
