/**
 * A conditional write whose reply was lost may have been applied all the same: DynamoDB documents that a
 * 500 (InternalServerError) or a timeout may leave the write done, and the SDK then retries the request,
 * whose condition now fails against our own write. Without telling these apart a claim looks taken by
 * someone else, a promotion looks lost while `current` moved, a completion looks refused while the
 * version is SUCCEEDED. So every conditional write carries a token unique to the call, and after an
 * error the item is read back: our token there means our write landed.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** The attribute that holds the token of the last conditional write of an item. */
export const WRITE_TOKEN = 'writeToken';

export function newWriteToken(): string {
  return randomUUID();
}

export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * Sends the write (tagged with `token` by the caller); 'refused' when its condition failed against
 * another writer's item, 'written' when it landed, even if its reply was lost. Other errors are thrown.
 */
export async function sendConditionalWrite(
  client: DynamoDBClient,
  write: () => Promise<unknown>,
  target: { tableName: string; key: Item; token: string },
): Promise<'written' | 'refused'> {
  try {
    await write();
    return 'written';
  } catch (error) {
    if (await carriesToken(client, target)) return 'written';
    if (isConditionFailed(error)) return 'refused';
    throw error;
  }
}

/** Whether the item holds `token`. A failed read answers no: the caller then reports the write's own error. */
async function carriesToken(client: DynamoDBClient, target: { tableName: string; key: Item; token: string }): Promise<boolean> {
  try {
    const result = await client.send(
      new GetItemCommand({
        TableName: target.tableName,
        Key: target.key,
        ConsistentRead: true,
        ProjectionExpression: '#token',
        ExpressionAttributeNames: { '#token': WRITE_TOKEN },
      }),
    );
    return result.Item?.[WRITE_TOKEN]?.S === target.token;
  } catch {
    return false;
  }
}
