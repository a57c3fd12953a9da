/**
 * Crash consistency of the AWS adapters, every write, not a sample (issue 16 §1): a smoke lstm run
 * (skip_snapshot) requested as the API does (startTraining), run through the deployed TrainModel
 * definition in-process (the trainer job, Decide promotion, Record result, Record failure on a Catch,
 * the ExecutionEnded rule on a failed execution) on S3ArtifactStore/s3rver and DynamoModelRegistry/dynalite,
 * with the N-th S3 or DynamoDB write failing, for N = 1 … the clean run's writes, in each fault mode of
 * test/support/sdk-write-faults.ts. After each: the invariants of test/support/aws-run-invariants.ts,
 * then a clean retry of the same request (a new execution name, as startTraining picks) must succeed
 * and end where a clean run ends.
 *
 * Reduced to keep it near a minute: the smoke config with one epoch (not two) on two symbols (not four);
 * S3 faults in the challenger scenario only (a first model writes the same objects); DynamoDB faults
 * start from the run's model already committed (the trainer reuses it, writing nothing to S3 or DynamoDB).
 * What it found: a DynamoDB write whose reply is lost (a 500, or the SDK's retry failing its condition
 * against that very write) left a claim orphaned, `current` on a FAILED version, or a SUCCEEDED version
 * whose promotion was undone; src/adapters/aws/dynamo-conditional-write.ts fixes it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTraining, type StartOutcome } from '../../src/pipeline/start-training.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { committedExactly, invariantViolations, type RunReport } from '../support/aws-run-invariants.ts';
import { BUCKET, openWorld, seedItems, seedObjects, type AwsWorld, type WorldServers } from '../support/aws-world.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';
import { FAULT_MODES, SdkWriteFaults, type FaultMode, type Service, type WriteFault } from '../support/sdk-write-faults.ts';
import { smokeForecasterPlan } from '../support/smoke-forecaster-plan.ts';

/**
 * The incumbent scores worse on the challenger's test weeks (seeded: always), so the challenger is
 * promoted: at the one-sided level 0.5 (MIZAN_PROMOTION_LEVEL, read by Decide promotion) a lower mean
 * weekly loss is enough; the default 0.10 would need a significant difference, which these two
 * one-epoch models do not have.
 */
const INCUMBENT_CONFIG = { maxEpochs: 1, hiddenUnits: 2 };
const CHALLENGER_CONFIG = { maxEpochs: 1 };
const SYMBOLS = ['AAPL', 'MSFT'];
/** A retry comes later: a claim left RUNNING is old enough to be checked (stale-claim.ts). */
const LATER_MS = 10 * 60_000;

