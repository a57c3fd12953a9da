/**
 * The request body, checked in this order: size, content type, JSON syntax, then the route's zod
 * schema (strict: an unknown key is an error). Every failure names what is wrong and where.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { badRequest, json, type ApiResponse, type BadRequestIssue } from './http.ts';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** Forecasters: `{"skip_snapshot": false}` (the key is optional). */
export const forecasterBodySchema = z.strictObject({ skip_snapshot: z.boolean().optional() });
/** Agents: `{"allow_final_model": true}` (optional key): without forecaster snapshots, read its final model. */
export const agentBodySchema = z.strictObject({ allow_final_model: z.boolean().optional() });

// `curl -d` sends application/x-www-form-urlencoded unless told otherwise: accepted, the body must still be JSON.
const ACCEPTED_TYPES = new Set(['application/json', 'application/x-www-form-urlencoded']);

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: ApiResponse };

export function parseBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>, maxBytes = DEFAULT_MAX_BODY_BYTES): Parsed<T> {
  const raw = event.body === undefined || event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    return { ok: false, response: json(413, { error: `request body is larger than ${maxBytes} bytes` }) };
  }
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (raw.trim() !== '' && contentType !== '' && !ACCEPTED_TYPES.has(contentType) && !contentType.endsWith('+json')) {
    return { ok: false, response: badRequest(`content type "${contentType.slice(0, 100)}" is not supported: send application/json`) };
  }
  let value: unknown = {};
  if (raw.trim() !== '') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return { ok: false, response: badRequest(`malformed JSON: ${(error as Error).message.slice(0, 200)}`) };
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error);
    return { ok: false, response: badRequest(`invalid request body: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`, issues) };
  }
  return { ok: true, value: result.data };
}

/** The zod issues as `{path, message}`, an unknown key named in the path. */
export function zodIssues(error: z.ZodError): BadRequestIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: `unknown key "${key.slice(0, 100)}"` }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}
