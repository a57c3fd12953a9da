/**
 * The recording proxy, driven by real SDK v3 clients configured the way the deployed Lambdas are:
 * only through the environment (AWS_ENDPOINT_URL, AWS_REGION, the access key naming the role).
 */
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';
import { AwsCallRecorder } from './support/aws-call-recorder.ts';

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
const BUCKET = 'mizan-artifacts';
const TABLE = 'mizan-registry';
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}`;
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

let s3rver: LocalS3;
let dynalite: LocalDynamo;
let recorder: AwsCallRecorder;
let savedEnv: Record<string, string | undefined>;
const clients: Array<{ destroy(): void }> = [];
/** A client built from the environment alone, as a Lambda bundle builds it. */
const fromEnv = <T extends { destroy(): void }>(make: () => T): T => {
  const client = make();
  clients.push(client);
  return client;
};

beforeAll(async () => {
  [s3rver, dynalite] = await Promise.all([startS3rver(), startDynalite()]);
  await Promise.all([s3rver.createBucket(BUCKET), dynalite.createRegistryTable(TABLE)]);
  recorder = new AwsCallRecorder({ upstreams: { s3: s3rver.endpoint, dynamodb: dynalite.endpoint }, region: REGION, account: ACCOUNT });
  await recorder.start();
  savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, { AWS_ENDPOINT_URL: recorder.url, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'ApiRole', AWS_SECRET_ACCESS_KEY: 'x' });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  for (const key of ENV_KEYS) {
    if (savedEnv?.[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await Promise.all([recorder?.close(), s3rver?.stop(), dynalite?.stop()]);
});

beforeEach(() => recorder.clear());

describe('S3 through the recorder', () => {
  it('records PutObject, GetObject, CopyObject, ListObjectsV2 and DeleteObjects path-style, and the objects reach s3rver', async () => {
    // Prepare
    const s3 = fromEnv(() => new S3Client({}));
    const key = 'runs/lstm/v1 (a)/result.json'; // a space and parentheses: the recorded ARN is URL-decoded
    const objectArn = `arn:aws:s3:::${BUCKET}/${key}`;

    // Act
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"ok":true}' }));
    const read = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const body = await read.Body!.transformToString();
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy.json', CopySource: `${BUCKET}/${encodeURI(key)}` }));
    const upstream = await s3rver.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'runs/' }));
    await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: 'copy.json' }] } }));
    const after = await s3rver.client().send(new ListObjectsV2Command({ Bucket: BUCKET }));

    // Assess
    expect(body).toBe('{"ok":true}');
    expect(await upstream.Body!.transformToString()).toBe('{"ok":true}');
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    expect(after.KeyCount).toBe(0);
    expect(recorder.calls()).toEqual([
      { principal: 'ApiRole', service: 's3', action: 's3:PutObject', resources: [objectArn], status: 200 },
      { principal: 'ApiRole', service: 's3', action: 's3:GetObject', resources: [objectArn], status: 200 },
      { principal: 'ApiRole', service: 's3', action: 's3:PutObject', resources: [`arn:aws:s3:::${BUCKET}/copy.json`], status: 200 },
      { principal: 'ApiRole', service: 's3', action: 's3:GetObject', resources: [objectArn], status: 200 },
      { principal: 'ApiRole', service: 's3', action: 's3:ListBucket', resources: [`arn:aws:s3:::${BUCKET}`], status: 200 },
      { principal: 'ApiRole', service: 's3', action: 's3:DeleteObject', resources: [objectArn], status: 200 },
      { principal: 'ApiRole', service: 's3', action: 's3:DeleteObject', resources: [`arn:aws:s3:::${BUCKET}/copy.json`], status: 200 },
    ]);
  });

  it('records HeadBucket as ListBucket and each step of a multipart upload as PutObject', async () => {
    // Prepare
    const s3 = fromEnv(() => new S3Client({}));
    const objectArn = `arn:aws:s3:::${BUCKET}/big/model.bin`;

    // Act
    await s3.send(new HeadBucketCommand({ Bucket: BUCKET }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'big/model.bin' }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'big/model.bin', UploadId, PartNumber: 1, Body: 'weights' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'big/model.bin', UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }));
    const upstream = await s3rver.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/model.bin' }));

    // Assess
    expect(await upstream.Body!.transformToString()).toBe('weights');
    expect(recorder.calls().map((c) => [c.action, c.resources, c.status])).toEqual([
      ['s3:ListBucket', [`arn:aws:s3:::${BUCKET}`], 200],
      ['s3:PutObject', [objectArn], 200],
      ['s3:PutObject', [objectArn], 200],
      ['s3:PutObject', [objectArn], 200],
    ]);
  });

  it('records the upstream status of a failed read', async () => {
    // Prepare
    const s3 = fromEnv(() => new S3Client({}));

    // Act
    const error = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.json' })).catch((e: Error) => e);

    // Assess
    expect(error).toMatchObject({ name: 'NoSuchKey' });
    expect(recorder.calls()).toEqual([
      { principal: 'ApiRole', service: 's3', action: 's3:GetObject', resources: [`arn:aws:s3:::${BUCKET}/missing.json`], status: 404 },
    ]);
  });
});

describe('DynamoDB through the recorder', () => {
  it('records a conditional PutItem (won, then lost), a Query on the table and on an index, and a transaction per item', async () => {
    // Prepare
    const dynamo = fromEnv(() => new DynamoDBClient({}));
    const item = { pk: { S: 'model#lstm' }, sk: { S: 'v1' } };
    const conditional = new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
    const byPk = { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': item.pk } };

    // Act
    await dynamo.send(conditional);
    const lost = await dynamo.send(conditional).catch((e: Error) => e);
    const upstream = await dynalite.client().send(new GetItemCommand({ TableName: TABLE, Key: item }));
    await dynamo.send(new QueryCommand({ TableName: TABLE, ...byPk }));
    await dynamo.send(new QueryCommand({ TableName: TABLE, IndexName: 'byStatus', ...byPk })).catch(() => undefined);
    const transaction = await dynamo
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { ConditionCheck: { TableName: TABLE, Key: item, ConditionExpression: 'attribute_exists(pk)' } },
            { Put: { TableName: TABLE, Item: { pk: { S: 'model#lstm' }, sk: { S: 'v2' } } } },
            { Update: { TableName: TABLE, Key: { pk: { S: 'model#lstm' }, sk: { S: 'current' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'v2' } } } },
            { Delete: { TableName: TABLE, Key: { pk: { S: 'model#lstm' }, sk: { S: 'old' } } } },
          ],
        }),
      )
      .catch((e: Error) => e);

    // Assess
    expect(lost).toBeInstanceOf(ConditionalCheckFailedException);
    expect(upstream.Item).toEqual(item);
    expect(transaction).toMatchObject({ name: 'UnknownOperationException' }); // dynalite 4 has no transactions
    const call = (action: string, status: number, resource = TABLE_ARN) => ({ principal: 'ApiRole', service: 'dynamodb', action, resources: [resource], status });
    expect(recorder.calls()).toEqual([
      call('dynamodb:PutItem', 200),
      call('dynamodb:PutItem', 400),
      call('dynamodb:Query', 200),
      call('dynamodb:Query', 400, `${TABLE_ARN}/index/byStatus`), // no such index in dynalite: the status is the upstream's
      call('dynamodb:ConditionCheckItem', 400),
      call('dynamodb:PutItem', 400),
      call('dynamodb:UpdateItem', 400),
      call('dynamodb:DeleteItem', 400),
    ]);
  });
});

describe('services without an upstream', () => {
  it('answers 502 and still records the Step Functions and Secrets Manager calls with their ARNs', async () => {
    // Prepare
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Mizan-TrainModel`;
    const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:hf-token-AbCdEf`;
    const sfn = fromEnv(() => new SFNClient({ maxAttempts: 1 }));
    const secrets = fromEnv(() => new SecretsManagerClient({ maxAttempts: 1 }));

    // Act
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' })).catch((e: Error) => e);
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn })).catch((e: Error) => e);
    const unknown = await fetch(`${recorder.url}/2015-03-31/functions/f/invocations`, {
      method: 'POST',
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=ApiRole/20261206/${REGION}/lambda/aws4_request, SignedHeaders=host, Signature=0` },
    });

    // Assess
    expect(started).toBeInstanceOf(Error);
    expect(secret).toBeInstanceOf(Error);
    expect(unknown.status).toBe(502);
    expect(recorder.calls()).toEqual([
      { principal: 'ApiRole', service: 'states', action: 'states:StartExecution', resources: [stateMachineArn], status: 502 },
      { principal: 'ApiRole', service: 'secretsmanager', action: 'secretsmanager:GetSecretValue', resources: [secretArn], status: 502 },
      { principal: 'ApiRole', service: 'lambda', action: 'lambda:POST /2015-03-31/functions/f/invocations', resources: [], status: 502 },
    ]);
  });
});
