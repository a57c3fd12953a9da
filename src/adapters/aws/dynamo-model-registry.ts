import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ModelKind } from '../../config/model-kinds.ts';
import type { ClaimOptions, ClaimResult, FailOptions, ModelRegistry, PointerMove, PromotionEntry, RemoveExpectation, VersionRecord, VersionStatus } from '../../ports/model-registry.ts';
import { assertExecutionId, assertModelKind, ClaimChangedError, VersionStateError } from '../../registry/registry-errors.ts';
import { assertVersion } from '../../registry/version.ts';
import { DynamoPromotionLog } from './dynamo-promotion-log.ts';
import { isConditionFailed, newWriteToken, sendConditionalWrite, WRITE_TOKEN } from './dynamo-conditional-write.ts';

type Item = Record<string, AttributeValue>;

const VERSION_PREFIX = 'VERSION#';
const CURRENT_SK = 'CURRENT';
/** A claim can lose to a record that changes before we read it back; retry the round a few times. */
const CLAIM_ATTEMPTS = 5;

export interface DynamoModelRegistryOptions {
  clock?: () => Date;
}

/**
 * The registry in one DynamoDB table (partition key `pk` = kind, sort key `sk`):
 * - `VERSION#{version}`: a version record; `response` and `error` are stored as JSON strings,
 *   so a stored response comes back exactly as it went in.
 * - `CURRENT`: the pointer, attribute `version`.
 * Every write is a single conditional write (no transactions: they are not needed, and the
 * local test server has none); a failed condition is the answer "someone else got there first",
 * unless the item carries the write's own token (its reply was lost: dynamo-conditional-write.ts).
 */
