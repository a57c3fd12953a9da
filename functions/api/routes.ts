/**
 * The API's routes, matched on the raw path (the same on API Gateway and the local server). What is
 * routed, and with which methods, is route-table.ts: API Gateway routes the same table to the Lambda.
 */
import type { AgentKind, ModelKind, TrainMode } from '../../src/config/model-kinds.ts';
import { AGENT_KINDS, FORECASTER_KINDS, isAgentKind, isModelKind } from '../../src/models/kinds.ts';
import { allowedMethods } from './route-table.ts';

export { TRAIN_ENDPOINTS } from './route-table.ts';

export type Route =
  | { route: 'train'; kind: ModelKind; mode: TrainMode }
  | { route: 'execution'; executionId: string }
  | { route: 'models'; kind: ModelKind }
  | { route: 'allocation'; kind: AgentKind }
  | { route: 'current'; kind: ModelKind }
  | { route: 'not-found' }
  | { route: 'method-not-allowed'; allow: string };

export function matchRoute(method: string, rawPath: string): Route {
  const segments = rawPath.split('/');
  if (segments[0] !== '' || segments.slice(1).some((s) => s === '')) return { route: 'not-found' };
  const [, first, second, third, ...rest] = segments;
  if (rest.length > 0) return { route: 'not-found' };

  if (first === 'train' && second !== undefined) {
    if (second === 'executions' && third !== undefined) {
      return allows(method, '/train/executions/{id}') ? decodeExecutionId(third) : notAllowed('/train/executions/{id}');
    }
    const kind = second;
    const forecaster = (FORECASTER_KINDS as readonly string[]).includes(kind) && third === undefined;
    const agent = (AGENT_KINDS as readonly string[]).includes(kind) && (third === 'full' || third === 'finetune');
    if (!forecaster && !agent) return { route: 'not-found' };
    const template = `/train/${kind}${third === undefined ? '' : `/${third}`}`;
    if (!allows(method, template)) return notAllowed(template);
    return { route: 'train', kind: kind as ModelKind, mode: forecaster ? 'full' : (third as TrainMode) };
  }
  if (first === 'models' && second !== undefined && third === undefined) {
    if (!isModelKind(second)) return { route: 'not-found' };
    return allows(method, '/models/{kind}') ? { route: 'models', kind: second } : notAllowed('/models/{kind}');
  }
  if (first === 'models' && second !== undefined && third === 'allocation') {
    if (!isAgentKind(second)) return { route: 'not-found' };
    return allows(method, '/models/{kind}/allocation') ? { route: 'allocation', kind: second } : notAllowed('/models/{kind}/allocation');
  }
  if (first === 'models' && second !== undefined && third === 'current') {
    if (!isModelKind(second)) return { route: 'not-found' };
    return allows(method, '/models/{kind}/current') ? { route: 'current', kind: second } : notAllowed('/models/{kind}/current');
  }
  return { route: 'not-found' };
}

function allows(method: string, template: string): boolean {
  return allowedMethods(template).split(', ').includes(method);
}

function notAllowed(template: string): Route {
  return { route: 'method-not-allowed', allow: allowedMethods(template) };
}

/** Execution ids are names (`v2026.08.14-abc…`) locally and ARNs on AWS; anything else is unknown. */
const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;

function decodeExecutionId(segment: string): Route {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return { route: 'not-found' };
  }
  return EXECUTION_ID.test(id) && !id.includes('..') ? { route: 'execution', executionId: id } : { route: 'not-found' };
}
