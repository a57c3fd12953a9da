/**
 * The deployed tier, part 1: the Lambda bundles `cdk synth` writes, run as Lambda runs them (no
 * node_modules, ESM, the template's environment), and the HTTP API's routes in front of them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../functions/api/route-table.ts';
import { DeployedSystem } from './support/deployed-system.ts';

let system: DeployedSystem;

beforeAll(async () => {
  system = await DeployedSystem.start({ functionTimeouts: { Api: 8 } });
}, 240_000);
afterAll(() => system?.close());

describe('every Lambda bundle in cdk.out', () => {
  it('loads in a Lambda-like process with no node_modules on its path', async () => {
    // Prepare
    const functions = [...system.functions.values()];

    // Act
    const loaded = await Promise.allSettled(functions.map((fn) => fn.start()));

    // Assess
    expect(functions.length).toBeGreaterThanOrEqual(5);
    const failures = loaded.flatMap((result, i) => (result.status === 'rejected' ? [`${functions[i]!.fn.logicalId}: ${String(result.reason)}`] : []));
    expect(failures).toEqual([]);
    for (const fn of functions) {
      for (let dir = fn.taskRoot; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    }
  });
});

describe('the synthesized HTTP API', () => {
  it('routes exactly the routes the router serves', () => {
    expect([...system.gateway.routeKeys].sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('answers every route through the API bundle (bad input: 400 naming it; nothing yet: 404 from the handler)', async () => {
    // Prepare: one concrete request per route, none of which starts a run.
    const concrete = (path: string) => path.replace('{kind}', path.endsWith('/allocation') ? 'ppo_lstm' : 'lstm').replace('{id}', 'v2022.12.30-000000000000');
    const answers: Record<string, number> = {};

    // Act
    for (const route of API_ROUTES) {
      const post = route.method === 'POST';
      const response = await system.gateway.request(route.method, concrete(route.path), post ? { body: '{"not_a_field":1}' } : {});
      expect(response.routeKey, `${route.method} ${route.path} reached the Lambda`).toBe(`${route.method} ${route.path}`);
      answers[`${route.method} ${route.path}`] = response.statusCode;
      if (response.statusCode === 400) expect(response.body).toContain('not_a_field');
    }

    // Assess
    expect(Object.values(answers).every((status) => status === 400 || status === 404 || status === 200), JSON.stringify(answers)).toBe(true);
    expect(answers['GET /models/{kind}']).toBe(200);
    expect(answers['GET /models/{kind}/allocation']).toBe(404); // no current agent yet: the handler's 404, not API Gateway's
    expect(answers['GET /train/executions/{id}']).toBe(404);
  });

  it('answers 404 itself for a path no route matches, without invoking the Lambda', async () => {
    const response = await system.gateway.request('GET', '/models/lstm/weights');
    expect(response).toMatchObject({ statusCode: 404, routeKey: undefined });
  });
});

describe('the API bundle under its Lambda timeout', () => {
  it('answers ?wait=25 with 202 before the function times out (here 8 s), measured from the invocation', async () => {
    // Prepare: a version that takes longer than the function may live (the smoke lstm with its snapshots).
    const started = Date.now();

    // Act
    const response = await system.gateway.request('POST', '/train/lstm', { query: 'wait=25', body: '{}' });

    // Assess
    const seconds = (Date.now() - started) / 1000;
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ status: 'RUNNING' });
    expect(seconds).toBeLessThan(8);
  });
});
