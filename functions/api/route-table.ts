/**
 * The API's routes, once: the router (routes.ts) answers exactly these, and the CDK HTTP API
 * (infra/constructs/http-api.ts) routes exactly these to the Lambda. A route missing here is a 404
 * on both sides, so the two can no longer drift (the allocation route once existed only locally).
 * No CDK and no SDK here: the Lambda bundle and the local server read it too.
 */
import { AGENT_KINDS, FORECASTER_KINDS } from '../../src/models/kinds.ts';

export type RouteMethod = 'GET' | 'POST';

export interface RouteSpec {
  method: RouteMethod;
  /** API Gateway's syntax: literal segments and `{param}` segments. */
  path: string;
}

export const TRAIN_ROUTES: RouteSpec[] = [
  ...FORECASTER_KINDS.map((kind) => ({ method: 'POST' as const, path: `/train/${kind}` })),
  ...AGENT_KINDS.flatMap((kind) => [
    { method: 'POST' as const, path: `/train/${kind}/full` },
    { method: 'POST' as const, path: `/train/${kind}/finetune` },
  ]),
];

export const READ_ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/train/executions/{id}' },
  { method: 'GET', path: '/models/{kind}' },
  // An agent's allocation: GET without a portfolio, POST with one in the body.
  { method: 'GET', path: '/models/{kind}/allocation' },
  { method: 'POST', path: '/models/{kind}/allocation' },
  // A person's choice of the current version (promote, roll back), on the record.
  { method: 'POST', path: '/models/{kind}/current' },
];

export const API_ROUTES: RouteSpec[] = [...TRAIN_ROUTES, ...READ_ROUTES];

export const TRAIN_ENDPOINTS: string[] = TRAIN_ROUTES.map((route) => route.path);

/** The methods the table lists for a path template, as an `Allow` header value. */
export function allowedMethods(path: string): string {
  return API_ROUTES.filter((route) => route.path === path)
    .map((route) => route.method)
    .join(', ');
}
