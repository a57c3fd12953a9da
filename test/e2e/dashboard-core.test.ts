/**
 * The dashboard without a browser: its URL scheme, that nothing in a URL reads outside the data dir
 * (raw requests, as a hostile client sends them), that it only reads, and that `mizan dashboard
 * --out` writes the same pages with links that resolve to its own files.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { main } from '../../src/cli/main.ts';
import { parseRoute } from '../../src/dashboard/routes.ts';
import { drawdowns, maxDrawdown } from '../../src/models/agents/portfolio-metrics.ts';
import { listTree } from './cli-support.ts';
import { expectLinksResolve } from '../support/static-site.ts';

/** A raw request: the path goes out exactly as written (fetch and browsers would normalise `..`). */
function raw(url: string, method: string, path: string): Promise<{ status: number; type: string; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
    });
    req.on('error', fail);
    req.end();
  });
}

const quietIo = (out: string[]) => ({ stdout: (t: string) => out.push(t), stderr: () => undefined, env: {} as NodeJS.ProcessEnv });

describe('dashboard routes', () => {
  it('maps each page, and a bad name to a 404 naming it', () => {
    expect(parseRoute('/')).toEqual({ page: 'models' });
    expect(parseRoute('/ui/models/lstm.html')).toEqual({ page: 'kind', kind: 'lstm' });
    expect(parseRoute('/ui/versions/ppo_lstm/v2022.12.30-3abdffbddebb.html')).toEqual({ page: 'version', kind: 'ppo_lstm', version: 'v2022.12.30-3abdffbddebb' });
    expect(parseRoute('/ui/runs/v2022.12.30-3abdffbddebb-retry2.html')).toEqual({ page: 'run', executionId: 'v2022.12.30-3abdffbddebb-retry2' });
    expect(parseRoute('/ui/models/gpt.html')).toMatchObject({ page: 'not-found', what: expect.stringMatching(/^model kind gpt/) });
    expect(parseRoute('/ui/versions/lstm/latest.html')).toEqual({ page: 'not-found', what: 'lstm version latest' });
    expect(parseRoute('/ui/runs/..%2F..%2Fetc%2Fpasswd.html')).toEqual({ page: 'not-found', what: 'execution ../../etc/passwd' });
    expect(parseRoute('/ui/assets/%E0%A4%A')).toMatchObject({ page: 'not-found' });
  });

  it('draws the drawdown with the definition of the stored eval_max_drawdown', () => {
    const equity = [1.02, 0.97, 1.05, 0.9, 0.95, 1.1, 0.99];
    expect(Math.max(...drawdowns(equity))).toBeCloseTo(maxDrawdown(equity), 12);
    expect(drawdowns([0.8])).toEqual([expect.closeTo(0.2, 12)]); // the initial capital 1 is a peak
  });
});

