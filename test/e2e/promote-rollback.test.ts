/**
 * Issue 20 §1 acceptance: promote and roll back by hand, through the CLI (`mizan promote`, `mizan
 * rollback`, `mizan models`) and the API (POST /models/{kind}/current, GET /models/{kind}), on the
 * local data dir (the local server over HTTP) and on s3rver + dynalite (the CLI with --bucket/--table,
 * the API Lambda's handler on AWS adapters): promote, rollback, a compare-and-swap conflict (409 /
 * exit 1 naming the current version), refusal of a FAILED, unknown or foreign version (400 / exit 2,
 * nothing changed), and the history in order, on the Models page too.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeApiHandler } from '../../functions/api/handler.ts';
import { localLambdaContext } from '../../functions/shared/lambda-context.ts';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { Io } from '../../src/cli/commands/common.ts';
import { main } from '../../src/cli/main.ts';
import { renderDashboard } from '../../src/dashboard/dashboard.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry, PromotionEntry } from '../../src/ports/model-registry.ts';
import { awsDeps } from '../../src/runtime/aws-deps.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { FIXTURE, seedVersions } from '../support/promotion-fixture.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';
import { call, tempDataDir } from './support.ts';

const { A, B, C, F, P } = FIXTURE;
const ALICE = 'arn:aws:iam::123456789012:user/alice';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface Target {
  deps: { store: ArtifactStore; registry: ModelRegistry };
  cli(args: string[]): Promise<{ code: number; out: string; err: string }>;
  api(method: string, path: string, body?: unknown): Promise<Answer>;
  /** Who the history names for an API call. */
  apiCaller: RegExp;
  close(): Promise<void>;
}

