/**
 * Property-based fuzzing of the real local server (smoke profile): generated methods, paths, query
 * strings, content types and bodies. Whatever arrives, the answer is 200/202 or a 4xx (never a
 * 5xx), carries no stack trace or file path, and nothing is written outside the data dir. Requests
 * built to be invalid must be refused (4xx); the few built to be valid must be accepted (200/202):
 * those all ask for the same lstm version with skip_snapshot true, so at most one real (seconds
 * long) smoke run happens.
 */
import { request } from 'node:http';
import { lstat, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRoute, TRAIN_ENDPOINTS } from '../../functions/api/routes.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../functions/api/request-body.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { isAgentKind, MODEL_KINDS } from '../../src/models/kinds.ts';
import { isTrainerRegistered } from '../../src/models/registered-kinds.ts';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { until } from './support.ts';

const NUM_RUNS = 1000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a request was built to be: refused (4xx), accepted (200/202), or anything but a 5xx. */
type Expect = 'refused' | 'accepted' | 'any';

interface Probe {
  method: string;
  path: string;
  query: string;
  body?: string;
  contentType?: string;
  expect: Expect;
  /** A valid POST /train/lstm: it starts (or answers with) the one run. */
  trains?: boolean;
}

/** A raw request: the path and query go out exactly as written (fetch would normalise them). */
function send(url: string, probe: Probe): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  const headers: Record<string, string> = probe.contentType === undefined ? {} : { 'content-type': probe.contentType };
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: probe.method, path: probe.path + probe.query, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (probe.body !== undefined) req.write(probe.body);
    req.end();
  });
}

// ---- query strings, each tagged with what the API must make of it -------------------------------

interface Query {
  text: string;
  /** Every name is one the train routes read, none repeated, every value well formed. */
  trainValid: boolean;
  /** The query's skip_snapshot when it is `true`/`false`. */
  skip?: boolean;
  /** Any name at all (the GET routes read none). */
  named: boolean;
}

const enc = (s: string) => encodeURIComponent(s);
const percentBytes = fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
const unknownName = fc.oneof(
  fc.constantFrom('x', 'epochs', 'verbose', 'WAIT', 'Skip_Snapshot', 'wait[]', '__proto__', 'constructor', 'prototype', 'kind', 'symbols', '../etc', 'ﬁ', '待つ'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== 'wait' && s !== 'skip_snapshot'),
);
const badWait = fc.constantFrom('abc', '-1', '1e3', '0x10', 'Infinity', 'NaN', '١', ' 1', '1.2345', '10000000000', 'true');
const badSkip = fc.constantFrom('', 'yes', '1', '0', 'TRUE', 'False', 'null', 'true ', '%00');

/** A query the train routes accept: wait empty or 0 (a valid request never waits), skip_snapshot true or false. */
const goodTrainQuery = fc
  .record({ wait: fc.option(fc.constantFrom('0', ''), { nil: undefined }), skip: fc.option(fc.boolean(), { nil: undefined }), waitFirst: fc.boolean() })
  .map(({ wait, skip, waitFirst }): Query => {
    const parts = [wait === undefined ? [] : [`wait=${wait}`], skip === undefined ? [] : [`skip_snapshot=${skip}`]];
    const pairs = (waitFirst ? parts : parts.reverse()).flat();
    return { text: pairs.length > 0 ? `?${pairs.join('&')}` : '', trainValid: true, skip, named: pairs.length > 0 };
  });

/** A query no train route accepts: an unknown name, a repeated name or a malformed value (URL-encoded or raw bytes). */
const badTrainQuery = fc
  .tuple(
    fc.oneof(
      unknownName.map((name) => `${enc(name)}=1`),
      percentBytes.map((bytes) => `${bytes}=${bytes}`),
      fc.constantFrom('wait=0&wait=0', 'wait=1&wait=2', 'skip_snapshot=true&skip_snapshot=true', '=1', '=', 'wait=0&=x'),
      badWait.map((value) => `wait=${enc(value)}`),
      badSkip.map((value) => `skip_snapshot=${enc(value)}`),
    ),
    goodTrainQuery,
  )
  .map(([bad, good]): Query => ({ text: `?${[bad, good.text.slice(1)].filter(Boolean).join('&')}`, trainValid: false, named: true }));

const anyQuery = fc.oneof({ weight: 3, arbitrary: goodTrainQuery }, { weight: 2, arbitrary: badTrainQuery }, { weight: 1, arbitrary: fc.constantFrom<Query>({ text: '?', trainValid: true, named: false }, { text: '?&&', trainValid: true, named: false }) });

// ---- bodies, each tagged with its shape ---------------------------------------------------------

type BodyShape = 'empty' | 'agent-valid' | 'skip-true' | 'skip-false' | 'invalid' | 'too-large';
interface Body {
  text: string;
  shape: BodyShape;
}

