/** The API's routes, matched on the raw path (the same on API Gateway `$default` and the local server). */
import { AGENT_KINDS, FORECASTER_KINDS, isAgentKind, isModelKind, type AgentKind, type ModelKind, type TrainMode } from '../../src/config/model-kinds.ts';

export type Route =
  | { route: 'train'; kind: ModelKind; mode: TrainMode }
  | { route: 'execution'; executionId: string }
  | { route: 'models'; kind: ModelKind }
  | { route: 'allocation'; kind: AgentKind }
  | { route: 'not-found' }
  | { route: 'method-not-allowed'; allow: string };

export const TRAIN_ENDPOINTS: string[] = [
  ...FORECASTER_KINDS.map((kind) => `/train/${kind}`),
  ...AGENT_KINDS.flatMap((kind) => [`/train/${kind}/full`, `/train/${kind}/finetune`]),
];

export function matchRoute(method: string, rawPath: string): Route {
  const segments = rawPath.split('/');
  if (segments[0] !== '' || segments.slice(1).some((s) => s === '')) return { route: 'not-found' };
  const [, first, second, third, ...rest] = segments;
  if (rest.length > 0) return { route: 'not-found' };

  if (first === 'train' && second !== undefined) {
    if (second === 'executions' && third !== undefined) {
      return method === 'GET' ? decodeExecutionId(third) : { route: 'method-not-allowed', allow: 'GET' };
    }
    const kind = second;
    const forecaster = (FORECASTER_KINDS as readonly string[]).includes(kind) && third === undefined;
    const agent = (AGENT_KINDS as readonly string[]).includes(kind) && (third === 'full' || third === 'finetune');
    if (!forecaster && !agent) return { route: 'not-found' };
    if (method !== 'POST') return { route: 'method-not-allowed', allow: 'POST' };
    return { route: 'train', kind: kind as ModelKind, mode: forecaster ? 'full' : (third as TrainMode) };
  }
  if (first === 'models' && second !== undefined && third === undefined) {
    if (!isModelKind(second)) return { route: 'not-found' };
    return method === 'GET' ? { route: 'models', kind: second } : { route: 'method-not-allowed', allow: 'GET' };
  }
  // An agent's allocation: GET without a portfolio, POST with one in the body.
  if (first === 'models' && second !== undefined && third === 'allocation') {
    if (!isAgentKind(second)) return { route: 'not-found' };
    return method === 'GET' || method === 'POST' ? { route: 'allocation', kind: second } : { route: 'method-not-allowed', allow: 'GET, POST' };
  }
  return { route: 'not-found' };
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