export class DynamoModelRegistry implements ModelRegistry {
  private readonly clock: () => Date;
  private readonly promotions: DynamoPromotionLog;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoModelRegistryOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.promotions = new DynamoPromotionLog(client, tableName, () => this.clock());
  }

  /** A recorded move of CURRENT and the promotion history: dynamo-promotion-log.ts. */
  async move(kind: ModelKind, move: PointerMove): Promise<boolean> {
    assertModelKind(kind);
    if (move.expected !== undefined) assertVersion(move.expected);
    if (move.next !== undefined) assertVersion(move.next);
    return this.promotions.move(kind, move);
  }

  async history(kind: ModelKind): Promise<PromotionEntry[]> {
    assertModelKind(kind);
    return this.promotions.history(kind);
  }

  /** One conditional UpdateItem: only a SUCCEEDED record of the same execution. */
  async replaceResponse(kind: ModelKind, version: string, executionId: string, response: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: versionKey(kind, version),
          UpdateExpression: 'SET #response = :response',
          ConditionExpression: '#status = :succeeded AND executionId = :executionId',
          ExpressionAttributeNames: { '#response': 'response', '#status': 'status' },
          ExpressionAttributeValues: { ':response': { S: JSON.stringify(response) }, ':succeeded': { S: 'SUCCEEDED' }, ':executionId': { S: executionId } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async get(kind: ModelKind, version: string): Promise<VersionRecord | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: versionKey(kind, version), ConsistentRead: true }),
    );
    return result.Item ? toRecord(result.Item) : undefined;
  }

  async claim(kind: ModelKind, version: string, executionId: string, options: ClaimOptions = {}): Promise<ClaimResult> {
    const key = versionKey(kind, version);
    assertExecutionId(executionId);
    const reopen = options.reopenSucceeded === true;
    const takeable = (status: VersionStatus) => status === 'FAILED' || (reopen && status === 'SUCCEEDED');
    for (let attempt = 1; ; attempt++) {
      const record: VersionRecord = { kind, version, status: 'RUNNING', executionId, claimedAt: this.clock().toISOString() };
      const token = newWriteToken();
      const put = new PutItemCommand({
        TableName: this.tableName,
        Item: { ...key, ...toItem(record), [WRITE_TOKEN]: { S: token } },
        ...(reopen
          ? {
              ConditionExpression: 'attribute_not_exists(pk) OR #status = :failed OR #status = :succeeded',
              ExpressionAttributeValues: { ':failed': { S: 'FAILED' }, ':succeeded': { S: 'SUCCEEDED' } },
            }
          : {
              ConditionExpression: 'attribute_not_exists(pk) OR #status = :failed',
              ExpressionAttributeValues: { ':failed': { S: 'FAILED' } },
            }),
        ExpressionAttributeNames: { '#status': 'status' },
      });
      if ((await this.write(put, key, token)) === 'written') return { claimed: true, record };
      const existing = await this.get(kind, version);
      // It was not takeable when our write was refused; if it has turned takeable since, claim again.
      if (existing && (!takeable(existing.status) || attempt >= CLAIM_ATTEMPTS)) return { claimed: false, existing };
      if (!existing && attempt >= CLAIM_ATTEMPTS) throw new Error(`claim of ${kind} ${version} refused but no record found (${attempt} attempts)`);
    }
  }

  async complete(kind: ModelKind, version: string, response: Record<string, unknown>): Promise<void> {
    await this.finish(kind, version, 'complete', {
      UpdateExpression: 'SET #status = :next, finishedAt = :finishedAt, #response = :response REMOVE #error',
      ExpressionAttributeNames: { '#response': 'response', '#error': 'error' },
      ExpressionAttributeValues: {
        ':next': { S: 'SUCCEEDED' },
        ':finishedAt': { S: this.clock().toISOString() },
        ':response': { S: JSON.stringify(response) },
      },
    });
  }

  async fail(kind: ModelKind, version: string, error: { error: string; cause: string }, options: FailOptions = {}): Promise<void> {
    const update = {
      UpdateExpression: 'SET #status = :next, finishedAt = :finishedAt, #error = :error REMOVE #response',
      ExpressionAttributeNames: { '#response': 'response', '#error': 'error' },
      ExpressionAttributeValues: {
        ':next': { S: 'FAILED' },
        ':finishedAt': { S: this.clock().toISOString() },
        ':error': { S: JSON.stringify({ error: error.error, cause: error.cause }) },
      },
    };
    await this.finish(kind, version, 'fail', update, options.executionId);
  }

  async list(kind: ModelKind): Promise<VersionRecord[]> {
    assertModelKind(kind);
    const records: VersionRecord[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': { S: kind }, ':prefix': { S: VERSION_PREFIX } },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) records.push(toRecord(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
    return records.sort((a, b) => compare(a.claimedAt, b.claimedAt) || compare(a.version, b.version));
  }

  async current(kind: ModelKind): Promise<string | undefined> {
    assertModelKind(kind);
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: kind }, sk: { S: CURRENT_SK } }, ConsistentRead: true }),
    );
    return result.Item?.version?.S;
  }

  /** One conditional PutItem on the CURRENT item: it moves only from `expected`. */
  async promote(kind: ModelKind, expected: string | undefined, next: string): Promise<boolean> {
    assertModelKind(kind);
    if (expected !== undefined) assertVersion(expected);
    assertVersion(next);
    const key = currentKey(kind);
    const token = newWriteToken();
    const put = new PutItemCommand({
      TableName: this.tableName,
      Item: {
        ...key,
        version: { S: next },
        promotedAt: { S: this.clock().toISOString() },
        ...(expected === undefined ? {} : { previousVersion: { S: expected } }),
        [WRITE_TOKEN]: { S: token },
      },
      ...(expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': { S: expected } },
          }),
    });
    return (await this.write(put, key, token)) === 'written';
  }

  /** One conditional write on the CURRENT item, only from `expected`: a PutItem back to `previous`, or a DeleteItem. */
  async restore(kind: ModelKind, expected: string, previous: string | undefined): Promise<boolean> {
    assertModelKind(kind);
    assertVersion(expected);
    if (previous !== undefined) assertVersion(previous);
    const key = currentKey(kind);
    const condition = {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': { S: expected } },
    };
    if (previous === undefined) {
      // A delete leaves no token to read back: a lost reply surfaces as an error (the undo is retried) or a refusal.
      try {
        await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: key, ...condition }));
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    }
    const token = newWriteToken();
    const put = new PutItemCommand({
      TableName: this.tableName,
      Item: { ...key, version: { S: previous }, promotedAt: { S: this.clock().toISOString() }, restoredFrom: { S: expected }, [WRITE_TOKEN]: { S: token } },
      ...condition,
    });
    return (await this.write(put, key, token)) === 'written';
  }

  /** One conditional DeleteItem: only the record retention decided on (same execution, same status). */
  async remove(kind: ModelKind, version: string, expected: RemoveExpectation): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: versionKey(kind, version),
          ConditionExpression: 'executionId = :executionId AND #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':executionId': { S: expected.executionId }, ':status': { S: expected.status } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** RUNNING → SUCCEEDED/FAILED as one conditional UpdateItem. */
  private async finish(
    kind: ModelKind,
    version: string,
    action: 'complete' | 'fail',
    update: {
      UpdateExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Item;
    },
    executionId?: string,
  ): Promise<void> {
    const key = versionKey(kind, version);
    const ofExecution: Item = executionId === undefined ? {} : { ':executionId': { S: executionId } };
    const token = newWriteToken();
    const updateItem = new UpdateItemCommand({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: `${update.UpdateExpression.replace(/^SET /, 'SET #token = :token, ')}`,
      ConditionExpression: executionId === undefined ? '#status = :running' : '#status = :running AND executionId = :executionId',
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status', '#token': WRITE_TOKEN },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':running': { S: 'RUNNING' }, ':token': { S: token }, ...ofExecution },
    });
    if ((await this.write(updateItem, key, token)) === 'written') return;
    const existing = await this.get(kind, version);
    if (existing?.status === 'RUNNING' && executionId !== undefined) throw new ClaimChangedError(kind, version, executionId, existing.executionId);
    throw new VersionStateError(kind, version, 'RUNNING', existing?.status ?? 'ABSENT', action);
  }

  /** One conditional write tagged with `token`: a lost reply of a write that landed counts as written (dynamo-conditional-write.ts). */
  private write(command: PutItemCommand | UpdateItemCommand, key: Item, token: string): Promise<'written' | 'refused'> {
    return sendConditionalWrite(this.client, () => this.client.send(command as PutItemCommand), { tableName: this.tableName, key, token });
  }
}

