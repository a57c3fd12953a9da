/**
 * What a trainer is given: the plan of one run, resolved by the pipeline (src/pipeline/resolve-plan.ts)
 * and hashed into its version. The models read it; they never resolve one.
 */
import type { ForecasterKind, ModelKind, TrainMode } from '../config/model-kinds.ts';
import type { ProfileName } from '../config/profiles.ts';
import type { DateRange } from '../ports/market-data.ts';

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
  /** The kind's config for the profile (src/models/<kind>): validated, all of it hashed. */
  config: Record<string, unknown>;
  source: 'sample' | 'yahoo';
  /** sha256 over the price bars the run reads (lookback included). */
  dataFingerprint: string;
  /** sha256 of the news and statements a kind with signal channels reads (absent for the others). */
  signalFingerprint?: string;
  /** Agents: the forecaster models their panel reads, so that retrained snapshots make a new agent version. */
  forecasterModels?: ForecasterModels;
  /** A hash of the kind's training sources (src/models/code-versions.generated.ts). */
  codeVersion: string;
}

/** The forecaster models an agent's window reads: its snapshots, or the final model when allowed and there are none. */
export interface ForecasterModels {
  kind: ForecasterKind;
  /** By year end: the key (what it was trained from) and a digest of its files' sha256s (what it is). */
  snapshots: { yearEnd: string; key: string; files: string }[];
  /** The current model's version, read when the forecaster has no snapshots and the request allows it. */
  finalModel?: string;
}

export interface TrainingPlan extends TrainingInputs {
  version: string; // v{YYYY.MM.DD of window.end}-{12 hex of sha256(canonical JSON of inputs)}
  /** Year ends (YYYY-12-31) whose snapshots the backfill trains; empty for agents. */
  snapshotYearEnds: string[];
}

