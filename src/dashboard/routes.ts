/**
 * The dashboard's URL scheme, the same for `mizan serve` and for the static files of
 * `mizan dashboard --out DIR`: every page is a `.html` path, and links between pages are relative,
 * so the pages work from a web server, a bucket or the file system alike.
 *
 *   /  and  /index.html                   Models: every kind, its current version, its versions
 *   /ui/models/{kind}.html                Models of one kind
 *   /ui/versions/{kind}/{version}.html    Version: curves, evaluation, promotion record
 *   /ui/runs.html                         Runs: every execution
 *   /ui/runs/{execution}.html             Run: timeline of states, error and cause
 *   /ui/assets/{file}                     uPlot (from node_modules) and the dashboard's CSS and JS
 *
 * A segment is decoded once and then checked against what a kind, version or execution id may be,
 * so nothing in a URL becomes a file path: the readers get names, never paths.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { isModelKind, MODEL_KINDS } from '../models/kinds.ts';
import { isVersion } from '../registry/version.ts';

export type Route =
  | { page: 'models' }
  | { page: 'kind'; kind: ModelKind }
  | { page: 'version'; kind: ModelKind; version: string }
  | { page: 'runs' }
  | { page: 'run'; executionId: string }
  | { page: 'asset'; name: string }
  /** A path the dashboard does not have, or a name that does not exist: a 404 page naming it. */
  | { page: 'not-found'; what: string };

/** Execution ids as the local store and Step Functions name them (the version, mostly). */
const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isExecutionId(value: string): boolean {
  return EXECUTION_ID.test(value) && !value.includes('..');
}

/** Whether the local server should hand this path to the dashboard rather than to the API. */
export function isDashboardPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path === '/ui' || path.startsWith('/ui/');
}

export function parseRoute(path: string): Route {
  if (path === '/' || path === '/index.html') return { page: 'models' };
  const raw = path.split('/').slice(1);
  let parts: string[];
  try {
    parts = raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return { page: 'not-found', what: `page ${path}` };
  }
  const [ui, section, a, b, ...rest] = parts;
  const html = (name: string | undefined) => (name !== undefined && name.endsWith('.html') ? name.slice(0, -'.html'.length) : undefined);
  if (ui !== 'ui' || rest.length > 0) return { page: 'not-found', what: `page ${path}` };

  if (section === 'runs.html' && a === undefined) return { page: 'runs' };
  if (section === 'assets' && a !== undefined && b === undefined) return { page: 'asset', name: a };
  if (section === 'models' && b === undefined) {
    const kind = html(a);
    if (kind === undefined) return { page: 'not-found', what: `page ${path}` };
    return isModelKind(kind) ? { page: 'kind', kind } : unknownKind(kind);
  }
  if (section === 'versions' && a !== undefined && b !== undefined) {
    const version = html(b);
    if (version === undefined) return { page: 'not-found', what: `page ${path}` };
    if (!isModelKind(a)) return unknownKind(a);
    return isVersion(version) ? { page: 'version', kind: a, version } : { page: 'not-found', what: `${a} version ${version}` };
  }
  if (section === 'runs' && a !== undefined && b === undefined) {
    const id = html(a);
    if (id === undefined) return { page: 'not-found', what: `page ${path}` };
    return isExecutionId(id) ? { page: 'run', executionId: id } : { page: 'not-found', what: `execution ${id}` };
  }
  return { page: 'not-found', what: `page ${path}` };
}

function unknownKind(kind: string): Route {
  return { page: 'not-found', what: `model kind ${kind} (the kinds are ${MODEL_KINDS.join(', ')})` };
}

/** Where each page lives, relative to the dashboard's root (no leading slash). */
export const href = {
  models: () => 'index.html',
  kind: (kind: ModelKind) => `ui/models/${kind}.html`,
  version: (kind: ModelKind, version: string) => `ui/versions/${kind}/${version}.html`,
  runs: () => 'ui/runs.html',
  run: (executionId: string) => `ui/runs/${executionId}.html`,
  asset: (name: string) => `ui/assets/${name}`,
};

/** The relative prefix from a page back to the root: `../../` for `ui/models/lstm.html`. */
export function rootFrom(pagePath: string): string {
  const depth = pagePath.replace(/^\/+/, '').split('/').length - 1;
  return '../'.repeat(depth);
}
