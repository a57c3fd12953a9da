/**
 * `mizan dashboard --out DIR --bucket …`: the static pages built from a deployment's records. A smoke
 * lstm trained locally is put where AWS keeps it (its files in s3rver, its registry record and
 * `current` in dynalite) beside a run that failed in a snapshot year; the two executions come from a
 * mocked Step Functions (no local server speaks its API). The pages must be those the data dir gives.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  type DescribeExecutionOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExecutionRecord } from '../../src/ports/execution-source.ts';
import { summariseCause } from '../../functions/shared/failure-cause.ts';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { S3ArtifactStore } from '../../src/adapters/aws/s3-artifact-store.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { main } from '../../src/cli/main.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { SfnHistory } from '../support/sfn-history.ts';
import { expectLinksResolve } from '../support/static-site.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';

const BUCKET = 'mizan-artifacts';
const PREFIX = 'mizan';
const TABLE = 'mizan-registry';
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Mizan-TrainModel';
const FAILED = 'v2023.06.30-0123456789ab';
const BATCH_CAUSE = JSON.stringify({
  JobName: 'mizan-train-snapshot',
  JobId: '5a6b7c8d-0000-4000-8000-000000000000',
  Status: 'FAILED',
  StatusReason: 'Essential container in task exited',
  Container: { ExitCode: 1, Reason: 'snapshot 2020-12-31: fewer than 52 weeks before the cutoff' },
});
const arnOf = (name: string) => `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const body = (html: string) => html.replace(/<footer>[\s\S]*<\/footer>/, ''); // the time it was read
const quietIo = (out: string[], err: string[] = [], env: NodeJS.ProcessEnv = {}) => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env });

/** The local run's history as Step Functions records it (entered and exited states, one chain). */
function historyOf(record: ExecutionRecord): HistoryEvent[] {
  const h = new SfnHistory((ms) => new Date(ms));
  for (const event of record.events) {
    const type = event.state?.endsWith('?') ? 'Choice' : 'Task';
    const ms = Date.parse(event.timestamp);
    if (event.type === 'StateEntered') h.entered(event.state!, ms, type);
    else if (event.type === 'StateExited') h.exited(event.state!, ms, type);
    else if (event.type.startsWith('Execution')) h.add(event.type, ms);
  }
  return h.events;
}

/** Trained, then failed in the 2020 snapshot year (its 2019 sibling aborted), caught, recorded, failed. */
function failedRunHistory(start: number, plan: unknown): HistoryEvent[] {
  const h = new SfnHistory((second) => new Date(start + second * 1000));
  h.add('ExecutionStarted', 0);
  h.choice('Full or fine-tune?', 0);
  h.task('Train', 1, 60);
  h.choice('Backfill snapshots?', 60);
  h.entered('Backfill snapshots', 61, 'Map');
  const mapStarted = h.add('MapStateStarted', 61, { mapStateStartedEventDetails: { length: 2 } });
  const iterations = ['2019-12-31', '2020-12-31'].map((year, index) => {
    const started = h.add('MapIterationStarted', 61, { mapIterationStartedEventDetails: { name: 'Backfill snapshots', index } }, mapStarted);
    const entered = h.entered('Train snapshot', 62, 'Task', { plan, snapshotYearEnd: year }, started);
    return h.add('TaskSubmitted', 63, {}, entered);
  });
  const failed = h.add('TaskFailed', 90, { taskFailedEventDetails: { resourceType: 'batch', resource: 'submitJob.sync', error: 'States.TaskFailed', cause: BATCH_CAUSE } }, iterations[1]);
  h.add('MapIterationFailed', 90, { mapIterationFailedEventDetails: { name: 'Backfill snapshots', index: 1 } }, failed);
  const aborted = h.add('TaskStateAborted', 91, {}, iterations[0]);
  h.add('MapIterationAborted', 91, { mapIterationAbortedEventDetails: { name: 'Backfill snapshots', index: 0 } }, aborted);
  h.exited('Backfill snapshots', 91, 'Map', h.add('MapStateFailed', 91, {}, failed));
  h.task('Record failure', 91, 92);
  h.entered('Training failed', 92, 'Fail');
  h.add('ExecutionFailed', 92, { executionFailedEventDetails: { error: 'States.TaskFailed', cause: BATCH_CAUSE } });
  return h.events;
}

