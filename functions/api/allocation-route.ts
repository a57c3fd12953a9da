/**
 * GET /models/{agent}/allocation[?as_of=YYYY-MM-DD]: the current agent's target weights for the week
 * after as_of, with what it saw. POST the same path with the portfolio held now as the body,
 * `{"cash": 1000, "positions": {"AAPL": 5000}}` (market values), to also get the turnover and cost.
 * 404 when the kind has no current agent; bad input (query, body, a position that is no ticker or
 * not the agent's, negative value, empty portfolio, as_of) is a 400 naming the field.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AgentKind } from '../../src/config/model-kinds.ts';
import { portfolioSchema, type Portfolio } from '../../src/models/agents/allocation/portfolio.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import type { ApiDeps } from './api-deps.ts';
import { badRequest, json, notFound, type ApiResponse } from './http.ts';
import { ALLOCATION_QUERY, parseQuery } from './query-params.ts';
import { parseBody } from './request-body.ts';

export async function allocationRoute(event: APIGatewayProxyEventV2, kind: AgentKind, method: string, deps: ApiDeps): Promise<ApiResponse> {
  const query = parseQuery(event, ALLOCATION_QUERY);
  if (!query.ok) return query.response;
  let portfolio: Portfolio | undefined;
  if (method === 'POST') {
    const body = parseBody(event, portfolioSchema, deps.maxBodyBytes);
    if (!body.ok) return body.response;
    portfolio = body.value;
  } else if ((event.body ?? '').trim() !== '') {
    return badRequest('GET takes no body: POST the portfolio to this path to cost the rebalance', [{ path: '(body)', message: 'a GET request has no body' }]);
  }
  // Loaded here: the agent brings TensorFlow.js, which the other routes do not need.
  const { allocate, NoCurrentAgentError } = await import('../../src/models/agents/allocate.ts');
  try {
    const { allocation } = await allocate({ kind, asOf: query.value.get('as_of'), portfolio }, { ...deps, forecasts: forecastReader(deps) });
    return json(200, allocation);
  } catch (error) {
    if (error instanceof NoCurrentAgentError) return notFound(error.message);
    throw error; // a UserInputError is answered 400 by the handler, naming its path
  }
}
