/**
 * The API: one handler for every route (API Gateway HTTP API, payload 2.0). The same factory runs
 * in Lambda (deps from the environment) and in the local server (local deps).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { PriorModelRequiredError, UserInputError } from '../../src/config/errors.ts';
import { readModels } from '../../src/pipeline/read-models.ts';
import type { ApiDeps } from './api-deps.ts';
import { allocationRoute } from './allocation-route.ts';
import { currentRoute } from './current-route.ts';
import { executionRoute } from './execution-route.ts';
import { diskRefusal } from './disk-refusal.ts';
import { badRequest, json, notFound, type ApiResponse } from './http.ts';
import { NO_QUERY, parseQuery } from './query-params.ts';
import { requestClock, type RequestClock } from './request-clock.ts';
import { matchRoute } from './routes.ts';
import { trainRoute } from './train-route.ts';

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<ApiResponse>;

export function makeApiHandler(deps: ApiDeps): ApiHandler {
  const log = deps.log ?? ((line: string) => console.error(line));
  return middy<APIGatewayProxyEventV2, ApiResponse>()
    .onError(async (request) => {
      const error = request.error as Error | undefined;
      const requestId = request.context?.awsRequestId ?? null;
      // A disk that refuses writes is the operator's to fix: named, in one line, without a stack.
      const refused = diskRefusal(error);
      if (refused) {
        log(`api error ${requestId ?? ''}: ${refused.line}`);
        request.response = json(refused.status, { error: refused.error, request_id: requestId });
        return;
      }
      // Anything unexpected: logged with its stack, answered without it.
      log(`api error ${requestId ?? ''}: ${error?.stack ?? String(error)}`);
      request.response = json(500, { error: 'internal error', request_id: requestId });
    })
    // The clock is read first: a wait's deadline counts planning and starting the run too.
    .handler(async (event, context) => route(event, requestClock(context), deps));
}

async function route(event: APIGatewayProxyEventV2, clock: RequestClock, deps: ApiDeps): Promise<ApiResponse> {
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, event.rawPath ?? '/');
  if (match.route === 'execution' || match.route === 'models') {
    // The GET routes read no query parameter: one sent is a mistake to name, not to ignore.
    const query = parseQuery(event, NO_QUERY);
    if (!query.ok) return query.response;
  }
  try {
    switch (match.route) {
      case 'train':
        return await trainRoute(event, match, clock, deps);
      case 'execution':
        return await executionRoute(match.executionId, deps);
      case 'models':
        return json(200, await readModels(match.kind, deps));
      case 'allocation':
        return await allocationRoute(event, match.kind, method, deps);
      case 'current':
        return await currentRoute(event, match.kind, deps);
      case 'method-not-allowed':
        return json(405, { error: `method ${method.slice(0, 16)} not allowed here: use ${match.allow}` }, { allow: match.allow });
      case 'not-found':
        return notFound();
    }
  } catch (error) {
    if (error instanceof PriorModelRequiredError) return badRequest(error.message, [], { full_endpoint: error.fullEndpoint });
    if (error instanceof UserInputError) return badRequest(error.message, error.path.length > 0 ? [{ path: error.path.join('.'), message: error.message }] : []);
    throw error;
  }
}
