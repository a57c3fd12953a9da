import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { agentBodySchema, forecasterBodySchema, parseBody, parseWait } from '../../functions/api/request-body.ts';
import { matchRoute, TRAIN_ENDPOINTS } from '../../functions/api/routes.ts';

function event(body: string | undefined, headers: Record<string, string> = {}, rawQueryString = ''): APIGatewayProxyEventV2 {
  return { body, headers, rawQueryString, isBase64Encoded: false } as unknown as APIGatewayProxyEventV2;
}

describe('API routes', () => {
  it('knows the ten training endpoints of the seed', () => {
    expect(TRAIN_ENDPOINTS).toHaveLength(10);
    for (const path of TRAIN_ENDPOINTS) expect(matchRoute('POST', path).route).toBe('train');
    expect(matchRoute('POST', '/train/ppo_patchtst/finetune')).toEqual({ route: 'train', kind: 'ppo_patchtst', mode: 'finetune' });
    expect(matchRoute('POST', '/train/lstm')).toEqual({ route: 'train', kind: 'lstm', mode: 'full' });
  });

  it('answers 404 for unknown paths and 405 for a known path with the wrong method', () => {
    for (const path of ['/', '/train', '/train/lstm/full', '/train/ppo_lstm', '/train/lstm/', '//train/lstm', '/models/gpt', '/models/lstm/x', '/train/executions/..%2F..%2Fetc%2Fpasswd', '/train/executions/%E0%A4%A']) {
      expect(matchRoute('GET', path).route, path).toBe('not-found');
    }
    expect(matchRoute('GET', '/train/lstm')).toEqual({ route: 'method-not-allowed', allow: 'POST' });
    expect(matchRoute('DELETE', '/models/lstm')).toEqual({ route: 'method-not-allowed', allow: 'GET' });
  });

  it('decodes execution ids (ARNs arrive percent-encoded) and refuses path tricks', () => {
    expect(matchRoute('GET', '/train/executions/arn%3Aaws%3Astates%3Aus-east-1%3A1%3Aexecution%3AM%3Av1')).toEqual({ route: 'execution', executionId: 'arn:aws:states:us-east-1:1:execution:M:v1' });
    expect(matchRoute('GET', '/train/executions/..').route).toBe('not-found');
  });
});

describe('API request bodies', () => {
  it('accepts an empty body as {} and the optional skip_snapshot', () => {
    expect(parseBody(event(undefined), forecasterBodySchema)).toEqual({ ok: true, value: {} });
    expect(parseBody(event('{"skip_snapshot":true}', { 'content-type': 'application/json' }), forecasterBodySchema)).toEqual({ ok: true, value: { skip_snapshot: true } });
    // curl -d's default content type
    expect(parseBody(event('{}', { 'content-type': 'application/x-www-form-urlencoded' }), agentBodySchema).ok).toBe(true);
  });

  it.each([
    ['wrong type', '{"skip_snapshot":"yes"}', {}, 400, 'skip_snapshot'],
    ['unknown key', '{"skip_snapshot":true,"epochs":5}', {}, 400, 'epochs'],
    ['malformed JSON', '{"skip_snapshot":', {}, 400, undefined],
    ['not an object', '[1,2]', {}, 400, ''],
    ['non-JSON content type', '{}', { 'content-type': 'text/plain' }, 400, undefined],
    ['too large', `{"skip_snapshot":true,"x":"${'a'.repeat(20_000)}"}`, {}, 413, undefined],
  ])('rejects a body with %s', (_name, body, headers, status, path) => {
    const parsed = parseBody(event(body, headers), forecasterBodySchema);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.response.statusCode).toBe(status);
    const answer = JSON.parse(parsed.response.body) as { error: string; issues?: { path: string }[] };
    expect(answer.error).toBeTruthy();
    if (path !== undefined) expect(answer.issues?.map((i) => i.path)).toContain(path);
  });

  it('reads ?wait as seconds, capped, and rejects anything else naming wait', () => {
    expect(parseWait(event(undefined, {}, 'wait=600'), Number.POSITIVE_INFINITY)).toEqual({ ok: true, value: 600 });
    expect(parseWait(event(undefined, {}, 'wait=600'), 25)).toEqual({ ok: true, value: 25 });
    const bad = parseWait(event(undefined, {}, 'wait=-1'), 25);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.response.body).toContain('"path": "wait"');
  });
});
