/**
 * A recording proxy between the code under test and the local AWS stand-ins (s3rver, dynalite, the
 * Step Functions runner…). SDK v3 clients reach it through `AWS_ENDPOINT_URL`; it forwards every
 * request (method, path, headers, body, streamed) to the upstream of the service named in the SigV4
 * credential scope and records who did what to which ARN, so the deployed tier can check each call
 * against the role's policies. The tests set AWS_ACCESS_KEY_ID to the role's logical id: the access
 * key is the principal. The one change on the way: the access key id, for upstreams that check it.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../support/read-body.ts';

export type AwsService = 's3' | 'dynamodb' | 'states' | 'secretsmanager';

export interface RecordedCall {
  /** The access key id of the credential scope (the role's logical id in the tests). */
  principal: string;
  /** The signing name of the credential scope. */
  service: string;
  /** `iamprefix:Action`, as IAM authorises it. */
  action: string;
  resources: string[];
  /** The upstream's HTTP status (502 when there is no upstream or it did not answer). */
  status: number;
}

export interface AwsCallRecorderOptions {
  /** Base URL of each service's stand-in, e.g. `{ s3: 'http://127.0.0.1:4568' }`. */
  upstreams: Partial<Record<AwsService, string>>;
  /** The pretend region and account the recorded ARNs name. */
  region: string;
  account: string;
  /**
   * The access key id each upstream accepts, swapped into the forwarded Authorization header (the
   * principal is recorded first). s3rver answers InvalidAccessKeyId to any key but its own, though it
   * never checks a SigV4 signature; dynalite accepts any key. Default: `{ s3: 'S3RVER' }`.
   */
  upstreamAccessKeys?: Partial<Record<AwsService, string>>;
}

type Authorised = Omit<RecordedCall, 'principal' | 'service' | 'status'>;

export class AwsCallRecorder {
  private readonly recorded: RecordedCall[] = [];
  // Our own agent, so close() can drop the upstream keep-alive sockets it opened.
  private readonly agent = new Agent({ keepAlive: true });
  private readonly server: Server;
  private port: number | undefined;

  constructor(private readonly options: AwsCallRecorderOptions) {
    this.server = createServer((req, res) => {
      proxy(req, res, this.options, this.agent, (calls) => this.recorded.push(...calls)).catch((error: Error) => res.destroy(error));
    });
  }

  /** Listens on 127.0.0.1, a random port. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL. */
  get url(): string {
    if (this.port === undefined) throw new Error('AwsCallRecorder: start() it first');
    return `http://127.0.0.1:${this.port}`;
  }

  /** A copy of the calls so far, in the order their responses arrived. */
  calls(): RecordedCall[] {
    return this.recorded.map((call) => ({ ...call, resources: [...call.resources] }));
  }

  clear(): void {
    this.recorded.splice(0);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    this.server.closeAllConnections(); // SDK clients keep their sockets alive; close() alone would wait for them
    this.agent.destroy();
    await closed;
  }
}