const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'épochs', '🙂', '', ' skip_snapshot', 'SKIP_SNAPSHOT'), fc.string({ maxLength: 20 }));
const nested = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);

const invalidBody: fc.Arbitrary<Body> = fc
  .oneof(
    // Not JSON at all: anything followed by an unmatched brace can never parse.
    fc.string({ maxLength: 200, unit: 'binary' }).map((s) => `${s}{`),
    fc.constantFrom('{', '}', "{'skip_snapshot':true}", '{"skip_snapshot":tru}', 'skip_snapshot=true', '{"a":1,}', '\u0000\u0001', '"'.repeat(99), 'NaN', '{"skip_snapshot":true}{}'),
    // JSON, but not an object.
    fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => JSON.stringify(v)),
    // An object with at least one key the routes do not know (prototype keys among them).
    fc
      .tuple(hostileKey.filter((k) => k !== 'skip_snapshot'), fc.jsonValue({ maxDepth: 3 }), fc.option(fc.boolean(), { nil: undefined }))
      .map(([key, value, skip]) => `{${skip === undefined ? '' : `"skip_snapshot":${skip},`}${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`),
    // skip_snapshot of a wrong type.
    fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'boolean').map((v) => `{"skip_snapshot":${JSON.stringify(v)}}`),
    // Deep nesting, alone or as a value.
    fc.integer({ min: 1, max: 20_000 }).map((depth) => nested(depth, '')),
    fc.integer({ min: 1, max: 2_000 }).map((depth) => `{"skip_snapshot":${nested(depth, 'true')}}`),
    // Unicode in keys and values.
    fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }).map((s) => `{${JSON.stringify(s)}:${JSON.stringify(s)}}`),
  )
  .map((text) => ({ text, shape: 'invalid' as const }));

/** Over the limit: valid JSON padded with spaces or a long string, or a random blob. */
const tooLargeBody: fc.Arbitrary<Body> = fc
  .tuple(fc.integer({ min: DEFAULT_MAX_BODY_BYTES + 1, max: 4 * DEFAULT_MAX_BODY_BYTES }), fc.constantFrom('spaces', 'string', 'unicode'))
  .map(([size, how]) => {
    const text = how === 'spaces' ? `{"skip_snapshot":true}${' '.repeat(size)}` : how === 'string' ? `{"skip_snapshot":true,"pad":"${'a'.repeat(size)}"}` : `{"pad":"${'é'.repeat(size / 2 + 1)}"}`;
    return { text, shape: 'too-large' as const };
  });

const skipBody = (skip: boolean): fc.Arbitrary<Body> =>
  fc.constantFrom(`{"skip_snapshot":${skip}}`, ` { "skip_snapshot" : ${skip} } `, `{"\\u0073kip_snapshot":${skip}}`, `\n{"skip_snapshot":${skip}}\n`).map((text) => ({ text, shape: skip ? 'skip-true' : 'skip-false' }));
const emptyBody: fc.Arbitrary<Body> = fc.constantFrom('', ' ', '\n').map((text) => ({ text, shape: 'empty' as const }));
const agentBody: fc.Arbitrary<Body> = fc.constantFrom('{}', ' {} ').map((text) => ({ text, shape: 'agent-valid' as const }));

const anyBody = fc.oneof(
  { weight: 6, arbitrary: invalidBody },
  { weight: 1, arbitrary: tooLargeBody },
  { weight: 1, arbitrary: emptyBody },
  { weight: 1, arbitrary: agentBody },
  { weight: 1, arbitrary: skipBody(true) },
  { weight: 1, arbitrary: skipBody(false) },
);

// ---- content types ------------------------------------------------------------------------------

interface ContentType {
  value?: string;
  accepted: boolean;
}
const acceptedType = fc.constantFrom<ContentType>(
  { value: undefined, accepted: true },
  { value: 'application/json', accepted: true },
  { value: 'application/json; charset=utf-8', accepted: true },
  { value: 'APPLICATION/JSON', accepted: true },
  { value: 'application/x-www-form-urlencoded', accepted: true },
  { value: 'application/problem+json', accepted: true },
);
const refusedType = fc.constantFrom<ContentType>(
  { value: 'text/plain', accepted: false },
  { value: 'application/xml', accepted: false },
  { value: 'multipart/form-data; boundary=x', accepted: false },
  { value: 'text/html', accepted: false },
  { value: 'image/png', accepted: false },
  { value: 'application/jsonx', accepted: false },
);
const anyType = fc.oneof({ weight: 3, arbitrary: acceptedType }, { weight: 1, arbitrary: refusedType });

// ---- whole requests -----------------------------------------------------------------------------

const kindOf = (path: string) => path.split('/')[2] as ModelKind;

