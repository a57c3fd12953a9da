/** GET /train/executions/{id}: the run's status, per-state timings and, when done, its result. */
import type { ExecutionDescription } from '../../src/ports/workflow.ts';
import { summariseCause } from '../shared/failure-cause.ts';
import type { ApiDeps } from './api-deps.ts';
import { json, notFound, type ApiResponse } from './http.ts';

export async function executionRoute(executionId: string, deps: ApiDeps): Promise<ApiResponse> {
  const execution = await deps.workflow.describe(executionId);
  if (!execution) return notFound(`no execution ${executionId}`);
  return json(200, executionView(execution));
}

export function executionView(execution: ExecutionDescription): Record<string, unknown> {
  const plan = (execution.input as { plan?: { kind?: string; version?: string; mode?: string } } | undefined)?.plan;
  return {
    execution_id: execution.executionId,
    name: execution.name,
    status: execution.status,
    kind: plan?.kind ?? null,
    mode: plan?.mode ?? null,
    version: plan?.version ?? null,
    started_at: execution.startedAt,
    stopped_at: execution.stoppedAt ?? null,
    seconds: seconds(execution.startedAt, execution.stoppedAt),
    states: execution.states.map((s) => ({
      name: s.name,
      status: s.status,
      started_at: s.startedAt,
      ended_at: s.endedAt ?? null,
      seconds: seconds(s.startedAt, s.endedAt),
    })),
    ...(execution.status === 'SUCCEEDED' ? { result: execution.output ?? null } : {}),
    ...(execution.status !== 'SUCCEEDED' && execution.status !== 'RUNNING'
      ? { error: execution.error ?? null, cause: summariseCause(execution.cause) }
      : {}),
  };
}

function seconds(start: string, end: string | undefined): number | null {
  return end ? Math.round((Date.parse(end) - Date.parse(start)) / 10) / 100 : null;
}
