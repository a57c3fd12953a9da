/**
 * The synthesized HTTP API in front of the API bundle, as API Gateway behaves: a request whose method
 * and path match none of the template's routes gets API Gateway's own 404 and never reaches the
 * Lambda; a matched one becomes a payload 2.0 event; a Lambda error becomes API Gateway's 500.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ACCOUNT, REGION, type CfnTemplate } from './cfn-names.ts';
import type { DeployedFunction } from './deployed-lambda.ts';
import { resourcesOfType } from './synthesized-stack.ts';

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** The route that matched (`GET /models/{kind}`), or undefined when API Gateway answered alone. */
  routeKey?: string;
  json<T = Record<string, unknown>>(): T;
}

export interface GatewayRequest {
  query?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** `POST /train/lstm` and the like, as the template's AWS::ApiGatewayV2::Route resources name them. */
export function templateRouteKeys(template: CfnTemplate): string[] {
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => String(route.Properties?.RouteKey));
}

export class HttpApiGateway {
  readonly routeKeys: string[];
  private requests = 0;

  constructor(
    template: CfnTemplate,
    private readonly api: DeployedFunction,
  ) {
    this.routeKeys = templateRouteKeys(template);
  }

  async request(method: string, rawPath: string, request: GatewayRequest = {}): Promise<GatewayResponse> {
    const routeKey = this.routeKeys.find((key) => matches(key, method, rawPath));
    if (!routeKey) return response(404, { 'content-type': 'application/json' }, '{"message":"Not Found"}');
    const event = this.event(method, rawPath, routeKey, request);
    try {
      const result = (await this.api.invoke(event)) as { statusCode?: number; headers?: Record<string, string>; body?: string };
      return response(result.statusCode ?? 200, result.headers ?? {}, result.body ?? '', routeKey);
    } catch {
      return response(500, { 'content-type': 'application/json' }, '{"message":"Internal Server Error"}', routeKey);
    }
  }

  private event(method: string, rawPath: string, routeKey: string, request: GatewayRequest): APIGatewayProxyEventV2 {
    const id = ++this.requests;
    const domainName = `abc123.execute-api.${REGION}.amazonaws.com`;
    const rawQueryString = request.query ?? '';
    const query = new URLSearchParams(rawQueryString);
    const queryStringParameters = rawQueryString ? Object.fromEntries([...query.keys()].map((key) => [key, query.getAll(key).join(',')])) : undefined;
    return {
      version: '2.0',
      routeKey,
      rawPath,
      rawQueryString,
      headers: { host: domainName, 'content-type': 'application/json', ...request.headers },
      ...(queryStringParameters ? { queryStringParameters } : {}),
      ...(pathParameters(routeKey, rawPath) ?? {}),
      requestContext: {
        accountId: ACCOUNT,
        apiId: 'abc123',
        domainName,
        domainPrefix: 'abc123',
        http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'awscurl/0.36' },
        requestId: `gw-${id}`,
        routeKey,
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      ...(request.body !== undefined ? { body: request.body } : {}),
      isBase64Encoded: false,
    };
  }
}

function matches(routeKey: string, method: string, rawPath: string): boolean {
  const [routeMethod, template] = routeKey.split(' ') as [string, string];
  if (routeMethod !== method && routeMethod !== 'ANY') return false;
  const want = template.split('/');
  const got = rawPath.split('/');
  return want.length === got.length && want.every((segment, i) => (/^\{.+\}$/.test(segment) ? got[i] !== '' : segment === got[i]));
}

function pathParameters(routeKey: string, rawPath: string): { pathParameters: Record<string, string> } | undefined {
  const template = routeKey.split(' ')[1]!.split('/');
  const got = rawPath.split('/');
  const entries = template.flatMap((segment, i) => (/^\{.+\}$/.test(segment) ? [[segment.slice(1, -1), decodeURIComponent(got[i]!)]] : []));
  return entries.length > 0 ? { pathParameters: Object.fromEntries(entries) } : undefined;
}

function response(statusCode: number, headers: Record<string, string>, body: string, routeKey?: string): GatewayResponse {
  return { statusCode, headers, body, routeKey, json: <T>() => JSON.parse(body) as T };
}