describe('mizan dashboard --bucket: the static pages from S3, DynamoDB and Step Functions', () => {
  let sandbox: string;
  let dataDir: string;
  let version: string;
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  const sfn = mockClient(SFNClient);
  const flags = () => ['--bucket', BUCKET, '--bucket-prefix', PREFIX, '--table', TABLE, '--state-machine-arn', STATE_MACHINE];

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-dashboard-aws-'));
    dataDir = join(sandbox, 'data');
    [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
    await Promise.all([s3.createBucket(BUCKET), dynamo.createRegistryTable(TABLE)]);
    const out: string[] = [];
    expect(await main(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir], quietIo(out))).toBe(0);
    version = JSON.parse(out.join('\n')).version;

    // The version's files where the trainer and "Decide promotion" put them on AWS.
    const local = new DirArtifactStore(dataDir);
    const bucket = new S3ArtifactStore(s3.client(), BUCKET, PREFIX);
    for (const key of [...(await local.list(`models/lstm/${version}`)), ...(await local.list(`runs/lstm/${version}`))]) {
      await bucket.put(key, (await local.get(key))!);
    }
    // Its registry record (claimed and finished at the same times) and `current`; the failed version's record.
    const record = (await new LocalModelRegistry(dataDir).get('lstm', version))!;
    const times = [record.claimedAt, record.finishedAt!, record.finishedAt!];
    const registry = new DynamoModelRegistry(dynamo.client(), TABLE, { clock: () => new Date(times.shift() ?? record.finishedAt!) });
    await registry.claim('lstm', version, version);
    await registry.complete('lstm', version, record.response!);
    expect(await registry.promote('lstm', undefined, version)).toBe(true);
    const failedRegistry = new DynamoModelRegistry(dynamo.client(), TABLE);
    await failedRegistry.claim('lstm', FAILED, FAILED);
    await failedRegistry.fail('lstm', FAILED, { error: 'States.TaskFailed', cause: summariseCause(BATCH_CAUSE) });

    // The two executions, newest first over two pages, as Step Functions lists them.
    const run = JSON.parse(await readFile(join(dataDir, 'executions', `${version}.json`), 'utf8')) as ExecutionRecord;
    const plan = { ...(run.input as { plan: Record<string, unknown> }).plan, version: FAILED, snapshotYearEnds: ['2019-12-31', '2020-12-31'] };
    const failedStart = Date.parse(run.stoppedAt!) + 3_600_000;
    const described: Record<string, DescribeExecutionOutput> = {
      [arnOf(version)]: {
        executionArn: arnOf(version), stateMachineArn: STATE_MACHINE, name: version, status: 'SUCCEEDED',
        startDate: new Date(run.startedAt), stopDate: new Date(run.stoppedAt!), input: JSON.stringify(run.input), output: JSON.stringify(run.output),
      },
      [arnOf(FAILED)]: {
        executionArn: arnOf(FAILED), stateMachineArn: STATE_MACHINE, name: FAILED, status: 'FAILED', startDate: new Date(failedStart),
        stopDate: new Date(failedStart + 92_000), input: JSON.stringify({ plan, skipSnapshot: false, publish: false, executionName: FAILED }),
        error: 'States.TaskFailed', cause: BATCH_CAUSE,
      },
    };
    const histories: Record<string, HistoryEvent[]> = { [arnOf(version)]: historyOf(run), [arnOf(FAILED)]: failedRunHistory(failedStart, plan) };
    const listed = (name: string) => ({ executionArn: arnOf(name), stateMachineArn: STATE_MACHINE, name, status: described[arnOf(name)].status, startDate: described[arnOf(name)].startDate });
    sfn.on(ListExecutionsCommand).callsFake((input: { stateMachineArn: string; nextToken?: string }) => {
      if (input.stateMachineArn !== STATE_MACHINE) throw Object.assign(new Error(`State Machine Does Not Exist: '${input.stateMachineArn}'`), { name: 'StateMachineDoesNotExist' });
      return input.nextToken === 'page-2' ? { executions: [listed(version)] } : { executions: [listed(FAILED)], nextToken: 'page-2' };
    });
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => described[input.executionArn]);
    sfn.on(GetExecutionHistoryCommand).callsFake((input: { executionArn: string }) => ({ events: histories[input.executionArn] }));

    // The SDK's own configuration, as a person's shell would give it: endpoints, region-free keys.
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  }, 300_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    sfn.restore();
    await Promise.all([s3?.stop(), dynamo?.stop()]);
    if (sandbox) await rm(sandbox, { recursive: true, force: true });
  });

  it('writes the current version, the failed run with its cause and the version page, every link resolving', async () => {
    const outDir = join(sandbox, 'site');
    const out: string[] = [];
    sfn.resetHistory();

    const code = await main(['dashboard', '--out', outDir, ...flags()], quietIo(out));

    expect(code).toBe(0);
    expect(JSON.parse(out[0])).toMatchObject({ out: outDir, pages: 2 + 6 + 2 + 2 });
    const files = await expectLinksResolve(outDir);
    expect(files).toEqual(expect.arrayContaining([`ui/versions/lstm/${version}.html`, `ui/versions/lstm/${FAILED}.html`, `ui/runs/${version}.html`, `ui/runs/${FAILED}.html`]));
    const read = (file: string) => readFile(join(outDir, file), 'utf8');

    // Models: the current version of lstm.
    expect(await read('index.html')).toContain(`class="current-version" href="ui/versions/lstm/${version}.html">${version}</a>`);
    // Runs: the failed run, the snapshot year it failed in, its error; its page: the cause, each year on its own line.
    const runs = await read('ui/runs.html');
    const failedRow = runs.split('<tr').find((row) => row.includes(`ui/runs/${FAILED}.html`))!;
    expect(failedRow).toMatch(/FAILED/);
    expect(failedRow).toContain('<span class="state-failed">Train snapshot [2020-12-31]</span>');
    expect(failedRow).toContain('States.TaskFailed');
    const failedRun = await read(`ui/runs/${FAILED}.html`);
    expect(failedRun).toContain(`<p class="cause">${summariseCause(BATCH_CAUSE)}</p>`);
    expect(failedRun).toContain('<td class="state-name">Train snapshot [2019-12-31]</td>');
    expect(failedRun).toMatch(/<td class="state-name">Train snapshot \[2020-12-31\]<\/td>[\s\S]*?<tr class="state-cause"><td><\/td><td colspan="4"><span class="state-failed">States.TaskFailed<\/span>: Essential container in task exited<\/td><\/tr>/);
    // The version page and the succeeded run's page are the data dir's own, but for the time they were read.
    const localDir = join(sandbox, 'site-local');
    expect(await main(['dashboard', '--out', localDir, '--data-dir', dataDir], quietIo([]))).toBe(0);
    for (const page of [`ui/versions/lstm/${version}.html`, `ui/runs/${version}.html`]) {
      expect(body(await read(page)), page).toBe(body(await readFile(join(localDir, page), 'utf8')));
    }
    // Each execution's history is read once, with the states' inputs (the snapshot years are in them).
    const histories = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    expect(histories.map((input) => [input.executionArn, input.includeExecutionData]).sort()).toEqual([[arnOf(FAILED), true], [arnOf(version), true]].sort());
  });

  it('reads the bucket, table and state machine from the variables the Lambdas read', async () => {
    const outDir = join(sandbox, 'site-env');
    const env = { MIZAN_BUCKET: BUCKET, MIZAN_BUCKET_PREFIX: PREFIX, MIZAN_TABLE: TABLE, MIZAN_STATE_MACHINE_ARN: STATE_MACHINE };

    const code = await main(['dashboard', '--out', outDir, '--region', 'us-east-1'], quietIo([], [], env));

    expect(code).toBe(0);
    expect(await readFile(join(outDir, 'index.html'), 'utf8')).toContain(`class="current-version" href="ui/versions/lstm/${version}.html"`);
    expect(await readFile(join(outDir, 'ui', 'runs', `${FAILED}.html`), 'utf8')).toContain('Train snapshot [2020-12-31]');
  });

  it('refuses what cannot be read with one line and exit 2, writing nothing', async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--data-dir', dataDir, ...flags()], {}, /^mizan dashboard: --data-dir and --bucket exclude each other/],
      [['--bucket', BUCKET], {}, /^mizan dashboard: pages from a bucket need the registry table too: --table NAME \(or MIZAN_TABLE\)$/],
      [['--bucket', BUCKET, '--table', TABLE], {}, /need the state machine of the runs too: --state-machine-arn ARN \(or MIZAN_STATE_MACHINE_ARN\)$/],
      [['--table', TABLE], {}, /^mizan dashboard: --table goes with --bucket \(or MIZAN_BUCKET\)/],
      [['--bucket', 'Not_A_Bucket', '--table', TABLE, '--state-machine-arn', STATE_MACHINE], {}, /--bucket "Not_A_Bucket" is not an S3 bucket name$/],
      [[], { MIZAN_BUCKET: BUCKET, MIZAN_TABLE: TABLE, MIZAN_STATE_MACHINE_ARN: 'TrainModel' }, /MIZAN_STATE_MACHINE_ARN "TrainModel" is not a state machine ARN/],
      [[...flags(), '--region', 'mars'], {}, /^mizan dashboard: --region "mars" is not an AWS region \(e.g. eu-west-1\)$/],
      [['--bucket', 'no-such-bucket', '--table', TABLE, '--state-machine-arn', STATE_MACHINE], {}, /^mizan dashboard: no bucket no-such-bucket$/],
      [['--bucket', BUCKET, '--table', 'no-such-table', '--state-machine-arn', STATE_MACHINE], {}, /^mizan dashboard: no table no-such-table in us-east-1$/],
      [['--bucket', BUCKET, '--table', TABLE, '--state-machine-arn', `${STATE_MACHINE}-gone`], {}, /^mizan dashboard: no state machine arn:aws:states:us-east-1:123456789012:stateMachine:Mizan-TrainModel-gone$/],
    ];
    for (const [args, env, message] of cases) {
      const outDir = join(sandbox, 'refused');
      const err: string[] = [];
      const out: string[] = [];

      const code = await main(['dashboard', '--out', outDir, ...args], quietIo(out, err, env));

      expect(code, args.join(' ')).toBe(2);
      expect(out).toEqual([]);
      expect(err, args.join(' ')).toEqual([expect.stringMatching(message)]);
      expect(await readdir(outDir).catch(() => 'absent'), args.join(' ')).toBe('absent');
    }
  });
});