function currentKey(kind: ModelKind): Item {
  return { pk: { S: kind }, sk: { S: CURRENT_SK } };
}

function versionKey(kind: ModelKind, version: string): Item {
  assertModelKind(kind);
  assertVersion(version);
  return { pk: { S: kind }, sk: { S: VERSION_PREFIX + version } };
}

function toItem(record: VersionRecord): Item {
  const item: Item = {
    kind: { S: record.kind },
    version: { S: record.version },
    status: { S: record.status },
    executionId: { S: record.executionId },
    claimedAt: { S: record.claimedAt },
  };
  if (record.finishedAt !== undefined) item.finishedAt = { S: record.finishedAt };
  if (record.response !== undefined) item.response = { S: JSON.stringify(record.response) };
  if (record.error !== undefined) item.error = { S: JSON.stringify(record.error) };
  return item;
}

function toRecord(item: Item): VersionRecord {
  const record: VersionRecord = {
    kind: item.kind.S as ModelKind,
    version: item.version.S as string,
    status: item.status.S as VersionStatus,
    executionId: item.executionId.S as string,
    claimedAt: item.claimedAt.S as string,
  };
  if (item.finishedAt?.S !== undefined) record.finishedAt = item.finishedAt.S;
  if (item.response?.S !== undefined) record.response = JSON.parse(item.response.S) as Record<string, unknown>;
  if (item.error?.S !== undefined) record.error = JSON.parse(item.error.S) as { error: string; cause: string };
  return record;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
