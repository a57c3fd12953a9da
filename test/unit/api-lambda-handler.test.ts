/**
 * The deployed API Lambda (functions/api/index.ts) as API Gateway calls it: an HTTP API v2 event in, a
 * response out. Its adapters come from the environment, exactly as the stack sets it; the SDK clients
 * it builds by default reach DynamoDB on dynalite and S3 on s3rver (loopback endpoints from the
 * standard AWS_ENDPOINT_URL_* variables). Step Functions has no local server here: aws-sdk-client-mock.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { WAIT_MARGIN_MS } from '../../functions/api/request-clock.ts';
import { TRAIN_ENDPOINTS } from '../../functions/api/routes.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { awsDeps } from '../../src/runtime/aws-deps.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Mizan-TrainModel';
const BUCKET = 'mizan-artifacts';
/** Each test has its own table (and a freshly loaded handler reading it): no test sees another's records. */
let table = '';
let tables = 0;

/** A kind whose trainer is not written yet, if any is left. */
// A deployment limited to the forecasters (MIZAN_KINDS): sac_patchtst has no trainer there.
const UNREGISTERED: ModelKind = 'sac_patchtst';

const sfn = mockClient(SFNClient);
let s3: LocalS3;
let dynamo: LocalDynamo;
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body?: string }>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
  await s3.createBucket(BUCKET);
  // What the stack sets on the API function (infra/mizan-stack.ts), plus where the SDK finds the local servers.
  Object.assign(process.env, {
    MIZAN_BUCKET: BUCKET,
    MIZAN_STATE_MACHINE_ARN: STATE_MACHINE,
    MIZAN_DATA_SOURCE: 'sample',
    MIZAN_PROFILE: 'smoke',
    MIZAN_WAIT_CAP_SECONDS: '25',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER', // s3rver checks signatures with its default key; dynalite accepts any
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: s3.endpoint, // an IP endpoint: the SDK addresses buckets path-style
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
});

afterAll(async () => {
  sfn.restore();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  await Promise.all([s3?.stop(), dynamo?.stop()]);
});

beforeEach(async () => {
  table = `mizan-registry-${++tables}`;
  await dynamo.createRegistryTable(table);
  process.env.MIZAN_TABLE = table;
  // Loaded after the environment is set, as Lambda loads it (the adapters are built on the first event).
  vi.resetModules();
  ({ handler } = (await import('../../functions/api/index.ts')) as unknown as { handler: typeof handler });
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(),
  }));
});

/** An API Gateway HTTP API (payload 2.0) event, as the Lambda receives it. */
function httpApiEvent(method: string, path: string, body?: unknown, rawQueryString = ''): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'abc123.execute-api.us-east-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'awscurl/0.36' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '14/Aug/2026:12:00:00 +0000',
      timeEpoch: 1786708800000,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const context = { awsRequestId: 'lambda-req-1', functionName: 'Mizan-Api', getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

/** Adapters on the same servers, for the test's own setup and checks (not the handler's). */
const testDeps = () =>
  awsDeps({ MIZAN_BUCKET: BUCKET, MIZAN_TABLE: table, MIZAN_DATA_SOURCE: 'sample' }, { s3: s3.client(), dynamodb: dynamo.client() });

describe('the API Lambda (functions/api/index.ts) on HTTP API v2 events', () => {
  it('answers 200 with the stored response of a version DynamoDB has as SUCCEEDED, and starts nothing', async () => {
    // Prepare: the version this request resolves to, already trained.
    const deps = await testDeps();
    const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke' }, deps);
    const stored = { version: plan.version, data_window_start: plan.window.start, data_window_end: plan.window.end, metrics: { train_loss: 0.9, val_loss: 1.1, baseline_loss: 1.2 }, promoted: true, prior_version: null, hf_repo: null, hf_url: null };
    await deps.registry.claim('lstm', plan.version, plan.version);
    await deps.registry.complete('lstm', plan.version, stored);

    // Act
    const response = await handler(httpApiEvent('POST', '/train/lstm', { skip_snapshot: true }), context);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual(stored);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 202 for a new version and starts exactly one execution named after it, with the plan as input', async () => {
    // Prepare: lstm has never been trained in this table.
    const deps = await testDeps();

    // Act
    const response = await handler(httpApiEvent('POST', '/train/lstm', { skip_snapshot: true }), context);

    // Assess
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body!) as { version: string; status: string; execution_id: string; status_url: string };
    expect(body.version).toMatch(/^v\d{4}\.\d{2}\.\d{2}-[0-9a-f]{12}$/);
    expect(body).toEqual({ version: body.version, status: 'RUNNING', execution_id: body.version, status_url: `/train/executions/${body.version}` });
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const start = starts[0]!.args[0].input;
    expect(start).toMatchObject({ stateMachineArn: STATE_MACHINE, name: body.version });
    const input = JSON.parse(start.input!) as { plan: { kind: string; mode: string; version: string; profile: string }; publish: boolean; executionName: string };
    expect(input.plan).toMatchObject({ kind: 'lstm', mode: 'full', version: body.version, profile: 'smoke' });
    expect(input).toMatchObject({ publish: false, executionName: body.version });
    expect(await deps.registry.get('lstm', body.version)).toMatchObject({ status: 'RUNNING', executionId: body.version });
  });

  it('answers 202 to ?wait=25 before the function ends: with 4 s left the wait stops 3 s before its end', async () => {
    // Prepare: a new version whose run (Step Functions mocked) never ends, and a function with 4 s left (a real deadline).
    const end = Date.now() + 4_000;
    const shortContext = { ...context, getRemainingTimeInMillis: () => end - Date.now() } as Context;

    // Act
    const response = await handler(httpApiEvent('POST', '/train/lstm', { skip_snapshot: true }, 'wait=25'), shortContext);
    const answeredBeforeEnd = end - Date.now();

    // Assess: 202 before the function's end, whatever planning took on a loaded machine; not after 25 s.
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body!)).toMatchObject({ status: 'RUNNING' });
    expect(answeredBeforeEnd).toBeGreaterThan(0);
    expect(answeredBeforeEnd).toBeLessThanOrEqual(WAIT_MARGIN_MS + 50); // it waited until the margin, not less
  });

  it(`answers 400 to a kind without a trainer in this deployment (${UNREGISTERED}), writes no registry record and starts nothing`, async () => {
    // Prepare
    const kind = UNREGISTERED;
    process.env.MIZAN_KINDS = 'lstm,patchtst';
    onTestFinished(() => {
      delete process.env.MIZAN_KINDS;
    });
    const deps = await testDeps();
    const paths = TRAIN_ENDPOINTS.filter((path) => path.split('/')[2] === kind);

    // Act
    const responses = await Promise.all(paths.map((path) => handler(httpApiEvent('POST', path, {}), context)));

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body!)).toMatchObject({ error: expect.stringContaining(`no ${kind} trainer`), issues: [{ path: 'kind' }] });
    }
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(await deps.registry.list(kind)).toEqual([]);
  });
});
