import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { FORECASTER_TRAIN_QUERY, NO_QUERY, parseQuery, parseWait, resolveSkipSnapshot, TRAIN_QUERY, type QueryParams } from '../../functions/api/query-params.ts';
import { agentBodySchema, forecasterBodySchema, parseBody } from '../../functions/api/request-body.ts';
import { matchRoute, TRAIN_ENDPOINTS } from '../../functions/api/routes.ts';
import { AGENT_KINDS, FORECASTER_KINDS } from '../../src/models/kinds.ts';

function event(body: string | undefined, headers: Record<string, string> = {}, rawQueryString = ''): APIGatewayProxyEventV2 {
  return { body, headers, rawQueryString, isBase64Encoded: false } as unknown as APIGatewayProxyEventV2;
}

describe('API routes', () => {
  it('knows a training endpoint per forecaster and two per agent (the seed\'s ten among them)', () => {
    expect(TRAIN_ENDPOINTS).toHaveLength(FORECASTER_KINDS.length + 2 * AGENT_KINDS.length);
    const seed = ['/train/lstm', '/train/patchtst', ...['ppo_lstm', 'ppo_patchtst', 'sac_lstm', 'sac_patchtst'].flatMap((k) => [`/train/${k}/full`, `/train/${k}/finetune`])];
    expect(TRAIN_ENDPOINTS).toEqual(expect.arrayContaining(seed));
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

});

const query = (raw: string): QueryParams => new Map(new URLSearchParams(raw));
const params = (raw: string, allowed: readonly string[]) => parseQuery(event(undefined, {}, raw), allowed);
const answer = (response: { body: string }) => JSON.parse(response.body) as { error: string; issues?: { path: string; message: string }[] };

describe('API query strings', () => {
  it('reads the parameters a route knows', () => {
    const parsed = params('wait=5&skip_snapshot=true', FORECASTER_TRAIN_QUERY);
    expect(parsed.ok && Object.fromEntries(parsed.value)).toEqual({ wait: '5', skip_snapshot: 'true' });
    expect(params('', NO_QUERY).ok).toBe(true);
  });

  it.each([
    ['an unknown name on a train route', 'wait=1&epochs=5', TRAIN_QUERY, 'epochs', 'unknown query parameter "epochs"'],
    ['skip_snapshot on an agent route', 'skip_snapshot=true', TRAIN_QUERY, 'skip_snapshot', 'unknown query parameter "skip_snapshot"'],
    ['any name on a GET route', 'verbose', NO_QUERY, 'verbose', 'unknown query parameter "verbose"'],
    ['a repeated name', 'wait=1&wait=2', TRAIN_QUERY, 'wait', 'query parameter "wait" is given more than once'],
    ['an encoded name', '%5F%5Fproto%5F%5F=1', FORECASTER_TRAIN_QUERY, '__proto__', 'unknown query parameter "__proto__"'],
  ])('answers 400 to %s, naming it', (_name, raw, allowed, path, message) => {
    const parsed = params(raw, allowed);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.response.statusCode).toBe(400);
    expect(answer(parsed.response).issues).toEqual([{ path, message }]);
  });

  it('reads ?wait as seconds, capped, and rejects anything else naming wait', () => {
    expect(parseWait(query('wait=600'), Number.POSITIVE_INFINITY)).toEqual({ ok: true, value: 600 });
    expect(parseWait(query('wait=600'), 25)).toEqual({ ok: true, value: 25 });
    expect(parseWait(query(''), 25)).toEqual({ ok: true, value: 0 });
    const bad = parseWait(query('wait=-1'), 25);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(answer(bad.response).issues?.map((i) => i.path)).toEqual(['wait']);
  });

  it('takes skip_snapshot from the query, the body or both when they agree', () => {
    expect(resolveSkipSnapshot(query('skip_snapshot=true'), undefined)).toEqual({ ok: true, value: true });
    expect(resolveSkipSnapshot(query('skip_snapshot=false'), false)).toEqual({ ok: true, value: false });
    expect(resolveSkipSnapshot(query(''), true)).toEqual({ ok: true, value: true });
    expect(resolveSkipSnapshot(query(''), undefined)).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['not a boolean', 'skip_snapshot=yes', undefined, 'expected true or false'],
    ['empty', 'skip_snapshot=', undefined, 'expected true or false'],
    ['disagreeing with the body', 'skip_snapshot=true', false, 'the query says true and the body says false'],
  ])('answers 400 naming skip_snapshot when the query value is %s', (_name, raw, fromBody, message) => {
    const parsed = resolveSkipSnapshot(query(raw), fromBody);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(answer(parsed.response).issues).toEqual([{ path: 'skip_snapshot', message }]);
  });
});
