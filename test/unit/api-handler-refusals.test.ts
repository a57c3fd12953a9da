/**
 * Requests the API refuses before it reads or writes anything: unknown query parameters on every
 * route, and a kind without a trainer. The handler's adapters here record any call made on them.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/api-deps.ts';
import { makeApiHandler } from '../../functions/api/handler.ts';
import { TRAIN_ENDPOINTS } from '../../functions/api/routes.ts';

/** Deps whose every adapter method records its name and fails: a refused request must call none. */
function recordingDeps(): { deps: ApiDeps; calls: string[] } {
  const calls: string[] = [];
  const adapter = (name: string) =>
    new Proxy({}, { get: (_target, method) => (method === 'then' ? undefined : () => { calls.push(`${name}.${String(method)}`); throw new Error('must not be called'); }) });
  const deps = {
    profile: 'smoke',
    marketData: adapter('marketData'),
    universe: adapter('universe'),
    registry: adapter('registry'),
    store: adapter('store'),
    workflow: adapter('workflow'),
    publisherEnabled: false,
    maxWaitSeconds: 25,
    log: () => undefined,
  } as unknown as ApiDeps;
  return { deps, calls };
}

function event(method: string, path: string, rawQueryString = '', body?: string): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    rawQueryString,
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method } },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const context = { awsRequestId: 'req-1' } as unknown as Context;

async function ask(method: string, path: string, query = '', body?: string) {
  const { deps, calls } = recordingDeps();
  const response = await makeApiHandler(deps)(event(method, path, query, body), context);
  return { status: response.statusCode, body: JSON.parse(response.body) as { error: string; issues?: { path: string; message: string }[] }, calls };
}

describe('the API refuses unknown query parameters, naming them, before doing anything', () => {
  it.each([
    ['POST', '/train/lstm', 'skip_snapshot=true&epochs=3', '{}', 'epochs'],
    ['POST', '/train/ppo_lstm/full', 'skip_snapshot=true', '{}', 'skip_snapshot'],
    ['GET', '/models/lstm', 'verbose=1', undefined, 'verbose'],
    ['GET', '/train/executions/v2026.01.02-abc', 'x', undefined, 'x'],
  ])('%s %s?%s', async (method, path, query, body, name) => {
    // Act
    const answer = await ask(method, path, query, body);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(`unknown query parameter "${name}"`);
    expect(answer.body.issues).toEqual([{ path: name, message: `unknown query parameter "${name}"` }]);
    expect(answer.calls).toEqual([]);
  });

  it('refuses a repeated parameter', async () => {
    const answer = await ask('POST', '/train/lstm', 'wait=1&wait=2', '{}');
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'wait', message: 'query parameter "wait" is given more than once' }]);
    expect(answer.calls).toEqual([]);
  });

  it('refuses skip_snapshot given in the query and the body with different values', async () => {
    const answer = await ask('POST', '/train/lstm', 'skip_snapshot=false', '{"skip_snapshot":true}');
    expect(answer.status).toBe(400);
    expect(answer.body.issues?.map((issue) => issue.path)).toEqual(['skip_snapshot']);
    expect(answer.calls).toEqual([]);
  });
});

describe('the allocation route refuses a position that is no ticker, naming it, before reading anything', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('%s', async (name) => {
    for (const cash of [0, 1]) {
      // Act: JSON.parse makes each an own key of the positions
      const answer = await ask('POST', '/models/ppo_lstm/allocation', '', `{"cash": ${cash}, "positions": {"${name}": 5}}`);
      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([{ path: `positions.${name}`, message: 'not a ticker symbol (such as AAPL or BRK-B)' }]);
      expect(answer.body.error).not.toMatch(/empty/);
      expect(answer.calls).toEqual([]);
    }
  });
});

// A deployment that trains the forecasters only (MIZAN_KINDS): the agents' routes have no trainer here.
const FORECASTERS_ONLY = 'lstm,patchtst';
const unregistered = TRAIN_ENDPOINTS.filter((path) => !FORECASTERS_ONLY.split(',').includes(path.split('/')[2]));

describe('the API refuses a kind without a trainer before any claim or execution', () => {
  beforeAll(() => {
    process.env.MIZAN_KINDS = FORECASTERS_ONLY;
  });
  afterAll(() => {
    delete process.env.MIZAN_KINDS;
  });

  it.each(unregistered)('POST %s answers 400 naming the kinds that train', async (path) => {
    // Act
    const answer = await ask('POST', path, '', '{}');
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('the kinds that train are lstm, patchtst');
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: 'kind' })]);
    expect(answer.calls).toEqual([]);
  });

  it('validates the request first: an unknown query parameter on an unregistered kind is named', async () => {
    const answer = await ask('POST', unregistered[0], 'epochs=3', '{}');
    expect(answer.status).toBe(400);
    expect(answer.body.issues?.map((issue) => issue.path)).toEqual(['epochs']);
  });
});
