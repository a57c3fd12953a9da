/**
 * The dashboard beside the API on the local server: GET and HEAD of `/`, `/index.html` and `/ui/...`
 * are answered here; every other request goes to the API as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderDashboard } from './dashboard.ts';
import { isDashboardPath } from './routes.ts';
import type { DashboardSource } from './source.ts';

/** Answers the request when it is the dashboard's and returns true; false leaves it to the API. */
export async function serveDashboard(req: IncomingMessage, res: ServerResponse, path: string, source: DashboardSource): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  if ((method !== 'GET' && method !== 'HEAD') || !isDashboardPath(path)) return false;
  const response = await renderDashboard(path, source, { live: true });
  res.writeHead(response.status, {
    'content-type': response.type,
    // Pages show records that change as runs progress; assets are the installed files.
    'cache-control': response.type.startsWith('text/html') ? 'no-store' : 'max-age=300',
    'x-content-type-options': 'nosniff',
  });
  res.end(method === 'HEAD' ? undefined : response.body);
  return true;
}
