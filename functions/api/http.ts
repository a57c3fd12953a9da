/** API Gateway HTTP API (payload 2.0) responses: JSON, never a stack trace. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body, null, 2) + '\n',
  };
}

export interface BadRequestIssue {
  path: string;
  message: string;
}

export function badRequest(error: string, issues: BadRequestIssue[] = [], extra: Record<string, unknown> = {}): ApiResponse {
  return json(400, { error, ...(issues.length > 0 ? { issues } : {}), ...extra });
}

export const notFound = (what = 'no such route'): ApiResponse => json(404, { error: what });