describe('the dashboard on the local server and as files', () => {
  let sandbox: string;
  let dataDir: string;
  let server: LocalServer;
  let version: string;

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-dashboard-'));
    dataDir = join(sandbox, 'data');
    await mkdir(join(sandbox, 'sibling'), { recursive: true });
    await writeFile(join(sandbox, 'sibling', 'canary.json'), '{"canary": "outside the data dir"}\n');
    await writeFile(join(sandbox, 'canary.html'), 'CANARY outside the data dir\n');
    const out: string[] = [];
    expect(await main(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir], quietIo(out))).toBe(0);
    version = JSON.parse(out.join('\n')).version;
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
  }, 300_000);
  afterAll(async () => server?.close());

  it('answers no URL with anything outside the data dir', async () => {
    const before = await listTree(sandbox);
    const hostile = [
      '/ui/assets/../../package.json',
      '/ui/assets/..%2F..%2F..%2Fpackage.json',
      '/ui/assets/%2e%2e%2f%2e%2e%2fdashboard.ts',
      '/ui/assets/dashboard.js/../../../package.json',
      '/ui/assets/%00',
      '/ui/runs/..%2F..%2Fsibling%2Fcanary.html',
      '/ui/runs/..%2Fcanary.html',
      '/ui/runs/%2e%2e.html',
      `/ui/runs/..%2Fregistry%2Flstm%2F${version}.html`,
      '/ui/versions/lstm/..%2F..%2F..%2Fsibling%2Fcanary.html',
      `/ui/versions/..%2F..%2Fsibling/${version}.html`,
      '/ui/models/..%2F..%2Fsibling%2Fcanary.html',
      '/ui/../../canary.html',
      '/ui/%2e%2e/%2e%2e/canary.html',
      '/ui/runs/../../../sibling/canary.json',
      '/ui/runs/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html',
      '/ui/models/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.html',
    ];
    for (const path of hostile) {
      const answer = await raw(server.url, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.type, path).toMatch(/^text\/html/);
      expect(answer.text, path).toMatch(/<p class="not-found">No /);
      expect(answer.text, path).not.toMatch(/outside the data dir|"name": "mizan"|import \{/);
      expect(answer.text, path).not.toContain(sandbox);
      expect(answer.text, path).not.toMatch(/<script>alert|<img src/); // a name is shown escaped
    }
    // Only GET and HEAD are the dashboard's: a POST goes to the API, which has no such route.
    const post = await raw(server.url, 'POST', '/');
    expect(post.status).toBe(404);
    expect(post.type).toMatch(/^application\/json/);
    const head = await raw(server.url, 'HEAD', '/');
    expect([head.status, head.text]).toEqual([200, '']);
    expect(await listTree(sandbox)).toEqual(before);
  });

  it('serves uPlot from node_modules and the pages read the same records as the API', async () => {
    const uplot = await raw(server.url, 'GET', '/ui/assets/uPlot.iife.min.js');
    expect(uplot.status).toBe(200);
    expect(uplot.text).toBe(await readFile(resolve('node_modules/uplot/dist/uPlot.iife.min.js'), 'utf8'));
    const page = await raw(server.url, 'GET', `/ui/versions/lstm/${version}.html`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<h1>lstm ${version}</h1>`);
    // Trained with --skip-snapshot: nothing was scored walk-forward, and the page says so rather than show a number.
    expect(page.text).toMatch(/<p class="walk-forward-missing">Walk-forward hit rate: not scored/);
    expect(page.text).not.toContain('class="walk-forward"');
    const models = JSON.parse((await raw(server.url, 'GET', '/models/lstm')).text);
    const index = await raw(server.url, 'GET', '/');
    expect(index.text).toContain(`class="current-version" href="ui/versions/lstm/${models.current}.html">${models.current}</a>`);
  });

  it('mizan dashboard --out writes every page, each link resolving to a written file', async () => {
    const outDir = join(sandbox, 'site');
    const out: string[] = [];

    const code = await main(['dashboard', '--out', outDir, '--data-dir', dataDir], quietIo(out));

    expect(code).toBe(0);
    expect(JSON.parse(out[0])).toMatchObject({ out: outDir, pages: 2 + 6 + 1 + 1 });
    const files = await expectLinksResolve(outDir);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'ui/runs.html', `ui/versions/lstm/${version}.html`, `ui/runs/${version}.html`, 'ui/assets/uPlot.iife.min.js']));
    for (const file of files.filter((f) => f.endsWith('.html'))) {
      expect(await readFile(join(outDir, file), 'utf8'), file).not.toContain('http-equiv="refresh"');
    }
    // The same page as the server's, but for the time it was read.
    const served = (await raw(server.url, 'GET', `/ui/versions/lstm/${version}.html`)).text;
    const written = await readFile(join(outDir, 'ui', 'versions', 'lstm', `${version}.html`), 'utf8');
    const body = (html: string) => html.replace(/<footer>[\s\S]*<\/footer>/, '');
    expect(body(written)).toBe(body(served));
  });

  it('mizan dashboard without --out, or with a data dir that is not there, is a usage error', async () => {
    const errors: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => errors.push(t), env: {} };
    expect(await main(['dashboard', '--data-dir', dataDir], io)).toBe(2);
    expect(errors.join('\n')).toContain('usage: mizan dashboard --out DIR');
    expect(await main(['dashboard', '--out', join(sandbox, 'site2'), '--data-dir', join(sandbox, 'no-such-dir')], io)).toBe(2);
    expect(errors.at(-1)).toBe(`mizan dashboard: no data dir at ${join(sandbox, 'no-such-dir')}`);
  });
});
