import type { TrainingPlan } from '../models/training-plan.ts';

/** The trainer's job: what the Batch job (locally: a child process) is given. */
export interface TrainJobSpec {
  /** 'walk-forward': score the version's backfilled snapshots (forecasters, after the backfill). */
  task: 'train' | 'snapshot' | 'walk-forward';
  plan: TrainingPlan;
  /** For task 'snapshot': the cutoff; the snapshot trains on data up to and including it. */
  snapshotYearEnd?: string;
}
