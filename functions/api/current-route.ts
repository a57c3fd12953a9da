/**
 * POST /models/{kind}/current `{"version": "v…", "reason": "…", "expected_current": "v…" | null}`: a
 * person's choice of the current model (src/pipeline/change-current.ts), one compare-and-swap from
 * `expected_current`, recorded in the kind's promotion history. 200 with the outcome (also when the
 * version is current already: nothing changes); 409 naming the current version when it is not
 * `expected_current`; 400 for a version that cannot be current (FAILED, RUNNING, unknown, another
 * kind's, damaged files), a missing reason, or any other bad body.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { changeCurrent, CurrentConflictError, MAX_REASON_CHARS } from '../../src/pipeline/change-current.ts';
import { VERSION_PATTERN } from '../../src/registry/version.ts';
import type { ApiDeps } from './api-deps.ts';
import { json, type ApiResponse } from './http.ts';
import { NO_QUERY, parseQuery } from './query-params.ts';
import { parseBody } from './request-body.ts';

const version = z.string().regex(VERSION_PATTERN, 'expected a version v{YYYY.MM.DD}-{hex}');

export const currentBodySchema = z.strictObject({
  version,
  reason: z.string().max(MAX_REASON_CHARS),
  /** Required: the caller says what it believes is current (null: none), so a stale view is a 409, not a silent overwrite. */
  expected_current: version.nullable(),
});

export async function currentRoute(event: APIGatewayProxyEventV2, kind: ModelKind, deps: ApiDeps): Promise<ApiResponse> {
  const query = parseQuery(event, NO_QUERY);
  if (!query.ok) return query.response;
  const body = parseBody(event, currentBodySchema, deps.maxBodyBytes);
  if (!body.ok) return body.response;
  const { version: next, reason, expected_current } = body.value;
  try {
    const outcome = await changeCurrent({ kind, version: next, expectedCurrent: expected_current, reason, by: callerOf(event), action: 'promote' }, deps);
    return json(200, outcome);
  } catch (error) {
    if (error instanceof CurrentConflictError) return json(409, { error: error.message, current: error.current });
    throw error; // a UserInputError is answered 400 by the handler, naming its path
  }
}

/** Who asks, for the history: the IAM principal API Gateway authorised (AWS), else the client's address (local server). */
function callerOf(event: APIGatewayProxyEventV2): string {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] & { authorizer?: { iam?: { userArn?: string } } };
  const arn = context?.authorizer?.iam?.userArn;
  return arn ? `${arn} (api)` : `${context?.http?.sourceIp || 'unknown client'} (api)`;
}