/** Would the API accept this train request? (What the README promises, written out independently.) */
function trainVerdict(path: string, query: Query, body: Body, type: ContentType): { accepted: boolean; skip?: boolean } {
  const kind = kindOf(path);
  if (!query.trainValid) return { accepted: false };
  if (body.shape === 'invalid' || body.shape === 'too-large') return { accepted: false };
  if (body.shape !== 'empty' && !type.accepted) return { accepted: false };
  if (isAgentKind(kind)) {
    if (query.skip !== undefined || body.shape === 'skip-true' || body.shape === 'skip-false') return { accepted: false };
  } else {
    if (body.shape === 'agent-valid') return { accepted: isTrainerRegistered(kind), skip: query.skip };
    const fromBody = body.shape === 'skip-true' ? true : body.shape === 'skip-false' ? false : undefined;
    if (fromBody !== undefined && query.skip !== undefined && fromBody !== query.skip) return { accepted: false };
    return { accepted: isTrainerRegistered(kind), skip: fromBody ?? query.skip };
  }
  return { accepted: isTrainerRegistered(kind) };
}

/** POSTs to the train routes, any combination; those that would start a run other than "lstm, skip_snapshot true" are left out. */
const trainPost: fc.Arbitrary<Probe> = fc
  .record({ path: fc.constantFrom(...TRAIN_ENDPOINTS), query: anyQuery, body: anyBody, type: anyType })
  .filter(({ path, query, body, type }) => {
    const verdict = trainVerdict(path, query, body, type);
    return !verdict.accepted || (kindOf(path) === 'lstm' && verdict.skip === true);
  })
  .map(({ path, query, body, type }) => ({
    method: 'POST',
    path,
    query: query.text,
    body: body.text,
    contentType: type.value,
    expect: trainVerdict(path, query, body, type).accepted ? 'accepted' : 'refused',
    trains: trainVerdict(path, query, body, type).accepted,
  }));

/** Valid POST /train/lstm, skip_snapshot true in the body, the query or both (with or without ?wait=0). */
const lstmPost: fc.Arbitrary<Probe> = fc
  .record({ where: fc.constantFrom('body', 'query', 'both'), wait: fc.boolean(), body: skipBody(true), empty: fc.constantFrom('', '{}'), type: acceptedType })
  .map(({ where, wait, body, empty, type }) => {
    const query = [...(where === 'body' ? [] : ['skip_snapshot=true']), ...(wait ? ['wait=0'] : [])];
    return { method: 'POST', path: '/train/lstm', query: query.length > 0 ? `?${query.join('&')}` : '', body: where === 'query' ? empty : body.text, contentType: type.value, expect: 'accepted', trains: true };
  });

/** The GET routes read no query parameter. */
const modelsGet: fc.Arbitrary<Probe> = fc
  .record({ kind: fc.constantFrom(...MODEL_KINDS), query: anyQuery })
  .map(({ kind, query }) => ({ method: 'GET', path: `/models/${kind}`, query: query.text, expect: query.named ? 'refused' : 'accepted' }));

const executionId = fc.oneof(
  fc.stringMatching(/^v20\d\d\.\d\d\.\d\d-[0-9a-f]{12}(-retry\d)?$/),
  fc.constantFrom('..', '.hidden', '%00', 'a%2Fb', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'v'.repeat(300), '%E0%A4%A', 'arn%3Aaws%3Astates%3Aus-east-1%3A1%3Aexecution%3AM%3Av1'),
  percentBytes,
);
const executionGet: fc.Arbitrary<Probe> = fc
  .record({ id: executionId, query: anyQuery })
  .map(({ id, query }) => ({ method: 'GET', path: `/train/executions/${id}`, query: query.text, expect: query.named ? 'refused' : 'any' }));

/** Known paths with a method they do not serve: 405. */
const wrongMethod: fc.Arbitrary<Probe> = fc
  .oneof(
    fc.record({ method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), path: fc.constantFrom(...TRAIN_ENDPOINTS) }),
    fc.record({ method: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH'), path: fc.constantFrom(...MODEL_KINDS.map((k) => `/models/${k}`), '/train/executions/x') }),
  )
  .chain(({ method, path }) => fc.record({ query: anyQuery, body: anyBody }).map(({ query, body }): Probe => ({ method, path, query: query.text, body: body.text, contentType: 'application/json', expect: 'refused' })));

/** Paths made of route words, traversal and encoded bytes: anything but a train route (that could start a run). */
const hostileSegment = fc.oneof(
  fc.constantFrom('train', 'models', 'executions', 'lstm', 'LSTM', '%6cstm', 'ppo_lstm', 'full', 'finetune', '..', '.', '%2e%2e', '..%2f..', '..%2F..%2Fetc', '%2f', '%00', '%ff%fe', 'etc', 'passwd', '', '~', '%E0%A4%A'),
  percentBytes,
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
);
const hostilePath: fc.Arbitrary<Probe> = fc
  .record({ segments: fc.array(hostileSegment, { minLength: 0, maxLength: 6 }), method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), query: anyQuery, body: anyBody })
  .map(({ segments, method, query, body }) => ({ method, path: `/${segments.join('/')}`, query: query.text, body: method === 'GET' ? undefined : body.text, contentType: 'application/json', expect: 'any' as const }))
  .filter((probe) => matchRoute('POST', probe.path).route !== 'train');

