/**
 * The promotion history in the registry table, for DynamoModelRegistry (partition key = kind):
 * - `PROMOTION#{seq}`: one item per move, attribute `entry` (JSON), created once (attribute_not_exists).
 * - `CURRENT`: the pointer item. A recorded move writes it with one conditional PutItem that also
 *   carries the move (`lastMove`, JSON) and its `seq`, so the pointer and its last move change
 *   together, with no transaction. The move is then copied to `PROMOTION#{seq}`; if that copy is lost
 *   (a crash), the next move or any reader copies it from CURRENT (src/registry/promotion-history.ts).
 * A cleared pointer keeps its CURRENT item without `version` (`current()` reads none), so its last
 * move is not lost either.
 */
import { GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { missingEntries, nextEntry, parseEntry, type PointerState } from '../../registry/promotion-history.ts';
import type { PointerMove, PromotionEntry } from '../../ports/model-registry.ts';

type Item = Record<string, AttributeValue>;

const PREFIX = 'PROMOTION#';
const CURRENT_SK = 'CURRENT';
/** A move can lose its conditional write to a concurrent one and find the same version again; it retries a few times. */
const MOVE_ATTEMPTS = 5;

export class DynamoPromotionLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: () => Date,
  ) {}

  async move(kind: string, move: PointerMove): Promise<boolean> {
    for (let attempt = 1; attempt <= MOVE_ATTEMPTS; attempt++) {
      // The log's tail first, then the pointer: a move landing in between shows as a CURRENT ahead of the tail.
      let tail = await this.tail(kind);
      const item = await this.currentItem(kind);
      const state = pointerState(item);
      if (state.version !== move.expected) return false;
      if ((state.lastMove?.seq ?? 0) > (tail?.seq ?? 0) + 1) continue;
      for (const missing of missingEntries(tail, state)) {
        await this.append(kind, missing);
        tail = missing;
      }
      const entry = nextEntry(tail, move, this.clock().toISOString());
      if (!(await this.putCurrent(kind, item, move, entry))) continue;
      // The move is made and its entry is on CURRENT: a failed copy is repaired later, not reported as a failed move.
      await this.append(kind, entry).catch(() => undefined);
      return true;
    }
    throw new Error(`could not move current of ${kind}: it kept changing (${MOVE_ATTEMPTS} attempts)`);
  }

  async history(kind: string): Promise<PromotionEntry[]> {
    for (let attempt = 1; ; attempt++) {
      const entries = await this.entries(kind);
      const state = pointerState(await this.currentItem(kind));
      const tail = entries.at(-1);
      // Two moves between the two reads: read again rather than show a gap.
      if ((state.lastMove?.seq ?? 0) <= (tail?.seq ?? 0) + 1 || attempt >= MOVE_ATTEMPTS) return [...entries, ...missingEntries(tail, state)];
    }
  }

  /** The conditional write of CURRENT with the move on it; false when CURRENT changed since `item` was read. */
  private async putCurrent(kind: string, item: Item | undefined, move: PointerMove, entry: PromotionEntry): Promise<boolean> {
    const lastMove = JSON.stringify(entry);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: kind },
            sk: { S: CURRENT_SK },
            ...(move.next === undefined ? {} : { version: { S: move.next } }),
            promotedAt: { S: entry.at },
            ...(move.expected === undefined ? {} : { previousVersion: { S: move.expected } }),
            lastMove: { S: lastMove },
            seq: { N: String(entry.seq) },
          },
          ...unchangedSince(item),
        }),
      );
      return true;
    } catch (error) {
      // A lost reply can hide a write that landed (the SDK's retry then fails its condition against it): read back.
      const now = await this.currentItem(kind).catch(() => undefined);
      if (now?.lastMove?.S === lastMove) return true;
      if ((error as { name?: string })?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async entries(kind: string): Promise<PromotionEntry[]> {
    const entries: PromotionEntry[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...this.logQuery(kind), ExclusiveStartKey }));
      for (const item of page.Items ?? []) entries.push(toEntry(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
    return entries;
  }

  private async tail(kind: string): Promise<PromotionEntry | undefined> {
    const page = await this.client.send(new QueryCommand({ ...this.logQuery(kind), ScanIndexForward: false, Limit: 1 }));
    const item = page.Items?.[0];
    return item ? toEntry(item) : undefined;
  }

  private logQuery(kind: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: kind }, ':prefix': { S: PREFIX } },
      ConsistentRead: true,
    };
  }

  private async currentItem(kind: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: kind }, sk: { S: CURRENT_SK } }, ConsistentRead: true }),
    );
    return result.Item;
  }

  /** Creates `PROMOTION#{seq}` once; the same entry already there (a repeated repair) is fine, another one is not. */
  private async append(kind: string, entry: PromotionEntry): Promise<void> {
    const sk = `${PREFIX}${String(entry.seq).padStart(8, '0')}`;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: kind }, sk: { S: sk }, entry: { S: JSON.stringify(entry) } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as { name?: string })?.name !== 'ConditionalCheckFailedException') throw error;
      const there = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: kind }, sk: { S: sk } }, ConsistentRead: true }));
      if (there.Item?.entry?.S !== JSON.stringify(entry)) throw new Error(`${kind} ${sk} already holds another move: the promotion history is append-only`);
    }
  }
}

function pointerState(item: Item | undefined): PointerState {
  const lastMove = item?.lastMove?.S;
  return {
    version: item?.version?.S,
    ...(lastMove === undefined ? {} : { lastMove: parseEntry(JSON.parse(lastMove), 'CURRENT.lastMove') }),
    ...(item?.promotedAt?.S === undefined ? {} : { movedAt: item.promotedAt.S }),
  };
}

/**
 * The condition that CURRENT is still exactly the item read: its seq when it has one (every recorded
 * move increments it, so A→B→A is caught), else its version and time (a move made without a record).
 */
function unchangedSince(item: Item | undefined): Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  if (item === undefined) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (item.seq?.N !== undefined) {
    return { ConditionExpression: '#seq = :seq', ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':seq': { N: item.seq.N } } };
  }
  const parts = ['attribute_not_exists(#seq)'];
  const values: Item = {};
  for (const [name, attribute] of [['#version', item.version], ['#at', item.promotedAt]] as const) {
    if (attribute?.S === undefined) parts.push(`attribute_not_exists(${name})`);
    else {
      parts.push(`${name} = :${name.slice(1)}`);
      values[`:${name.slice(1)}`] = { S: attribute.S };
    }
  }
  return {
    ConditionExpression: parts.join(' AND '),
    ExpressionAttributeNames: { '#seq': 'seq', '#version': 'version', '#at': 'promotedAt' },
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

function toEntry(item: Item): PromotionEntry {
  return parseEntry(JSON.parse(item.entry?.S ?? 'null'), `${item.pk?.S} ${item.sk?.S}`);
}
