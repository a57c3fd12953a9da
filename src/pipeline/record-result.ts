import { kindSpec } from '../models/kinds.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { getJson } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { readSnapshotOutcomes } from '../snapshots/train-snapshot.ts';
import { readWalkForwardScore } from '../snapshots/walk-forward-score.ts';
import type { PromotionOutcome } from './decide-promotion.ts';
import type { TrainingPlan } from '../models/training-plan.ts';
import { METADATA_FILE, versionPrefix } from '../models/artifacts/model-files.ts';

export interface RecordResultInput {
  plan: TrainingPlan;
  promotion: PromotionOutcome;
  published?: { hf_repo: string | null; hf_url: string | null } | null;
  /** Why publishing failed, when it did (the model is still trained and promoted). */
  publishError?: string;
}

/**
 * Builds the seed response of a finished run and stores it in the registry (the version is
 * now SUCCEEDED: a repeated request answers with exactly this).
 */
export async function recordResult(input: RecordResultInput, deps: { store: ArtifactStore; registry: ModelRegistry }): Promise<Record<string, unknown>> {
  const { plan, promotion } = input;
  const meta = await getJson<{ metrics: Record<string, number>; comparison?: unknown; test_vs_baselines?: string; symbols_used?: string[]; response?: Record<string, unknown>; inputs?: { signals_used?: string[]; num_input_channels?: number } }>(deps.store, `${versionPrefix(plan.kind, plan.version)}/${METADATA_FILE}`);
  if (!meta) throw new Error(`${plan.kind} ${plan.version} has no metadata.json`);
  const response: Record<string, unknown> = {
    version: plan.version,
    data_window_start: plan.window.start,
    data_window_end: plan.window.end,
    // The seed's metric names first, then the kind's others (forecasters: the mean baseline and the test segment).
    metrics: orderedMetrics(meta.metrics, kindSpec(plan.kind).responseMetrics),
    promoted: promotion.promoted,
    prior_version: promotion.prior_version,
    // The symbols a run used (an agent's fine-tune keeps those, and their order, of the agent it starts from), then the kind's own response fields.
    ...(meta.symbols_used ? { symbols_used: meta.symbols_used } : {}),
    ...(meta.response ?? {}),
    // Every kind: the version's branch on the Hub (null when nothing was published, or publishing failed).
    hf_repo: input.published?.hf_repo ?? null,
    hf_url: input.published?.hf_url ?? null,
    // Extras beyond the seed schema: why promotion went as it did, and the snapshot backfill.
    kind: plan.kind,
    profile: plan.profile,
    promotion: promotionSummary(promotion),
    ...(meta.test_vs_baselines ? { test_vs_baselines: meta.test_vs_baselines } : {}),
    ...(meta.inputs?.signals_used ? { signals_used: meta.inputs.signals_used, num_input_channels: meta.inputs.num_input_channels } : {}),
    ...(input.publishError ? { publish_error: input.publishError } : {}),
  };
  if (plan.snapshotYearEnds.length > 0) {
    const outcomes = await readSnapshotOutcomes(deps.store, plan.kind, plan.version);
    if (outcomes.length > 0) response.snapshots = outcomes.map((o) => ({ year_end: o.yearEnd, outcome: o.outcome }));
    // "Score walk-forward" stored it: the whole period's figures (the per-year ones stay in the file).
    const score = await readWalkForwardScore(deps.store, plan.kind, plan.version);
    if (score) {
      const { hit_rate, always_up_rate, rank_ic_mean, rank_ic_t, weeks, baselines } = score.total;
      // Beside the rank IC, 12-1 momentum's and 1-week reversal's on the same weeks (scores stored before them have none).
      response.walk_forward = { hit_rate, always_up_rate, rank_ic_mean, rank_ic_t, weeks, ...(baselines ? { rank_ic_baselines: baselines } : {}) };
    }
  }
  await deps.registry.complete(plan.kind, plan.version, response);
  return response;
}

/** Marks the run FAILED (freeing its claim for a retry); `current` is never touched here. */
export async function recordFailure(input: { plan: TrainingPlan; error: string; cause: string }, deps: { registry: ModelRegistry }): Promise<void> {
  await deps.registry.fail(input.plan.kind, input.plan.version, { error: input.error, cause: input.cause });
}

/**
 * The decision as the response shows it: the reason, the rule that decided, the test (method,
 * statistic, one-sided p-values, level, weeks) and the comparison without its weekly series (they
 * stay in the version's metadata.json and promotion.json; the test summarises them).
 */
export function promotionSummary(promotion: PromotionOutcome): Record<string, unknown> {
  const { weekly, ...comparison } = promotion.comparison ?? {};
  return {
    reason: promotion.reason,
    compared_on: promotion.compared_on,
    ...(promotion.rule ? { rule: promotion.rule } : {}),
    ...(promotion.test ? { test: promotion.test } : {}),
    ...(promotion.level !== undefined ? { level: promotion.level } : {}),
    ...(promotion.max_age_weeks !== undefined ? { max_age_weeks: promotion.max_age_weeks, age_weeks: promotion.age_weeks ?? null } : {}),
    ...(promotion.comparison ? { comparison: { ...comparison, ...(weekly ? { weekly_series: `${weekly.weeks.length} weeks of ${weekly.measure} (in metadata.json)` } : {}) } } : {}),
  };
}

function orderedMetrics(metrics: Record<string, number>, first: readonly string[]): Record<string, number> {
  return { ...Object.fromEntries(first.map((n) => [n, metrics[n]])), ...metrics };
}
