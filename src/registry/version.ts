import { createHash } from 'node:crypto';
import type { TrainingInputs } from '../models/training-plan.ts';

/** What a version string looks like: `v{YYYY.MM.DD}-{hex}`. Anything else is rejected before it reaches a path or a key. */
export const VERSION_PATTERN = /^v\d{4}\.\d{2}\.\d{2}-[0-9a-f]{6,64}$/;

export function isVersion(value: unknown): value is string {
  return typeof value === 'string' && VERSION_PATTERN.test(value);
}

export function assertVersion(value: unknown): asserts value is string {
  if (!isVersion(value)) {
    throw new Error(`invalid version ${JSON.stringify(value)}: expected v{YYYY.MM.DD}-{hex}, e.g. v2026.01.05-abc123def456`);
  }
}

/**
 * JSON with object keys sorted at every depth and no whitespace, so equal values always give
 * equal text (and equal hashes) whatever order their keys were written in.
 * Object keys holding `undefined` are dropped, as JSON.stringify does; anything JSON cannot
 * represent faithfully (NaN, Infinity, undefined in arrays, functions, Dates, Maps...) throws.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number ${value} at ${path}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => encode(item, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new Error(`canonicalJson: unsupported object (${proto?.constructor?.name ?? 'unknown'}) at ${path}`);
      }
      const record = value as Record<string, unknown>;
      const parts = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${encode(record[key], `${path}.${key}`)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new Error(`canonicalJson: unsupported ${typeof value} at ${path}`);
  }
}

/** `v{YYYY.MM.DD of window.end}-{first 12 hex of sha256(canonicalJson(inputs))}`: same inputs, same version. */
export function computeVersion(inputs: TrainingInputs): string {
  const end = inputs.window?.end;
  if (typeof end !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(end)) {
    throw new Error(`computeVersion: window.end must be YYYY-MM-DD, got ${JSON.stringify(end)}`);
  }
  const hash = createHash('sha256').update(canonicalJson(inputs)).digest('hex').slice(0, 12);
  return `v${end.replaceAll('-', '.')}-${hash}`;
}
