/**
 * The query string, checked like the body: each route names the parameters it reads, and anything
 * else (an unknown name, a name given twice) is a 400 naming it, never silently ignored.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest } from './http.ts';
import type { Parsed } from './request-body.ts';

export type QueryParams = ReadonlyMap<string, string>;

/** Every POST /train route reads `wait`; forecasters also `skip_snapshot`; the allocation route `as_of`; other GET routes none. */
export const TRAIN_QUERY = ['wait'] as const;
export const FORECASTER_TRAIN_QUERY = ['wait', 'skip_snapshot'] as const;
export const NO_QUERY = [] as const;
/** GET/POST /models/{agent}/allocation: the date the allocation is decided at. */
export const ALLOCATION_QUERY = ['as_of'] as const;

const shown = (name: string) => name.slice(0, 100);

/** The query's parameters by name, refusing names the route does not read and repeated names. */
export function parseQuery(event: APIGatewayProxyEventV2, allowed: readonly string[]): Parsed<QueryParams> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) {
    if (!allowed.includes(name)) {
      const message = `unknown query parameter "${shown(name)}"`;
      const known = allowed.length > 0 ? `: this route reads ${allowed.join(', ')}` : ': this route reads none';
      return { ok: false, response: badRequest(`${message}${known}`, [{ path: shown(name), message }]) };
    }
    if (params.has(name)) {
      const message = `query parameter "${name}" is given more than once`;
      return { ok: false, response: badRequest(message, [{ path: name, message }]) };
    }
    params.set(name, value);
  }
  return { ok: true, value: params };
}

/** `?wait=SECONDS`: a non-negative number, capped at `maxWaitSeconds`; absent or empty is 0. */
export function parseWait(query: QueryParams, maxWaitSeconds: number): Parsed<number> {
  const raw = query.get('wait');
  if (raw === undefined || raw === '') return { ok: true, value: 0 };
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(raw)) {
    return { ok: false, response: badRequest('invalid query parameter wait: expected a number of seconds', [{ path: 'wait', message: 'expected a non-negative number of seconds' }]) };
  }
  return { ok: true, value: Math.min(Number(raw), maxWaitSeconds) };
}

/**
 * `skip_snapshot` may come in the body or (as clients of the service mizan replaces send it) in
 * the query as `true`/`false`; both at once must agree. Undefined when neither gives it.
 */
export function resolveSkipSnapshot(query: QueryParams, fromBody: boolean | undefined): Parsed<boolean | undefined> {
  const raw = query.get('skip_snapshot');
  if (raw === undefined) return { ok: true, value: fromBody };
  if (raw !== 'true' && raw !== 'false') {
    const message = 'expected true or false';
    return { ok: false, response: badRequest(`invalid query parameter skip_snapshot: ${message}`, [{ path: 'skip_snapshot', message }]) };
  }
  const fromQuery = raw === 'true';
  if (fromBody !== undefined && fromBody !== fromQuery) {
    const message = `the query says ${fromQuery} and the body says ${fromBody}`;
    return { ok: false, response: badRequest(`conflicting skip_snapshot: ${message}`, [{ path: 'skip_snapshot', message }]) };
  }
  return { ok: true, value: fromQuery };
}
