/**
 * What every runner of the TrainModel state machine agrees on, the deployed one (infra/state-machine)
 * and the local one (src/adapters/local-workflow): the state names, the trainer's environment
 * contract, the defaults and the task timeouts. No imports: `npm install --omit=dev` can run it.
 */

/** The state names a person reads in the console; the local runner overrides Tasks by these names. */
export const STATE = {
  fullOrFineTune: 'Full or fine-tune?',
  train: 'Train',
  fineTune: 'Fine-tune',
  decidePromotion: 'Decide promotion',
  shouldPublish: 'Publish?',
  publish: 'Publish to Hugging Face',
  shouldBackfill: 'Backfill snapshots?',
  backfill: 'Backfill snapshots',
  trainSnapshot: 'Train snapshot',
  scoreWalkForward: 'Score walk-forward',
  recordResult: 'Record result',
  recordFailure: 'Record failure',
  failed: 'Training failed',
} as const;

/** The trainer container's environment contract (containers/trainer/entrypoint.ts reads these). */
export const TRAINER_ENV = {
  task: 'MIZAN_TASK', // 'train' | 'snapshot' | 'walk-forward'
  plan: 'MIZAN_PLAN', // JSON of the TrainingPlan
  snapshotYearEnd: 'MIZAN_SNAPSHOT_YEAR_END', // YYYY-12-31, for task 'snapshot'
} as const;

/** Default Map concurrency of the snapshot backfill (the local runner further caps it at the core count). */
export const DEFAULT_SNAPSHOT_CONCURRENCY = 4;

/** Explicit task timeouts: AWS has none by default, aws-local-stepfunctions 60 s; both run these values. */
export const BATCH_TASK_TIMEOUT_SECONDS = 24 * 60 * 60;
export const LAMBDA_TASK_TIMEOUT_SECONDS = 15 * 60;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
