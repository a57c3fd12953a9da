/**
 * Test-only fault injection on AWS SDK clients: the N-th write (S3 PutObject/DeleteObjects/CopyObject,
 * DynamoDB PutItem/UpdateItem/DeleteItem) since the fault was armed fails, once, as the service fails:
 * - `refused`: not applied, the caller gets the error (S3 `SlowDown` 503, DynamoDB
 *   `ProvisionedThroughputExceededException`), as after the SDK's own retries are exhausted;
 * - `lost-reply`: applied, then the caller gets a 500 (S3 `InternalError`, DynamoDB `InternalServerError`:
 *   AWS documents that such a request may have succeeded);
 * - `lost-reply-retried`: applied, the reply is a 500, and the SDK retries the same request (its default
 *   policy): the caller gets what the retry gets (for a conditional write, usually a failed condition).
 * Every write is logged (command and key), faulted or not.
 */
import { InternalServerError, ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3ServiceException, type S3Client } from '@aws-sdk/client-s3';

export type Service = 's3' | 'dynamodb';
export type FaultMode = 'refused' | 'lost-reply' | 'lost-reply-retried';
export const FAULT_MODES: readonly FaultMode[] = ['refused', 'lost-reply', 'lost-reply-retried'];

export interface WriteFault {
  service: Service;
  /** 1-based: the N-th write of the service since `arm`. */
  n: number;
  mode: FaultMode;
}

const WRITES: Record<Service, ReadonlySet<string>> = {
  s3: new Set(['PutObjectCommand', 'DeleteObjectsCommand', 'CopyObjectCommand']),
  dynamodb: new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']),
};

/** Marks the request whose first attempt's reply is lost (read by the middleware inside the retry loop). */
const LOSE_FIRST_REPLY = Symbol('loseFirstReply');

type Input = { Key?: unknown; TableName?: string };

export class SdkWriteFaults {
  private fault: WriteFault | undefined;
  private counts: Record<Service, number> = { s3: 0, dynamodb: 0 };
  /** Each write since `arm`, as `Command key`, per service. */
  readonly writes: Record<Service, string[]> = { s3: [], dynamodb: [] };
  /** The write the fault hit, once it has. */
  hit: string | undefined;

  arm(fault?: WriteFault): void {
    this.fault = fault;
    this.counts = { s3: 0, dynamodb: 0 };
    this.writes.s3 = [];
    this.writes.dynamodb = [];
    this.hit = undefined;
  }

  disarm(): void {
    this.fault = undefined;
  }

  attach(client: S3Client | DynamoDBClient, service: Service): void {
    const stack = (client as DynamoDBClient).middlewareStack;
    // Outside the SDK's retries: what the caller of `send` sees.
    stack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        if (!WRITES[service].has(command)) return next(args);
        const input = args.input as Input;
        const label = `${command} ${describeKey(input)}`;
        this.writes[service].push(label);
        const count = ++this.counts[service];
        const fault = this.fault;
        if (fault?.service !== service || fault.n !== count) return next(args);
        this.hit = label;
        if (fault.mode === 'refused') throw refusedError(service, label);
        if (fault.mode === 'lost-reply') {
          await next(args);
          throw lostReplyError(service, label);
        }
        (context as Record<symbol, boolean>)[LOSE_FIRST_REPLY] = true;
        return next(args);
      },
      { step: 'initialize', name: 'injectWriteFault', priority: 'high' },
    );
    // Inside the SDK's retries (the deserialize step runs once per attempt): a lost reply the SDK retries.
    stack.add(
      (next, context) => async (args) => {
        const marked = context as Record<symbol, boolean>;
        if (!marked[LOSE_FIRST_REPLY]) return next(args);
        marked[LOSE_FIRST_REPLY] = false;
        await next(args);
        throw lostReplyError(service, this.hit ?? '');
      },
      { step: 'deserialize', name: 'loseFirstReply', priority: 'low' },
    );
  }
}

function describeKey(input: Input): string {
  if (typeof input.Key === 'string') return input.Key;
  if (input.Key && typeof input.Key === 'object') {
    return Object.values(input.Key as Record<string, { S?: string }>).map((v) => v.S ?? '?').join('/');
  }
  const item = (input as { Item?: Record<string, { S?: string }> }).Item;
  return item ? `${item.pk?.S ?? '?'}/${item.sk?.S ?? '?'}` : '';
}

function refusedError(service: Service, label: string): Error {
  const message = `injected: ${label} refused`;
  return service === 's3'
    ? new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: `Please reduce your request rate. (${message})` })
    : new ProvisionedThroughputExceededException({ $metadata: { httpStatusCode: 400 }, message: `The level of configured provisioned throughput for the table was exceeded. (${message})` });
}

function lostReplyError(service: Service, label: string): Error {
  const message = `injected: ${label} applied, reply lost`;
  return service === 's3'
    ? new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: `We encountered an internal error. Please try again. (${message})` })
    : new InternalServerError({ $metadata: { httpStatusCode: 500 }, message: `Internal server error (${message})` });
}
