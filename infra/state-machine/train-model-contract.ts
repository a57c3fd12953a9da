/**
 * What the local runner needs to know of TrainModel, without CDK: the state names, the trainer's
 * environment contract, the defaults, and the rendered ASL committed as train-model.asl.json.
 * Nothing here imports aws-cdk-lib (a dev dependency): `npm install --omit=dev` can run it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** The rendered definition (scripts/render-state-machine.ts writes it; a unit test keeps it equal to the CDK chain). */
export const TRAIN_MODEL_ASL_FILE = fileURLToPath(new URL('./train-model.asl.json', import.meta.url));

export const RENDER_COMMAND = 'node bin/run-ts.mjs scripts/render-state-machine.ts';

/** The committed ASL of TrainModel, as deployed (placeholder ARNs). A fresh copy on each call. */
export function readTrainModelAsl(): JsonObject {
  return JSON.parse(readFileSync(TRAIN_MODEL_ASL_FILE, 'utf8')) as JsonObject;
}

/** How the committed file is formatted: stable, diff-friendly. */
export function formatAsl(asl: Json): string {
  return `${JSON.stringify(asl, null, 2)}\n`;
}
