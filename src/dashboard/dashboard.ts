/**
 * One entry for every dashboard page: a URL path in, a response out (status, type, body). The local
 * server answers GET requests with it, and `mizan dashboard --out` writes the same bodies to files.
 * It only reads.
 */
import { MODEL_KINDS } from '../models/kinds.ts';
import { readAsset } from './assets.ts';
import { esc } from './html.ts';
import { page } from './layout.ts';
import { kindSection } from './models-page.ts';
import { readKind } from './read-kind.ts';
import { readRun, readRuns } from './read-runs.ts';
import { readVersion } from './read-version.ts';
import { parseRoute, rootFrom, href } from './routes.ts';
import { runBody, runsBody } from './runs-page.ts';
import type { DashboardSource } from './source.ts';
import { versionBody } from './version-page.ts';

export interface DashboardResponse {
  status: number;
  type: string;
  body: string | Uint8Array;
}

export interface RenderOptions {
  /** Live pages (the server) reload while a run is running; static files are a picture of one moment. */
  live: boolean;
  /** The time the page is rendered at (a running state's bar ends there). */
  now?: () => Date;
}

const HTML = 'text/html; charset=utf-8';

export async function renderDashboard(path: string, source: DashboardSource, options: RenderOptions): Promise<DashboardResponse> {
  const route = parseRoute(path);
  const now = (options.now ?? (() => new Date()))().toISOString();
  const root = rootFrom(path);
  // No file path on a page (as in the API's answers): the time the records were read is enough.
  const footer = `Read from the stored records at ${esc(now)}${options.live ? '' : ' (a static copy)'}.`;
  const ok = (title: string, body: string, extra: { section?: 'models' | 'runs'; refreshSeconds?: number } = {}): DashboardResponse => ({
    status: 200,
    type: HTML,
    body: page({ root, title, body, footer, ...extra }),
  });
  const notFound = (what: string): DashboardResponse => ({
    status: 404,
    type: HTML,
    body: page({ root, title: 'Not found', body: `<p class="not-found">No ${esc(what)}.</p><p><a href="${esc(root + href.models())}">Models</a> · <a href="${esc(root + href.runs())}">Runs</a></p>`, footer }),
  });

  switch (route.page) {
    case 'asset': {
      const asset = await readAsset(route.name);
      return asset ? { status: 200, type: asset.type, body: asset.body } : notFound(`file ${route.name}`);
    }
    case 'models': {
      const views = await Promise.all(MODEL_KINDS.map((kind) => readKind(kind, source)));
      return ok('Models', views.map((v) => kindSection(v, root)).join('\n'), { section: 'models' });
    }
    case 'kind':
      return ok(`Models: ${route.kind}`, kindSection(await readKind(route.kind, source), root), { section: 'models' });
    case 'version': {
      const view = await readVersion(route.kind, route.version, source);
      if (!view) return notFound(`${route.kind} version ${route.version}`);
      return ok(`${route.kind} ${route.version}`, versionBody(route.kind, view, root), { section: 'models', refreshSeconds: live(options, view.record.status) });
    }
    case 'runs': {
      const runs = await readRuns(source);
      const running = runs.some((r) => r.record.status === 'RUNNING') ? 'RUNNING' : '';
      return ok('Runs', runsBody(runs, root), { section: 'runs', refreshSeconds: live(options, running) });
    }
    case 'run': {
      const run = await readRun(route.executionId, source);
      if (!run) return notFound(`execution ${route.executionId}`);
      return ok(`Run ${route.executionId}`, runBody(run, root, now), { section: 'runs', refreshSeconds: live(options, run.record.status) });
    }
    case 'not-found':
      return notFound(route.what);
  }
}

function live(options: RenderOptions, status: string): number | undefined {
  return options.live && status === 'RUNNING' ? 5 : undefined;
}
