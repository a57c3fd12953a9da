import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { computeVersion } from '../../src/registry/version.ts';

export type Planned = Awaited<ReturnType<typeof resolveTrainingPlan>>;

/** A resolved plan with config changes, its version recomputed (the version hashes the config). */
export function withConfig(planned: Planned, changes: Record<string, unknown>): Planned {
  const { version: _v, snapshotYearEnds, ...inputs } = planned;
  const next = { ...inputs, config: { ...inputs.config, ...changes } };
  return { ...next, version: computeVersion(next), snapshotYearEnds };
}