async function requestTraining(world: AwsWorld, plan: TrainingPlan, now?: () => number): Promise<RunReport> {
  const { registry, store } = world.deps;
  let start: StartOutcome | { error: string };
  try {
    start = await startTraining(plan, { skipSnapshot: true }, { registry, store, workflow: world.workflow, publisherEnabled: false, ...(now ? { now } : {}) });
  } catch (error) {
    start = { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
  const executionId = 'status' in start && start.status === 'RUNNING' ? start.executionId : undefined;
  const execution = executionId && (await world.workflow.describe(executionId)) ? await world.workflow.waitFor(executionId) : undefined;
  return { kind: plan.kind, version: plan.version, start, ...(execution ? { execution } : {}) };
}

/** `PutObjectCommand case3/models/…` → `PutObjectCommand models/…`: the same write in any world. */
const inAnyWorld = (label: string | undefined) => label?.replace(/^(PutObjectCommand |DeleteObjectsCommand |CopyObjectCommand )[^/]+\//, '$1');

interface CaseResult {
  n: number;
  hit: string | undefined;
  attempt: string[];
  retry: string[];
}

describe('crash consistency of the AWS adapters: each S3 and DynamoDB write failing in turn', () => {
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  let servers: WorldServers;
  const faults = new SdkWriteFaults();
  let incumbentPlan: TrainingPlan;
  let challengerPlan: TrainingPlan;
  /** The incumbent trained and current; the challenger's clean run on a copy of it. */
  let incumbentWorld: AwsWorld;
  let cleanWorld: AwsWorld;
  /** Writes of the clean runs, per service: the first model (the incumbent) and the challenger. */
  const cleanWrites: Record<'first' | 'challenger', Record<Service, string[]>> = { first: { s3: [], dynamodb: [] }, challenger: { s3: [], dynamodb: [] } };
  const report: string[] = [];
  let worlds = 0;

  beforeAll(async () => {
    vi.stubEnv('MIZAN_PROMOTION_LEVEL', '0.5');
    [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
    await s3.createBucket(BUCKET);
    servers = { dynamo, s3Client: s3.client(), dynamoClient: dynamo.client() };
    faults.attach(servers.s3Client, 's3');
    faults.attach(servers.dynamoClient, 'dynamodb');

    incumbentWorld = await openWorld('incumbent', servers);
    incumbentPlan = await smokeForecasterPlan(incumbentWorld.deps.marketData, { config: INCUMBENT_CONFIG, symbols: SYMBOLS });
    challengerPlan = await smokeForecasterPlan(incumbentWorld.deps.marketData, { config: CHALLENGER_CONFIG, symbols: SYMBOLS });
    faults.arm();
    const first = await requestTraining(incumbentWorld, incumbentPlan);
    cleanWrites.first = { s3: [...faults.writes.s3], dynamodb: [...faults.writes.dynamodb] };
    expect(first.execution?.status, JSON.stringify(first.execution)).toBe('SUCCEEDED');

    cleanWorld = await openWorld('clean', servers);
    await seedObjects(cleanWorld, incumbentWorld);
    await seedItems(cleanWorld, incumbentWorld, servers.dynamoClient);
    faults.arm();
    const clean = await requestTraining(cleanWorld, challengerPlan);
    cleanWrites.challenger = { s3: [...faults.writes.s3], dynamodb: [...faults.writes.dynamodb] };
    expect(clean.execution?.status).toBe('SUCCEEDED');
    expect((clean.execution?.output as { promoted: boolean }).promoted, JSON.stringify((clean.execution?.output as { promotion: unknown }).promotion)).toBe(true);
    expect(await invariantViolations(clean, cleanWorld.deps)).toEqual([]);
  });

  afterAll(async () => {
    console.log(['crash consistency on S3/DynamoDB:', ...report].join('\n  '));
    await Promise.all([s3?.stop(), dynamo?.stop()]);
    vi.unstubAllEnvs();
  });

  /** A fresh world as the scenario starts it; the fault armed; the request; then a clean retry of it. */
  async function faultCase(scenario: 'first' | 'challenger', service: Service, fault: WriteFault): Promise<CaseResult> {
    const world = await openWorld(`case${++worlds}`, servers);
    const plan = scenario === 'first' ? incumbentPlan : challengerPlan;
    if (scenario === 'challenger') {
      await seedObjects(world, incumbentWorld);
      await seedItems(world, incumbentWorld, servers.dynamoClient);
    }
    // DynamoDB faults: the model this plan trains is committed already (its S3 writes are another case's).
    if (service === 'dynamodb') await seedObjects(world, scenario === 'first' ? incumbentWorld : cleanWorld, (key) => key.startsWith(`models/lstm/${plan.version}/`));

    faults.arm(fault);
    const attempt = await requestTraining(world, plan);
    faults.disarm();
    const hit = faults.hit;
    const attemptViolations = await invariantViolations(attempt, world.deps);

    const retry = await requestTraining(world, plan, () => Date.now() + LATER_MS);
    const retryViolations = await invariantViolations(retry, world.deps);
    if ('error' in retry.start) retryViolations.push(`the retry failed: ${retry.start.error}`);
    if (retry.execution && retry.execution.status !== 'SUCCEEDED') retryViolations.push(`the retry's execution ${retry.execution.status}: ${retry.execution.error} ${retry.execution.cause}`);
    const record = await world.deps.registry.get(plan.kind, plan.version);
    if (record?.status !== 'SUCCEEDED') retryViolations.push(`after the retry ${plan.version} is ${record?.status ?? 'unrecorded'}`);
    const current = await world.deps.registry.current(plan.kind);
    if (current !== plan.version) retryViolations.push(`after the retry current is ${current ?? 'none'}, not ${plan.version} as after a clean run`);
    retryViolations.push(...(await committedExactly(world.deps.store, plan.kind, plan.version)));
    return { n: fault.n, hit, attempt: attemptViolations, retry: retryViolations };
  }

  const cases: { scenario: 'first' | 'challenger'; service: Service; mode: FaultMode }[] = [
    ...FAULT_MODES.map((mode) => ({ scenario: 'challenger' as const, service: 's3' as const, mode })),
    ...FAULT_MODES.flatMap((mode) => (['first', 'challenger'] as const).map((scenario) => ({ scenario, service: 'dynamodb' as const, mode }))),
  ];

  for (const { scenario, service, mode } of cases) {
    it(`${service} ${mode}, ${scenario === 'first' ? 'a first model' : 'a challenger of the current model'}: every write, then a clean retry`, async () => {
      // Prepare
      const writes = cleanWrites[scenario][service];
      expect(writes.length).toBeGreaterThan(0);
      const results: CaseResult[] = [];

      // Act
      for (let n = 1; n <= writes.length; n++) results.push(await faultCase(scenario, service, { service, n, mode }));

      // Assess
      const consistent = results.filter((r) => r.attempt.length === 0).length;
      const retried = results.filter((r) => r.retry.length === 0).length;
      report.push(`${service} ${mode} (${scenario}) at each of ${writes.length} writes: ${consistent} consistent, ${retried} retries succeeded`);
      expect(results.map((r) => inAnyWorld(r.hit))).toEqual(writes.map(inAnyWorld));
      expect(results.filter((r) => r.attempt.length + r.retry.length > 0)).toEqual([]);
    });
  }
});
