import type { ModelKind, TrainMode } from '../config/model-kinds.ts';
import type { ForecasterConfig, ProfileName } from '../config/profiles.ts';
import type { DateRange } from '../ports/market-data.ts';

/** Bump when a change to the training code changes what it produces: it is part of every version. */
export const TRAINER_CODE_VERSION = '1';

/**
 * Everything that determines a model: the version is a hash of exactly these fields,
 * so the same plan never trains twice.
 */
export interface TrainingInputs {
  kind: ModelKind;
  mode: TrainMode;
  profile: ProfileName;
  /** Target weeks: the first week starting on/after `start` to the last week ending on/before `end`. */
  window: DateRange;
  symbols: string[];
  config: ForecasterConfig | Record<string, unknown>;
  source: 'sample' | 'yahoo';
  /** sha256 over the price bars the run reads (lookback included). */
  dataFingerprint: string;
  codeVersion: string;
}

export interface TrainingPlan extends TrainingInputs {
  version: string; // v{YYYY.MM.DD of window.end}-{12 hex of sha256(canonical JSON of inputs)}
  /** Year ends (YYYY-12-31) whose snapshots the backfill trains; empty for agents. */
  snapshotYearEnds: string[];
}

/** The trainer's job: what the Batch job (locally: a child process) is given. */
export interface TrainJobSpec {
  task: 'train' | 'snapshot';
  plan: TrainingPlan;
  /** For task 'snapshot': the cutoff; the snapshot trains on data up to and including it. */
  snapshotYearEnd?: string;
}