const anyProbe: fc.Arbitrary<Probe> = fc.oneof(
  { weight: 10, arbitrary: trainPost },
  { weight: 1, arbitrary: lstmPost },
  { weight: 2, arbitrary: modelsGet },
  { weight: 2, arbitrary: executionGet },
  { weight: 2, arbitrary: wrongMethod },
  { weight: 4, arbitrary: hostilePath },
);

// ---- the test -----------------------------------------------------------------------------------

/** Every entry under `dir` with its size and mtime (two equal listings: nothing created, removed or rewritten). */
async function listing(dir: string, skip: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    if (skip.some((s) => name === s || name.startsWith(`${s}/`))) continue;
    const info = await lstat(join(dir, name));
    out.push(`${name} ${info.isDirectory() ? 'dir' : info.size} ${info.mtimeMs}`);
  }
  return out;
}

/** A stack frame (raw or JSON-escaped) or a path of this machine in an answer. */
const LEAK = new RegExp(String.raw`(\n|\\n)\s*at \S.*:\d+:\d+|node_modules|\.ts:\d+|${REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|${tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);

describe('a fuzzed API (fast-check, the real local server)', () => {
  let sandbox: string;
  let dataDir: string;
  let server: LocalServer;

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-fuzz-'));
    dataDir = join(sandbox, 'data');
    await mkdir(dataDir);
    await mkdir(join(sandbox, 'sibling'));
    await writeFile(join(sandbox, 'sibling', 'canary.txt'), 'must stay as it is\n');
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
  });
  afterAll(async () => server?.close());

  it(`answers ${NUM_RUNS} generated requests with 200/202 or a 4xx as built, never a stack trace, and writes only the one lstm run in the data dir`, async () => {
    // Prepare
    const sandboxBefore = await listing(sandbox, ['data']);
    const seen = { accepted: 0, refused: 0, any: 0, trains: 0 };

    // Act + Assess, request by request
    await fc.assert(
      fc.asyncProperty(anyProbe, async (probe) => {
        const answer = await send(server.url, probe);
        seen[probe.expect] += 1;
        if (probe.trains) seen.trains += 1;
        const where = `${probe.method} ${probe.path.slice(0, 120)}${probe.query.slice(0, 120)} (${probe.contentType ?? 'no type'}, body ${probe.body?.slice(0, 80)}) → ${answer.status} ${answer.text.slice(0, 200)}`;
        expect(answer.status === 200 || answer.status === 202 || (answer.status >= 400 && answer.status < 500), where).toBe(true);
        if (probe.expect === 'refused') expect(answer.status, where).toBeGreaterThanOrEqual(400);
        if (probe.expect === 'accepted') expect([200, 202], where).toContain(answer.status);
        expect(answer.text, where).not.toMatch(LEAK);
      }),
      { numRuns: NUM_RUNS },
    );

    // Assess: the server still serves; the one run (if a valid POST was drawn) ends.
    expect(seen.accepted + seen.refused + seen.any).toBeGreaterThanOrEqual(NUM_RUNS);
    const models = await until('the lstm run to end', async () => {
      const view = await send(server.url, { method: 'GET', path: '/models/lstm', query: '', expect: 'accepted' });
      const body = JSON.parse(view.text) as { versions: { status: string }[] };
      return body.versions.some((v) => v.status === 'RUNNING') ? undefined : body;
    });
    // Nothing outside the data dir changed: the sandbox around it holds exactly what it held.
    expect(await listing(sandbox, ['data'])).toEqual(sandboxBefore);
    // Inside it: only lstm's run (no claim for a kind without a trainer, no traversal name), one version, one execution.
    const written = await readdir(dataDir, { recursive: true });
    const foreign = written.filter((name) => name.split('/').some((part) => (MODEL_KINDS as readonly string[]).includes(part) ? part !== 'lstm' : ['etc', 'passwd', '..', '%2e%2e'].includes(part)));
    expect(foreign).toEqual([]);
    expect(models.versions.length).toBeLessThanOrEqual(1);
    if (seen.trains > 0) expect(models.versions).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    const executions = written.filter((name) => /^executions\/[^/]+\.json$/.test(name));
    expect(executions.length).toBe(seen.trains > 0 ? 1 : 0);
    if (process.env.MIZAN_FUZZ_STATS) console.log(`fuzz: ${JSON.stringify(seen)}`);
  });
});