/** Forwards one request; `record` gets its calls (with the upstream's status) before the client gets the response. */
async function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  options: AwsCallRecorderOptions,
  agent: Agent,
  record: (calls: RecordedCall[]) => void,
): Promise<void> {
  const { principal, service } = credentialScope(req);
  const upstream = options.upstreams[service as AwsService];
  const url = new URL(req.url ?? '/', 'http://proxy');
  // Only the small bodies the mapping reads are buffered; object uploads stream straight through.
  const needsBody = service !== 's3' || (req.method === 'POST' && url.searchParams.has('delete'));
  const body = needsBody ? await readBody(req) : undefined;
  const authorised = authorise(service, req, url, body?.toString('utf8'), options);
  let recorded = false;
  const recordOnce = (status: number) => {
    if (!recorded) record(authorised.map((call) => ({ principal, service, ...call, status })));
    recorded = true;
  };

  if (!upstream) {
    recordOnce(502);
    res.writeHead(502, { 'content-type': 'text/plain' }).end(`no upstream for service ${JSON.stringify(service)}`);
    return;
  }
  const target = new URL(upstream);
  const headers = { ...req.headers };
  const accessKey = (options.upstreamAccessKeys ?? { s3: 'S3RVER' })[service as AwsService];
  if (accessKey && headers.authorization) headers.authorization = headers.authorization.replace(/Credential=[^/]*/, `Credential=${accessKey}`);
  const forwarded = httpRequest(
    { agent, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (answer) => {
      recordOnce(answer.statusCode ?? 502); // before the client sees it: calls() is complete once send() resolves
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.on('error', (error) => res.destroy(error));
      answer.pipe(res);
    },
  );
  forwarded.on('error', (error) => {
    recordOnce(502);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream ${service}: ${error.message}`);
    else res.destroy(error);
  });
  if (body) forwarded.end(body);
  else req.pipe(forwarded);
}

/** `Credential=AKID/date/region/service/aws4_request` from the Authorization header (or a presigned URL). */
function credentialScope(req: IncomingMessage): { principal: string; service: string } {
  const header = /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1];
  const scope = header ?? new URL(req.url ?? '/', 'http://proxy').searchParams.get('X-Amz-Credential') ?? '';
  const [principal = '', , , service = ''] = scope.split('/');
  return { principal: principal || 'anonymous', service: service || 'unknown' };
}

/** The IAM actions and resources one request needs. */
function authorise(service: string, req: IncomingMessage, url: URL, body: string | undefined, options: AwsCallRecorderOptions): Authorised[] {
  const operation = (req.headers['x-amz-target'] as string | undefined)?.split('.').pop();
  const json = parseJson(body);
  switch (service) {
    case 's3':
      return s3Actions(req, url, body);
    case 'dynamodb':
      return dynamoActions(operation ?? '?', json, options);
    case 'states': {
      const arn = json.executionArn ?? json.stateMachineArn;
      return [{ action: `states:${operation ?? '?'}`, resources: typeof arn === 'string' ? [arn] : ['*'] }];
    }
    case 'secretsmanager':
      return [{ action: `secretsmanager:${operation ?? '?'}`, resources: typeof json.SecretId === 'string' ? [json.SecretId] : ['*'] }];
    default:
      return [{ action: `${service}:${operation ?? `${req.method} ${url.pathname}`}`, resources: [] }];
  }
}

function parseJson(body: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = body ? JSON.parse(body) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// --- S3 (path-style: the SDK never uses virtual hosts for an IP endpoint) ---

function s3Actions(req: IncomingMessage, url: URL, body: string | undefined): Authorised[] {
  const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
  const bucket = decode(bucketPart);
  const key = decode(keyParts.join('/'));
  const q = url.searchParams;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const one = (action: string, resource: string): Authorised[] => [{ action: `s3:${action}`, resources: [resource] }];
  const method = req.method ?? 'GET';

  if (!key) {
    if (method === 'POST' && q.has('delete')) {
      const keys = [...(body ?? '').matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescapeXml(m[1]!));
      return keys.length ? keys.map((k) => ({ action: 's3:DeleteObject', resources: [`${bucketArn}/${k}`] })) : [];
    }
    if (method === 'HEAD') return one('ListBucket', bucketArn);
    if (method === 'GET' && q.has('location')) return one('GetBucketLocation', bucketArn);
    if (method === 'GET' && q.has('uploads')) return one('ListBucketMultipartUploads', bucketArn);
    if (method === 'GET' && q.has('versions')) return one('ListBucketVersions', bucketArn);
    if (method === 'GET' && (q.has('list-type') || subresources(q).length === 0)) return one('ListBucket', bucketArn);
    if (method === 'PUT' && subresources(q).length === 0) return one('CreateBucket', bucketArn);
    if (method === 'DELETE' && subresources(q).length === 0) return one('DeleteBucket', bucketArn);
    return one(`UNMAPPED(${method} bucket?${subresources(q).join('&')})`, bucketArn);
  }

  const objectArn = `${bucketArn}/${key}`;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (q.has('uploadId')) return one('ListMultipartUploadParts', objectArn);
      if (q.has('tagging')) return one('GetObjectTagging', objectArn);
      return one('GetObject', objectArn);
    case 'PUT': {
      // PutObject, UploadPart, CopyObject and UploadPartCopy all need PutObject; a copy also reads its source.
      const written = one(q.has('tagging') ? 'PutObjectTagging' : 'PutObject', objectArn);
      const source = req.headers['x-amz-copy-source'] as string | undefined;
      return source ? [...written, ...one('GetObject', `arn:aws:s3:::${copySource(source)}`)] : written;
    }
    case 'DELETE':
      return one(q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject', objectArn);
    case 'POST':
      if (q.has('uploads') || q.has('uploadId')) return one('PutObject', objectArn);
      return one(`UNMAPPED(POST object?${subresources(q).join('&')})`, objectArn);
    default:
      return one(`UNMAPPED(${method} object)`, objectArn);
  }
}

/** The query parameters that select an operation (x-id only labels the SDK's command). */
const subresources = (q: URLSearchParams): string[] => [...q.keys()].filter((k) => k !== 'x-id');

/** `x-amz-copy-source: /bucket/key?versionId=…` (URL-encoded) → `bucket/key`. */
const copySource = (header: string): string => decode(header.replace(/^\//, '').replace(/\?versionId=.*$/, ''));

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % that was never encoded
  }
}

function unescapeXml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity[0] !== '#') return named[entity] ?? whole;
    return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
  });
}

// --- DynamoDB (JSON protocol) ---

const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

function dynamoActions(operation: string, body: Record<string, unknown>, options: AwsCallRecorderOptions): Authorised[] {
  const tableArn = (name: unknown): string =>
    typeof name === 'string' && name.startsWith('arn:') ? name : `arn:aws:dynamodb:${options.region}:${options.account}:table/${String(name)}`;
  const items = (Array.isArray(body.TransactItems) ? body.TransactItems : []) as Array<Record<string, { TableName?: string }>>;
  if (operation === 'TransactWriteItems') {
    // IAM authorises each item of a transaction as its single-item action.
    return items.flatMap((item) =>
      Object.entries(item)
        .filter(([kind]) => kind in TRANSACT_WRITE_ACTIONS)
        .map(([kind, request]) => ({ action: `dynamodb:${TRANSACT_WRITE_ACTIONS[kind]}`, resources: [tableArn(request.TableName)] })),
    );
  }
  if (operation === 'TransactGetItems') {
    return items.map((item) => ({ action: 'dynamodb:GetItem', resources: [tableArn(item.Get?.TableName)] }));
  }
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    const tables = Object.keys((body.RequestItems ?? {}) as Record<string, unknown>);
    return [{ action: `dynamodb:${operation}`, resources: tables.map(tableArn) }];
  }
  if (typeof body.TableName !== 'string') return [{ action: `dynamodb:${operation}`, resources: ['*'] }]; // ListTables and the like
  const index = typeof body.IndexName === 'string' && (operation === 'Query' || operation === 'Scan') ? `/index/${body.IndexName}` : '';
  return [{ action: `dynamodb:${operation}`, resources: [tableArn(body.TableName) + index] }];
}
