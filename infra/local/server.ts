/**
 * The local HTTP server: turns each Node request into an API Gateway HTTP API (payload 2.0) event
 * and answers with what the very same API handler returns in Lambda.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ProfileName } from '../../src/config/profiles.ts';
import { localDeps } from '../../src/runtime/local-deps.ts';
import { makeApiHandler, type ApiHandler } from '../../functions/api/handler.ts';
import type { ApiResponse } from '../../functions/api/http.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../functions/api/request-body.ts';
import { localLambdaContext, NO_TIME_LIMIT_MS } from '../../functions/shared/lambda-context.ts';
import { serveDashboard } from '../../src/dashboard/http-route.ts';
import type { DashboardSource } from '../../src/dashboard/source.ts';
import { localDashboardSource } from '../../src/runtime/local-dashboard-source.ts';
import type { LocalWorkflow } from '../../src/adapters/local-workflow/local-workflow.ts';
import { openLocalWorkflow } from './open-local-workflow.ts';
import type { TrainerCommand } from '../../src/adapters/local-workflow/trainer-processes.ts';

export interface LocalServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  profile: ProfileName;
  maxBodyBytes?: number;
  /** Extra environment for trainer processes (tests: MIZAN_TRAINER_ENTRY). */
  trainerEnv?: Record<string, string>;
  trainer?: TrainerCommand;
  maxParallelJobs?: number;
  log?: (line: string) => void;
  /** Trainer progress lines (epochs, snapshot years); `mizan serve` prints them. */
  trainerOutput?: (line: string) => void;
}

export interface LocalServer {
  url: string;
  workflow: LocalWorkflow;
  /** The API handler itself, as EventBridge's targets invoke the Lambda (the local scheduler calls it). */
  invoke(event: APIGatewayProxyEventV2): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deps = await localDeps({ dataDir: options.dataDir });
  const workflow = await openLocalWorkflow(deps, {
    trainer: options.trainer,
    trainerEnv: options.trainerEnv,
    maxParallelJobs: options.maxParallelJobs,
    log,
    trainerOutput: options.trainerOutput,
  });
  const handler = makeApiHandler({
    ...deps,
    profile: options.profile,
    workflow,
    publisherEnabled: deps.publisher.enabled,
    maxWaitSeconds: Number.POSITIVE_INFINITY,
    maxBodyBytes,
    log,
  });

  // The read-only dashboard at `/` and `/ui/...`, on the same port (src/dashboard/).
  const dashboard = localDashboardSource(deps.dataDir, { store: deps.store, registry: deps.registry });

  const server = createServer((req, res) => {
    serve(req, res, handler, maxBodyBytes, dashboard).catch((error: unknown) => {
      log(`server error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  log(`mizan API and dashboard on ${url} (profile ${options.profile}, data in ${deps.dataDir})`);
  return {
    url,
    workflow,
    invoke: (event) => handler(event, localLambdaContext('mizan-api', NO_TIME_LIMIT_MS)),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await workflow.close();
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: ApiHandler, maxBodyBytes: number, dashboard: DashboardSource): Promise<void> {
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  if (!rawPath.startsWith('/')) return send(res, 400, { error: 'the request target must be a path' });
  if (await serveDashboard(req, res, rawPath, dashboard)) return;

  const body = await readBody(req, maxBodyBytes);
  if (body === undefined) {
    res.setHeader('connection', 'close');
    return send(res, 413, { error: `request body is larger than ${maxBodyBytes} bytes` });
  }
  const event = toHttpApiEvent(req, rawPath, rawQueryString, body);
  // No Lambda timeout here: `?wait=` is as long as asked (the README's "locally unbounded").
  const response = await handler(event, localLambdaContext('mizan-api', NO_TIME_LIMIT_MS));
  res.writeHead(response.statusCode, response.headers as Record<string, string>);
  res.end(response.body);
}

/** The body as text, or undefined when it exceeds the limit (reading stops there). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function toHttpApiEvent(req: IncomingMessage, rawPath: string, rawQueryString: string, body: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body) + '\n');
}