async function runMain(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function localTarget(): Promise<Target> {
  const dataDir = await tempDataDir();
  const server: LocalServer = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
  const deps = { store: new DirArtifactStore(dataDir), registry: new LocalModelRegistry(dataDir) };
  return {
    deps,
    cli: (args) => runMain([...args, '--data-dir', dataDir], {}),
    api: async (method, path, body) => {
      const answer = await call(server.url, method, path, body === undefined ? undefined : JSON.stringify(body));
      return { status: answer.status, body: answer.body };
    },
    apiCaller: /^127\.0\.0\.1 \(api\)$/,
    close: () => server.close(),
  };
}

async function awsTarget(): Promise<Target> {
  const [s3, dynamo]: [LocalS3, LocalDynamo] = await Promise.all([startS3rver(), startDynalite()]);
  await Promise.all([s3.createBucket('mizan-artifacts'), dynamo.createRegistryTable('mizan-registry')]);
  const env = { MIZAN_BUCKET: 'mizan-artifacts', MIZAN_BUCKET_PREFIX: 'mizan', MIZAN_TABLE: 'mizan-registry' };
  const deps = await awsDeps(env, { s3: s3.client(), dynamodb: dynamo.client() });
  const handler = makeApiHandler({ ...deps, profile: 'smoke', publisherEnabled: false, maxWaitSeconds: 25, log: () => undefined });
  // The CLI's SDK clients find the local servers as a person's shell would point them there.
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  return {
    deps,
    cli: (args) => runMain([...args, '--bucket', 'mizan-artifacts', '--bucket-prefix', 'mizan', '--table', 'mizan-registry'], {}),
    api: async (method, path, body) => {
      const event = {
        rawPath: path,
        rawQueryString: '',
        headers: { 'content-type': 'application/json' },
        // An IAM-authorised request: API Gateway names the principal that signed it.
        requestContext: { http: { method, sourceIp: '203.0.113.7' }, authorizer: { iam: { userArn: ALICE } } },
        body: body === undefined ? undefined : JSON.stringify(body),
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const response = await handler(event, localLambdaContext('mizan-api', 30_000));
      return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
    },
    apiCaller: new RegExp(`^${ALICE} \\(api\\)$`),
    close: async () => {
      vi.unstubAllEnvs();
      await Promise.all([s3.stop(), dynamo.stop()]);
    },
  };
}

describe.each([
  ['the local data dir', localTarget],
  ['s3rver and dynalite', awsTarget],
])('promote and roll back on %s', (_where, open) => {
  let target: Target;
  const current = () => target.deps.registry.current('lstm');
  const post = (body: unknown) => target.api('POST', '/models/lstm/current', body);

  beforeAll(async () => {
    target = await open();
    await seedVersions(target.deps);
  }, 120_000);
  afterAll(() => target?.close());

  it('starts from the automatic promotion of A, on the record', async () => {
    expect(await current()).toBe(A);
    const models = await target.cli(['models', 'lstm']);
    expect(models.code, models.err).toBe(0);
    const view = JSON.parse(models.out) as { current: string; promotions: PromotionEntry[]; versions: { version: string; promoted: boolean | null }[] };
    expect(view.current).toBe(A);
    expect(view.promotions).toEqual([expect.objectContaining({ seq: 1, from: null, to: A, trigger: 'automatic', action: 'promote', by: `run ${A}` })]);
  });

  it('promotes B by hand through the CLI', async () => {
    const run = await target.cli(['promote', 'lstm', B, '--reason', 'A misprices energy stocks']);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ kind: 'lstm', changed: true, previous: A, current: B, entry: { seq: 2, from: A, to: B, trigger: 'manual', action: 'promote' } });
    expect(run.err).toContain(`lstm: current is ${B} (was ${A}), recorded as a manual promote`);
    expect(await current()).toBe(B);
  });

  it('answers a compare-and-swap conflict over the API with 409 naming the current version, changing nothing', async () => {
    const answer = await post({ version: C, reason: 'C looks better', expected_current: A });
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ error: `current lstm is ${B}, not ${A}: nothing changed (read it again and retry)`, current: B });
    expect(await current()).toBe(B);
  });

  it('answers a conflict at the CLI with exit 1 naming the current version, changing nothing', async () => {
    const run = await target.cli(['promote', 'lstm', C, '--reason', 'x', '--expected-current', A]);
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toBe(`mizan promote: current lstm is ${B}, not ${A}: nothing changed (read it again and retry)`);
    expect(await current()).toBe(B);
  });

  it('promotes C over the API from the version it expects, naming the caller', async () => {
    const answer = await post({ version: C, reason: 'C after review', expected_current: B });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ changed: true, previous: B, current: C, entry: { seq: 3, from: B, to: C, trigger: 'manual', reason: 'C after review' } });
    expect((answer.body.entry as PromotionEntry).by).toMatch(target.apiCaller);
    expect(await current()).toBe(C);
  });

  it('refuses a FAILED, an unknown and a foreign version, and a missing reason, with 400 / exit 2, changing nothing', async () => {
    const failed = await post({ version: F, reason: 'x', expected_current: C });
    const unknown = await post({ version: 'v2099.01.01-000000000000', reason: 'x', expected_current: C });
    const foreign = await post({ version: P, reason: 'x', expected_current: C });
    const noReason = await post({ version: B, reason: '  ', expected_current: C });
    const badBody = await post({ version: B, reason: 'x' });
    expect([failed.status, unknown.status, foreign.status, noReason.status, badBody.status]).toEqual([400, 400, 400, 400, 400]);
    expect(failed.body).toMatchObject({ error: `lstm ${F} is FAILED: only a SUCCEEDED version can be current`, issues: [{ path: 'version' }] });
    expect(unknown.body.error).toBe('lstm has no version v2099.01.01-000000000000');
    expect(foreign.body.error).toBe(`${P} is a patchtst version, not lstm`);
    expect(noReason.body).toMatchObject({ issues: [{ path: 'reason' }] });
    expect(badBody.body).toMatchObject({ issues: [{ path: 'expected_current' }] });

    const cliFailed = await target.cli(['promote', 'lstm', F, '--reason', 'x']);
    const cliForeign = await target.cli(['promote', 'lstm', P, '--reason', 'x']);
    expect([cliFailed.code, cliForeign.code]).toEqual([2, 2]);
    expect(cliFailed.err).toBe(`mizan promote: lstm ${F} is FAILED: only a SUCCEEDED version can be current`);
    expect(cliForeign.err).toBe(`mizan promote: ${P} is a patchtst version, not lstm`);

    expect(await current()).toBe(C);
    expect(await target.deps.registry.current('patchtst')).toBe(P);
    expect((await target.deps.registry.history('lstm')).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('rolls back through the CLI to the version current before (B), then over the API to A', async () => {
    const run = await target.cli(['rollback', 'lstm', '--reason', 'C drifts']);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ changed: true, previous: C, current: B, entry: { seq: 4, from: C, to: B, action: 'rollback' } });

    const answer = await post({ version: A, reason: 'back to the last automatic choice', expected_current: B });
    expect(answer.status).toBe(200);
    expect(await current()).toBe(A);

    const toNever = await target.cli(['rollback', 'lstm', '--to', P, '--reason', 'x']);
    expect(toNever.code).toBe(2);
    expect(toNever.err).toMatch(new RegExp(`lstm ${P} was never current, so it is no rollback`));
  });

  it('rolls back --to a version current earlier, from the expected one only', async () => {
    const stale = await target.cli(['rollback', 'lstm', '--to', C, '--reason', 'x', '--expected-current', B]);
    expect(stale.code).toBe(1);
    expect(stale.err).toBe(`mizan rollback: current lstm is ${A}, not ${B}: nothing changed (read it again and retry)`);
    const run = await target.cli(['rollback', 'lstm', '--to', C, '--reason', 'C again', '--expected-current', A]);
    expect(run.code, run.err).toBe(0);
    expect(await current()).toBe(C);
  });

  it('shows the history in order through `mizan models`, GET /models/lstm and the Models page', async () => {
    const cli = JSON.parse((await target.cli(['models', 'lstm'])).out) as { promotions: PromotionEntry[] };
    const api = await target.api('GET', '/models/lstm');
    expect(api.status).toBe(200);
    expect(api.body.promotions).toEqual(cli.promotions);
    expect(cli.promotions.map((e) => [e.seq, e.from, e.to, e.trigger, e.action])).toEqual([
      [1, null, A, 'automatic', 'promote'],
      [2, A, B, 'manual', 'promote'],
      [3, B, C, 'manual', 'promote'],
      [4, C, B, 'manual', 'rollback'],
      [5, B, A, 'manual', 'promote'],
      [6, A, C, 'manual', 'rollback'],
    ]);
    expect(cli.promotions.map((e) => e.reason).slice(1)).toEqual(['A misprices energy stocks', 'C after review', 'C drifts', 'back to the last automatic choice', 'C again']);
    expect(cli.promotions[1].by).toMatch(/^.+@.+ \(cli\)$/);
    expect(cli.promotions[2].by).toMatch(target.apiCaller);
    const times = cli.promotions.map((e) => Date.parse(e.at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);

    const page = await renderDashboard('/ui/models/lstm.html', { ...target.deps, executions: { list: async () => [], read: async () => undefined } }, { live: false });
    const html = String(page.body);
    expect(html).toContain('<h3>Promotion history</h3>');
    const rows = html.split('<table class="promotions">')[1]!.split('</table>')[0]!.split('<tr>').slice(2);
    expect(rows.map((row) => /<td>(\d+)<\/td>/.exec(row)?.[1])).toEqual(['6', '5', '4', '3', '2', '1']); // newest first
    expect(rows[0]).toContain('manual rollback');
    expect(rows[0]).toContain('C again');
    expect(rows[5]).toContain('automatic promote');
  });
});
