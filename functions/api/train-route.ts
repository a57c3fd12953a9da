/** POST /train/...: validate (query, body, a registered trainer) → plan → idempotent start → 200 stored / 202 running (optionally waiting). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ModelKind, TrainMode } from '../../src/config/model-kinds.ts';
import { kindSpec } from '../../src/models/kinds.ts';
import { noSpaceInCause } from '../../src/adapters/local/write-failure.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { startTraining } from '../../src/pipeline/start-training.ts';
import type { VersionRecord } from '../../src/ports/model-registry.ts';
import type { ApiDeps } from './api-deps.ts';
import { json, type ApiResponse } from './http.ts';
import { FORECASTER_TRAIN_QUERY, parseQuery, parseWait, resolveSkipSnapshot, TRAIN_QUERY } from './query-params.ts';
import { agentBodySchema, forecasterBodySchema, parseBody } from './request-body.ts';
import type { RequestClock } from './request-clock.ts';

export async function trainRoute(
  event: APIGatewayProxyEventV2,
  target: { kind: ModelKind; mode: TrainMode },
  clock: RequestClock,
  deps: ApiDeps,
): Promise<ApiResponse> {
  // A kind with snapshots takes skip_snapshot; one that reads a forecaster, allow_final_model.
  const { snapshots } = kindSpec(target.kind);
  const query = parseQuery(event, snapshots ? FORECASTER_TRAIN_QUERY : TRAIN_QUERY);
  if (!query.ok) return query.response;
  const wait = parseWait(query.value, deps.maxWaitSeconds);
  if (!wait.ok) return wait.response;
  let skipSnapshot = true; // nothing to backfill for a kind without snapshots
  let allowFinalModel = false;
  if (snapshots) {
    const body = parseBody(event, forecasterBodySchema, deps.maxBodyBytes);
    if (!body.ok) return body.response;
    const skip = resolveSkipSnapshot(query.value, body.value.skip_snapshot);
    if (!skip.ok) return skip.response;
    skipSnapshot = skip.value ?? false;
  } else {
    const body = parseBody(event, agentBodySchema, deps.maxBodyBytes);
    if (!body.ok) return body.response;
    allowFinalModel = body.value.allow_final_model ?? false;
  }
  // A kind without a trainer here is refused by the plan, before any claim or execution (a UserInputError: 400).
  const plan = await resolveTrainingPlan({ kind: target.kind, mode: target.mode, profile: deps.profile, allowFinalModel }, deps);
  const outcome = await startTraining(plan, { skipSnapshot }, deps);
  if (outcome.status === 'SUCCEEDED') return json(200, outcome.response);

  const running = { version: outcome.version, execution_id: outcome.executionId, status_url: statusUrl(outcome.executionId) };
  if (wait.value > 0) {
    // `?wait=` counts from the request's start, and ends early enough for the answer to leave the Lambda.
    const deadline = Math.min(clock.startedAt + wait.value * 1000, clock.waitLimit);
    const record = await waitForRun(target.kind, outcome.version, deadline, deps);
    if (record?.status === 'SUCCEEDED' && record.response) return json(200, record.response);
    if (record?.status === 'FAILED') {
      const cause = record.error?.cause ?? 'unknown cause';
      // A run that failed because the disk filled up: 507, naming where.
      const full = noSpaceInCause(cause);
      if (full !== undefined) return json(507, { ...running, status: 'FAILED', error: `no space left on device under ${full}`, cause });
      return json(500, { ...running, status: 'FAILED', error: record.error?.error ?? 'Error', cause });
    }
  }
  return json(202, { version: running.version, status: 'RUNNING', execution_id: running.execution_id, status_url: running.status_url });
}

export function statusUrl(executionId: string): string {
  return `/train/executions/${encodeURIComponent(executionId)}`;
}

/** Polls the registry until the version's run ends or the deadline (epoch ms) passes; the record then, if ended. */
async function waitForRun(kind: ModelKind, version: string, deadline: number, deps: ApiDeps): Promise<VersionRecord | undefined> {
  const interval = deps.pollIntervalMs ?? 250;
  for (;;) {
    const record = await deps.registry.get(kind, version);
    // The version's record answers, whichever execution (a retry) ended it.
    if (record && record.status !== 'RUNNING') return record;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
  }
}
